"""An execution's API view is assembled from its small items."""

from __future__ import annotations

from datetime import timedelta

import pytest

from drs_orchestration.domain.execution_summary import assemble_execution
from drs_orchestration.domain.models.drs import LaunchStatus
from drs_orchestration.domain.models.execution import ExecutionStatus, ServerState, WaveState, WaveStatus
from tests.unit.domain.builders import T0, header, plan, server_id, wave


def _launched(n: int, wave_id: str, *, minutes: int) -> ServerState:
    return ServerState(
        execution_id="ex-1",
        wave_id=wave_id,
        source_server_id=server_id(n),
        job_id=f"drsjob-{wave_id}",
        launch_status=LaunchStatus.LAUNCHED,
        launched_at=T0 + timedelta(minutes=minutes),
    )


def test_summary_orders_waves_and_servers_and_measures_rto() -> None:
    # Given a running execution of a two-wave plan (db without a health gate) whose items arrive in any order
    snapshot = plan(
        wave("db", health_check=None), wave("app", "db", health_check={"document_name": "DRS-HealthCheck"})
    )
    head = header("ex-1", snapshot, status=ExecutionStatus.RUNNING, started_at=T0)
    waves = [
        WaveState(execution_id="ex-1", wave_id="app", name="App", position=1, status=WaveStatus.HEALTH_CHECK),
        WaveState(execution_id="ex-1", wave_id="db", name="Db", position=0, status=WaveStatus.COMPLETED),
    ]
    servers = [_launched(3, "app", minutes=20), _launched(2, "db", minutes=9), _launched(1, "db", minutes=8)]
    # When the summary is assembled
    summary = assemble_execution(head, waves, servers, now=T0 + timedelta(minutes=30))
    document = summary.to_json()
    # Then waves follow the plan, servers are sorted, and RTO waits for app's health check
    assert [w["id"] for w in document["waves"]] == ["db", "app"]
    assert [s["sourceServerId"] for s in document["waves"][0]["servers"]] == [server_id(1), server_id(2)]
    assert document["waves"][0]["servers"][0]["jobId"] == "drsjob-db"
    assert document["rto"]["measuredSeconds"] is None
    assert document["rto"]["elapsedSeconds"] == 1800
    assert document["rto"]["recoveredCriticalServers"] == 2


def test_summary_refuses_items_of_another_execution() -> None:
    stray = WaveState(execution_id="ex-2", wave_id="db", name="Db", position=0)
    with pytest.raises(ValueError, match="another execution"):
        assemble_execution(header("ex-1"), [stray], [])
