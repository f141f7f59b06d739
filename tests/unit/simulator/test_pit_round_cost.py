"""Point-in-time rounds at fleet scale: a round's work does not grow with the servers or with the rounds
already run, reading a server's snapshots does not grow with the rounds either, and the snapshots a
server holds still follow its replication history and the retention rules.

Work is counted as Python lines executed (``sys.settrace``), not timed."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from datetime import timedelta
from types import FrameType
from typing import Any

import pytest

from drs_simulator.clock import MANUAL_EPOCH, SimClock
from drs_simulator.config import SimConfig
from drs_simulator.fleet import ServerFixture, generate_fleet
from drs_simulator.simulator import Simulator

SLOT = 600
DAY = 86400


def _simulator(servers: int, *, events: bool = False) -> Simulator:
    config = SimConfig(clock_mode="manual")
    config.behaviour.pit_snapshot_events = events
    sim = Simulator(config, clock=SimClock("manual", start=MANUAL_EPOCH))
    sim.load_fleet(generate_fleet(servers, stalled=0, initial_sync=0))
    return sim


@pytest.fixture
def simulators() -> Iterator[list[Simulator]]:
    made: list[Simulator] = []
    yield made
    for sim in made:
        sim.stop()


def _lines_run(action: Callable[[], object]) -> int:
    """How many Python lines ``action`` executes (on this thread)."""
    count = 0

    def tracer(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal count
        if event == "line":
            count += 1
        return tracer

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        action()
    finally:
        sys.settrace(previous)
    return count


def _one_round(sim: Simulator) -> int:
    return _lines_run(lambda: sim.clock.advance(SLOT))


def test_a_round_costs_the_same_whatever_the_fleet_size_and_the_rounds_already_run(
    simulators: list[Simulator],
) -> None:
    # Given a fleet of 20 servers and one of 2,000, without PIT events or stall dice
    small, large = _simulator(20), _simulator(2000)
    simulators += [small, large]
    for sim in (small, large):
        sim.clock.advance(SLOT)

    # When one round runs early on, and again after two days of rounds
    early = [_one_round(sim) for sim in (small, large)]
    for sim in (small, large):
        sim.clock.advance(2 * DAY)
    late = [_one_round(sim) for sim in (small, large)]

    # Then every one of those rounds executed the same work
    assert early[0] > 0
    assert early == late == [early[0], early[0]]


def test_reading_a_servers_snapshots_costs_the_same_after_a_week_or_a_month(
    simulators: list[Simulator],
) -> None:
    sim = _simulator(50)
    simulators.append(sim)
    server = next(iter(sim.partitions()[0].servers.values()))

    def read() -> int:
        sim.clock.advance(SLOT)  # a new round: the next read computes the snapshots afresh
        return _lines_run(lambda: server.snapshots)

    sim.clock.advance(8 * DAY)
    after_a_week = read()
    sim.clock.advance(22 * DAY)
    after_a_month = read()

    assert after_a_week == after_a_month
    assert len(server.snapshots) <= 7 + 25 + 8  # the retention rules' slots, not the rounds run


def test_a_server_has_no_snapshot_for_the_rounds_it_spent_stalled(simulators: list[Simulator]) -> None:
    # Given a server with six snapshots up to a slot boundary, and one round later
    sim = Simulator(SimConfig(clock_mode="manual"), clock=SimClock("manual", start=MANUAL_EPOCH))
    simulators.append(sim)
    (server_id,) = sim.load_fleet([ServerFixture(hostname="db-01")])
    sim.clock.advance(SLOT)

    # When it stalls right after that round, for 30 minutes, and an hour passes
    sim.set_faults(replication_state={server_id: {"state": "STALLED", "until_seconds": 1800}})
    sim.clock.advance(3000)

    # Then it kept the snapshots the rules keep, and none for the two rounds it was stalled
    server = sim.partitions()[0].servers[server_id]
    offsets = [(s.expected - MANUAL_EPOCH) // timedelta(seconds=1) for s in server.snapshots]
    assert offsets == [0, 600, 2400, 3000, 3600]
    assert all(1 <= (s.taken - s.expected).total_seconds() <= 9 for s in server.snapshots)


def test_a_snapshot_keeps_its_id_from_its_event_to_every_read(simulators: list[Simulator]) -> None:
    sim = _simulator(3, events=True)
    simulators.append(sim)
    sim.clock.advance(SLOT)
    taken = {e["detail"]["DrsSnapshotID"] for e in sim.events.since(0)}

    sim.clock.advance(SLOT)

    newest_but_one = {server.snapshots[-2].snapshot_id for server in sim.partitions()[0].servers.values()}
    assert len(taken) == 3
    assert taken == newest_but_one


def test_a_flapping_server_keeps_a_bounded_replication_history(simulators: list[Simulator]) -> None:
    sim = _simulator(1)
    simulators.append(sim)
    (server_id,) = sim.partitions()[0].servers
    server = sim.partitions()[0].servers[server_id]

    for _ in range(200):  # stalled for 20 minutes of every hour, for 200 hours
        sim.set_faults(replication_state={server_id: {"state": "STALLED", "until_seconds": 1200}})
        sim.clock.advance(3600)

    assert server.pit is not None
    assert len(server.pit.changes) <= 2 * 8 * 24 + 2  # the changes within the longest retention
    assert all(int(s.expected.timestamp()) % 3600 == 0 for s in server.snapshots[:-7])
