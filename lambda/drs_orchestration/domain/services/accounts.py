"""Target account use cases; the ExternalId is shown in full to administrators only."""

from __future__ import annotations

from drs_orchestration.domain.errors import Conflict
from drs_orchestration.domain.models.account import TargetAccount, TargetAccountInput
from drs_orchestration.domain.models.base import CamelModel, Timestamp
from drs_orchestration.domain.services.context import Request, Services, audit_record

__all__ = ["AccountView", "account_view", "create_account", "delete_account", "update_account"]

RESOURCE = "Account"


class AccountView(CamelModel):
    account_id: str
    name: str
    role_arn: str
    external_id: str
    """In full for administrators; masked to its last four characters for everyone else."""
    regions: list[str]
    version: int
    created_at: Timestamp
    created_by: str
    updated_at: Timestamp
    updated_by: str


def _mask(secret: str) -> str:
    return "****" + secret[-4:] if len(secret) > 8 else "****"


def account_view(account: TargetAccount, *, reveal: bool) -> AccountView:
    data = account.model_dump(by_alias=False)
    if not reveal:
        data["external_id"] = _mask(account.external_id)
    return AccountView.model_validate(data)


def create_account(services: Services, request: Request, data: TargetAccountInput) -> TargetAccount:
    account = TargetAccount(
        **data.model_dump(by_alias=False),
        **request.created(),
    )
    audit = audit_record(
        request, "CreateAccount", RESOURCE, account.account_id, after_version=account.version
    )
    return services.accounts.create(account, audit=audit)


def update_account(
    services: Services, request: Request, account_id: str, data: TargetAccountInput, version: int
) -> TargetAccount:
    current = services.accounts.get(account_id)
    changed = TargetAccount.model_validate(
        {
            **current.model_dump(by_alias=False),
            **data.model_dump(by_alias=False),
            "account_id": account_id,
            **request.updated(),
        }
    )
    audit = audit_record(
        request, "UpdateAccount", RESOURCE, account_id, before_version=version, after_version=version + 1
    )
    return services.accounts.update(changed, version, audit=audit)


def delete_account(services: Services, request: Request, account_id: str, version: int | None) -> None:
    """Refused while a protection group recovers servers of the account."""
    current = services.accounts.get(account_id)
    users = services.groups.list(limit=5, account_id=account_id).items
    if users:
        names = ", ".join(group.name for group in users)
        raise Conflict(
            f"account {account_id} is used by protection group(s) {names}", current_version=current.version
        )
    audit = audit_record(request, "DeleteAccount", RESOURCE, account_id, before_version=current.version)
    services.accounts.delete(account_id, version, audit=audit)
