"""A run with a point in time launches each server from its latest recovery snapshot at or before it."""

from collections.abc import Callable
from datetime import datetime, timedelta

from tests.integration.engine.harness import ACCOUNT, REGION, Engine, fleet, server_id

NO_SNAPSHOTS = 2


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _expected_snapshots(engine: Engine, at: datetime) -> dict[str, tuple[str, datetime]]:
    """What the simulator holds: per server, its latest snapshot taken at or before ``at``."""
    part = engine.drs.simulator.partition(ACCOUNT, REGION)
    expected = {}
    for sid, server in part.servers.items():
        taken = [s for s in server.snapshots if s.taken <= at]
        if taken:
            latest = max(taken, key=lambda s: s.taken)
            expected[sid] = (latest.snapshot_id, latest.taken)
    return expected


def _engine(engine_factory: Callable[..., Engine]) -> tuple[Engine, str]:
    servers = fleet(3)
    servers[NO_SNAPSHOTS].snapshot_history = 0
    engine = engine_factory(servers=servers)
    group = engine.group("g", [server_id(n) for n in range(3)])
    plan = engine.plan(
        [
            {
                "id": "app",
                "name": "App",
                "protectionGroupIds": [group],
                "optionalServerIds": [server_id(NO_SNAPSHOTS)],
                "healthCheck": None,
            }
        ]
    )
    return engine, plan


def test_drill_launches_every_server_from_its_snapshot_at_or_before_the_point_in_time(
    engine_factory: Callable[..., Engine],
) -> None:
    # Given servers with six snapshots ten minutes apart, and one with none
    engine, plan = _engine(engine_factory)
    point_in_time = (engine.drs.simulator.now - timedelta(minutes=25)).replace(microsecond=0)
    expected = _expected_snapshots(engine, point_in_time)
    assert set(expected) == {server_id(0), server_id(1)}
    part = engine.drs.simulator.partition(ACCOUNT, REGION)
    newest = {sid: max(s.taken for s in srv.snapshots) for sid, srv in part.servers.items() if srv.snapshots}
    assert all(expected[sid][1] < newest[sid] for sid in expected)  # not simply the latest

    # When a drill is started for that point in time
    response = engine.api.post(
        "/executions", {"planId": plan, "mode": "DRILL", "pointInTime": _iso(point_in_time)}, as_="Operator"
    )
    assert response.status == 202, response.text
    execution = engine.finish(str(response.json["executionId"]))

    # Then each server with a snapshot launched from it, and DRS launched its instance from it
    assert execution["pointInTime"] == _iso(point_in_time)
    assert execution["status"] == "PARTIAL"
    servers = {s["sourceServerId"]: s for s in execution["waves"][0]["servers"]}
    for sid, (snapshot_id, taken) in expected.items():
        assert servers[sid]["launchStatus"] == "LAUNCHED"
        assert servers[sid]["recoverySnapshotId"] == snapshot_id
        assert _parse(servers[sid]["snapshotTakenAt"]) == taken
    instances = engine.drs.simulator.partition(ACCOUNT, REGION).instances.values()
    launched_from = {i.source_server_id: i.recovery_snapshot_id for i in instances}
    assert launched_from == {sid: snapshot_id for sid, (snapshot_id, _) in expected.items()}

    # And the server with no snapshot that old failed to start, named, without a DRS launch
    missing = servers[server_id(NO_SNAPSHOTS)]
    assert missing["launchStatus"] == "FAILED"
    assert missing["error"] == f"no recovery snapshot taken at or before {_iso(point_in_time)}"
    assert missing["jobId"] is None
    failures = [e for e in engine.timeline(execution["id"]) if e.type == "SERVER_FAILED"]
    assert [e.source_server_id for e in failures] == [server_id(NO_SNAPSHOTS)]
