"""/executions: start (202), list, summary, steering, events and the report (JSON or CSV)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Header, Path, Query

from drs_orchestration.domain.models.base import RecoveryPlanId
from drs_orchestration.domain.models.execution import (
    Execution,
    ExecutionEvent,
    ExecutionMode,
    ExecutionStatus,
    StartExecutionRequest,
)
from drs_orchestration.domain.ports import Page, RunnerSignal
from drs_orchestration.domain.services import execution_events, execution_reports, executions
from drs_orchestration.handlers.api.dependencies import get_services, service_request
from drs_orchestration.handlers.api.resolver import require, requires
from drs_orchestration.handlers.api.routes.common import PAGE_SIZE, Limit, NextToken, json_response, responses
from drs_orchestration.handlers.api.security import Permission

router = Router()  # type: ignore[no-untyped-call]

ExecutionId = Annotated[str, Path(pattern=r"^ex-[0-9A-Za-z][0-9A-Za-z-]{0,63}$", max_length=67)]
WaveId = Annotated[str, Path(pattern=r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$", max_length=64)]
EventCursor = Annotated[
    str | None,
    Query(
        pattern=execution_events.EVENT_CURSOR_PATTERN,
        max_length=128,
        description=(
            "The eventId of the newest event the client holds: only events after it are returned, and"
            f" those of the last {execution_events.EVENT_SETTLE_SECONDS} s again (a step may store an"
            " event late); merge them by eventId"
        ),
    ),
]
STEERING = responses(400, 403, 404, 409, 503, _202=executions.OperatorRequestAccepted)


@router.post(
    "/executions",
    summary="Start a drill or a recovery (a RECOVERY repeats the plan's name in confirmPlanName)",
    responses=responses(400, 403, 404, 409, 503, _202=executions.ExecutionStarted),
)
@requires(Permission.RUN_DRILL)
def start(body: StartExecutionRequest) -> Response[str]:
    if body.mode is ExecutionMode.RECOVERY:
        require(router, Permission.RUN_RECOVERY)
    started = executions.start_execution(get_services(router), service_request(router), body)
    return json_response(202, started)


@router.get(
    "/executions",
    summary="List executions, newest first",
    responses=responses(400, 403, _200=Page[executions.ExecutionListItem]),
)
@requires(Permission.READ)
def list_executions(
    limit: Limit = PAGE_SIZE,
    next_token: NextToken = None,
    plan_id: Annotated[RecoveryPlanId | None, Query(alias="planId")] = None,
    status: Annotated[list[ExecutionStatus] | None, Query()] = None,
) -> Page[executions.ExecutionListItem]:
    return executions.list_executions(
        get_services(router), plan_id=plan_id, status=status or [], limit=limit, next_token=next_token
    )


@router.get(
    "/executions/<execution_id>",
    summary="An execution with its waves and servers",
    responses=responses(400, 403, 404, _200=Execution),
)
@requires(Permission.READ)
def get_execution(execution_id: ExecutionId) -> Execution:
    return executions.execution_summary(get_services(router), execution_id, service_request(router))


def _steer(execution_id: str, signal: RunnerSignal) -> Response[str]:
    result = executions.steer_execution(get_services(router), service_request(router), execution_id, signal)
    return json_response(202, result)


@router.post("/executions/<execution_id>/cancel", summary="Cancel a run", responses=STEERING)
@requires(Permission.STEER_EXECUTION)
def cancel(execution_id: ExecutionId) -> Response[str]:
    return _steer(execution_id, RunnerSignal.CANCEL)


@router.post("/executions/<execution_id>/pause", summary="Pause a run", responses=STEERING)
@requires(Permission.STEER_EXECUTION)
def pause(execution_id: ExecutionId) -> Response[str]:
    return _steer(execution_id, RunnerSignal.PAUSE)


@router.post("/executions/<execution_id>/resume", summary="Resume a paused run", responses=STEERING)
@requires(Permission.STEER_EXECUTION)
def resume(execution_id: ExecutionId) -> Response[str]:
    return _steer(execution_id, RunnerSignal.RESUME)


def _steer_wave(execution_id: str, wave_id: str, verb: str) -> Response[str]:
    result = executions.steer_wave(get_services(router), service_request(router), execution_id, wave_id, verb)
    return json_response(202, result)


@router.post(
    "/executions/<execution_id>/waves/<wave_id>/retry", summary="Retry a failed wave", responses=STEERING
)
@requires(Permission.STEER_EXECUTION)
def retry_wave(execution_id: ExecutionId, wave_id: WaveId) -> Response[str]:
    return _steer_wave(execution_id, wave_id, "retry")


@router.post("/executions/<execution_id>/waves/<wave_id>/skip", summary="Skip a wave", responses=STEERING)
@requires(Permission.STEER_EXECUTION)
def skip_wave(execution_id: ExecutionId, wave_id: WaveId) -> Response[str]:
    return _steer_wave(execution_id, wave_id, "skip")


@router.post(
    "/executions/<execution_id>/waves/<wave_id>/approve", summary="Approve a waiting wave", responses=STEERING
)
@requires(Permission.STEER_EXECUTION)
def approve_wave(execution_id: ExecutionId, wave_id: WaveId) -> Response[str]:
    return _steer_wave(execution_id, wave_id, "approve")


@router.post(
    "/executions/<execution_id>/terminate-instances",
    summary="Terminate the drill instances the run launched",
    responses=responses(400, 403, 404, 409, _202=execution_reports.TerminationResult),
)
@requires(Permission.TERMINATE_DRILL_INSTANCES)
def terminate_instances(execution_id: ExecutionId) -> Response[str]:
    result = execution_reports.terminate_drill_instances(
        get_services(router), service_request(router), execution_id
    )
    return json_response(202, result)


@router.get(
    "/executions/<execution_id>/events",
    summary="The run's timeline, oldest first; with after, only what came after that event",
    responses=responses(400, 403, 404, _200=Page[ExecutionEvent]),
)
@requires(Permission.READ)
def events(
    execution_id: ExecutionId,
    limit: Limit = PAGE_SIZE,
    next_token: NextToken = None,
    after: EventCursor = None,
) -> Page[ExecutionEvent]:
    return execution_events.list_events(
        get_services(router),
        service_request(router),
        execution_id,
        after=after,
        limit=limit,
        next_token=next_token,
    )


_REPORT_RESPONSES = responses(400, 403, 404)
_REPORT_RESPONSES[200] = {
    "description": "The report (JSON), or one row per server with `Accept: text/csv`",
    "content": {
        "application/json": {"model": execution_reports.ExecutionReport},
        "text/csv": {"schema": {"type": "string"}},
    },
}


@router.get("/executions/<execution_id>/report", summary="The run's report", responses=_REPORT_RESPONSES)
@requires(Permission.READ)
def report(
    execution_id: ExecutionId, accept: Annotated[str | None, Header(alias="Accept")] = None
) -> Response[str]:
    result = execution_reports.execution_report(get_services(router), execution_id, service_request(router))
    if accept and "text/csv" in accept:
        return Response(status_code=200, content_type="text/csv", body=execution_reports.report_csv(result))
    return json_response(200, result)
