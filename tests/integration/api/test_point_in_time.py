"""Point in time through the API: starting a run for an instant, the snapshots a plan would launch
from, and the readiness check at that instant (real handler, DRS simulator on the real clock)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from drs_simulator.fleet import ServerFixture
from drs_simulator.testing import SimulatorHandle, simulator_server
from tests.integration.api.client import Api
from tests.integration.api.conftest import HOME_ACCOUNT, REGION, server_id

NO_SNAPSHOTS = 3


@pytest.fixture(scope="module")
def drs() -> Iterator[SimulatorHandle]:
    """Four servers on the real clock: three with an hour of snapshots (every ten minutes), one with none."""
    servers = [
        ServerFixture(
            hostname=f"pit-{n}",
            source_server_id=server_id(n),
            account_id=HOME_ACCOUNT,
            region=REGION,
            snapshot_history=0 if n == NO_SNAPSHOTS else 6,
        )
        for n in range(4)
    ]
    with simulator_server(fleet=servers, time_scale=1.0) as handle:
        yield handle


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _plan(api: Api) -> str:
    group = api.post(
        "/protection-groups",
        {
            "name": "pit",
            "accountId": HOME_ACCOUNT,
            "region": REGION,
            "sourceServerIds": [server_id(n) for n in range(4)],
        },
    ).json
    plan = api.post(
        "/recovery-plans",
        {
            "name": "pit-plan",
            "rtoTargetMinutes": 60,
            "waves": [{"id": "w", "name": "W", "protectionGroupIds": [group["id"]]}],
        },
    )
    assert plan.status == 201, plan.text
    return str(plan.json["id"])


@pytest.mark.parametrize(
    ("point_in_time", "message"),
    [
        (timedelta(hours=1), "must be in the past"),
        (-timedelta(days=366), "must be within the last 365 days"),
        ("2026-12-01T03:00:00", None),
        ("yesterday", None),
    ],
    ids=["future", "older-than-retention", "no-zone", "not-a-date"],
)
def test_start_is_400_naming_point_in_time_when_it_cannot_be_launched_from(
    api: Api, point_in_time: timedelta | str, message: str | None
) -> None:
    if isinstance(point_in_time, timedelta):
        point_in_time = _iso(datetime.now(UTC) + point_in_time)
    plan = _plan(api)
    response = api.post(
        "/executions", {"planId": plan, "mode": "DRILL", "pointInTime": point_in_time}, as_="Operator"
    )
    assert response.status == 400, response.text
    assert response.field_names == ["pointInTime"]
    if message:
        assert message in response.json["error"]["fields"][0]["message"]
    assert api.get("/executions", as_="Viewer").json["items"] == []


def test_a_run_records_its_point_in_time_and_the_api_shows_it(api: Api) -> None:
    plan = _plan(api)
    point_in_time = _iso(datetime.now(UTC) - timedelta(minutes=15))
    started = api.post(
        "/executions",
        {"planId": plan, "mode": "RECOVERY", "confirmPlanName": "pit-plan", "pointInTime": point_in_time},
    )
    assert started.status == 202, started.text
    execution = api.get(f"/executions/{started.json['executionId']}", as_="Viewer").json
    assert execution["pointInTime"] == point_in_time
    listed = api.get("/executions", as_="Viewer").json["items"]
    assert [item["pointInTime"] for item in listed] == [point_in_time]


def test_a_run_without_point_in_time_launches_from_the_latest_data(api: Api) -> None:
    started = api.post("/executions", {"planId": _plan(api), "mode": "DRILL"}, as_="Operator")
    assert started.status == 202, started.text
    assert api.get(f"/executions/{started.json['executionId']}").json["pointInTime"] is None


def test_snapshots_count_the_servers_covered_and_the_oldest_gap_at_a_point_in_time(
    api: Api, drs: SimulatorHandle
) -> None:
    plan = _plan(api)
    point_in_time = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=25)
    response = api.get(
        f"/recovery-plans/{plan}/snapshots", query={"pointInTime": _iso(point_in_time)}, as_="Viewer"
    )
    assert response.status == 200, response.text
    body = response.json
    part = drs.simulator.partition(HOME_ACCOUNT, REGION)
    picks = {
        sid: max((s for s in server.snapshots if s.taken <= point_in_time), key=lambda s: s.taken)
        for sid, server in part.servers.items()
        if sid != server_id(NO_SNAPSHOTS)
    }
    assert (body["serverCount"], body["serversWithSnapshot"]) == (4, 3)
    rows = {row["sourceServerId"]: row for row in body["servers"]}
    assert {sid: rows[sid]["recoverySnapshotId"] for sid in picks} == {
        sid: s.snapshot_id for sid, s in picks.items()
    }
    assert rows[server_id(NO_SNAPSHOTS)]["recoverySnapshotId"] is None
    oldest = min(s.taken for s in picks.values())
    assert body["oldestGapSeconds"] == (point_in_time - oldest).total_seconds()


def test_snapshots_are_400_naming_point_in_time_when_it_is_missing_or_in_the_future(api: Api) -> None:
    plan = _plan(api)
    missing = api.get(f"/recovery-plans/{plan}/snapshots", as_="Viewer")
    future = api.get(
        f"/recovery-plans/{plan}/snapshots",
        query={"pointInTime": _iso(datetime.now(UTC) + timedelta(days=1))},
    )
    assert (missing.status, future.status) == (400, 400)
    assert missing.field_names == future.field_names == ["pointInTime"]


def test_readiness_blocks_a_server_with_no_snapshot_at_or_before_the_point_in_time(api: Api) -> None:
    plan = _plan(api)
    point_in_time = _iso(datetime.now(UTC) - timedelta(minutes=25))
    report = api.post(f"/recovery-plans/{plan}/validate", query={"pointInTime": point_in_time}, as_="Viewer")
    assert report.status == 200, report.text
    servers = {s["sourceServerId"]: s for s in report.json["waves"][0]["servers"]}
    codes = {sid: {r["code"] for r in s["reasons"]} for sid, s in servers.items()}
    assert servers[server_id(NO_SNAPSHOTS)]["verdict"] == "BLOCKED"
    assert "NO_SNAPSHOT_AT_POINT_IN_TIME" in codes[server_id(NO_SNAPSHOTS)]
    assert all("NO_SNAPSHOT_AT_POINT_IN_TIME" not in codes[server_id(n)] for n in range(3))
    assert report.json["verdict"] == "BLOCKED"
    latest = api.post(f"/recovery-plans/{plan}/validate", as_="Viewer").json
    assert all(
        r["code"] != "NO_SNAPSHOT_AT_POINT_IN_TIME"
        for s in latest["waves"][0]["servers"]
        for r in s["reasons"]
    )
