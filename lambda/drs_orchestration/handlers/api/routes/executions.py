"""/executions: start (202), list, summary, steering, events and the report (JSON or CSV)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Header, Path, Query

from drs_orchestration.domain.models.base import AccountId, RecoveryPlanId, Region
from drs_orchestration.domain.models.base import WaveId as WaveIdModel
from drs_orchestration.domain.models.execution import (
    Execution,
    ExecutionEvent,
    ExecutionMode,
    ExecutionStatus,
    StartExecutionRequest,
    WaveServer,
)
from drs_orchestration.domain.models.server_listing import ServerFilter, ServerStatusFilter
from drs_orchestration.domain.ports import Page, RunnerSignal
from drs_orchestration.domain.services import execution_events, execution_reports, executions, report_exports
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
    summary=(
        "Start a drill, a recovery or a failback of a recovery (a RECOVERY or FAILBACK repeats the plan's "
        "name in confirmPlanName; a FAILBACK names its RECOVERY in sourceExecutionId)"
    ),
    responses=responses(400, 403, 404, 409, 503, _202=executions.ExecutionStarted),
)
@requires(Permission.RUN_DRILL)
def start(body: StartExecutionRequest) -> Response[str]:
    if body.mode is not ExecutionMode.DRILL:  # a RECOVERY or a FAILBACK launches for real
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
    summary=(
        "An execution with its waves, each with its serverCounts and its servers; with servers=none, the"
        " waves' serverCounts and no server (no server item is read: the poll of a large run), the"
        " servers then paged by GET /executions/{id}/servers"
    ),
    responses=responses(400, 403, 404, _200=Execution),
)
@requires(Permission.READ)
def get_execution(
    execution_id: ExecutionId,
    servers: Annotated[
        executions.ServersView,
        Query(description="all (default): every server of every wave; none: only the waves' serverCounts"),
    ] = executions.ServersView.ALL,
) -> Execution:
    return executions.execution_summary(get_services(router), execution_id, service_request(router), servers)


@router.get(
    "/executions/<execution_id>/servers",
    summary=(
        "An execution's servers, by wave then server id, a page at a time; filtered by wave, status (a"
        " launch status, NOT_STARTED, or a health verdict HEALTHY / UNHEALTHY), account and Region"
    ),
    responses=responses(400, 403, 404, _200=Page[WaveServer]),
)
@requires(Permission.READ)
def list_servers(
    execution_id: ExecutionId,
    limit: Limit = PAGE_SIZE,
    next_token: NextToken = None,
    wave_id: Annotated[WaveIdModel | None, Query(alias="waveId")] = None,
    status: Annotated[ServerStatusFilter | None, Query()] = None,
    account_id: Annotated[AccountId | None, Query(alias="accountId")] = None,
    region: Annotated[Region | None, Query()] = None,
) -> Page[WaveServer]:
    where = ServerFilter(wave_id=wave_id, status=status, account_id=account_id, region=region)
    return executions.list_execution_servers(
        get_services(router), execution_id, where, limit=limit, next_token=next_token
    )


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


class ReportExportFormat(StrEnum):
    CSV = "csv"


ReportLimit = Annotated[
    int,
    Query(
        ge=1,
        le=execution_reports.REPORT_MAX_PAGE_SIZE,
        description="Server rows in the page (fewer once the page passes 3 MiB serialised)",
    ),
]
ReportExport = Annotated[
    ReportExportFormat | None,
    Query(description="`csv`: write every row to a CSV file and answer a link to it (JSON)"),
]

_REPORT_DESCRIPTION = """\
JSON (the default): the run's summary (execution, RTO, planned against actual per wave) and a page of
its server rows, in plan order of the waves then by server id; `limit` rows at most (default 100, up to
1000), fewer once the page passes 3 MiB (the summary grows with the run; a page holds at least 512 KiB
of rows), so a page stays far under Lambda's 6 MB response whatever the command outputs hold. Follow
`nextToken` until a page comes without it.

CSV, every server in one file, two ways:
- `Accept: text/csv`: the CSV itself (200, `text/csv`) when it takes at most 1 MiB; a larger one is
  written to the stack's reports bucket and answered with **303 See Other**, `Location` a presigned
  GET link valid for 5 minutes (the body repeats it as JSON: `url`, `expiresAt`, `fileName`, `rows`,
  `sizeBytes`). Follow the link without the API's `Authorization` header (`curl -L` does so).
- `?export=csv` (what the console uses, since a browser cannot read a redirect's `Location`): always
  written to the bucket; 200 with that JSON. Download `url` with a plain GET before `expiresAt`.
Exported files expire from the bucket after a day. 503 when a link is needed and no bucket is set up.
"""

_REPORT_RESPONSES = responses(400, 403, 404, 503)
_REPORT_RESPONSES[200] = {
    "description": "A page of the report (JSON); the CSV with `Accept: text/csv`; with `?export=csv` a "
    "`ReportExport` (JSON), as the 303's body",
    "content": {
        "application/json": {"model": execution_reports.ExecutionReport},
        "text/csv": {"schema": {"type": "string"}},
    },
}
_REPORT_RESPONSES[303] = {
    "description": "`Accept: text/csv` and the CSV is over 1 MiB: `Location` is a presigned link to it",
    "content": {"application/json": {"model": report_exports.ReportExport}},
}


def _csv_answer(execution_id: str) -> Response[str]:
    exported = report_exports.export_csv(get_services(router), execution_id, service_request(router))
    if isinstance(exported, str):
        return Response(status_code=200, content_type="text/csv", body=exported)
    response = json_response(303, exported)
    response.headers["Location"] = exported.url
    return response


@router.get(
    "/executions/<execution_id>/report",
    summary="The run's report: JSON pages, or every server as CSV",
    description=_REPORT_DESCRIPTION,
    responses=_REPORT_RESPONSES,
)
@requires(Permission.READ)
def report(
    execution_id: ExecutionId,
    limit: ReportLimit = execution_reports.REPORT_PAGE_SIZE,
    next_token: NextToken = None,
    export: ReportExport = None,
    accept: Annotated[str | None, Header(alias="Accept")] = None,
) -> Response[str]:
    """The report is paged, and a large CSV goes through S3.

    Decision: the JSON report is paged (summary on every page, server rows bounded in count and bytes)
    rather than stored, so the console and the CLI read it with the same ``nextToken`` loop as every
    other list. The CSV holds every server in one file; it is answered inline while small (at most
    1 MiB) and otherwise written to the reports bucket (encrypted, private, objects expired after a
    day; the API's role may only put and get objects under ``reports/``) and handed out as a presigned
    GET link of 5 minutes: a 303 for ``Accept: text/csv`` (HTTP clients and the CLI follow it), a JSON
    link for ``?export=csv`` (the console: a browser's fetch cannot read a redirect's ``Location``).
    Streaming was not chosen: the API's Lambda proxy integration and the local runtime return the
    response whole, so a streamed body would meet the same 6 MB limit.
    """
    services, request = get_services(router), service_request(router)
    if export is ReportExportFormat.CSV:
        return json_response(200, report_exports.export_csv_link(services, execution_id, request))
    if accept and "text/csv" in accept:
        return _csv_answer(execution_id)
    page = execution_reports.execution_report(
        services, execution_id, request, limit=limit, next_token=next_token
    )
    return json_response(200, page)
