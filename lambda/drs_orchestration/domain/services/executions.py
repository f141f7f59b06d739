"""Execution use cases: start a run, read it, and steer it through the ``ExecutionRunner`` port.

The API writes a new run's header and wave items (PENDING) and hands it to the runner; from then on
the engine is the one writer of wave and server state. Steering stores the operator's request (with a
timeline event that shows it) and signals the runner; nothing here pretends a step happened.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import timedelta
from enum import StrEnum

from pydantic import JsonValue

from drs_orchestration.domain.errors import Conflict, FieldError, NotFound, ValidationFailed
from drs_orchestration.domain.execution_summary import assemble_execution, assemble_summary, health_checked
from drs_orchestration.domain.models.base import CamelModel, Timestamp
from drs_orchestration.domain.models.execution import (
    TERMINAL_EXECUTION_STATUSES,
    EventType,
    Execution,
    ExecutionEvent,
    ExecutionHeader,
    ExecutionMode,
    ExecutionStatus,
    ServerCounts,
    StartExecutionRequest,
    WaveServer,
    WaveState,
    WaveStatus,
)
from drs_orchestration.domain.models.operator_requests import REQUEST_EVENTS, OperatorRequest, RequestType
from drs_orchestration.domain.models.server_listing import ServerFilter
from drs_orchestration.domain.ports import DEFAULT_PAGE_SIZE, ExecutionRunner, Page, RunnerSignal
from drs_orchestration.domain.server_counts import count_servers
from drs_orchestration.domain.services.context import Request, Services, new_id, record_audit
from drs_orchestration.domain.services.errors import EngineUnavailable
from drs_orchestration.domain.services.failback_guards import failback_source, mark_failback
from drs_orchestration.domain.services.point_in_time_reports import check_point_in_time

__all__ = [
    "EngineUnavailable",
    "ExecutionListItem",
    "ExecutionStarted",
    "OperatorRequestAccepted",
    "ServersView",
    "execution_summary",
    "list_execution_servers",
    "list_executions",
    "record_event",
    "start_execution",
    "steer_execution",
    "steer_wave",
]

RESOURCE = "Execution"


class ExecutionListItem(CamelModel):
    """A run in a list: its identity and status, without the plan snapshot or engine bookkeeping."""

    id: str
    plan_id: str
    plan_version: int
    plan_name: str
    mode: ExecutionMode
    status: ExecutionStatus
    status_reason: str | None
    created_at: Timestamp
    started_at: Timestamp | None
    ended_at: Timestamp | None
    started_by: str
    drill_expires_at: Timestamp | None
    instances_terminated_at: Timestamp | None
    point_in_time: Timestamp | None = None
    source_execution_id: str | None = None

    @classmethod
    def of(cls, header: ExecutionHeader) -> ExecutionListItem:
        return cls.model_validate(header.model_dump(by_alias=False, include=set(cls.model_fields)))


class ExecutionStarted(CamelModel):
    """A run was requested: the engine starts it."""

    execution_id: str
    status: ExecutionStatus


class OperatorRequestAccepted(CamelModel):
    """An operator's request (pause, resume, cancel, approve, retry, skip) was recorded; the engine
    acts on it on its next step. ``status`` is the run's status when the request was accepted."""

    execution_id: str
    status: ExecutionStatus
    request: RequestType
    sequence: int
    """The request's number among the run's requests."""
    wave_id: str | None = None

    @classmethod
    def of(cls, request: OperatorRequest, status: ExecutionStatus) -> OperatorRequestAccepted:
        return cls(
            execution_id=request.execution_id,
            status=status,
            request=request.type,
            sequence=request.sequence,
            wave_id=request.wave_id,
        )


def _runner(services: Services) -> ExecutionRunner:
    if services.runner is None:
        raise EngineUnavailable("no execution engine is configured in this deployment")
    return services.runner


def _event(
    execution_id: str,
    request: Request,
    event_type: EventType,
    message: str,
    *,
    wave_id: str | None = None,
    **details: JsonValue,
) -> ExecutionEvent:
    at = request.now
    return ExecutionEvent(
        execution_id=execution_id,
        event_id=f"{at.strftime('%Y%m%dT%H%M%S.%fZ')}-{uuid.uuid4().hex[:8]}",
        at=at,
        type=event_type,
        message=message,
        wave_id=wave_id,
        actor=request.actor,
        details=dict(details),
    )


def record_event(
    services: Services,
    request: Request,
    execution_id: str,
    event_type: EventType,
    message: str,
    *,
    wave_id: str | None = None,
    **details: JsonValue,
) -> None:
    """Add an operator's entry to the run's timeline."""
    services.executions.append_event(
        _event(execution_id, request, event_type, message, wave_id=wave_id, **details)
    )


def start_execution(services: Services, request: Request, body: StartExecutionRequest) -> ExecutionStarted:
    runner = _runner(services)
    plan = services.plans.get(body.plan_id)
    if body.mode in (ExecutionMode.RECOVERY, ExecutionMode.FAILBACK) and body.confirm_plan_name != plan.name:
        message = f"must repeat the plan's name exactly to confirm a {body.mode.value}"
        raise ValidationFailed([FieldError(name="confirmPlanName", message=message)])
    source = failback_source(services, plan, body)
    if body.point_in_time:
        check_point_in_time(body.point_in_time, request.now)
    active = services.executions.list_active(plan.id)
    if active:
        raise Conflict(f"recovery plan {plan.id} already has an active execution ({active[0].id})")
    execution_id = new_id("ex")
    if source is not None:
        mark_failback(services, source, execution_id, request.now)
    header = ExecutionHeader(
        id=execution_id,
        plan_id=plan.id,
        plan_version=source.plan_version if source else plan.version,
        plan_name=plan.name,
        mode=body.mode,
        created_at=request.now,
        started_by=request.actor,
        plan_snapshot=source.plan_snapshot if source else plan,
        point_in_time=body.point_in_time,
        source_execution_id=source.id if source else None,
        drill_expires_at=(
            request.now + timedelta(hours=plan.drill_ttl_hours)
            if body.mode is ExecutionMode.DRILL and plan.drill_ttl_hours
            else None
        ),
    )
    waves = [
        WaveState(execution_id=execution_id, wave_id=wave.id, name=wave.name, position=index)
        for index, wave in enumerate(header.plan_snapshot.waves)
    ]
    services.executions.create(header, waves, [])
    requested = (
        f"{body.mode.value} requested"
        + (
            f" from the latest snapshots at or before {body.point_in_time:%Y-%m-%dT%H:%M:%SZ}"
            if body.point_in_time
            else ""
        )
        + (f" of recovery {source.id}" if source else "")
    )
    record_event(services, request, execution_id, EventType.EXECUTION_CREATED, requested)
    try:
        runner.start(execution_id)
    except Exception as error:
        failed = header.model_copy(
            update={"status": ExecutionStatus.FAILED, "status_reason": "the engine did not start the run"}
        )
        services.executions.update_header(failed, header.version)
        raise EngineUnavailable(
            f"the execution engine did not start the run: {type(error).__name__}"
        ) from error
    pit: dict[str, JsonValue] = {"pointInTime": body.point_in_time.isoformat()} if body.point_in_time else {}
    if source is not None:
        pit["sourceExecutionId"] = source.id
    record_audit(
        services,
        request,
        "StartExecution",
        RESOURCE,
        execution_id,
        mode=body.mode.value,
        planId=plan.id,
        **pit,
    )
    return ExecutionStarted(execution_id=execution_id, status=header.status)


def list_executions(
    services: Services,
    *,
    plan_id: str | None,
    status: Sequence[ExecutionStatus],
    limit: int = DEFAULT_PAGE_SIZE,
    next_token: str | None = None,
) -> Page[ExecutionListItem]:
    page = services.executions.list_headers(
        plan_id=plan_id, status=status, limit=limit, next_token=next_token
    )
    return Page[ExecutionListItem](
        items=[ExecutionListItem.of(h) for h in page.items], next_token=page.next_token
    )


class ServersView(StrEnum):
    """How much of each wave ``GET /executions/{id}`` returns: every server (``all``), or only the
    counts (``none``: no server item is read)."""

    ALL = "all"
    NONE = "none"


def execution_summary(
    services: Services, execution_id: str, request: Request, servers: ServersView = ServersView.ALL
) -> Execution:
    header = services.executions.get_header(execution_id)
    waves = services.executions.get_waves(execution_id)
    if servers is ServersView.ALL:
        return assemble_execution(
            header, waves, services.executions.get_servers(execution_id), now=request.now
        )
    return assemble_summary(header, [(w, _counts(services, header, w)) for w in waves], now=request.now)


def _counts(services: Services, header: ExecutionHeader, wave: WaveState) -> ServerCounts:
    """The wave's counts as the engine keeps them; counted from its servers for a run the engine
    has not counted yet (a previous release's, or one not yet initialized)."""
    if wave.server_counts is not None:
        return wave.server_counts
    servers = services.executions.get_servers(header.id, wave.wave_id)
    return count_servers(servers, health_checked=health_checked(header, wave.wave_id))


def list_execution_servers(
    services: Services,
    execution_id: str,
    where: ServerFilter,
    *,
    limit: int = DEFAULT_PAGE_SIZE,
    next_token: str | None = None,
) -> Page[WaveServer]:
    """The run's servers ``where`` matches, by wave then server id, a page at a time; ``NotFound``
    for a run or wave the run does not have."""
    header = services.executions.get_header(execution_id)
    if where.wave_id is not None and where.wave_id not in {w.id for w in header.plan_snapshot.waves}:
        raise NotFound("wave", where.wave_id)
    page = services.executions.list_servers(execution_id, where, limit=limit, next_token=next_token)
    fields = set(WaveServer.model_fields)
    return Page[WaveServer](
        items=[WaveServer.model_validate(s.model_dump(include=fields)) for s in page.items],
        next_token=page.next_token,
    )


_STEERING: dict[RunnerSignal, tuple[frozenset[ExecutionStatus], RequestType, str]] = {
    RunnerSignal.CANCEL: (
        frozenset(set(ExecutionStatus) - TERMINAL_EXECUTION_STATUSES - {ExecutionStatus.CANCELLING}),
        RequestType.CANCEL,
        "CancelExecution",
    ),
    RunnerSignal.PAUSE: (
        frozenset({ExecutionStatus.PENDING, ExecutionStatus.RUNNING, ExecutionStatus.WAITING_APPROVAL}),
        RequestType.PAUSE,
        "PauseExecution",
    ),
    RunnerSignal.RESUME: (frozenset({ExecutionStatus.PAUSED}), RequestType.RESUME, "ResumeExecution"),
}


def _record_request(
    services: Services,
    request: Request,
    execution_id: str,
    request_type: RequestType,
    message: str,
    wave_id: str | None = None,
) -> OperatorRequest:
    """Store the operator's request for the engine, with the timeline event that shows it."""
    event = _event(execution_id, request, REQUEST_EVENTS[request_type], message, wave_id=wave_id)
    operator_request = OperatorRequest(
        execution_id=execution_id, type=request_type, at=request.now, actor=request.actor, wave_id=wave_id
    )
    return services.executions.add_request(operator_request, event)


def steer_execution(
    services: Services, request: Request, execution_id: str, signal: RunnerSignal
) -> OperatorRequestAccepted:
    """Cancel, pause or resume; ``Conflict`` when the run's status does not allow it."""
    runner = _runner(services)
    header = services.executions.get_header(execution_id)
    allowed, request_type, action = _STEERING[signal]
    if header.status not in allowed:
        raise Conflict(f"cannot {signal.value.lower()} an execution that is {header.status.value}")
    stored = _record_request(
        services, request, execution_id, request_type, f"{signal.value.lower()} requested"
    )
    runner.signal(execution_id, signal)
    record_audit(services, request, action, RESOURCE, execution_id, status=header.status.value)
    return OperatorRequestAccepted.of(stored, header.status)


_WAVE_STEERING: dict[str, tuple[frozenset[WaveStatus], RequestType, str]] = {
    "retry": (frozenset({WaveStatus.FAILED}), RequestType.RETRY, "RetryWave"),
    "skip": (frozenset({WaveStatus.PENDING, WaveStatus.FAILED}), RequestType.SKIP, "SkipWave"),
    # A wave waits for approval behind pauseBefore (PENDING) or on an APPROVAL action (PRE/POST_ACTIONS).
    "approve": (
        frozenset({WaveStatus.PENDING, WaveStatus.PRE_ACTIONS, WaveStatus.POST_ACTIONS}),
        RequestType.APPROVE,
        "ApproveWave",
    ),
}


def _steerable_wave(services: Services, header: ExecutionHeader, wave_id: str) -> WaveState:
    if header.status in TERMINAL_EXECUTION_STATUSES - {ExecutionStatus.FAILED, ExecutionStatus.PARTIAL} or (
        header.status is ExecutionStatus.CANCELLING
    ):
        raise Conflict(f"execution {header.id} is {header.status.value}")
    wave = next((w for w in services.executions.get_waves(header.id) if w.wave_id == wave_id), None)
    if wave is None:
        raise NotFound("wave", wave_id)
    return wave


def steer_wave(
    services: Services, request: Request, execution_id: str, wave_id: str, verb: str
) -> OperatorRequestAccepted:
    """Retry a failed wave (its failed servers), skip a wave, or approve a wave waiting for approval."""
    runner = _runner(services)
    header = services.executions.get_header(execution_id)
    wave = _steerable_wave(services, header, wave_id)
    allowed, request_type, action = _WAVE_STEERING[verb]
    if verb == "approve" and header.status is not ExecutionStatus.WAITING_APPROVAL:
        raise Conflict(f"execution {execution_id} is not waiting for an approval")
    if wave.status not in allowed:
        raise Conflict(f"cannot {verb} wave {wave_id} while it is {wave.status.value}")
    stored = _record_request(services, request, execution_id, request_type, f"{verb} wave {wave_id}", wave_id)
    runner.signal(execution_id, RunnerSignal.WAKE)
    record_audit(services, request, action, RESOURCE, execution_id, waveId=wave_id)
    return OperatorRequestAccepted.of(stored, header.status)
