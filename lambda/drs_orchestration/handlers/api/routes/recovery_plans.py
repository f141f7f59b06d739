"""/recovery-plans: list, create, get, update, delete, and validate (a readiness report)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from drs_orchestration.domain.models.base import Timestamp
from drs_orchestration.domain.models.execution import ExecutionMode
from drs_orchestration.domain.models.recovery_plan import RecoveryPlan, RecoveryPlanInput, RecoveryPlanUpdate
from drs_orchestration.domain.point_in_time import PointInTimeCoverage
from drs_orchestration.domain.ports import Page
from drs_orchestration.domain.readiness import PlanReadiness
from drs_orchestration.domain.services import recovery_plans as service
from drs_orchestration.domain.services.point_in_time_reports import plan_snapshot_coverage
from drs_orchestration.domain.services.readiness_reports import validate_plan
from drs_orchestration.handlers.api.dependencies import get_services, service_request
from drs_orchestration.handlers.api.resolver import requires
from drs_orchestration.handlers.api.routes.common import (
    PAGE_SIZE,
    Limit,
    NextToken,
    Version,
    json_response,
    responses,
)
from drs_orchestration.handlers.api.security import Permission

router = Router()  # type: ignore[no-untyped-call]

PlanId = Annotated[str, Path(pattern=r"^rp-[0-9A-Za-z][0-9A-Za-z-]{0,63}$", max_length=67)]


@router.get(
    "/recovery-plans",
    summary="List recovery plans by name",
    responses=responses(400, 403, _200=Page[RecoveryPlan]),
)
@requires(Permission.READ)
def list_plans(limit: Limit = PAGE_SIZE, next_token: NextToken = None) -> Page[RecoveryPlan]:
    return get_services(router).plans.list(limit=limit, next_token=next_token)


@router.post(
    "/recovery-plans", summary="Create a recovery plan", responses=responses(400, 403, 409, _201=RecoveryPlan)
)
@requires(Permission.EDIT_CONFIGURATION)
def create_plan(body: RecoveryPlanInput) -> Response[str]:
    return json_response(
        201, service.create_recovery_plan(get_services(router), service_request(router), body)
    )


@router.get(
    "/recovery-plans/<plan_id>",
    summary="Get a recovery plan",
    responses=responses(400, 403, 404, _200=RecoveryPlan),
)
@requires(Permission.READ)
def get_plan(plan_id: PlanId) -> RecoveryPlan:
    return get_services(router).plans.get(plan_id)


@router.put(
    "/recovery-plans/<plan_id>",
    summary="Replace a recovery plan (version required)",
    responses=responses(400, 403, 404, 409, _200=RecoveryPlan),
)
@requires(Permission.EDIT_CONFIGURATION)
def update_plan(plan_id: PlanId, body: RecoveryPlanUpdate) -> RecoveryPlan:
    return service.update_recovery_plan(get_services(router), service_request(router), plan_id, body)


@router.delete(
    "/recovery-plans/<plan_id>",
    summary="Delete a recovery plan (refused while an execution is active)",
    responses=responses(400, 403, 404, 409, _204=None),
)
@requires(Permission.EDIT_CONFIGURATION)
def delete_plan(plan_id: PlanId, version: Version = None) -> Response[None]:
    service.delete_recovery_plan(get_services(router), service_request(router), plan_id, version)
    return Response(status_code=204)


PointInTime = Annotated[
    Timestamp,
    Query(
        alias="pointInTime",
        description="An instant in the past, ISO-8601 with its zone (UTC: ...Z)",
    ),
]


SourceExecutionId = Annotated[
    str | None,
    Query(
        alias="sourceExecutionId",
        pattern=r"^ex-[0-9A-Za-z][0-9A-Za-z-]{0,63}$",
        max_length=67,
        description="mode=FAILBACK: the finished RECOVERY run whose servers would fail back",
    ),
]


@router.post(
    "/recovery-plans/<plan_id>/validate",
    summary=(
        "Readiness report per wave and server, launching nothing, for a plan of up to 200 servers "
        "(409 above: start a readiness check); mode=FAILBACK with sourceExecutionId checks whether that "
        "RECOVERY run's servers can fail back"
    ),
    responses=responses(400, 403, 404, 409, _200=PlanReadiness),
)
@requires(Permission.READ)
def validate(
    plan_id: PlanId,
    mode: Annotated[ExecutionMode, Query()] = ExecutionMode.DRILL,
    point_in_time: Annotated[Timestamp | None, Query(alias="pointInTime")] = None,
    source_execution_id: SourceExecutionId = None,
) -> PlanReadiness:
    now = service_request(router).now
    return validate_plan(get_services(router), plan_id, mode, now, point_in_time, source_execution_id)


@router.get(
    "/recovery-plans/<plan_id>/snapshots",
    summary="Which recovery snapshot each server would launch from at a point in time",
    responses=responses(400, 403, 404, _200=PointInTimeCoverage),
)
@requires(Permission.READ)
def snapshots(plan_id: PlanId, point_in_time: PointInTime) -> PointInTimeCoverage:
    return plan_snapshot_coverage(get_services(router), plan_id, point_in_time, service_request(router).now)
