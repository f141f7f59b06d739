"""GET /executions/{id}/evidence: the finished run's pack, kept in the evidence bucket (moto S3), its
digest in the response header and in the audit trail, the same pack on every later request."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime, timedelta

import boto3
import pytest
import requests

from drs_orchestration.adapters.runner.in_memory_execution_runner import InMemoryExecutionRunner
from drs_orchestration.adapters.system_clock import SystemClock
from drs_orchestration.composition.api import api_parts
from drs_orchestration.composition.product import Product
from drs_orchestration.config.settings import Settings
from drs_orchestration.domain.models.drs import LaunchStatus
from drs_orchestration.domain.models.execution import (
    ExecutionHeader,
    ExecutionStatus,
    HealthStatus,
    ServerState,
    WaveState,
    WaveStatus,
)
from tests.integration.api.client import API_HANDLER, Api
from tests.integration.api.conftest import HOME_ACCOUNT, REGION, server_id

BUCKET = "test-evidence"
HOSTILE = '<script>alert("x")</script><img src="https://evil.example/x.png">'


@pytest.fixture
def evidence_product(product: Product, monkeypatch: pytest.MonkeyPatch) -> Product:
    """The product with a versioned evidence bucket (moto S3), as the template configures the API."""
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket=BUCKET)
    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    monkeypatch.setenv("EVIDENCE_BUCKET", BUCKET)
    return Product(Settings(), SystemClock(), runner=InMemoryExecutionRunner)


def _runner(product: Product) -> InMemoryExecutionRunner:
    runner = api_parts(product).services.runner
    assert isinstance(runner, InMemoryExecutionRunner)
    return runner


def _plan(api: Api) -> str:
    groups = [
        api.post(
            "/protection-groups",
            {
                "name": f"g-{n}",
                "accountId": HOME_ACCOUNT,
                "region": REGION,
                "sourceServerIds": [server_id(n)],
            },
        ).json["id"]
        for n in (0, 1)
    ]
    plan = api.post(
        "/recovery-plans",
        {
            "name": "shop-dr",
            "rtoTargetMinutes": 60,
            "drillTtlHours": 8,
            "waves": [
                {"id": "db", "name": "Databases", "protectionGroupIds": [groups[0]]},
                {
                    "id": "web",
                    "name": "Web",
                    "protectionGroupIds": [groups[1]],
                    "dependsOn": [{"waveId": "db", "condition": "HEALTHY"}],
                    "pauseBefore": True,
                },
            ],
        },
    )
    assert plan.status == 201, plan.text
    return str(plan.json["id"])


def _started(api: Api, plan_id: str) -> str:
    started = api.post("/executions", {"planId": plan_id, "mode": "DRILL"}, as_="Operator")
    assert started.status == 202, started.text
    return str(started.json["executionId"])


def _finished_drill(api: Api, product: Product) -> str:
    """A drill started, paused, resumed and approved by operators, then ended by playing the engine."""
    runner = _runner(product)
    execution_id = _started(api, _plan(api))
    start = datetime.now(UTC) - timedelta(minutes=30)
    runner.advance(execution_id, ExecutionStatus.RUNNING, at=start)
    assert api.post(f"/executions/{execution_id}/pause", as_="Operator").status == 202
    runner.advance(execution_id, ExecutionStatus.PAUSED, at=start)
    assert api.post(f"/executions/{execution_id}/resume", as_="Operator").status == 202
    runner.advance(execution_id, ExecutionStatus.WAITING_APPROVAL, at=start)
    assert api.post(f"/executions/{execution_id}/waves/web/approve", as_="Operator").status == 202
    end = start + timedelta(minutes=20)
    waves = [
        WaveState(
            execution_id=execution_id,
            wave_id=wave_id,
            name=name,
            position=position,
            status=WaveStatus.COMPLETED,
            started_at=start + timedelta(minutes=10 * position),
            ended_at=start + timedelta(minutes=10 * position + 9),
            version=wave.version,
        )
        for position, (wave_id, name) in enumerate((("db", "Databases"), ("web", "Web")))
        for wave in [product_wave(product, execution_id, wave_id)]
    ]
    servers = [
        ServerState(
            execution_id=execution_id,
            wave_id=wave_id,
            source_server_id=server_id(n),
            launch_status=LaunchStatus.LAUNCHED,
            health=HealthStatus.HEALTHY,
            job_id=f"drsjob-{n:017x}",
            recovery_instance_id=f"i-{n:017x}",
            launched_at=end - timedelta(minutes=2),
            healthy_at=end,
            account_id=HOME_ACCOUNT,
            region=REGION,
            health_evidence={"documentName": "health", "status": "Success", "output": HOSTILE},
        )
        for n, wave_id in ((0, "db"), (1, "web"))
    ]
    runner.advance(execution_id, ExecutionStatus.SUCCEEDED, at=end, waves=waves, servers=servers)
    return execution_id


def product_wave(product: Product, execution_id: str, wave_id: str) -> WaveState:
    waves = api_parts(product).services.executions.get_waves(execution_id)
    return next(wave for wave in waves if wave.wave_id == wave_id)


def _produced(api: Api, execution_id: str) -> list[dict[str, object]]:
    records = api.get("/audit", query={"limit": "100"}, as_="Viewer").json["items"]
    return [r for r in records if r["action"] == "ProduceEvidencePack" and r["resourceId"] == execution_id]


def test_finished_drill_pack_is_html_whose_digest_is_in_the_header_and_the_audit_trail(
    evidence_product: Product,
) -> None:
    api = Api(evidence_product.handler(API_HANDLER))
    execution_id = _finished_drill(api, evidence_product)

    # When a viewer asks for the pack
    first = api.get(f"/executions/{execution_id}/evidence", as_="Viewer")

    # Then it is HTML whose SHA-256 is the header's, and the audit trail names the same digest
    assert first.status == 200, first.text[:500]
    assert first.headers["content-type"].startswith("text/html")
    digest = hashlib.sha256(first.text.encode()).hexdigest()
    assert first.headers["x-content-sha256"] == digest
    produced = _produced(api, execution_id)
    assert len(produced) == 1
    assert produced[0]["details"]["sha256"] == digest  # type: ignore[index]
    assert produced[0]["actor"] == "alice@example.com"

    # And it holds who acted, the DRS jobs and the escaped health-gate output, and nothing active
    body = first.text
    for evidence in ("PAUSE_REQUESTED", "RESUME_REQUESTED", "ApproveWave", "StartExecution", "drsjob-"):
        assert evidence in body
    assert "<script" not in body.lower()
    assert "&lt;script&gt;" in body
    assert not re.search(r"""(src|href)\s*=\s*["']?https?:""", body, re.IGNORECASE)
    assert "still running when this pack was produced" in body

    # When it is asked for again
    again = api.get(f"/executions/{execution_id}/evidence", as_="Viewer")

    # Then the stored pack is served: same bytes, same digest, no second audit record
    assert again.status == 200
    assert again.headers["x-content-sha256"] == digest
    assert again.text == body
    assert len(_produced(api, execution_id)) == 1
    stored = boto3.client("s3", region_name=REGION).list_object_versions(Bucket=BUCKET)
    assert [v["Key"] for v in stored["Versions"]] == [f"evidence/{execution_id}/before-cleanup.html"]


def test_link_to_the_pack_downloads_the_same_bytes_as_the_inline_answer(evidence_product: Product) -> None:
    api = Api(evidence_product.handler(API_HANDLER))
    execution_id = _finished_drill(api, evidence_product)
    inline = api.get(f"/executions/{execution_id}/evidence", as_="Viewer")

    linked = api.get(f"/executions/{execution_id}/evidence", query={"link": "true"}, as_="Viewer")

    assert linked.status == 200, linked.text
    assert linked.json["sha256"] == inline.headers["x-content-sha256"]
    assert linked.json["fileName"] == f"evidence-shop-dr-{execution_id}.html"
    download = requests.get(linked.json["url"], timeout=30)
    assert download.status_code == 200
    assert hashlib.sha256(download.content).hexdigest() == linked.json["sha256"]


def test_terminated_drill_instances_give_a_final_pack_with_its_own_audited_digest(
    evidence_product: Product,
) -> None:
    api = Api(evidence_product.handler(API_HANDLER))
    execution_id = _finished_drill(api, evidence_product)
    before = api.get(f"/executions/{execution_id}/evidence", as_="Viewer")
    executions = api_parts(evidence_product).services.executions
    header: ExecutionHeader = executions.get_header(execution_id)
    terminated_at = datetime.now(UTC)
    executions.update_header(
        header.model_copy(update={"instances_terminated_at": terminated_at}), header.version
    )

    final = api.get(f"/executions/{execution_id}/evidence", as_="Viewer")

    assert final.status == 200
    assert final.headers["x-content-sha256"] != before.headers["x-content-sha256"]
    assert "recovery instances were terminated at" in final.text
    digests = {r["details"]["sha256"] for r in _produced(api, execution_id)}  # type: ignore[index]
    assert digests == {before.headers["x-content-sha256"], final.headers["x-content-sha256"]}


def test_pack_of_a_running_run_is_409_naming_its_status(evidence_product: Product) -> None:
    api = Api(evidence_product.handler(API_HANDLER))
    execution_id = _started(api, _plan(api))
    _runner(evidence_product).advance(execution_id, ExecutionStatus.RUNNING, at=datetime.now(UTC))

    response = api.get(f"/executions/{execution_id}/evidence", as_="Viewer")

    assert response.status == 409
    assert "RUNNING" in response.json["error"]["message"]
    assert _produced(api, execution_id) == []


def test_pack_of_an_unknown_run_is_404(evidence_product: Product) -> None:
    api = Api(evidence_product.handler(API_HANDLER))

    response = api.get("/executions/ex-missing/evidence", as_="Viewer")

    assert response.status == 404
    assert response.error_code == "NOT_FOUND"


def test_pack_needs_a_signed_in_user_of_a_group(evidence_product: Product) -> None:
    api = Api(evidence_product.handler(API_HANDLER))
    execution_id = _finished_drill(api, evidence_product)

    assert api.get(f"/executions/{execution_id}/evidence", anonymous=True).status == 401
    assert api.get(f"/executions/{execution_id}/evidence", as_="Nobody").status == 403


def test_pack_is_503_when_the_deployment_keeps_no_evidence(api: Api, product: Product) -> None:
    execution_id = _finished_drill(api, product)

    response = api.get(f"/executions/{execution_id}/evidence", as_="Viewer")

    assert response.status == 503
    assert response.error_code == "EVIDENCE_STORAGE_UNAVAILABLE"


def test_bad_link_flag_is_400_naming_it(evidence_product: Product) -> None:
    api = Api(evidence_product.handler(API_HANDLER))
    execution_id = _finished_drill(api, evidence_product)

    response = api.get(f"/executions/{execution_id}/evidence", query={"link": "perhaps"}, as_="Viewer")

    assert response.status == 400, response.text
    assert response.field_names == ["link"]
    assert _produced(api, execution_id) == []
