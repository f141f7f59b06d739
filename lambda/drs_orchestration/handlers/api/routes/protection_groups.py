"""/protection-groups: list, create, get, update, delete, and the resolved servers of a group."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from drs_orchestration.domain.models.base import AccountId, Region
from drs_orchestration.domain.models.protection_group import (
    ProtectionGroup,
    ProtectionGroupInput,
    ProtectionGroupUpdate,
)
from drs_orchestration.domain.ports import Page
from drs_orchestration.domain.services import protection_groups as service
from drs_orchestration.domain.services.readiness_reports import GroupServer, group_servers
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

GroupId = Annotated[str, Path(pattern=r"^pg-[0-9A-Za-z][0-9A-Za-z-]{0,63}$", max_length=67)]


@router.get(
    "/protection-groups",
    summary="List protection groups by name",
    responses=responses(400, 403, _200=Page[ProtectionGroup]),
)
@requires(Permission.READ)
def list_groups(
    limit: Limit = PAGE_SIZE,
    next_token: NextToken = None,
    account_id: Annotated[AccountId | None, Query(alias="accountId")] = None,
    region: Annotated[Region | None, Query()] = None,
) -> Page[ProtectionGroup]:
    return get_services(router).groups.list(
        limit=limit, next_token=next_token, account_id=account_id, region=region
    )


@router.post(
    "/protection-groups",
    summary="Create a protection group",
    responses=responses(400, 403, 409, _201=ProtectionGroup),
)
@requires(Permission.EDIT_CONFIGURATION)
def create_group(body: ProtectionGroupInput) -> Response[str]:
    group = service.create_protection_group(get_services(router), service_request(router), body)
    return json_response(201, group)


@router.get(
    "/protection-groups/<group_id>",
    summary="Get a protection group",
    responses=responses(400, 403, 404, _200=ProtectionGroup),
)
@requires(Permission.READ)
def get_group(group_id: GroupId) -> ProtectionGroup:
    return get_services(router).groups.get(group_id)


@router.put(
    "/protection-groups/<group_id>",
    summary="Replace a protection group (version required)",
    responses=responses(400, 403, 404, 409, _200=ProtectionGroup),
)
@requires(Permission.EDIT_CONFIGURATION)
def update_group(group_id: GroupId, body: ProtectionGroupUpdate) -> ProtectionGroup:
    return service.update_protection_group(get_services(router), service_request(router), group_id, body)


@router.delete(
    "/protection-groups/<group_id>",
    summary="Delete a protection group (refused while a plan uses it)",
    responses=responses(400, 403, 404, 409, _204=None),
)
@requires(Permission.EDIT_CONFIGURATION)
def delete_group(group_id: GroupId, version: Version = None) -> Response[None]:
    service.delete_protection_group(get_services(router), service_request(router), group_id, version)
    return Response(status_code=204)


@router.get(
    "/protection-groups/<group_id>/servers",
    summary="The group's resolved servers with replication state, lag, last launch and readiness",
    responses=responses(400, 403, 404, _200=Page[GroupServer]),
)
@requires(Permission.READ)
def list_group_servers(
    group_id: GroupId, limit: Limit = PAGE_SIZE, next_token: NextToken = None
) -> Page[GroupServer]:
    request = service_request(router)
    return group_servers(get_services(router), group_id, request.now, limit=limit, next_token=next_token)
