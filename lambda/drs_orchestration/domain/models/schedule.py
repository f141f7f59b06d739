"""Drill schedules: a recovery plan drilled on a recurring expression in a time zone."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from pydantic import Field, StringConstraints, field_validator

from drs_orchestration.domain.models.base import (
    CamelModel,
    ExecutionId,
    RecoveryPlanId,
    Stamped,
    Timestamp,
    Version,
)
from drs_orchestration.domain.models.execution import ExecutionMode
from drs_orchestration.domain.schedule_expressions import RateExpression, parse_expression, parse_timezone

__all__ = [
    "MIN_INTERVAL",
    "ScheduleFiring",
    "ScheduleId",
    "ScheduleInput",
    "ScheduleResult",
    "ScheduleUpdate",
    "ScheduleView",
    "StoredSchedule",
]

MIN_INTERVAL = timedelta(hours=1)
"""The shortest time between two scheduled drills of a plan (a drill launches real instances)."""

ScheduleId = Annotated[str, StringConstraints(pattern=r"^sch-[0-9A-Za-z][0-9A-Za-z-]{0,63}$")]
Expression = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=256)]
TimeZoneName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]


class ScheduleInput(CamelModel):
    """``POST /recovery-plans/{id}/schedules``: drills only."""

    expression: Expression
    """``rate(N minutes|hours|days)`` or ``cron(minutes hours day-of-month month day-of-week year)``."""
    timezone: TimeZoneName = "UTC"
    """The IANA time zone the cron fields are read in (``Europe/Berlin``)."""
    mode: ExecutionMode = ExecutionMode.DRILL
    enabled: bool = True

    @field_validator("expression")
    @classmethod
    def _expression(cls, value: str) -> str:
        expression = parse_expression(value)
        if isinstance(expression, RateExpression) and timedelta(seconds=expression.seconds) < MIN_INTERVAL:
            raise ValueError(
                "runs more often than once an hour: each drill launches recovery instances, so drills"
                " are scheduled at most hourly"
            )
        return value

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        parse_timezone(value)
        return value

    @field_validator("mode")
    @classmethod
    def _drills_only(cls, value: ExecutionMode) -> ExecutionMode:
        if value is not ExecutionMode.DRILL:
            raise ValueError(f"only drills can be scheduled ({value.value} is started by a person)")
        return value


class ScheduleUpdate(ScheduleInput):
    """``PUT /recovery-plans/{id}/schedules/{scheduleId}``: the whole schedule and the version read."""

    version: Version


class ScheduleResult(CamelModel):
    """What the schedule's last firing did: the drill it started, or why it started none."""

    at: Timestamp
    scheduled_for: Timestamp | None = None
    execution_id: ExecutionId | None = None
    error: str | None = None


class StoredSchedule(Stamped):
    """A schedule as stored. ``anchor_at`` is when its expression was last set (a rate counts from it)."""

    id: ScheduleId
    plan_id: RecoveryPlanId
    expression: Expression
    timezone: TimeZoneName
    mode: ExecutionMode = ExecutionMode.DRILL
    enabled: bool
    anchor_at: Timestamp


class ScheduleView(StoredSchedule):
    """A schedule in the API: with its next run (UTC) and its last firing's result."""

    next_run_at: Timestamp | None = None
    last_result: ScheduleResult | None = None


class ScheduleFiring(CamelModel):
    """The Input the Scheduler passes the drill function: which schedule, and the firing's time."""

    schedule_id: ScheduleId
    plan_id: RecoveryPlanId
    scheduled_time: Timestamp = Field(description="<aws.scheduler.scheduled-time>")
