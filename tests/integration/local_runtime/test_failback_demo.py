"""Local mode's demo route ``POST /local/executions/{id}/connect-failback-clients``: behind the API's
token check, Admin only, it pairs a failback client with every on-premises recovery instance of a
recovery run in the DRS simulator, and says it is local mode only."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from drs_local.mode.failback_demo import LOCAL_ONLY_NOTE, FailbackDemo
from drs_local.mode.front import FrontServer, bind
from drs_orchestration.adapters.memory.repositories import InMemoryExecutionRepository
from drs_orchestration.adapters.system_clock import SystemClock
from drs_orchestration.domain.models.drs import LaunchStatus
from drs_orchestration.domain.models.execution import (
    ExecutionHeader,
    ExecutionMode,
    ExecutionStatus,
    ServerState,
    WaveState,
)
from drs_orchestration.domain.models.recovery_plan import RecoveryPlan
from drs_simulator.testing import SimulatorHandle, simulator_server
from tests.e2e.components import signing
from tests.e2e.local_mode import Response, http

ACCOUNT, REGION = "111122223333", "us-east-1"
RECOVERED = ("shop-app-01", "crm-web-01", "shop-web-02")  # shop-web-02 comes from EC2 (us-west-2)


@pytest.fixture
def sim() -> Iterator[SimulatorHandle]:
    with simulator_server(fleet="demo") as handle:
        yield handle


def _run(
    executions: InMemoryExecutionRepository, execution_id: str, mode: ExecutionMode, instances: dict[str, str]
) -> None:
    now = datetime.now(UTC)
    plan = RecoveryPlan.model_validate(
        {
            "id": "rp-demo",
            "name": "demo",
            "rtoTargetMinutes": 60,
            "waves": [{"id": "w", "name": "W", "protectionGroupIds": ["pg-demo"]}],
            "createdAt": now,
            "createdBy": "t",
            "updatedAt": now,
            "updatedBy": "t",
        }
    )
    header = ExecutionHeader(
        id=execution_id,
        plan_id="rp-demo",
        plan_version=1,
        plan_name="demo",
        mode=mode,
        status=ExecutionStatus.SUCCEEDED,
        created_at=now,
        started_by="t",
        plan_snapshot=plan,
    )
    servers = [
        ServerState(
            execution_id=execution_id,
            wave_id="w",
            source_server_id=server_id,
            account_id=ACCOUNT,
            region=REGION,
            launch_status=LaunchStatus.LAUNCHED,
            recovery_instance_id=instance_id,
        )
        for server_id, instance_id in instances.items()
    ]
    executions.create(
        header, [WaveState(execution_id=execution_id, wave_id="w", name="W", position=0)], servers
    )


@pytest.fixture
def demo(sim: SimulatorHandle, tmp_path: Path) -> Iterator[tuple[FrontServer, dict[str, str]]]:
    """The front with the demo route, and a stored RECOVERY run of three recovered servers."""
    drs = sim.drs_client(max_attempts=1)
    ids = {
        s["sourceProperties"]["identificationHints"]["hostname"]: s["sourceServerID"]
        for s in drs.describe_source_servers()["items"]
    }
    drs.start_recovery(sourceServers=[{"sourceServerID": ids[name]} for name in RECOVERED], isDrill=False)
    sim.simulator.clock.advance(3600)
    instances = {
        i["sourceServerID"]: i["recoveryInstanceID"] for i in drs.describe_recovery_instances()["items"]
    }
    executions = InMemoryExecutionRepository()
    _run(executions, "ex-recovery", ExecutionMode.RECOVERY, instances)
    _run(executions, "ex-drill", ExecutionMode.DRILL, instances)
    server = bind("127.0.0.1", 0)
    server.api_handler = lambda event, context: {"statusCode": 500}
    server.verify = signing.verifier().claims
    server.console_dir = tmp_path
    server.config = {}
    server.cors = {"AllowOrigin": server.origin}
    server.context_factory = lambda: None
    server.api_lock = threading.Lock()
    server.clock = SystemClock()
    server.local_handler = FailbackDemo(executions, sim.simulator).handle
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server, {name: instances[ids[name]] for name in RECOVERED}
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def _connect(server: FrontServer, execution_id: str, groups: list[str] | None = None) -> Response:
    token = signing.token(**{"cognito:groups": groups or ["Admin"]})
    return http(
        "POST", f"{server.origin}/local/executions/{execution_id}/connect-failback-clients", token=token
    )


def test_the_demo_route_connects_the_failback_client_of_each_on_premises_instance(
    demo: tuple[FrontServer, dict[str, str]], sim: SimulatorHandle
) -> None:
    server, instances = demo
    response = _connect(server, "ex-recovery")
    assert response.status == 200
    body = response.body
    assert (body["localModeOnly"], body["message"]) == (True, LOCAL_ONLY_NOTE)
    by_instance = {item["recoveryInstanceId"]: item["status"] for item in body["items"]}
    assert by_instance == {
        instances["shop-app-01"]: "CONNECTED",
        instances["crm-web-01"]: "CONNECTED",
        instances["shop-web-02"]: "SKIPPED",
    }
    drs = sim.drs_client(max_attempts=1)
    states = {
        i["recoveryInstanceID"]: i["failback"]["state"] for i in drs.describe_recovery_instances()["items"]
    }
    assert states[instances["shop-app-01"]] == "FAILBACK_IN_PROGRESS"
    assert states[instances["shop-web-02"]] == "FAILBACK_NOT_STARTED"
    again = _connect(server, "ex-recovery").body
    assert {item["status"] for item in again["items"]} == {"ALREADY_CONNECTED", "SKIPPED"}


def test_the_demo_route_is_for_admins_with_a_token_and_a_recovery_run(
    demo: tuple[FrontServer, dict[str, str]],
) -> None:
    server, _ = demo
    assert _connect(server, "ex-recovery", ["Operator"]).status == 403
    anonymous = http("POST", f"{server.origin}/local/executions/ex-recovery/connect-failback-clients")
    assert anonymous.status == 401
    assert _connect(server, "ex-missing").status == 404
    drill = _connect(server, "ex-drill")
    assert drill.status == 409
    assert "only a recovery" in drill.body["error"]["message"]
