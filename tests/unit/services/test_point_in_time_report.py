"""The report of a point-in-time run: the instant, and each server's snapshot, in JSON and CSV."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

from drs_orchestration.domain.models.drs import LaunchStatus
from drs_orchestration.domain.models.execution import ServerState, WaveState
from drs_orchestration.domain.services.context import Services
from drs_orchestration.domain.services.execution_reports import execution_report, full_report, report_csv
from tests.unit.domain.builders import T0, header, plan, server_id, wave
from tests.unit.services.test_execution_reports import REQUEST, _services

EXECUTION = "ex-pit"
POINT_IN_TIME = T0 - timedelta(hours=3)
TAKEN = POINT_IN_TIME - timedelta(minutes=7)


def _run(point_in_time: datetime | None = POINT_IN_TIME) -> Services:
    services = _services()
    recovery_plan = plan(wave("db"))
    launched = ServerState(
        execution_id=EXECUTION,
        wave_id="db",
        source_server_id=server_id(1),
        launch_status=LaunchStatus.LAUNCHED,
        launched_at=T0,
        recovery_snapshot_id="pit-00000000000000001",
        snapshot_taken_at=TAKEN,
    )
    missing = ServerState(
        execution_id=EXECUTION,
        wave_id="db",
        source_server_id=server_id(2),
        launch_status=LaunchStatus.FAILED,
        error="no recovery snapshot taken at or before 2026-01-01T09:00:00Z",
    )
    services.executions.create(
        header(EXECUTION, recovery_plan, started_at=T0, point_in_time=point_in_time),
        [WaveState(execution_id=EXECUTION, wave_id="db", name="Db", position=0)],
        [launched, missing],
    )
    return services


def test_json_report_shows_the_point_in_time_and_each_servers_snapshot() -> None:
    report = execution_report(_run(), EXECUTION, REQUEST).to_json()

    assert report["execution"]["pointInTime"] == "2026-01-01T09:00:00Z"
    rows = {row["sourceServerId"]: row for row in report["servers"]}
    assert rows[server_id(1)]["recoverySnapshotId"] == "pit-00000000000000001"
    assert rows[server_id(1)]["snapshotTakenAt"] == "2026-01-01T08:53:00Z"
    assert rows[server_id(1)]["pointInTime"] == "2026-01-01T09:00:00Z"
    assert rows[server_id(2)]["recoverySnapshotId"] is None


def test_csv_has_the_point_in_time_and_snapshot_columns_on_every_row() -> None:
    text = report_csv(full_report(_run(), EXECUTION, REQUEST))

    rows = {row["sourceServerId"]: row for row in csv.DictReader(io.StringIO(text))}
    assert (
        rows[server_id(1)]["pointInTime"],
        rows[server_id(1)]["recoverySnapshotId"],
        rows[server_id(1)]["snapshotTakenAt"],
    ) == ("2026-01-01T09:00:00Z", "pit-00000000000000001", "2026-01-01T08:53:00Z")
    assert (rows[server_id(2)]["pointInTime"], rows[server_id(2)]["recoverySnapshotId"]) == (
        "2026-01-01T09:00:00Z",
        "",
    )


def test_a_run_from_the_latest_data_leaves_the_point_in_time_columns_empty() -> None:
    text = report_csv(full_report(_run(point_in_time=None), EXECUTION, REQUEST))

    rows = list(csv.DictReader(io.StringIO(text)))
    assert {row["pointInTime"] for row in rows} == {""}
