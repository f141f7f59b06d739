"""The evidence pack of a 4,000-server run (the most a plan holds), each server with long health-gate
outputs: answered through a link, since it passes what a response may carry, in a response far under
Lambda's 6 MB; the link serves the pack whose digest the header and the audit trail name.

Time is not asserted here: reading the run's 4,000 server items (about 16 MB) takes moto's DynamoDB
most of 20 s on a shared test machine, where DynamoDB returns them in a few 1 MB pages; the renderer,
what the product adds to those reads, is timed in the unit tests."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
import requests

from drs_orchestration.adapters.runner.in_memory_execution_runner import InMemoryExecutionRunner
from drs_orchestration.adapters.system_clock import SystemClock
from drs_orchestration.composition.api import api_parts
from drs_orchestration.composition.product import Product
from drs_orchestration.config.settings import Settings
from drs_orchestration.domain.models.drs import LaunchStatus
from drs_orchestration.domain.models.execution import ExecutionStatus, HealthStatus, ServerState
from tests.integration.api.client import API_HANDLER, Api
from tests.integration.api.conftest import HOME_ACCOUNT, REGION, server_id

BUCKET = "test-evidence-scale"
SERVERS = 4000
OUTPUT = 'Service "nginx" active, port 443 open\n' + "disk ok; " * 220


class Measured:
    """The API handler, keeping the size of each proxy response it returns to API Gateway."""

    def __init__(self, handler: Callable[[dict[str, Any], Any], dict[str, Any]]) -> None:
        self.handler = handler
        self.sizes: list[int] = []

    def __call__(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        result = self.handler(event, context)
        self.sizes.append(len(json.dumps(result).encode()))
        return result


@pytest.fixture
def evidence_product(product: Product, monkeypatch: pytest.MonkeyPatch) -> Product:
    boto3.client("s3", region_name=REGION).create_bucket(Bucket=BUCKET)
    monkeypatch.setenv("EVIDENCE_BUCKET", BUCKET)
    return Product(Settings(), SystemClock(), runner=InMemoryExecutionRunner)


def _large_drill(api: Api, product: Product) -> str:
    group = api.post(
        "/protection-groups",
        {"name": "g-big", "accountId": HOME_ACCOUNT, "region": REGION, "sourceServerIds": [server_id(0)]},
    ).json
    plan = api.post(
        "/recovery-plans",
        {
            "name": "big-dr",
            "rtoTargetMinutes": 60,
            "waves": [{"id": "web", "name": "Web", "protectionGroupIds": [group["id"]]}],
        },
    ).json
    execution_id: str = api.post("/executions", {"planId": plan["id"], "mode": "DRILL"}).json["executionId"]
    now = datetime.now(UTC)
    servers = [
        ServerState(
            execution_id=execution_id,
            wave_id="web",
            source_server_id=server_id(n),
            launch_status=LaunchStatus.LAUNCHED,
            health=HealthStatus.HEALTHY,
            job_id=f"drsjob-{n // 100:017x}",
            recovery_instance_id=f"i-{n:017x}",
            launched_at=now - timedelta(minutes=5),
            healthy_at=now,
            account_id=HOME_ACCOUNT,
            region=REGION,
            health_evidence={
                "documentName": "health",
                "status": "Success",
                "output": OUTPUT,
                "stderr": OUTPUT,
            },
        )
        for n in range(SERVERS)
    ]
    runner = api_parts(product).services.runner
    assert isinstance(runner, InMemoryExecutionRunner)
    runner.advance(execution_id, ExecutionStatus.SUCCEEDED, at=now, servers=servers)
    return execution_id


def test_pack_of_4000_servers_with_long_outputs_is_answered_through_a_link_to_the_whole_pack(
    evidence_product: Product,
) -> None:
    measured = Measured(evidence_product.handler(API_HANDLER))
    api = Api(measured)
    execution_id = _large_drill(api, evidence_product)
    measured.sizes.clear()

    answer = api.get(f"/executions/{execution_id}/evidence", as_="Viewer")

    assert answer.status == 303, answer.text[:300]
    assert measured.sizes[-1] < 10_000
    digest = answer.headers["x-content-sha256"]
    assert answer.json["sha256"] == digest
    assert answer.headers["location"] == answer.json["url"]
    download = requests.get(answer.json["url"], timeout=60)
    assert download.status_code == 200
    assert hashlib.sha256(download.content).hexdigest() == digest
    html = download.text
    assert html.count("drsjob-") >= SERVERS
    assert server_id(SERVERS - 1) in html
    audit = api.get("/audit", query={"limit": "100"}, as_="Viewer").json["items"]
    assert [r["details"]["sha256"] for r in audit if r["action"] == "ProduceEvidencePack"] == [digest]
