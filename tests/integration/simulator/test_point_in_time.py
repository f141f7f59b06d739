"""Recovery snapshots as DRS keeps them: taken on the replication schedule, pruned by the retention
rules, listed newest first up to an instant, and launched from (the instance records which)."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from drs_simulator.testing import SimulatorHandle

from .conftest import finish, server_ids

if TYPE_CHECKING:
    from mypy_boto3_drs import DrsClient

TEN_MINUTES = 600


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def test_snapshots_are_taken_every_ten_minutes_and_pruned_by_the_retention_rules(
    sim: SimulatorHandle, drs: DrsClient
) -> None:
    server = server_ids(drs)[0]
    start = [
        _at(s["expectedTimestamp"]) for s in drs.describe_recovery_snapshots(sourceServerID=server)["items"]
    ]
    assert all(int(t.timestamp()) % TEN_MINUTES == 0 for t in start)

    # When three hours pass
    sim.simulator.clock.advance(3 * 3600)

    items = drs.describe_recovery_snapshots(sourceServerID=server, order="ASC")["items"]
    expected = [_at(s["expectedTimestamp"]) for s in items]
    taken = [_at(s["timestamp"]) for s in items]
    now = sim.simulator.clock.now()
    # Then the last hour has one every ten minutes, older ones only on the hour (kept 24 h)
    recent = [t for t in expected if now - t <= timedelta(hours=1)]
    older = [t for t in expected if now - t > timedelta(hours=1)]
    assert [b - a for a, b in itertools.pairwise(recent)] == [timedelta(minutes=10)] * (len(recent) - 1)
    assert len(recent) >= 6
    assert older
    assert all(int(t.timestamp()) % 3600 == 0 for t in older)
    assert all(timedelta(0) < t - e < timedelta(seconds=10) for e, t in zip(expected, taken, strict=True))


def test_newest_first_with_one_item_gives_the_latest_at_or_before_the_instant(
    sim: SimulatorHandle, drs: DrsClient
) -> None:
    server = server_ids(drs)[0]
    every = drs.describe_recovery_snapshots(sourceServerID=server, order="ASC")["items"]
    instant = every[-3]["timestamp"]

    page = drs.describe_recovery_snapshots(
        sourceServerID=server, filters={"toDateTime": instant}, order="DESC", maxResults=1
    )

    assert [s["snapshotID"] for s in page["items"]] == [every[-3]["snapshotID"]]
    following = drs.describe_recovery_snapshots(
        sourceServerID=server,
        filters={"toDateTime": instant},
        order="DESC",
        maxResults=1,
        nextToken=page["nextToken"],
    )
    assert [s["snapshotID"] for s in following["items"]] == [every[-4]["snapshotID"]]


def test_a_launch_from_a_snapshot_records_it_on_the_recovery_instance(
    sim: SimulatorHandle, drs: DrsClient
) -> None:
    server = server_ids(drs)[0]
    snapshot = drs.describe_recovery_snapshots(sourceServerID=server, order="ASC")["items"][1]

    drs.start_recovery(
        sourceServers=[{"sourceServerID": server, "recoverySnapshotID": snapshot["snapshotID"]}], isDrill=True
    )
    finish(sim)

    (instance,) = [
        i
        for part in sim.simulator.partitions()
        for i in part.instances.values()
        if i.source_server_id == server
    ]
    assert instance.recovery_snapshot_id == snapshot["snapshotID"]
    assert (
        drs.describe_recovery_instances()["items"][0]["pointInTimeSnapshotDateTime"] == snapshot["timestamp"]
    )
