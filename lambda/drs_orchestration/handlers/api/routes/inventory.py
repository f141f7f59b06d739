"""/drs/source-servers, /audit and /me: the DRS inventory, the audit trail and the caller."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query
from pydantic import Field

from drs_orchestration.domain.errors import FieldError, ValidationFailed
from drs_orchestration.domain.inventory import ServerFilter, page_servers
from drs_orchestration.domain.models.audit import AuditRecord
from drs_orchestration.domain.models.base import AccountId, CamelModel, Region
from drs_orchestration.domain.models.drs import SourceServer
from drs_orchestration.domain.ports import Page
from drs_orchestration.domain.services.protection_groups import check_target, inventory_snapshot
from drs_orchestration.handlers.api.dependencies import get_services
from drs_orchestration.handlers.api.resolver import current_principal, requires
from drs_orchestration.handlers.api.routes.common import PAGE_SIZE, Limit, NextToken, responses
from drs_orchestration.handlers.api.security import Permission
from drs_orchestration.version import product_version

router = Router()  # type: ignore[no-untyped-call]

TagFilter = Annotated[
    list[Annotated[str, Query(max_length=512)]] | None,
    Query(description="Key=Value; repeat to require several tags", max_length=20),
]
Search = Annotated[
    str | None,
    Query(min_length=1, max_length=255, description="Part of the hostname or source server id (any case)"),
]


def _tag_filters(raw: list[str]) -> dict[str, str]:
    tags: dict[str, str] = {}
    for index, item in enumerate(raw):
        key, separator, value = item.partition("=")
        if not separator or not key:
            raise ValidationFailed([FieldError(name=f"tag[{index}]", message="expected Key=Value")])
        tags[key] = value
    return tags


@router.get(
    "/drs/source-servers",
    summary="DRS source servers of an account and Region, by id (the whole inventory, paged)",
    description=(
        "Served from a read of DRS at most 30 seconds old (one per account and Region); a page resumes"
        " after the last server of the previous one, so paging never repeats a server."
    ),
    responses=responses(400, 403, _200=Page[SourceServer]),
)
@requires(Permission.READ)
def source_servers(
    account_id: Annotated[AccountId, Query(alias="accountId")],
    region: Annotated[Region, Query()],
    tag: TagFilter = None,
    search: Search = None,
    limit: Limit = PAGE_SIZE,
    next_token: NextToken = None,
) -> Page[SourceServer]:
    wanted = ServerFilter(tags=_tag_filters(tag or []), search=search)
    services = get_services(router)
    check_target(services, account_id, region)
    snapshot = inventory_snapshot(services, account_id, region)
    return page_servers(snapshot, wanted, limit=limit, next_token=next_token)


@router.get(
    "/audit", summary="The audit trail, newest first", responses=responses(400, 403, _200=Page[AuditRecord])
)
@requires(Permission.READ)
def audit(
    limit: Limit = PAGE_SIZE,
    next_token: NextToken = None,
    resource_id: Annotated[str | None, Query(alias="resourceId", max_length=128)] = None,
) -> Page[AuditRecord]:
    return get_services(router).audit.list(resource_id=resource_id, limit=limit, next_token=next_token)


class Me(CamelModel):
    version: str = Field(description="The product's version (pyproject.toml)")
    username: str
    subject: str
    email: str | None
    groups: list[str]
    permissions: list[str]


@router.get(
    "/me",
    summary="The caller (user, groups and permissions) and the product's version",
    responses=responses(_200=Me),
)
@requires()  # any signed-in caller
def me() -> Me:
    principal = current_principal(router)
    return Me(
        version=product_version(),
        username=principal.username,
        subject=principal.subject,
        email=principal.email,
        groups=sorted(principal.groups),
        permissions=sorted(p.value for p in principal.permissions),
    )
