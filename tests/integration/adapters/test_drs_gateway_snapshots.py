"""The DRS gateway's point-in-time calls against the simulator: the latest recovery snapshot at or
before an instant (one DescribeRecoverySnapshots), and StartRecovery from chosen snapshots."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import boto3
import pytest
from botocore.stub import Stubber

from drs_orchestration.adapters.drs.boto_drs_gateway import BotoDrsGateway, BotoDrsGatewayFactory
from drs_orchestration.adapters.memory import InMemoryAccountRepository
from drs_orchestration.domain.models.drs import DrsTarget
from drs_simulator.testing import SimulatorHandle
from tests.integration.adapters.conftest import HOME, REGION, sid


@pytest.fixture
def gateway(tables: dict[str, str], drs: SimulatorHandle) -> BotoDrsGateway:
    factory = BotoDrsGatewayFactory(
        InMemoryAccountRepository(), home_account_id=HOME, endpoint_url=drs.endpoint_url
    )
    return factory.for_target(DrsTarget(account_id=HOME, region=REGION))


def test_latest_snapshot_is_the_newest_taken_at_or_before_the_instant_in_one_call(
    gateway: BotoDrsGateway, drs: SimulatorHandle
) -> None:
    server = drs.simulator.partition(HOME, REGION).servers[sid(5)]
    snapshots = sorted(server.snapshots, key=lambda s: s.taken)
    assert len(snapshots) >= 3
    middle = snapshots[-2]
    before = drs.simulator.request_counts("DescribeRecoverySnapshots").get("DescribeRecoverySnapshots", 0)

    # an instant one second after the next-to-last snapshot, and one just before it
    found = gateway.latest_recovery_snapshot(sid(5), at_or_before=middle.taken + timedelta(seconds=1))
    earlier = gateway.latest_recovery_snapshot(sid(5), at_or_before=middle.taken - timedelta(seconds=1))

    assert found is not None
    assert earlier is not None
    assert (found.snapshot_id, found.taken_at, found.expected_at) == (
        middle.snapshot_id,
        middle.taken,
        middle.expected,
    )
    assert earlier.snapshot_id == snapshots[-3].snapshot_id
    after = drs.simulator.request_counts("DescribeRecoverySnapshots")["DescribeRecoverySnapshots"]
    assert after - before == 2


def test_latest_snapshot_is_none_when_drs_keeps_none_that_old(
    gateway: BotoDrsGateway, drs: SimulatorHandle
) -> None:
    oldest = min(s.taken for s in drs.simulator.partition(HOME, REGION).servers[sid(6)].snapshots)
    assert gateway.latest_recovery_snapshot(sid(6), at_or_before=oldest - timedelta(seconds=1)) is None
    assert gateway.latest_recovery_snapshot("s-99999999999999999", at_or_before=oldest) is None


def test_start_recovery_launches_each_named_server_from_its_snapshot(
    gateway: BotoDrsGateway, drs: SimulatorHandle
) -> None:
    chosen = gateway.latest_recovery_snapshot(sid(7), at_or_before=drs.simulator.clock.now())
    assert chosen is not None

    job = gateway.start_recovery(
        [sid(7), sid(8)], is_drill=True, tags={}, recovery_snapshots={sid(7): chosen.snapshot_id}
    )
    drs.simulator.clock.advance(3600)

    instances = {
        i.source_server_id: i
        for i in drs.simulator.partition(HOME, REGION).instances.values()
        if i.job_id == job.job_id
    }
    assert instances[sid(7)].recovery_snapshot_id == chosen.snapshot_id
    assert instances[sid(7)].point_in_time == chosen.taken_at
    assert instances[sid(8)].recovery_snapshot_id is None  # the latest data: an on-demand snapshot
    log = [item.event for item in gateway.describe_job_log_items(job.job_id)]
    assert "USING_PREVIOUS_SNAPSHOT" in log
    assert "SNAPSHOT_START" in log


def test_a_later_snapshot_let_through_by_the_date_filter_is_passed_over_for_the_next_older_one() -> None:
    # Given DRS answering the newest-first look-up with a snapshot taken after the instant
    client = boto3.client("drs", region_name=REGION)
    instant = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
    request = {
        "sourceServerID": sid(1),
        "filters": {"toDateTime": "2026-12-01T03:00:00Z"},
        "order": "DESC",
        "maxResults": 1,
    }
    late = {
        "snapshotID": "pit-00000000000000002",
        "sourceServerID": sid(1),
        "timestamp": "2026-12-01T03:00:04Z",
        "expectedTimestamp": "2026-12-01T03:00:00Z",
        "ebsSnapshots": [],
    }
    good = {
        "snapshotID": "pit-00000000000000001",
        "sourceServerID": sid(1),
        "timestamp": "2026-12-01T02:50:03Z",
        "expectedTimestamp": "2026-12-01T02:50:00Z",
        "ebsSnapshots": [],
    }
    with Stubber(client) as stub:
        stub.add_response("describe_recovery_snapshots", {"items": [late], "nextToken": "t1"}, request)
        stub.add_response("describe_recovery_snapshots", {"items": [good]}, {**request, "nextToken": "t1"})

        # When the gateway looks the server's snapshot up
        found = BotoDrsGateway(client).latest_recovery_snapshot(sid(1), at_or_before=instant)

        # Then it followed the token to the older one
        stub.assert_no_pending_responses()
    assert found is not None
    assert (found.snapshot_id, found.taken_at) == (
        "pit-00000000000000001",
        datetime(2026, 12, 1, 2, 50, 3, tzinfo=UTC),
    )
