"""A plan names up to 97 protection groups (``MAX_GROUPS_PER_PLAN``): every write of it fits DynamoDB.

The plan, the "used by" mark of each group it adds and its audit record are one transaction (at most
1 + 97 + 1 items); the marks of the groups it drops follow when they do not fit in it.
"""

from __future__ import annotations

import pytest

from drs_orchestration.domain.errors import Conflict
from drs_orchestration.domain.models.recovery_plan import MAX_GROUPS_PER_PLAN
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
