"""/readiness: the account-wide readiness (the latest stored scan and its history), and on-demand scans."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from drs_orchestration.domain.readiness_scans import ReadinessView, ScanAccepted
from drs_orchestration.domain.services.readiness_programme import get_readiness, request_readiness_scan
from drs_orchestration.handlers.api.dependencies import get_services, service_request
from drs_orchestration.handlers.api.resolver import requires
from drs_orchestration.handlers.api.routes.common import json_response, responses
from drs_orchestration.handlers.api.security import Permission

router = Router()  # type: ignore[no-untyped-call]


@router.get(
    "/readiness",
    summary=(
        "The account-wide readiness: the latest scan's score (0-100) and findings, and the last 90 days' "
        "scores (read from the stored scans, never computed in the request)"
    ),
    responses=responses(403, 503, _200=ReadinessView),
)
@requires(Permission.READ)
def read_readiness() -> ReadinessView:
    return get_readiness(get_services(router), service_request(router).now)


@router.post(
    "/readiness/scans",
    summary="Scan the account-wide readiness now (Operator or Admin): 202; GET /readiness reads the result",
    responses=responses(403, 503, _202=ScanAccepted),
)
@requires(Permission.RUN_DRILL)
def start_scan() -> Response[str]:
    accepted = request_readiness_scan(get_services(router), service_request(router))
    return json_response(202, accepted)
