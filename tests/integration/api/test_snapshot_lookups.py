"""The point-in-time look-ups of a plan (``GET /recovery-plans/{id}/snapshots``) run side by side, at
most 8 DescribeRecoverySnapshots at once per account and Region, with the same answer as one by one."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from drs_orchestration.domain.concurrency import DRS_CALLS_PER_TARGET
from drs_simulator.fleet import ServerFixture
from drs_simulator.testing import SimulatorHandle, simulator_server
from tests.integration.api.client import Api
from tests.integration.api.conftest import HOME_ACCOUNT, REGION, server_id

SERVERS = 30
WITHOUT = (4, 17)


@pytest.fixture(scope="module")
def drs() -> Iterator[SimulatorHandle]:
    servers = [
        ServerFixture(
            hostname=f"pit-{n}",
            source_server_id=server_id(n),
            account_id=HOME_ACCOUNT,
            region=REGION,
            snapshot_history=0 if n in WITHOUT else 6,
        )
        for n in range(SERVERS)
    ]
    with simulator_server(fleet=servers, time_scale=1.0) as handle:
        yield handle


def test_snapshot_lookups_run_at_most_eight_at_once_and_answer_for_every_server(
    api: Api, drs: SimulatorHandle
) -> None:
    group = api.post(
        "/protection-groups",
        {
            "name": "pit",
            "accountId": HOME_ACCOUNT,
            "region": REGION,
            "sourceServerIds": [server_id(n) for n in range(SERVERS)],
        },
    ).json
    plan = api.post(
        "/recovery-plans",
        {
            "name": "pit-plan",
            "rtoTargetMinutes": 60,
            "waves": [{"id": "w", "name": "W", "protectionGroupIds": [group["id"]]}],
        },
    ).json
    drs.control("POST", "faults", {"latency_ms": {"DescribeRecoverySnapshots": 30}})
    point_in_time = (datetime.now(UTC) - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
    before = drs.simulator.request_counts("DescribeRecoverySnapshots")["DescribeRecoverySnapshots"]
    response = api.get(f"/recovery-plans/{plan['id']}/snapshots", query={"pointInTime": point_in_time})
    assert response.status == 200, response.text
    body = response.json
    assert len(body["servers"]) == SERVERS
    missing = sorted(s["sourceServerId"] for s in body["servers"] if s.get("recoverySnapshotId") is None)
    assert missing == [server_id(n) for n in WITHOUT]
    calls = drs.simulator.request_counts("DescribeRecoverySnapshots")["DescribeRecoverySnapshots"] - before
    assert calls == SERVERS
    peak = drs.control("GET", "concurrency")["peakInFlight"]["DescribeRecoverySnapshots"]
    assert 1 < peak <= DRS_CALLS_PER_TARGET
