"""Recovery plan use cases: create, update, delete (never while a run is active)."""

from __future__ import annotations

from drs_orchestration.domain.errors import Conflict, ValidationFailed
from drs_orchestration.domain.membership import resolve_groups
from drs_orchestration.domain.models.recovery_plan import RecoveryPlan, RecoveryPlanInput, RecoveryPlanUpdate
from drs_orchestration.domain.plan_validation import Membership, plan_problems
from drs_orchestration.domain.ports import iterate_pages
from drs_orchestration.domain.services.context import Request, Services, new_id, record_audit
from drs_orchestration.domain.services.protection_groups import inventory

__all__ = ["create_recovery_plan", "delete_recovery_plan", "plan_membership", "update_recovery_plan"]

RESOURCE = "RecoveryPlan"


def plan_membership(services: Services, group_ids: list[str]) -> Membership:
    """The current servers of every named group that exists (unknown ids are left out)."""
    wanted = set(group_ids)
    groups = [g for g in iterate_pages(lambda t: services.groups.list(next_token=t)) if g.id in wanted]
    scopes = {(group.account_id, group.region) for group in groups}
    return resolve_groups(groups, {scope: inventory(services, *scope) for scope in scopes})


def _check_plan(services: Services, data: RecoveryPlanInput) -> None:
    """Every problem the plan has once its groups are resolved (graph, groups, servers), at once."""
    problems = plan_problems(data, membership=plan_membership(services, data.protection_group_ids()))
    if problems:
        raise ValidationFailed(problems)


def create_recovery_plan(services: Services, request: Request, data: RecoveryPlanInput) -> RecoveryPlan:
    _check_plan(services, data)
    plan = RecoveryPlan(
        **data.model_dump(by_alias=False),
        id=new_id("rp"),
        **request.created(),
    )
    stored = services.plans.create(plan)
    record_audit(services, request, "CreateRecoveryPlan", RESOURCE, stored.id, after_version=stored.version)
    return stored


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
    stored = services.plans.update(changed, data.version)
    record_audit(
        services,
        request,
        "UpdateRecoveryPlan",
        RESOURCE,
        plan_id,
        before_version=data.version,
        after_version=stored.version,
    )
    return stored


def delete_recovery_plan(services: Services, request: Request, plan_id: str, version: int | None) -> None:
    current = services.plans.get(plan_id)
    active = services.executions.list_active(plan_id)
    if active:
        raise Conflict(
            f"recovery plan {plan_id} has an active execution ({active[0].id}); wait for it or cancel it",
            current_version=current.version,
        )
    services.plans.delete(plan_id, version)
    record_audit(services, request, "DeleteRecoveryPlan", RESOURCE, plan_id, before_version=current.version)
