"""/recovery-plans/{id}/readiness-checks: start a readiness check, then read it until it has ended."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from pydantic import RootModel

from drs_orchestration.domain.models.execution import ExecutionMode
from drs_orchestration.domain.readiness_checks import ReadinessCheck, ReadinessCheckStatus
from drs_orchestration.domain.services.readiness_checks import get_readiness_check, start_readiness_check
from drs_orchestration.handlers.api.dependencies import get_services, service_request
from drs_orchestration.handlers.api.resolver import requires
from drs_orchestration.handlers.api.routes.common import json_response, responses
from drs_orchestration.handlers.api.routes.recovery_plans import PlanId, SourceExecutionId
from drs_orchestration.handlers.api.security import Permission

router = Router()  # type: ignore[no-untyped-call]


class ReadinessCheckView(RootModel[ReadinessCheck]):
    """A readiness check as the API returns it (one of its three statuses)."""


CheckId = Annotated[str, Path(pattern=r"^rc-[0-9A-Za-z]{1,64}$", max_length=67)]


@router.post(
    "/recovery-plans/<plan_id>/readiness-checks",
    summary=(
        "Check a plan's readiness, launching nothing: 201 with the report for a plan of up to 200 servers, "
        "otherwise 202 with a RUNNING check to poll; mode=FAILBACK with sourceExecutionId checks whether "
        "that RECOVERY run's servers can fail back (failback clients, reverse replication, instances)"
    ),
    responses=responses(400, 403, 404, 409, 503, _201=ReadinessCheckView, _202=ReadinessCheckView),
)
@requires(Permission.READ)
def start_check(
    plan_id: PlanId,
    mode: Annotated[ExecutionMode, Query()] = ExecutionMode.DRILL,
    source_execution_id: SourceExecutionId = None,
) -> Response[str]:
    check = start_readiness_check(
        get_services(router), service_request(router), plan_id, mode, source_execution_id
    )
    status = 202 if check.status is ReadinessCheckStatus.RUNNING else 201
    return json_response(status, ReadinessCheckView(check))


@router.get(
    "/recovery-plans/<plan_id>/readiness-checks/<check_id>",
    summary="A readiness check: RUNNING with its progress, COMPLETED with the report, or FAILED with why",
    responses=responses(400, 403, 404, 503, _200=ReadinessCheckView),
)
@requires(Permission.READ)
def get_check(plan_id: PlanId, check_id: CheckId) -> ReadinessCheckView:
    return ReadinessCheckView(
        get_readiness_check(get_services(router), plan_id, check_id, service_request(router).now)
    )
