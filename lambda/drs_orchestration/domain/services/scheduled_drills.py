"""A schedule fires: start the plan's drill as the principal ``schedule:<id>``, once per firing.

The firing is claimed first (a conditional write keyed by the schedule and the scheduled time), so a
repeated delivery of the same firing starts nothing. When the drill cannot start (the plan is busy or
gone, its readiness is BLOCKED, the engine refused), the reason is kept as the schedule's last result
and published as a notification; an unexpected failure gives the claim back and propagates, so the
trigger service's retry runs the firing again.
"""

from __future__ import annotations

from dataclasses import dataclass

from drs_orchestration.domain.clock import Clock
from drs_orchestration.domain.engine.ports import NoticeKind, Notification, Notifier
from drs_orchestration.domain.errors import DomainError, NotFound
from drs_orchestration.domain.models.execution import ExecutionMode, StartExecutionRequest
from drs_orchestration.domain.models.schedule import ScheduleFiring, ScheduleResult, StoredSchedule
from drs_orchestration.domain.readiness import PlanReadiness, Severity, Verdict
from drs_orchestration.domain.schedules import ScheduleRepository
from drs_orchestration.domain.services.context import Request, Services
from drs_orchestration.domain.services.errors import EngineUnavailable
from drs_orchestration.domain.services.executions import start_execution
from drs_orchestration.domain.services.readiness_reports import assess_scope, plan_scope

__all__ = ["FiringOutcome", "fire_schedule", "principal"]


@dataclass(frozen=True)
class FiringOutcome:
    """What a delivery of a firing did: ``duplicate`` when it starts nothing without a reason to record
    (the firing was already handled, the schedule is gone or disabled), otherwise the result recorded
    on the schedule."""

    duplicate: bool
    result: ScheduleResult | None = None


def principal(schedule_id: str) -> str:
    """Who a scheduled drill is started by, in the audit trail and the run's ``startedBy``."""
    return f"schedule:{schedule_id}"


def _blocked_reason(readiness: PlanReadiness) -> str | None:
    if readiness.verdict is not Verdict.BLOCKED:
        return None
    reasons = [
        f"{wave.wave_id}: {reason.message}"
        for wave in readiness.waves
        for reason in [*wave.reasons, *(r for server in wave.servers for r in server.reasons)]
        if reason.severity is Severity.BLOCKING
    ]
    return "readiness is BLOCKED: " + "; ".join(reasons[:5])


def _start(services: Services, schedule: StoredSchedule, clock: Clock) -> ScheduleResult:
    checked_at = clock.now()
    try:
        # the whole plan, however large: the function is not bound by the API's 29 s
        scope = plan_scope(services, schedule.plan_id)
        blocked = _blocked_reason(assess_scope(services, scope, ExecutionMode.DRILL, checked_at))
        if blocked is not None:
            return ScheduleResult(at=checked_at, error=blocked)
        # read the clock again: the check may take minutes, and the run's first timeline event must
        # be stamped when it is written (the events API's settle window)
        started_at = clock.now()
        started = start_execution(
            services,
            Request(actor=principal(schedule.id), now=started_at),
            StartExecutionRequest(plan_id=schedule.plan_id, mode=ExecutionMode.DRILL),
        )
    except (DomainError, EngineUnavailable) as refused:
        return ScheduleResult(at=clock.now(), error=str(refused))
    return ScheduleResult(at=started_at, execution_id=started.execution_id)


def _notice(schedule: StoredSchedule, result: ScheduleResult) -> Notification:
    return Notification(
        kind=NoticeKind.SCHEDULED_DRILL_NOT_STARTED,
        subject=f"Scheduled drill of {schedule.plan_id} did not start",
        body={
            "scheduleId": schedule.id,
            "planId": schedule.plan_id,
            "scheduledFor": result.scheduled_for.isoformat() if result.scheduled_for else None,
            "reason": result.error,
        },
    )


def fire_schedule(
    services: Services, store: ScheduleRepository, notifier: Notifier, firing: ScheduleFiring, clock: Clock
) -> FiringOutcome:
    try:
        schedule = store.get(firing.schedule_id)
    except NotFound:
        return FiringOutcome(duplicate=True)
    if not schedule.enabled or not store.claim_firing(schedule.id, firing.scheduled_time):
        return FiringOutcome(duplicate=True)
    try:
        result = _start(services, schedule, clock).model_copy(update={"scheduled_for": firing.scheduled_time})
    except Exception:
        store.release_firing(schedule.id, firing.scheduled_time)
        raise
    store.record_result(schedule.id, result)
    if result.error is not None:
        notifier.publish(_notice(schedule, result))
    return FiringOutcome(duplicate=False, result=result)
