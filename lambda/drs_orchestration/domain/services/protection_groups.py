"""Protection group use cases: list, create, update, delete, and the resolved member view."""

from __future__ import annotations

from drs_orchestration.domain.errors import Conflict, FieldError, NotFound, ValidationFailed
from drs_orchestration.domain.inventory import DirectInventory, InventorySnapshot, SourceServerInventory
from drs_orchestration.domain.membership import find_membership_conflicts, resolve_members
from drs_orchestration.domain.models.drs import DrsTarget, SourceServer
from drs_orchestration.domain.models.protection_group import (
    ProtectionGroup,
    ProtectionGroupInput,
    ProtectionGroupUpdate,
)
from drs_orchestration.domain.ports import iterate_pages
from drs_orchestration.domain.services.context import Request, Services, audit_record, new_id
from drs_orchestration.domain.services.errors import membership_conflict

__all__ = [
    "check_target",
    "create_protection_group",
    "delete_protection_group",
    "inventories",
    "inventory",
    "inventory_snapshot",
    "plans_using_group",
    "update_protection_group",
]

RESOURCE = "ProtectionGroup"


def check_target(services: Services, account_id: str, region: str) -> None:
    """The account must be this deployment's own or a registered target account serving ``region``."""
    if account_id == services.home_account_id:
        return
    try:
        account = services.accounts.get(account_id)
    except NotFound as error:
        message = f"{account_id} is not a registered account"
        raise ValidationFailed([FieldError(name="accountId", message=message)]) from error
    if region not in account.regions:
        message = f"account {account_id} is not registered for {region}"
        raise ValidationFailed([FieldError(name="region", message=message)])


def inventories(services: Services) -> SourceServerInventory:
    """Where the inventory views read DRS: the API's recent reads, or DRS itself."""
    return services.inventory or DirectInventory(services.drs)


def inventory_snapshot(services: Services, account_id: str, region: str) -> InventorySnapshot:
    """The account and Region's DRS inventory for a view: possibly a recent read (see
    ``adapters.drs.inventory_cache`` for how recent, and why)."""
    return inventories(services).snapshot(DrsTarget(account_id=account_id, region=region))


def inventory(services: Services, account_id: str, region: str) -> list[SourceServer]:
    """Every DRS source server of the account and Region, read now (all pages): what writes claim and
    check against. The read also replaces the views' recent one, so the writer's next view agrees."""
    target = DrsTarget(account_id=account_id, region=region)
    return list(inventories(services).snapshot(target, fresh=True).servers)


def _members(services: Services, candidate: ProtectionGroupInput) -> list[str]:
    """The servers the candidate would hold (tag matches resolved against the inventory now); refused
    when another group already holds one. The repository claims them with conditional writes before
    it writes the group, so a racing write loses with the same ``Conflict``. A later tag change in DRS
    is not a claim: validate and readiness report a server matched by two groups."""
    servers = inventory(services, candidate.account_id, candidate.region)
    others = list(
        iterate_pages(
            lambda token: services.groups.list(
                next_token=token, account_id=candidate.account_id, region=candidate.region
            )
        )
    )
    conflicts = find_membership_conflicts(candidate, others, servers)
    if conflicts:
        raise membership_conflict([(c.source_server_id, c.protection_group_name) for c in conflicts])
    return resolve_members(candidate, servers)


def create_protection_group(
    services: Services, request: Request, data: ProtectionGroupInput
) -> ProtectionGroup:
    check_target(services, data.account_id, data.region)
    members = _members(services, data)
    group = ProtectionGroup(
        **data.model_dump(by_alias=False),
        id=new_id("pg"),
        **request.created(),
    )
    audit = audit_record(request, "CreateProtectionGroup", RESOURCE, group.id, after_version=group.version)
    return services.groups.create(group, members=members, audit=audit)


def update_protection_group(
    services: Services, request: Request, group_id: str, data: ProtectionGroupUpdate
) -> ProtectionGroup:
    current = services.groups.get(group_id)
    check_target(services, data.account_id, data.region)
    changed = ProtectionGroup.model_validate(
        {
            **current.model_dump(by_alias=False),
            **data.model_dump(by_alias=False, exclude={"version"}),
            **request.updated(),
        }
    )
    members = _members(services, changed)
    audit = audit_record(
        request,
        "UpdateProtectionGroup",
        RESOURCE,
        group_id,
        before_version=data.version,
        after_version=data.version + 1,
    )
    return services.groups.update(changed, data.version, members=members, audit=audit)


def plans_using_group(services: Services, group_id: str) -> list[str]:
    """Names of the stored plans that list the group in a wave."""
    return [
        plan.name
        for plan in iterate_pages(lambda token: services.plans.list(next_token=token))
        if group_id in plan.protection_group_ids()
    ]


def delete_protection_group(services: Services, request: Request, group_id: str, version: int | None) -> None:
    current = services.groups.get(group_id)
    users = plans_using_group(services, group_id)
    if users:
        raise Conflict(
            f"protection group {group_id} is used by recovery plan(s) {', '.join(users)}",
            current_version=current.version,
        )
    audit = audit_record(request, "DeleteProtectionGroup", RESOURCE, group_id, before_version=current.version)
    services.groups.delete(group_id, version, audit=audit)
