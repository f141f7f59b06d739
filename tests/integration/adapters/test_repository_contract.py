"""The repository contract, run against the in-memory adapters and the DynamoDB ones under moto:
versions and ``StaleVersion``, paging tokens, the audit record written with its change, server claims
and the groups a plan names."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from drs_orchestration.domain.errors import Conflict, NotFound, StaleVersion, ValidationFailed
from drs_orchestration.domain.models.audit import AuditRecord
from drs_orchestration.domain.ports import iterate_pages
from tests.integration.adapters.contract import (
    HOME,
    NOW,
    REGION,
    TARGET,
    Repositories,
    account,
    audit,
    group,
    plan,
    sid,
)


@dataclass(frozen=True)
class Kind:
    """One versioned entity: its repository, how to build its n-th item and the listing's order."""

    repository: str
    make: Callable[[int], Any]
    key: Callable[[Any], str]
    listed_by: Callable[[Any], str]

    def repo(self, repositories: Repositories) -> Any:
        return getattr(repositories, self.repository)

    def store(self, repositories: Repositories, n: int, **kwargs: Any) -> Any:
        """The n-th item, created (a plan's group first); what the repository returned."""
        if self.repository == "plans" and not _exists(repositories.groups, "pg-001"):
            repositories.groups.create(group(1))
        return self.repo(repositories).create(self.make(n), **kwargs)


def _exists(repo: Any, item_id: str) -> bool:
    try:
        repo.get(item_id)
    except NotFound:
        return False
    return True


# Names run against the ids (item 0 is named "Name 9"...), so a listing by id would fail the order check.
KINDS = [
    Kind("groups", lambda n: group(n, name=f"Name {9 - n}"), lambda g: g.id, lambda g: g.name.casefold()),
    Kind(
        "plans",
        lambda n: plan(f"rp-{n:03d}", "pg-001", name=f"Name {9 - n}"),
        lambda p: p.id,
        lambda p: p.name,
    ),
    Kind(
        "accounts",
        lambda n: account(f"{500000000000 + n}", name=f"Name {9 - n}"),
        lambda a: a.account_id,
        lambda a: a.account_id,
    ),
]
kinds = pytest.mark.parametrize("kind", KINDS, ids=[kind.repository for kind in KINDS])


def _edited(item: Any) -> Any:
    return item.model_copy(update={"name": item.name + " edited"})


@kinds
def test_created_item_reads_back_and_a_second_create_of_its_id_is_a_conflict(
    repositories: Repositories, kind: Kind
) -> None:
    created = kind.store(repositories, 1)
    assert created.version == 1
    assert kind.repo(repositories).get(kind.key(created)) == kind.make(1)
    with pytest.raises(Conflict):
        kind.repo(repositories).create(_edited(kind.make(1)))
    assert kind.repo(repositories).get(kind.key(created)).name == kind.make(1).name


@kinds
def test_update_stores_the_next_version_when_the_expected_version_is_current(
    repositories: Repositories, kind: Kind
) -> None:
    item = kind.store(repositories, 1)
    stored = kind.repo(repositories).update(_edited(item), 1)
    assert stored.version == 2
    assert kind.repo(repositories).get(kind.key(item)) == stored


@kinds
def test_stale_update_is_refused_with_the_current_version_and_keeps_the_stored_item(
    repositories: Repositories, kind: Kind
) -> None:
    item = kind.store(repositories, 1)
    first = kind.repo(repositories).update(_edited(item), 1)
    with pytest.raises(StaleVersion) as stale:
        kind.repo(repositories).update(item.model_copy(update={"name": "late"}), 1)
    assert isinstance(stale.value, Conflict)
    assert stale.value.current_version == 2
    assert kind.repo(repositories).get(kind.key(item)) == first


@kinds
def test_get_update_and_delete_are_not_found_when_the_item_is_missing(
    repositories: Repositories, kind: Kind
) -> None:
    missing = kind.make(7)
    repo = kind.repo(repositories)
    with pytest.raises(NotFound):
        repo.get(kind.key(missing))
    with pytest.raises(NotFound):
        repo.update(missing, 1)
    with pytest.raises(NotFound):
        repo.delete(kind.key(missing))


@kinds
def test_delete_refuses_a_stale_version_and_keeps_the_item(repositories: Repositories, kind: Kind) -> None:
    item = kind.store(repositories, 1)
    repo = kind.repo(repositories)
    with pytest.raises(StaleVersion):
        repo.delete(kind.key(item), 7)
    assert repo.get(kind.key(item)) == item
    repo.delete(kind.key(item), 1)
    with pytest.raises(NotFound):
        repo.get(kind.key(item))


@kinds
def test_returned_items_are_copies_when_the_caller_changes_them(
    repositories: Repositories, kind: Kind
) -> None:
    item = kind.store(repositories, 1)
    fetched = kind.repo(repositories).get(kind.key(item))
    fetched.name = "changed by the caller"
    assert kind.repo(repositories).get(kind.key(item)).name == kind.make(1).name


@kinds
def test_pages_cover_every_item_once_in_the_listings_order_when_paged(
    repositories: Repositories, kind: Kind
) -> None:
    items = [kind.store(repositories, n) for n in range(7)]
    repo = kind.repo(repositories)
    first = repo.list(limit=3)
    assert len(first.items) == 3
    assert first.next_token is not None
    listed = list(iterate_pages(lambda token: repo.list(limit=3, next_token=token)))
    assert listed == sorted(items, key=kind.listed_by)
    last = repo.list(limit=10)
    assert last.next_token is None
    assert "nextToken" not in last.to_json()


@kinds
def test_paging_resumes_after_the_last_item_seen_when_it_was_deleted_meanwhile(
    repositories: Repositories, kind: Kind
) -> None:
    items = sorted((kind.store(repositories, n) for n in range(5)), key=kind.listed_by)
    repo = kind.repo(repositories)
    first = repo.list(limit=2)
    repo.delete(kind.key(first.items[-1]))
    rest = repo.list(limit=10, next_token=first.next_token)
    assert [kind.key(i) for i in rest.items] == [kind.key(i) for i in items[2:]]


@kinds
@pytest.mark.parametrize("token", ["bm90LWEta2V5", "!!not base64!!", "//8=", "e30"])
def test_a_token_this_listing_did_not_issue_is_invalid_input_naming_next_token(
    repositories: Repositories, kind: Kind, token: str
) -> None:
    kind.store(repositories, 1)
    with pytest.raises(ValidationFailed) as invalid:
        kind.repo(repositories).list(next_token=token)
    assert [field.name for field in invalid.value.fields] == ["nextToken"]


@kinds
def test_change_and_audit_record_are_written_together_or_not_at_all(
    repositories: Repositories, kind: Kind
) -> None:
    item = kind.store(repositories, 1, audit=audit("the-item", "Create"))
    repo = kind.repo(repositories)
    with pytest.raises(Conflict):
        repo.create(kind.make(1), audit=audit("the-item", "Duplicate"))
    with pytest.raises(StaleVersion):
        repo.update(_edited(item), 7, audit=audit("the-item", "StaleUpdate"))
    with pytest.raises(StaleVersion):
        repo.delete(kind.key(item), 7, audit=audit("the-item", "StaleDelete"))
    repo.update(_edited(item), 1, audit=audit("the-item", "Update"))
    repo.delete(kind.key(item), 2, audit=audit("the-item", "Delete"))
    assert repositories.audited("the-item") == ["Create", "Delete", "Update"]


# -- protection groups: scopes and server claims ---------------------------------------------------
def test_groups_list_within_one_account_and_region_or_matching_either(repositories: Repositories) -> None:
    groups = repositories.groups
    groups.create(group(1))
    groups.create(group(2, region="us-west-2"))
    groups.create(group(3, account=TARGET))
    assert [g.id for g in groups.list(account_id=HOME, region=REGION).items] == ["pg-001"]
    assert [g.id for g in groups.list(region="us-west-2").items] == ["pg-002"]
    assert [g.id for g in groups.list(account_id=HOME).items] == ["pg-001", "pg-002"]
    assert [g.id for g in groups.list().items] == ["pg-001", "pg-002", "pg-003"]


def test_a_group_listing_token_is_invalid_input_when_it_comes_from_another_scope(
    repositories: Repositories,
) -> None:
    groups = repositories.groups
    for n in range(3):
        groups.create(group(n))
    groups.create(group(9, region="us-west-2"))
    page = groups.list(limit=2, account_id=HOME, region=REGION)
    assert [g.id for g in page.items] == ["pg-000", "pg-001"]
    rest = groups.list(limit=2, account_id=HOME, region=REGION, next_token=page.next_token)
    assert [g.id for g in rest.items] == ["pg-002"]
    assert rest.next_token is None
    with pytest.raises(ValidationFailed):
        groups.list(limit=2, account_id=HOME, region="us-west-2", next_token=page.next_token)


def test_a_held_server_is_refused_naming_it_and_its_group_and_nothing_of_the_second_group_is_written(
    repositories: Repositories,
) -> None:
    # Given group 1 holds servers 1 and 2
    repositories.groups.create(group(1), members=[sid(1), sid(2)], audit=audit("pg-001"))
    # When group 2 wants server 2 (the service's read-time check bypassed, as in a race)
    with pytest.raises(Conflict, match=rf"{sid(2)} \(group 001\)"):
        repositories.groups.create(group(2), members=[sid(3), sid(2)], audit=audit("pg-002"))
    # Then nothing of group 2 was written: no group, no audit record, no claim on server 3
    with pytest.raises(NotFound):
        repositories.groups.get("pg-002")
    assert repositories.audited("pg-002") == []
    repositories.groups.create(group(3), members=[sid(3)])


def test_claims_are_released_when_a_group_drops_servers_or_is_deleted(repositories: Repositories) -> None:
    groups = repositories.groups
    # Given group 1 holds servers 1, 2 and 3
    groups.create(group(1), members=[sid(1), sid(2), sid(3)])
    # When it drops server 2, keeps 1 and 3, and gains 4
    groups.update(group(1), 1, members=[sid(1), sid(3), sid(4)])
    # Then server 2 is free, server 4 is not
    groups.create(group(2), members=[sid(2)])
    with pytest.raises(Conflict, match=sid(4)):
        groups.create(group(5), members=[sid(4)])
    # When group 1 is deleted, all its servers are free
    groups.delete("pg-001", 2, audit=audit("pg-001", "Delete"))
    groups.create(group(3), members=[sid(1), sid(3), sid(4)])
    assert repositories.audited("pg-001") == ["Delete"]


def test_old_claims_are_released_when_a_group_moves_to_another_account(repositories: Repositories) -> None:
    groups = repositories.groups
    groups.create(group(1), members=[sid(1)])
    groups.update(group(1, account=TARGET), 1, members=[sid(100)])
    groups.create(group(2), members=[sid(1)])
    with pytest.raises(Conflict, match=sid(100)):
        groups.create(group(3, account=TARGET), members=[sid(100)])


def test_the_same_server_id_is_claimed_per_account_and_region_when_groups_differ_in_scope(
    repositories: Repositories,
) -> None:
    repositories.groups.create(group(1), members=[sid(1)])
    repositories.groups.create(group(2, region="eu-west-1"), members=[sid(1)])
    assert repositories.groups.get("pg-002").region == "eu-west-1"


def test_a_stale_update_neither_claims_nor_audits_when_the_version_moved_on(
    repositories: Repositories,
) -> None:
    groups = repositories.groups
    groups.create(group(1), members=[sid(1)], audit=audit("pg-001", "Create"))
    groups.update(group(1), 1, members=[sid(1)], audit=audit("pg-001", "Update"))
    with pytest.raises(StaleVersion):
        groups.update(group(1), 1, members=[sid(1), sid(2)], audit=audit("pg-001", "Stale"))
    assert repositories.audited("pg-001") == ["Create", "Update"]
    groups.create(group(2), members=[sid(2)])


def test_every_server_of_a_250_server_group_is_claimed_and_freed_when_it_is_created_and_deleted(
    repositories: Repositories,
) -> None:
    groups = repositories.groups
    servers = [sid(n) for n in range(250)]
    groups.create(group(1), members=servers)
    with pytest.raises(Conflict, match=rf"{sid(249)} \(group 001\)"):
        groups.create(group(2), members=[sid(249)])
    groups.update(group(1), 1, members=servers[150:])
    groups.create(group(3), members=servers[:150])
    groups.delete("pg-003")
    groups.delete("pg-001", 2)
    groups.create(group(2), members=servers)


# -- recovery plans and the groups they name -----------------------------------------------------
def test_a_plan_write_is_refused_whole_when_a_named_group_does_not_exist(repositories: Repositories) -> None:
    repositories.groups.create(group(1))
    with pytest.raises(Conflict, match="pg-404"):
        repositories.plans.create(plan("rp-a", "pg-001", "pg-404"), audit=audit("rp-a"))
    with pytest.raises(NotFound):
        repositories.plans.get("rp-a")
    assert repositories.audited("rp-a") == []
    repositories.groups.delete("pg-001")  # nothing marked it used
    repositories.groups.create(group(1))
    stored = repositories.plans.create(plan("rp-a", "pg-001"))
    with pytest.raises(Conflict, match="pg-404"):
        repositories.plans.update(plan("rp-a", "pg-001", "pg-404"), stored.version)
    assert repositories.plans.get("rp-a") == stored


def test_a_group_cannot_be_deleted_while_a_stored_plan_names_it(repositories: Repositories) -> None:
    groups, plans = repositories.groups, repositories.plans
    groups.create(group(1))
    groups.create(group(2))
    plans.create(plan("rp-a", "pg-001"))
    with pytest.raises(Conflict, match="rp-a"):
        groups.delete("pg-001", 1, audit=audit("pg-001", "Delete"))
    assert repositories.audited("pg-001") == []
    # an edit of the group keeps it in use
    assert groups.update(group(1).model_copy(update={"description": "edited"}), 1).version == 2
    with pytest.raises(Conflict, match="rp-a"):
        groups.delete("pg-001")
    # once the plan names another group, the first is free; once the plan is gone, both are
    plans.update(plan("rp-a", "pg-002"), 1)
    groups.delete("pg-001", 2)
    with pytest.raises(Conflict):
        groups.delete("pg-002")
    with pytest.raises(StaleVersion):
        plans.delete("rp-a", 1)
    plans.delete("rp-a", 2)
    groups.delete("pg-002")


# -- audit ----------------------------------------------------------------------------------------
def test_audit_reads_newest_first_by_resource_and_pages(repositories: Repositories) -> None:
    for n in range(5):
        repositories.audit.append(
            AuditRecord(
                id=f"au-{n}",
                at=NOW + timedelta(seconds=n),
                actor="t",
                action="Act",
                resource_type="X",
                resource_id="a" if n % 2 else "b",
            )
        )
    assert [r.id for r in repositories.audit.list().items] == ["au-4", "au-3", "au-2", "au-1", "au-0"]
    first = repositories.audit.list(resource_id="b", limit=2)
    assert [r.id for r in first.items] == ["au-4", "au-2"]
    rest = repositories.audit.list(resource_id="b", limit=2, next_token=first.next_token)
    assert ([r.id for r in rest.items], rest.next_token) == (["au-0"], None)
    with pytest.raises(Conflict):
        repositories.audit.append(first.items[0])
