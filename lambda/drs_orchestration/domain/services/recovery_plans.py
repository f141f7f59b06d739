"""Recovery plan use cases: create, update, delete (never while a run is active)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from drs_orchestration.domain.errors import Conflict, NotFound, ValidationFailed
from drs_orchestration.domain.membership import resolve_groups
from drs_orchestration.domain.models.drs import SourceServer
from drs_orchestration.domain.models.protection_group import ProtectionGroup
from drs_orchestration.domain.models.recovery_plan import RecoveryPlan, RecoveryPlanInput, RecoveryPlanUpdate
from drs_orchestration.domain.plan_validation import Membership, plan_problems
from drs_orchestration.domain.services.context import Request, Services, audit_record, new_id
from drs_orchestration.domain.services.protection_groups import inventory

__all__ = [
    "ResolvedGroups",
    "create_recovery_plan",
    "delete_recovery_plan",
    "resolve_plan_groups",
    "update_recovery_plan",
]

RESOURCE = "RecoveryPlan"


@dataclass(frozen=True)
class ResolvedGroups:
    """The named groups that exist, the DRS inventory of each of their scopes, and their members."""

    groups: dict[str, ProtectionGroup]
    inventories: dict[tuple[str, str], list[SourceServer]]
    membership: Membership


def resolve_plan_groups(services: Services, group_ids: Iterable[str]) -> ResolvedGroups:
    """Resolve the groups a plan names (unknown ids are left out), reading each scope's inventory once."""
    groups: dict[str, ProtectionGroup] = {}
    for group_id in dict.fromkeys(group_ids):
        try:
            groups[group_id] = services.groups.get(group_id)
        except NotFound:
            continue
    scopes = sorted({(group.account_id, group.region) for group in groups.values()})
    inventories = {scope: inventory(services, *scope) for scope in scopes}
    return ResolvedGroups(groups, inventories, resolve_groups(groups.values(), inventories))


def _check_plan(services: Services, data: RecoveryPlanInput) -> None:
    """Every problem the plan has once its groups are resolved (graph, groups, servers), at once."""
    membership = resolve_plan_groups(services, data.protection_group_ids()).membership
    problems = plan_problems(data, membership=membership)
    if problems:
        raise ValidationFailed(problems)


def create_recovery_plan(services: Services, request: Request, data: RecoveryPlanInput) -> RecoveryPlan:
    _check_plan(services, data)
    plan = RecoveryPlan(
        **data.model_dump(by_alias=False),
        id=new_id("rp"),
        **request.created(),
    )
    audit = audit_record(request, "CreateRecoveryPlan", RESOURCE, plan.id, after_version=plan.version)
    return services.plans.create(plan, audit=audit)


def update_recovery_plan(
    services: Services, request: Request, plan_id: str, data: RecoveryPlanUpdate
) -> RecoveryPlan:
    current = services.plans.get(plan_id)
    _check_plan(services, data)
    changed = RecoveryPlan.model_validate(
        {
            **current.model_dump(by_alias=False),
            **data.model_dump(by_alias=False, exclude={"version"}),
            **request.updated(),
        }
    )
    audit = audit_record(
        request,
        "UpdateRecoveryPlan",
        RESOURCE,
        plan_id,
        before_version=data.version,
        after_version=data.version + 1,
    )
    return services.plans.update(changed, data.version, audit=audit)


def delete_recovery_plan(services: Services, request: Request, plan_id: str, version: int | None) -> None:
    current = services.plans.get(plan_id)
    active = services.executions.list_active(plan_id)
    if active:
        raise Conflict(
            f"recovery plan {plan_id} has an active execution ({active[0].id}); wait for it or cancel it",
            current_version=current.version,
        )
    scheduled = [s.id for s in services.schedules.list_for_plan(plan_id)] if services.schedules else []
    if scheduled:
        raise Conflict(
            f"recovery plan {plan_id} has drill schedules ({', '.join(scheduled)}); delete them first",
            current_version=current.version,
        )
    audit = audit_record(request, "DeleteRecoveryPlan", RESOURCE, plan_id, before_version=current.version)
    services.plans.delete(plan_id, version, audit=audit)
