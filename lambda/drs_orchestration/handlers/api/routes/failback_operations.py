"""/executions/{id}/reprotect and /executions/{id}/failback-cleanup: the operator actions after a
FAILBACK run, each reporting per server."""

from __future__ import annotations

from aws_lambda_powertools.event_handler.api_gateway import Router

from drs_orchestration.domain.models.failback_operations import CleanupResult, ReprotectResult, ServerResults
from drs_orchestration.domain.services.failback_cleanup import clean_up_failback
from drs_orchestration.domain.services.reprotect import reprotect_execution
from drs_orchestration.handlers.api.dependencies import get_services, service_request
from drs_orchestration.handlers.api.resolver import requires
from drs_orchestration.handlers.api.routes.common import responses
from drs_orchestration.handlers.api.routes.executions import ExecutionId
from drs_orchestration.handlers.api.security import Permission

router = Router()  # type: ignore[no-untyped-call]


@router.post(
    "/executions/<execution_id>/reprotect",
    summary=(
        "After a SUCCEEDED or PARTIAL failback, restore replication in the original direction for every "
        "server of the run (idempotent: ALREADY_PROTECTED once done)"
    ),
    responses=responses(400, 403, 404, 409, 503, _200=ServerResults[ReprotectResult]),
)
@requires(Permission.RUN_RECOVERY)
def reprotect(execution_id: ExecutionId) -> ServerResults[ReprotectResult]:
    return reprotect_execution(get_services(router), service_request(router), execution_id)


@router.post(
    "/executions/<execution_id>/failback-cleanup",
    summary=(
        "After a finished failback, stop failback and disconnect each server's recovery instance from DRS "
        "(idempotent: ALREADY_CLEAN once done; instances are not terminated)"
    ),
    responses=responses(400, 403, 404, 409, 503, _200=ServerResults[CleanupResult]),
)
@requires(Permission.RUN_RECOVERY)
def failback_cleanup(execution_id: ExecutionId) -> ServerResults[CleanupResult]:
    return clean_up_failback(get_services(router), service_request(router), execution_id)
