"""Virtual time: the clock moves only when every participant waits, to the earliest deadline."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest

from drs_local.virtual_time import StalledError, VirtualTime, park
from drs_simulator.clock import MANUAL_EPOCH, SimClock


@pytest.fixture
def virtual() -> VirtualTime:
    return VirtualTime(SimClock("virtual"))


def _at(seconds: float) -> datetime:
    return MANUAL_EPOCH + timedelta(seconds=seconds)


def test_virtual_time_refuses_a_clock_that_moves_by_itself() -> None:
    with pytest.raises(ValueError, match="only moves when advanced"):
        VirtualTime(SimClock("scaled", 10))


def test_sleepers_wake_in_deadline_order_at_their_own_simulated_moments(virtual: VirtualTime) -> None:
    # Given three participants sleeping 30, 10 and 20 simulated seconds
    woke: list[tuple[str, datetime]] = []

    def sleeper(name: str, seconds: float) -> None:
        virtual.sleep(seconds)
        woke.append((name, virtual.clock.now()))

    threads = [virtual.thread(target=sleeper, args=(n, s)) for n, s in (("c", 30), ("a", 10), ("b", 20))]
    for thread in threads:
        thread.start()

    # When the driver runs until all of them are done
    virtual.run_until(lambda: len(woke) == 3, limit=60)

    # Then each woke exactly at its deadline, and the clock stopped at the last one
    assert woke == [("a", _at(10)), ("b", _at(20)), ("c", _at(30))]
    assert virtual.clock.now() == _at(30)


def test_the_clock_does_not_move_while_a_participant_is_running(virtual: VirtualTime) -> None:
    # Given a participant that works (in real time) before it sleeps, and another already asleep
    go = threading.Event()
    seen: list[datetime] = []

    def worker() -> None:
        go.wait(10)  # busy as far as virtual time knows
        seen.append(virtual.clock.now())
        virtual.sleep(5)

    virtual.thread(target=worker).start()
    virtual.thread(target=virtual.sleep, args=(1,)).start()

    # When the driver is asked to run while the worker is still busy, then the worker is let go
    threading.Timer(0.2, go.set).start()
    virtual.run_for(10)

    # Then the 1-second sleeper did not make the clock move under the busy worker
    assert seen == [_at(0)]
    assert virtual.clock.now() == _at(10)


def test_an_event_set_early_wakes_its_waiter_before_the_timeout(virtual: VirtualTime) -> None:
    # Given a participant waiting up to an hour for an event
    event = virtual.event()
    results: list[tuple[bool, datetime]] = []

    def waiter() -> None:
        results.append((event.wait(3600), virtual.clock.now()))

    virtual.thread(target=waiter).start()
    virtual.thread(target=virtual.sleep, args=(60,)).start()

    # When another participant's work (here: the driver after a minute) sets it
    virtual.run_for(60)
    event.set()
    virtual.run_until(lambda: bool(results), limit=10)

    # Then the waiter wakes at once, at the minute, not at the hour
    assert results == [(True, _at(60))]


def test_join_waits_for_the_thread_on_the_virtual_clock(virtual: VirtualTime) -> None:
    # Given a participant that joins another which sleeps 50 s, with a join timeout of 20 s
    joined: list[tuple[bool, datetime]] = []
    sleeper = virtual.thread(target=virtual.sleep, args=(50,))

    def joiner() -> None:
        sleeper.join(20)
        joined.append((sleeper.is_alive(), virtual.clock.now()))
        sleeper.join()
        joined.append((sleeper.is_alive(), virtual.clock.now()))

    sleeper.start()
    virtual.thread(target=joiner).start()

    virtual.run_until(lambda: len(joined) == 2, limit=100)

    # Then the first join gives up at 20 s with the thread alive, the second returns when it ends
    assert joined == [(True, _at(20)), (False, _at(50))]


def test_pumps_run_when_quiescent_and_deadline_sources_are_honoured(virtual: VirtualTime) -> None:
    # Given a pump with work now and work due at 42 s, which an outside deadline source announces
    delivered: list[datetime] = []
    pending = [_at(0), _at(42)]

    def pump() -> int:
        if pending and virtual.clock.now() >= pending[0]:
            pending.pop(0)
            delivered.append(virtual.clock.now())
            return 1
        return 0

    virtual.add_pump(pump)
    virtual.add_deadline_source(lambda: pending[0] if pending else None)

    # When the driver runs until both are delivered
    virtual.run_until(lambda: len(delivered) == 2, limit=100)

    # Then the pump ran at once and at 42 s, and the clock went no further
    assert delivered == [_at(0), _at(42)]
    assert virtual.clock.now() == _at(42)


def test_the_driver_fails_naming_the_limit_or_that_nothing_is_left(virtual: VirtualTime) -> None:
    virtual.thread(target=virtual.sleep, args=(100,)).start()
    with pytest.raises(StalledError, match="not met in 50 simulated seconds: waiting"):
        virtual.run_until(lambda: False, limit=50, describe=lambda: "waiting")
    virtual.run_for(100)
    with pytest.raises(StalledError, match="nothing left to happen"):
        virtual.run_until(lambda: False, limit=50)


def test_park_does_not_hold_the_clock_on_a_participant(virtual: VirtualTime) -> None:
    # Given a participant blocked on something outside the runtime, and another sleeping 30 s
    released = threading.Event()
    virtual.thread(target=park, args=(released, 30)).start()
    virtual.thread(target=virtual.sleep, args=(30,)).start()

    # When the driver runs for a minute, then time passes although the first never returns
    virtual.run_for(60)
    assert virtual.clock.now() == _at(60)
    released.set()
    # and off a participant, park is a plain wait
    assert park(released, 0)


def test_close_ends_every_wait_as_a_timeout(virtual: VirtualTime) -> None:
    results: list[bool] = []
    thread = virtual.thread(target=lambda: results.append(virtual.event().wait(3600)))
    thread.start()
    virtual.settle()
    virtual.close()
    thread.join()
    assert results == [False]
    assert virtual.clock.now() == _at(0)
