"""Virtual time for the local runtime: the clock moves only when every participant is waiting for it.

Participants are the threads that do the runtime's work: Step Functions execution threads, the
threads that run a task under its timeout, asynchronous Lambda invocations. Each one is started
through :meth:`VirtualTime.thread` (so it counts as running from the moment it is started, before its
first instruction) and waits for time only through :meth:`VirtualTime.wait` (a condition and a
deadline in simulated seconds). A driver (a test, a benchmark) calls :meth:`VirtualTime.run_until`:

1. settle: wait until every participant is either finished or blocked in a wait whose condition is
   false, run the pumps (deliver the DRS simulator's pending events, drain EventBridge queues into
   their handlers), and repeat until a pass delivers nothing;
2. if the driver's predicate holds, return; otherwise jump the clock to the earliest deadline (a
   waiter's, or a deadline source's such as the simulator's next scheduled action), which runs the
   clock's listeners, and go back to 1.

A waiter woken early (its condition became true: a task token completed, a thread finished) is
runnable the moment its condition is true: the driver evaluates every waiter's condition while it
decides whether the runtime is quiescent, so it never jumps past work about to happen. Nothing
here waits a grace period in real time: the accounting is exact, so a loaded machine is only slower.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from drs_simulator.clock import SimClock

Predicate = Callable[[], bool]
#: Real seconds between re-checks of a waiter's condition that no one signalled (a safety net only:
#: correctness never depends on it, the driver evaluates every condition itself).
_RECHECK_SECONDS = 0.05


class StalledError(AssertionError):
    """The driver's condition did not hold within its limit, or nothing is left that could make it."""


@dataclass
class _Waiter:
    condition: Predicate
    deadline: datetime | None

    def ready(self, now: datetime) -> bool:
        return (self.deadline is not None and now >= self.deadline) or self.condition()


class VirtualTime:
    """Participants, their waits and the driver that moves ``clock`` (a ``SimClock`` in virtual mode)."""

    def __init__(self, clock: SimClock) -> None:
        if clock.advances_itself:
            raise ValueError("virtual time needs a clock that only moves when advanced")
        self.clock = clock
        self._condition = threading.Condition(threading.RLock())
        self._running: set[threading.Thread] = set()
        self._waiting: dict[threading.Thread, _Waiter] = {}
        self._pumps: list[Callable[[], int]] = []
        self._deadline_sources: list[Callable[[], datetime | None]] = []
        #: Counts every time work ran (a participant started or woke, a pump handed work out).
        self.activity = 0
        self._closed = False

    # ---- wiring -------------------------------------------------------------------------------
    def add_pump(self, pump: Callable[[], int]) -> None:
        """Run ``pump`` whenever the runtime is quiescent; it returns how much work it handed out."""
        self._pumps.append(pump)

    def add_deadline_source(self, source: Callable[[], datetime | None]) -> None:
        """``source()`` names the next moment something is due outside the participants (or None)."""
        self._deadline_sources.append(source)

    # ---- participants -------------------------------------------------------------------------
    def thread(self, *args: Any, **kwargs: Any) -> threading.Thread:
        """A ``threading.Thread`` that is a participant: running from ``start()`` to its end."""
        return _Participant(self, *args, **kwargs)

    def _started(self, thread: threading.Thread) -> None:
        with self._condition:
            self._running.add(thread)
            self.activity += 1

    def _ended(self, thread: threading.Thread) -> None:
        with self._condition:
            self._running.discard(thread)
            self._condition.notify_all()

    # ---- waiting ------------------------------------------------------------------------------
    def wait(self, condition: Predicate, timeout: float | None) -> bool:
        """Block until ``condition()`` holds (True) or ``timeout`` simulated seconds pass (False)."""
        me = threading.current_thread()
        with self._condition:
            deadline = None if timeout is None else self.clock.now() + timedelta(seconds=max(0.0, timeout))
            waiter = _Waiter(condition, deadline)
            participant = me in self._running
            if participant:
                self._running.discard(me)
                self._waiting[me] = waiter
                self._condition.notify_all()
            try:
                while True:
                    if condition():
                        return True
                    if self._closed or (deadline is not None and self.clock.now() >= deadline):
                        return False
                    self._condition.wait(_RECHECK_SECONDS)
            finally:
                if participant:
                    self._waiting.pop(me, None)
                    self._running.add(me)
                    self.activity += 1

    def close(self) -> None:
        """End every wait at once, as if it timed out (threads left behind by a stopped run end)."""
        with self._condition:
            self._closed = True
            self._condition.notify_all()

    def sleep(self, seconds: float) -> None:
        self.wait(lambda: False, seconds)

    def event(self) -> threading.Event:
        """A ``threading.Event`` whose ``wait(timeout)`` counts simulated seconds."""
        return _Event(self)

    def notify(self) -> None:
        """Tell waiters that a condition may have changed."""
        with self._condition:
            self._condition.notify_all()

    # ---- driving ------------------------------------------------------------------------------
    def _quiescent(self) -> bool:
        """No participant is running and no waiter can go on: its condition is false and its deadline
        is still ahead (call with the lock held)."""
        if self._running:
            return False
        now = self.clock.now()
        ready = any(waiter.ready(now) for waiter in self._waiting.values())
        if ready:
            self._condition.notify_all()
        return not ready

    def settle(self) -> None:
        """Return once every participant waits on a false condition and the pumps have nothing left."""
        while True:
            with self._condition:
                while not self._quiescent():
                    self._condition.wait(_RECHECK_SECONDS)
            handed_out = sum(pump() for pump in self._pumps)
            self.activity += handed_out
            if handed_out == 0:
                with self._condition:
                    if self._quiescent():
                        return

    def next_deadline(self) -> datetime | None:
        with self._condition:
            moments = [w.deadline for w in self._waiting.values() if w.deadline is not None]
        moments += [m for m in (source() for source in self._deadline_sources) if m is not None]
        return min(moments, default=None)

    def advance_to(self, moment: datetime) -> None:
        """Move the clock to ``moment`` (listeners run) and wake the waiters it makes due."""
        seconds = (moment - self.clock.now()).total_seconds()
        if seconds > 0:
            self.clock.advance(seconds)
        self.notify()

    def run_until(self, predicate: Predicate, limit: float, describe: Callable[[], str] = str) -> None:
        """Run the runtime until ``predicate()`` holds, for at most ``limit`` simulated seconds.

        ``predicate`` is asked first, then again each time the runtime did some work (so it should
        depend on what the runtime does, not on the clock alone: use :meth:`run_for` for that)."""
        end = self.clock.now() + timedelta(seconds=limit)
        seen = -1
        while True:
            self.settle()
            if seen != self.activity:
                seen = self.activity
                if predicate():
                    return
            moment = self.next_deadline()
            if moment is None:
                raise StalledError(f"nothing left to happen and the condition is not met: {describe()}")
            if moment > end:
                raise StalledError(f"condition not met in {limit} simulated seconds: {describe()}")
            self.advance_to(moment)

    def run_for(self, seconds: float) -> None:
        """Run the runtime while ``seconds`` of simulated time pass."""
        end = self.clock.now() + timedelta(seconds=seconds)
        while True:
            self.settle()
            if self.clock.now() >= end:
                return
            moment = self.next_deadline()
            self.advance_to(end if moment is None else min(moment, end))


def park(event: threading.Event, timeout: float) -> bool:
    """Block until ``event`` is set, as code blocked on something outside the runtime does.

    On a participant thread of virtual time the wait does not hold the clock (the thread counts as
    waiting, with no deadline); anywhere else it is a plain wait of at most ``timeout`` real seconds.
    """
    thread = threading.current_thread()
    if isinstance(thread, _Participant):
        return thread._time.wait(event.is_set, None)
    return event.wait(timeout)


class _Participant(threading.Thread):
    def __init__(self, time: VirtualTime, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._time = time
        self._ended = threading.Event()

    def start(self) -> None:
        self._time._started(self)
        try:
            super().start()
        except BaseException:
            self._ended.set()
            self._time._ended(self)
            raise

    def run(self) -> None:
        try:
            super().run()
        finally:
            self._ended.set()
            self._time._ended(self)

    def join(self, timeout: float | None = None) -> None:
        """Wait for the thread to end, ``timeout`` in simulated seconds."""
        if self._time.wait(self._ended.is_set, timeout) or self._time._closed:
            super().join()


class _Event(threading.Event):
    def __init__(self, time: VirtualTime) -> None:
        super().__init__()
        self._time = time

    def set(self) -> None:
        super().set()
        self._time.notify()

    def wait(self, timeout: float | None = None) -> bool:
        return self._time.wait(self.is_set, timeout)
