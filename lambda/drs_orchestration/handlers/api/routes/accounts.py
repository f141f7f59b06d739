"""/accounts: target accounts; writes and full ExternalIds are for administrators."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from drs_orchestration.domain.models.account import TargetAccountInput
from drs_orchestration.domain.ports import Page
from drs_orchestration.domain.services import accounts as service
from drs_orchestration.domain.services.accounts import AccountView, account_view
from drs_orchestration.handlers.api.dependencies import get_services, service_request
from drs_orchestration.handlers.api.resolver import current_principal, requires
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

AccountIdPath = Annotated[str, Path(pattern=r"^\d{12}$")]


@router.get(
    "/accounts", summary="List target accounts", responses=responses(400, 403, _200=Page[AccountView])
)
@requires(Permission.READ)
def list_accounts(limit: Limit = PAGE_SIZE, next_token: NextToken = None) -> Page[AccountView]:
    principal = current_principal(router)
    page = get_services(router).accounts.list(limit=limit, next_token=next_token)
    reveal = principal.can(Permission.READ_SECRETS)
    return Page[AccountView](
        items=[account_view(a, reveal=reveal) for a in page.items], next_token=page.next_token
    )


@router.post(
    "/accounts", summary="Register a target account", responses=responses(400, 403, 409, _201=AccountView)
)
@requires(Permission.MANAGE_ACCOUNTS)
def create_account(body: TargetAccountInput) -> Response[str]:
    account = service.create_account(get_services(router), service_request(router), body)
    return json_response(201, account_view(account, reveal=True))


@router.get(
    "/accounts/<account_id>",
    summary="Get a target account",
    responses=responses(400, 403, 404, _200=AccountView),
)
@requires(Permission.READ)
def get_account(account_id: AccountIdPath) -> AccountView:
    principal = current_principal(router)
    return account_view(
        get_services(router).accounts.get(account_id), reveal=principal.can(Permission.READ_SECRETS)
    )


@router.put(
    "/accounts/<account_id>",
    summary="Replace a target account (version required)",
    responses=responses(400, 403, 404, 409, _200=AccountView),
)
@requires(Permission.MANAGE_ACCOUNTS)
def update_account(
    account_id: AccountIdPath, body: TargetAccountInput, version: Annotated[int, Query(ge=1)]
) -> AccountView:
    account = service.update_account(get_services(router), service_request(router), account_id, body, version)
    return account_view(account, reveal=True)


@router.delete(
    "/accounts/<account_id>",
    summary="Remove a target account",
    responses=responses(400, 403, 404, 409, _204=None),
)
@requires(Permission.MANAGE_ACCOUNTS)
def delete_account(account_id: AccountIdPath, version: Version = None) -> Response[None]:
    service.delete_account(get_services(router), service_request(router), account_id, version)
    return Response(status_code=204)
