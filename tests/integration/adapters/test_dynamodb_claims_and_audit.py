"""How the DynamoDB adapter keeps one group per server: its claim items, written and released in
transaction-sized chunks, and stale claims taken over (the contract itself: test_repository_contract)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from drs_orchestration.adapters.dynamodb.dynamodb_protection_group_repository import CLAIM_LEASE
from drs_orchestration.domain.errors import Conflict, NotFound, StaleVersion
from tests.integration.adapters.conftest import dynamodb_repositories
from tests.integration.adapters.contract import HOME, REGION, Repositories, audit, group, sid


@pytest.fixture
def repos(dynamodb: Any, tables: dict[str, str]) -> Repositories:
    return dynamodb_repositories(dynamodb, tables)


def claims(dynamodb: Any, tables: dict[str, str]) -> dict[str, str]:
    """Every claim item: server id -> the group holding it."""
    found: dict[str, str] = {}
    for page in dynamodb.get_paginator("scan").paginate(TableName=tables["PROTECTION_GROUPS_TABLE"]):
        for item in page["Items"]:
            if item["id"]["S"].startswith("claim#"):
                found[item["id"]["S"].rsplit("#", 1)[1]] = item["groupId"]["S"]
    return found


def put_claim(dynamodb: Any, tables: dict[str, str], server: str, owner: str, age: timedelta) -> None:
    """A claim item as a write that stopped between its claims and its group would leave it."""
    claimed_at = group(1).updated_at - age
    dynamodb.put_item(
        TableName=tables["PROTECTION_GROUPS_TABLE"],
        Item={
            "id": {"S": f"claim#{HOME}#{REGION}#{server}"},
            "groupId": {"S": owner},
            "writeId": {"S": "crashed"},
            "claimedAt": {"S": claimed_at.isoformat()},
        },
    )


def test_every_claim_is_written_and_released_when_a_group_of_250_servers_is_created_and_deleted(
    repos: Repositories, dynamodb: Any, tables: dict[str, str]
) -> None:
    servers = [sid(n) for n in range(250)]
    # When a group of 250 servers is created
    repos.groups.create(group(1), members=servers, audit=audit("pg-001", "Create"))
    # Then each server is claimed for it
    assert claims(dynamodb, tables) == dict.fromkeys(servers, "pg-001")
    # When it drops 150 of them (more than one transaction of releases)
    repos.groups.update(group(1), 1, members=servers[150:], audit=audit("pg-001", "Update"))
    assert claims(dynamodb, tables) == dict.fromkeys(servers[150:], "pg-001")
    # When it is deleted, no claim is left and both changes and the deletion are audited
    repos.groups.delete("pg-001", 2, audit=audit("pg-001", "Delete"))
    assert claims(dynamodb, tables) == {}
    assert repos.audited("pg-001") == ["Create", "Delete", "Update"]


def test_claims_of_earlier_chunks_are_released_when_a_later_chunk_meets_a_held_server(
    repos: Repositories, dynamodb: Any, tables: dict[str, str]
) -> None:
    # Given group 1 holds server 230
    repos.groups.create(group(1), members=[sid(230)])
    # When group 2 wants 250 servers, 230 among them (in its third chunk of claims)
    with pytest.raises(Conflict, match=rf"{sid(230)} \(group 001\)"):
        repos.groups.create(group(2), members=[sid(n) for n in range(250)], audit=audit("pg-002"))
    # Then no claim of group 2 is left, nor its group or audit record
    assert claims(dynamodb, tables) == {sid(230): "pg-001"}
    with pytest.raises(NotFound):
        repos.groups.get("pg-002")
    assert repos.audited("pg-002") == []


def test_no_claim_is_left_when_the_final_write_of_a_large_update_fails_on_its_version(
    repos: Repositories, dynamodb: Any, tables: dict[str, str]
) -> None:
    # Given a group at version 2 holding server 0
    repos.groups.create(group(1), members=[sid(0)])
    repos.groups.update(group(1), 1, members=[sid(0)])
    # When a stale update claims 150 more servers before its group write is refused
    with pytest.raises(StaleVersion):
        repos.groups.update(group(1), 1, members=[sid(n) for n in range(151)], audit=audit("pg-001"))
    # Then only the claim the group holds is left
    assert claims(dynamodb, tables) == {sid(0): "pg-001"}
    assert repos.audited("pg-001") == []


def test_stale_claim_is_taken_over_when_its_holder_does_not_list_the_server(
    repos: Repositories, dynamodb: Any, tables: dict[str, str]
) -> None:
    # Given group 1 holds server 1, and two claims older than the lease that their holders do not list:
    # one of group 1 (a crash after its claims), one of a group never written
    repos.groups.create(group(1), members=[sid(1)])
    put_claim(dynamodb, tables, sid(2), "pg-001", CLAIM_LEASE * 2)
    put_claim(dynamodb, tables, sid(3), "pg-404", CLAIM_LEASE * 2)
    # When group 2 wants servers 2 and 3
    repos.groups.create(group(2), members=[sid(2), sid(3)])
    # Then it holds both
    assert claims(dynamodb, tables) == {sid(1): "pg-001", sid(2): "pg-002", sid(3): "pg-002"}


def test_fresh_unlisted_claim_is_refused_when_its_write_may_still_be_in_progress(
    repos: Repositories, dynamodb: Any, tables: dict[str, str]
) -> None:
    # Given a claim younger than the lease whose group is not written yet
    put_claim(dynamodb, tables, sid(3), "pg-404", CLAIM_LEASE / 2)
    # When group 2 wants it, then it is refused naming the write's group
    with pytest.raises(Conflict, match=rf"{sid(3)} \(pg-404\)"):
        repos.groups.create(group(2), members=[sid(3)])
    assert claims(dynamodb, tables) == {sid(3): "pg-404"}


def test_listings_never_show_claims_when_groups_hold_servers(repos: Repositories) -> None:
    repos.groups.create(group(1), members=[sid(1), sid(2)])
    assert [g.id for g in repos.groups.list().items] == ["pg-001"]
    assert [g.id for g in repos.groups.list(account_id=HOME, region=REGION).items] == ["pg-001"]
