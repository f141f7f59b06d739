"""EventBridge Scheduler's firing, for local AWS: moto keeps schedules but never fires them.

:class:`SchedulerFiring` reads the schedules of a group from the Scheduler API (moto's), computes when
each one is due on the runtime's clock with the product's own expression evaluator (the cron fields in
the schedule's time zone, a rate counted from its ``StartDate``), and invokes the target function with
the schedule's Input as Scheduler does: ``<aws.scheduler.scheduled-time>`` and the other context
attributes replaced. Every run missed between two looks is fired, in order (Scheduler delivers each
within its retry window). Under virtual time it is a pump (:meth:`fire_due`) and a deadline source
(:meth:`next_due`); on a scaled clock a thread calls :meth:`fire_due` every real second.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from drs_orchestration.domain.schedule_expressions import (
    RateExpression,
    ScheduleExpression,
    next_run,
    parse_expression,
    parse_timezone,
)

__all__ = ["SchedulerFiring"]

logger = logging.getLogger(__name__)

Invoke = Callable[[dict[str, Any]], object]
_MAX_CATCH_UP = 100
"""At most this many missed runs of one schedule are fired at one look (Scheduler drops older ones)."""


class Clock(Protocol):
    def now(self) -> datetime: ...


@dataclass
class _Tracked:
    signature: tuple[Any, ...]
    expression: ScheduleExpression
    timezone: str
    anchor: datetime
    after: datetime
    """Runs at or before this instant were fired (or came before the schedule was seen)."""
    arn: str
    target: dict[str, Any]
    enabled: bool

    def next_due(self) -> datetime | None:
        if not self.enabled:
            return None
        return next_run(self.expression, parse_timezone(self.timezone), self.after, self.anchor)


def _input(tracked: _Tracked, scheduled: datetime, attempt: int = 1) -> dict[str, Any]:
    text = str(tracked.target.get("Input") or "{}")
    for name, value in {
        "scheduled-time": scheduled.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "schedule-arn": tracked.arn,
        "execution-id": uuid.uuid4().hex,
        "attempt-number": str(attempt),
    }.items():
        text = text.replace(f"<aws.scheduler.{name}>", value)
    event: dict[str, Any] = json.loads(text)
    return event


class SchedulerFiring:
    """The schedules of ``group`` fired into ``targets`` (a function's name -> how to invoke it)."""

    def __init__(self, client: Any, group: str, clock: Clock, targets: Mapping[str, Invoke]) -> None:
        self.client = client
        self.group = group
        self.clock = clock
        self.targets = dict(targets)
        self._tracked: dict[str, _Tracked] = {}
        self._lock = threading.RLock()

    # -- reading the schedules -------------------------------------------------------------------
    def _described(self) -> Iterator[dict[str, Any]]:
        arguments: dict[str, Any] = {"GroupName": self.group}
        while True:
            page = self.client.list_schedules(**arguments)
            for summary in page.get("Schedules", []):
                yield self.client.get_schedule(Name=summary["Name"], GroupName=self.group)
            if not page.get("NextToken"):
                return
            arguments["NextToken"] = page["NextToken"]

    def _track(self, schedule: dict[str, Any], now: datetime) -> _Tracked:
        expression = parse_expression(schedule["ScheduleExpression"])
        start = schedule.get("StartDate")
        signature = (
            schedule["ScheduleExpression"],
            schedule.get("ScheduleExpressionTimezone"),
            start,
            schedule.get("State"),
            schedule["Target"].get("Input"),
        )
        known = self._tracked.get(schedule["Name"])
        if known is not None and known.signature == signature:
            return known
        anchor = now
        if isinstance(expression, RateExpression) and isinstance(start, datetime):
            anchor = start - timedelta(seconds=expression.seconds)  # the first run is at StartDate
        tracked = _Tracked(
            signature=signature,
            expression=expression,
            timezone=schedule.get("ScheduleExpressionTimezone") or "UTC",
            anchor=anchor,
            after=max(now, anchor) if known is None else known.after,
            arn=schedule["Arn"],
            target=schedule["Target"],
            enabled=schedule.get("State", "ENABLED") == "ENABLED",
        )
        self._tracked[schedule["Name"]] = tracked
        return tracked

    def refresh(self) -> list[_Tracked]:
        """The group's schedules as they are now (deleted ones forgotten)."""
        now = self.clock.now()
        with self._lock:
            current = {schedule["Name"]: self._track(schedule, now) for schedule in self._described()}
            self._tracked = current
            return list(current.values())

    # -- firing ----------------------------------------------------------------------------------
    def next_due(self) -> datetime | None:
        """When the next schedule is due (a deadline source for virtual time)."""
        moments = [m for m in (t.next_due() for t in self.refresh()) if m is not None]
        return min(moments, default=None)

    def fire_due(self) -> int:
        """Invoke every run due by now; how many were fired."""
        now, fired = self.clock.now(), 0
        for tracked in self.refresh():
            for _ in range(_MAX_CATCH_UP):
                due = tracked.next_due()
                if due is None or due > now:
                    break
                tracked.after = due
                fired += self._invoke(tracked, due)
        return fired

    def _invoke(self, tracked: _Tracked, scheduled: datetime) -> int:
        name = str(tracked.target["Arn"]).rsplit(":", 1)[-1]
        invoke = self.targets.get(name)
        if invoke is None:
            logger.warning("schedule %s targets %s, which local mode does not run", tracked.arn, name)
            return 0
        try:
            invoke(_input(tracked, scheduled))
        except Exception:  # Scheduler retries; locally the failure is logged and the schedule goes on
            logger.exception("scheduled invocation of %s failed", name)
        return 1

    @contextmanager
    def running(self, every_seconds: float = 1.0) -> Iterator[None]:
        """Fire due schedules from a thread every ``every_seconds`` real seconds (a scaled clock)."""
        stop = threading.Event()

        def loop() -> None:
            while not stop.wait(every_seconds):
                try:
                    self.fire_due()
                except Exception:  # the local AWS endpoint may be going down
                    logger.debug("could not read the schedules", exc_info=True)

        thread = threading.Thread(target=loop, name=f"scheduler-{self.group}", daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join(10)
