"""Drill schedule use cases: create, list, read, replace and delete a plan's schedules.

Each schedule is kept in the store (typed, versioned, audited) and mirrored as one schedule of the
trigger service (EventBridge Scheduler), which fires the drill function with the firing's time.
The store is written first; when the trigger refuses, the store is put back as it was and the call
fails, so a schedule the API shows is one that fires.
"""

from __future__ import annotations

from datetime import datetime

from drs_orchestration.domain.errors import FieldError, NotFound, ValidationFailed
from drs_orchestration.domain.models.schedule import (
    MIN_INTERVAL,
    ScheduleInput,
    ScheduleUpdate,
    ScheduleView,
    StoredSchedule,
)
from drs_orchestration.domain.schedule_expressions import (
    next_run,
    parse_expression,
    parse_timezone,
    shortest_interval,
)
from drs_orchestration.domain.schedules import ScheduleRepository, ScheduleTrigger
from drs_orchestration.domain.services.context import Request, Services, audit_record, new_id
from drs_orchestration.domain.services.errors import EngineUnavailable

__all__ = [
    "create_schedule",
    "delete_schedule",
    "get_schedule",
    "list_schedules",
    "next_run_at",
    "update_schedule",
]

RESOURCE = "Schedule"


def _store(services: Services) -> ScheduleRepository:
    if services.schedules is None:
        raise EngineUnavailable("drill schedules are not configured in this deployment")
    return services.schedules


def _trigger(services: Services) -> ScheduleTrigger:
    if services.scheduler is None:
        raise EngineUnavailable("no scheduler is configured in this deployment")
    return services.scheduler


def next_run_at(schedule: StoredSchedule, now: datetime) -> datetime | None:
    """When the schedule next fires after ``now`` (UTC); ``None`` when it is disabled or never fires."""
    if not schedule.enabled:
        return None
    zone = parse_timezone(schedule.timezone)
    return next_run(parse_expression(schedule.expression), zone, now, schedule.anchor_at)


def _view(services: Services, schedule: StoredSchedule, now: datetime) -> ScheduleView:
    return ScheduleView(
        **schedule.model_dump(by_alias=False),
        next_run_at=next_run_at(schedule, now),
        last_result=_store(services).last_result(schedule.id),
    )


def _check_interval(data: ScheduleInput, now: datetime) -> None:
    """A cron that fires more than hourly (every minute of an hour, say) is refused like such a rate."""
    zone = parse_timezone(data.timezone)
    expression = parse_expression(data.expression)
    gap = shortest_interval(expression, zone, now)
    if gap is not None and gap < MIN_INTERVAL:
        minutes = int(gap.total_seconds() // 60)
        message = (
            f"runs {minutes} minute(s) apart at times: each drill launches recovery instances, so drills"
            " are scheduled at most hourly"
        )
        raise ValidationFailed([FieldError(name="expression", message=message)])
    if next_run(expression, zone, now, now) is None:
        raise ValidationFailed([FieldError(name="expression", message="never runs after now")])


def _owned(services: Services, plan_id: str, schedule_id: str) -> StoredSchedule:
    schedule = _store(services).get(schedule_id)
    if schedule.plan_id != plan_id:
        raise NotFound("schedule", schedule_id)
    return schedule


def list_schedules(services: Services, request: Request, plan_id: str) -> list[ScheduleView]:
    services.plans.get(plan_id)
    return [_view(services, s, request.now) for s in _store(services).list_for_plan(plan_id)]


def get_schedule(services: Services, request: Request, plan_id: str, schedule_id: str) -> ScheduleView:
    return _view(services, _owned(services, plan_id, schedule_id), request.now)


def create_schedule(services: Services, request: Request, plan_id: str, data: ScheduleInput) -> ScheduleView:
    store = _store(services)
    services.plans.get(plan_id)
    _check_interval(data, request.now)
    trigger = _trigger(services)
    schedule = StoredSchedule(
        **data.model_dump(by_alias=False),
        id=new_id("sch"),
        plan_id=plan_id,
        anchor_at=request.now,
        **request.created(),
    )
    audit = audit_record(request, "CreateSchedule", RESOURCE, schedule.id, after_version=1)
    store.create(schedule, audit=audit)
    try:
        trigger.put(schedule, create=True)
    except Exception:
        store.delete(schedule.id)
        raise
    return _view(services, schedule, request.now)


def update_schedule(
    services: Services, request: Request, plan_id: str, schedule_id: str, data: ScheduleUpdate
) -> ScheduleView:
    store = _store(services)
    current = _owned(services, plan_id, schedule_id)
    _check_interval(data, request.now)
    trigger = _trigger(services)
    changed = StoredSchedule.model_validate(
        {
            **current.model_dump(by_alias=False),
            **data.model_dump(by_alias=False, exclude={"version"}),
            "anchor_at": current.anchor_at if data.expression == current.expression else request.now,
            **request.updated(),
        }
    )
    audit = audit_record(
        request,
        "UpdateSchedule",
        RESOURCE,
        schedule_id,
        before_version=data.version,
        after_version=data.version + 1,
    )
    stored = store.update(changed, data.version, audit=audit)
    try:
        trigger.put(stored, create=False)
    except Exception:
        store.update(current.model_copy(update=request.updated()), stored.version)
        raise
    return _view(services, stored, request.now)


def delete_schedule(
    services: Services, request: Request, plan_id: str, schedule_id: str, version: int | None
) -> None:
    store = _store(services)
    current = _owned(services, plan_id, schedule_id)
    trigger = _trigger(services)
    audit = audit_record(request, "DeleteSchedule", RESOURCE, schedule_id, before_version=current.version)
    store.delete(schedule_id, version, audit=audit)
    trigger.delete(schedule_id)
