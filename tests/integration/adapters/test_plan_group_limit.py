"""A plan names up to 97 protection groups (``MAX_GROUPS_PER_PLAN``): every write of it fits DynamoDB.

The plan, the "used by" mark of each group it adds and its audit record are one transaction (at most
1 + 97 + 1 items); the marks of the groups it drops follow when they do not fit in it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from drs_orchestration.adapters.dynamodb.dynamodb_recovery_plan_repository import (
    DynamoDBRecoveryPlanRepository,
)
from drs_orchestration.domain.errors import Conflict
from drs_orchestration.domain.models.recovery_plan import MAX_GROUPS_PER_PLAN
from tests.integration.adapters.conftest import dynamodb_repositories
from tests.integration.adapters.contract import Repositories, audit, group, plan


def group_ids(numbers: range) -> list[str]:
    return [f"pg-{n:03d}" for n in numbers]


def test_a_plan_of_97_groups_is_replaced_by_97_others_in_one_update_and_only_the_new_ones_stay_in_use(
    repositories: Repositories,
) -> None:
    # Given a plan naming the most groups a plan may name
    groups, plans = repositories.groups, repositories.plans
    first, second = range(MAX_GROUPS_PER_PLAN), range(MAX_GROUPS_PER_PLAN, 2 * MAX_GROUPS_PER_PLAN)
    for n in [*first, *second]:
        groups.create(group(n))
    stored = plans.create(plan("rp-big", *group_ids(first)), audit=audit("rp-big", "Create"))
    # When one update swaps every group for another (97 marks added, 97 dropped)
    updated = plans.update(
        plan("rp-big", *group_ids(second)), stored.version, audit=audit("rp-big", "Update")
    )
    # Then the plan and its audit record are stored, the new groups are in use and the old ones free
    assert plans.get("rp-big") == updated
    assert updated.protection_group_ids() == group_ids(second)
    assert repositories.audited("rp-big") == ["Create", "Update"]
    for group_id in group_ids(second)[:: MAX_GROUPS_PER_PLAN - 1]:
        with pytest.raises(Conflict, match="rp-big"):
            groups.delete(group_id)
    for group_id in group_ids(first):
        groups.delete(group_id)


class InterleavedPlans(DynamoDBRecoveryPlanRepository):
    """Runs ``between`` once, after an update's transaction and before the marks it drops later."""

    between: Callable[[], None] | None = None

    def _release(self, plan_id: str, group_ids: list[str], version: int) -> None:
        step, self.between = self.between, None
        if step is not None:
            step()
        super()._release(plan_id, group_ids, version)


def test_a_group_a_later_write_names_again_keeps_its_mark_when_an_earlier_update_drops_it_late(
    dynamodb: Any, tables: dict[str, str]
) -> None:
    # Given a plan of 97 groups, stored by a repository that lets another write in mid-update
    repositories = dynamodb_repositories(dynamodb, tables)
    plans = InterleavedPlans(
        dynamodb, tables["RECOVERY_PLANS_TABLE"], tables["PROTECTION_GROUPS_TABLE"], tables["AUDIT_TABLE"]
    )
    first, second = range(MAX_GROUPS_PER_PLAN), range(MAX_GROUPS_PER_PLAN, 2 * MAX_GROUPS_PER_PLAN)
    for n in [*first, *second]:
        repositories.groups.create(group(n))
    stored = plans.create(plan("rp-big", *group_ids(first)))
    # When an update swaps every group (the marks of most of the groups it drops follow its
    # transaction), and another write of the plan takes group 050 back before they are dropped
    again = ["pg-050", *group_ids(second)[1:]]

    def take_one_back() -> None:
        repositories.plans.update(plan("rp-big", *again), stored.version + 1)

    plans.between = take_one_back
    plans.update(plan("rp-big", *group_ids(second)), stored.version)
    # Then the group the plan names again stays in use, and the others it named first are free
    assert plans.get("rp-big").protection_group_ids() == again
    with pytest.raises(Conflict, match="rp-big"):
        repositories.groups.delete("pg-050")
    for group_id in group_ids(first):
        if group_id != "pg-050":
            repositories.groups.delete(group_id)
    repositories.groups.delete(group_ids(second)[0])
