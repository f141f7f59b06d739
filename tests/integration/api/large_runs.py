"""Runs of thousands of servers for the at-scale API tests: a drill ended by playing the engine, its
servers written straight through the repository (launching them would be slow), each with a long
health-gate output; and the API handler measured as API Gateway would see it."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from drs_orchestration.adapters.runner.in_memory_execution_runner import InMemoryExecutionRunner
from drs_orchestration.adapters.system_clock import SystemClock
from drs_orchestration.composition.api import api_parts
from drs_orchestration.composition.product import Product
from drs_orchestration.config.settings import Settings
from drs_orchestration.domain.models.drs import LaunchStatus
from drs_orchestration.domain.models.execution import ExecutionStatus, HealthStatus, ServerState
from tests.integration.api.client import Api
from tests.integration.api.conftest import HOME_ACCOUNT, REGION, server_id

OUTPUT = 'Service "nginx" active, port 443 open\n' + "disk ok; " * 220
"""About 2,000 characters, quotes and newlines."""


class Measured:
    """The API handler, keeping the size of each proxy response it returns to API Gateway."""

    def __init__(self, handler: Callable[[dict[str, Any], Any], dict[str, Any]]) -> None:
        self.handler = handler
        self.sizes: list[int] = []

    def __call__(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        result = self.handler(event, context)
        self.sizes.append(len(json.dumps(result).encode()))
        return result


def product_with_bucket(monkeypatch: pytest.MonkeyPatch, variable: str, bucket: str) -> Product:
    """The product with a bucket (moto S3) named in ``variable``, as the template configures the API."""
    boto3.client("s3", region_name=REGION).create_bucket(Bucket=bucket)
    monkeypatch.setenv(variable, bucket)
    return Product(Settings(), SystemClock(), runner=InMemoryExecutionRunner)


def succeeded_drill(
    api: Api,
    product: Product,
    servers: int,
    *,
    launched_before: timedelta = timedelta(0),
    with_jobs: bool = False,
) -> str:
    """A SUCCEEDED drill of one wave of ``servers`` servers, each launched ``launched_before`` it became
    healthy (in DRS jobs of 100 when ``with_jobs``)."""
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
    states = [
        ServerState(
            execution_id=execution_id,
            wave_id="web",
            source_server_id=server_id(n),
            launch_status=LaunchStatus.LAUNCHED,
            health=HealthStatus.HEALTHY,
            job_id=f"drsjob-{n // 100:017x}" if with_jobs else None,
            recovery_instance_id=f"i-{n:017x}",
            launched_at=now - launched_before,
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
        for n in range(servers)
    ]
    runner = api_parts(product).services.runner
    assert isinstance(runner, InMemoryExecutionRunner)
    runner.advance(execution_id, ExecutionStatus.SUCCEEDED, at=now, servers=states)
    return execution_id
