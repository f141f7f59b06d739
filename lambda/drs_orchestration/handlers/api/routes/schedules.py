"""/recovery-plans/{id}/schedules: a plan's drill schedules (list, create, get, replace, delete)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path

from drs_orchestration.domain.models.schedule import ScheduleInput, ScheduleUpdate, ScheduleView
from drs_orchestration.domain.ports import Page
from drs_orchestration.domain.services import schedules as service
from drs_orchestration.handlers.api.dependencies import get_services, service_request
from drs_orchestration.handlers.api.resolver import requires
from drs_orchestration.handlers.api.routes.common import Version, json_response, responses
from drs_orchestration.handlers.api.security import Permission

router = Router()  # type: ignore[no-untyped-call]

PlanId = Annotated[str, Path(pattern=r"^rp-[0-9A-Za-z][0-9A-Za-z-]{0,63}$", max_length=67)]
ScheduleId = Annotated[str, Path(pattern=r"^sch-[0-9A-Za-z][0-9A-Za-z-]{0,63}$", max_length=68)]


@router.get(
    "/recovery-plans/<plan_id>/schedules",
    summary="List a plan's drill schedules, with each one's next run and last result",
    responses=responses(400, 403, 404, 503, _200=Page[ScheduleView]),
)
@requires(Permission.READ)
def list_schedules(plan_id: PlanId) -> Page[ScheduleView]:
    items = service.list_schedules(get_services(router), service_request(router), plan_id)
    return Page[ScheduleView](items=items)


@router.post(
    "/recovery-plans/<plan_id>/schedules",
    summary="Schedule the plan's drill (cron or rate expression, in an IANA time zone; at most hourly)",
    responses=responses(400, 403, 404, 409, 503, _201=ScheduleView),
)
@requires(Permission.EDIT_CONFIGURATION)
def create_schedule(plan_id: PlanId, body: ScheduleInput) -> Response[str]:
    created = service.create_schedule(get_services(router), service_request(router), plan_id, body)
    return json_response(201, created)


@router.get(
    "/recovery-plans/<plan_id>/schedules/<schedule_id>",
    summary="A drill schedule, with its next run and last result",
    responses=responses(400, 403, 404, 503, _200=ScheduleView),
)
@requires(Permission.READ)
def get_schedule(plan_id: PlanId, schedule_id: ScheduleId) -> ScheduleView:
    return service.get_schedule(get_services(router), service_request(router), plan_id, schedule_id)


@router.put(
    "/recovery-plans/<plan_id>/schedules/<schedule_id>",
    summary="Replace a drill schedule (version required)",
    responses=responses(400, 403, 404, 409, 503, _200=ScheduleView),
)
@requires(Permission.EDIT_CONFIGURATION)
def update_schedule(plan_id: PlanId, schedule_id: ScheduleId, body: ScheduleUpdate) -> ScheduleView:
    return service.update_schedule(get_services(router), service_request(router), plan_id, schedule_id, body)


@router.delete(
    "/recovery-plans/<plan_id>/schedules/<schedule_id>",
    summary="Delete a drill schedule",
    responses=responses(400, 403, 404, 409, 503, _204=None),
)
@requires(Permission.EDIT_CONFIGURATION)
def delete_schedule(plan_id: PlanId, schedule_id: ScheduleId, version: Version = None) -> Response[None]:
    service.delete_schedule(get_services(router), service_request(router), plan_id, schedule_id, version)
    return Response(status_code=204)
