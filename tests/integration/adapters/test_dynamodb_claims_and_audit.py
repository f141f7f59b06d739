"""One group per server claimed in DynamoDB, and each change written with its audit record."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from drs_orchestration.adapters.dynamodb.dynamodb_account_repository import DynamoDBAccountRepository
from drs_orchestration.adapters.dynamodb.dynamodb_audit_repository import DynamoDBAuditRepository
from drs_orchestration.adapters.dynamodb.dynamodb_protection_group_repository import (
    CLAIM_LEASE,
    DynamoDBProtectionGroupRepository,
)
from drs_orchestration.adapters.dynamodb.dynamodb_recovery_plan_repository import (
    DynamoDBRecoveryPlanRepository,
)
from drs_orchestration.domain.errors import Conflict, NotFound, StaleVersion
from drs_orchestration.domain.models.account import TargetAccount
from drs_orchestration.domain.models.audit import AuditRecord
from drs_orchestration.domain.services.context import Request, audit_record
from tests.integration.adapters.conftest import HOME, REGION, TARGET, sid
from tests.integration.adapters.test_dynamodb_repositories import STAMPS, group, plan

REQUEST = Request(actor="t", now=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC))


def audit(resource_id: str, action: str = "Change") -> AuditRecord:
    return audit_record(REQUEST, action, "Test", resource_id)


@pytest.fixture
def repos(dynamodb: Any, tables: dict[str, str]) -> dict[str, Any]:
    audit_table = tables["AUDIT_TABLE"]
    return {
        "groups": DynamoDBProtectionGroupRepository(dynamodb, tables["PROTECTION_GROUPS_TABLE"], audit_table),
        "plans": DynamoDBRecoveryPlanRepository(
            dynamodb, tables["RECOVERY_PLANS_TABLE"], tables["PROTECTION_GROUPS_TABLE"], audit_table
        ),
        "accounts": DynamoDBAccountRepository(dynamodb, tables["ACCOUNTS_TABLE"], audit_table),
        "audit": DynamoDBAuditRepository(dynamodb, audit_table),
    }


def audited(repos: dict[str, Any], resource_id: str) -> list[str]:
    """The actions recorded for the resource (sorted: the records of one test share a timestamp)."""
    return sorted(record.action for record in repos["audit"].list(resource_id=resource_id).items)


def test_second_group_is_refused_naming_server_and_owner_when_it_claims_a_held_server(
    repos: dict[str, Any],
) -> None:
    # Given group 1 holds servers 1 and 2
    repos["groups"].create(group(1), members=[sid(1), sid(2)], audit=audit("pg-001"))
    # When group 2 wants server 2 (the service's read-time check bypassed, as in a race)
    with pytest.raises(Conflict, match=rf"{sid(2)} \(group 001\)"):
        repos["groups"].create(group(2), members=[sid(3), sid(2)], audit=audit("pg-002"))
    # Then nothing of group 2 was written: no group, no audit record, no claim on server 3
    with pytest.raises(NotFound):
        repos["groups"].get("pg-002")
    assert audited(repos, "pg-002") == []
    repos["groups"].create(group(3), members=[sid(3)])


def test_claims_are_released_when_a_group_drops_servers_or_is_deleted(repos: dict[str, Any]) -> None:
    # Given group 1 holds servers 1, 2 and 3
    repos["groups"].create(group(1), members=[sid(1), sid(2), sid(3)])
    # When it drops server 2, keeps 1 and 3, and gains 4
    repos["groups"].update(group(1), 1, members=[sid(1), sid(3), sid(4)])
    # Then server 2 is free, server 4 is not
    repos["groups"].create(group(2), members=[sid(2)])
    with pytest.raises(Conflict, match=sid(4)):
        repos["groups"].create(group(5), members=[sid(4)])
    # When group 1 is deleted, all its servers are free
    repos["groups"].delete("pg-001", 2, audit=audit("pg-001", "Delete"))
    repos["groups"].create(group(3), members=[sid(1), sid(3), sid(4)])
    assert audited(repos, "pg-001") == ["Delete"]


def test_old_claims_are_released_when_a_group_moves_to_another_account(repos: dict[str, Any]) -> None:
    repos["groups"].create(group(1), members=[sid(1)])
    repos["groups"].update(group(1, account=TARGET), 1, members=[sid(100)])
    repos["groups"].create(group(2), members=[sid(1)])
    with pytest.raises(Conflict, match=sid(100)):
        repos["groups"].create(group(3, account=TARGET), members=[sid(100)])


def test_same_server_id_is_claimed_per_account_and_region_when_groups_differ_in_scope(
    repos: dict[str, Any],
) -> None:
    repos["groups"].create(group(1), members=[sid(1)])
    repos["groups"].create(group(2, region="eu-west-1"), members=[sid(1)])
    assert repos["groups"].get("pg-002").region == "eu-west-1"


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
    repos: dict[str, Any], dynamodb: Any, tables: dict[str, str]
) -> None:
    servers = [sid(n) for n in range(250)]
    # When a group of 250 servers is created
    repos["groups"].create(group(1), members=servers, audit=audit("pg-001", "Create"))
    # Then each server is claimed for it
    assert claims(dynamodb, tables) == dict.fromkeys(servers, "pg-001")
    # When it drops 150 of them (more than one transaction of releases)
    repos["groups"].update(group(1), 1, members=servers[150:], audit=audit("pg-001", "Update"))
    assert claims(dynamodb, tables) == dict.fromkeys(servers[150:], "pg-001")
    # When it is deleted, no claim is left and both changes and the deletion are audited
    repos["groups"].delete("pg-001", 2, audit=audit("pg-001", "Delete"))
    assert claims(dynamodb, tables) == {}
    assert audited(repos, "pg-001") == ["Create", "Delete", "Update"]


def test_claims_of_earlier_chunks_are_released_when_a_later_chunk_meets_a_held_server(
    repos: dict[str, Any], dynamodb: Any, tables: dict[str, str]
) -> None:
    # Given group 1 holds server 230
    repos["groups"].create(group(1), members=[sid(230)])
    # When group 2 wants 250 servers, 230 among them (in its third chunk of claims)
    with pytest.raises(Conflict, match=rf"{sid(230)} \(group 001\)"):
        repos["groups"].create(group(2), members=[sid(n) for n in range(250)], audit=audit("pg-002"))
    # Then no claim of group 2 is left, nor its group or audit record
    assert claims(dynamodb, tables) == {sid(230): "pg-001"}
    with pytest.raises(NotFound):
        repos["groups"].get("pg-002")
    assert audited(repos, "pg-002") == []


def test_no_claim_is_left_when_the_final_write_of_a_large_update_fails_on_its_version(
    repos: dict[str, Any], dynamodb: Any, tables: dict[str, str]
) -> None:
    # Given a group at version 2 holding server 0
    repos["groups"].create(group(1), members=[sid(0)])
    repos["groups"].update(group(1), 1, members=[sid(0)])
    # When a stale update claims 150 more servers before its group write is refused
    with pytest.raises(StaleVersion):
        repos["groups"].update(group(1), 1, members=[sid(n) for n in range(151)], audit=audit("pg-001"))
    # Then only the claim the group holds is left
    assert claims(dynamodb, tables) == {sid(0): "pg-001"}
    assert audited(repos, "pg-001") == []


def test_stale_claim_is_taken_over_when_its_holder_does_not_list_the_server(
    repos: dict[str, Any], dynamodb: Any, tables: dict[str, str]
) -> None:
    # Given group 1 holds server 1, and two claims older than the lease that their holders do not list:
    # one of group 1 (a crash after its claims), one of a group never written
    repos["groups"].create(group(1), members=[sid(1)])
    put_claim(dynamodb, tables, sid(2), "pg-001", CLAIM_LEASE * 2)
    put_claim(dynamodb, tables, sid(3), "pg-404", CLAIM_LEASE * 2)
    # When group 2 wants servers 2 and 3
    repos["groups"].create(group(2), members=[sid(2), sid(3)])
    # Then it holds both
    assert claims(dynamodb, tables) == {sid(1): "pg-001", sid(2): "pg-002", sid(3): "pg-002"}


def test_fresh_unlisted_claim_is_refused_when_its_write_may_still_be_in_progress(
    repos: dict[str, Any], dynamodb: Any, tables: dict[str, str]
) -> None:
    # Given a claim younger than the lease whose group is not written yet
    put_claim(dynamodb, tables, sid(3), "pg-404", CLAIM_LEASE / 2)
    # When group 2 wants it, then it is refused naming the write's group
    with pytest.raises(Conflict, match=rf"{sid(3)} \(pg-404\)"):
        repos["groups"].create(group(2), members=[sid(3)])
    assert claims(dynamodb, tables) == {sid(3): "pg-404"}


def test_listings_never_show_claims_when_groups_hold_servers(repos: dict[str, Any]) -> None:
    repos["groups"].create(group(1), members=[sid(1), sid(2)])
    assert [g.id for g in repos["groups"].list().items] == ["pg-001"]
    assert [g.id for g in repos["groups"].list(account_id=HOME, region=REGION).items] == ["pg-001"]


def test_neither_change_nor_audit_is_written_when_the_version_condition_fails(
    repos: dict[str, Any],
) -> None:
    # Given a group at version 2
    repos["groups"].create(group(1), members=[sid(1)], audit=audit("pg-001", "Create"))
    repos["groups"].update(group(1), 1, members=[sid(1)], audit=audit("pg-001", "Update"))
    # When a stale update that would also claim server 2 runs
    with pytest.raises(StaleVersion):
        repos["groups"].update(group(1), 1, members=[sid(1), sid(2)], audit=audit("pg-001", "Stale"))
    # Then no audit record, and server 2 was not claimed
    assert audited(repos, "pg-001") == ["Create", "Update"]
    repos["groups"].create(group(2), members=[sid(2)])


def test_plan_and_audit_are_both_refused_when_a_named_group_does_not_exist(repos: dict[str, Any]) -> None:
    repos["groups"].create(group(1))
    with pytest.raises(Conflict, match="pg-404"):
        repos["plans"].create(plan("rp-a", "pg-001", "pg-404"), audit=audit("rp-a"))
    assert audited(repos, "rp-a") == []
    repos["plans"].create(plan("rp-a", "pg-001"), audit=audit("rp-a", "Create"))
    repos["plans"].delete("rp-a", audit=audit("rp-a", "Delete"))
    assert audited(repos, "rp-a") == ["Create", "Delete"]


def test_account_change_and_audit_are_written_together_or_not_at_all(repos: dict[str, Any]) -> None:
    account = TargetAccount.model_validate(
        {
            "accountId": TARGET,
            "name": "dr",
            "roleArn": f"arn:aws:iam::{TARGET}:role/drs-orchestration/target",
            "externalId": "x" * 16,
            "regions": [REGION],
            **STAMPS,
        }
    )
    repos["accounts"].create(account, audit=audit(TARGET, "Create"))
    with pytest.raises(Conflict):
        repos["accounts"].create(account, audit=audit(TARGET, "Duplicate"))
    with pytest.raises(StaleVersion):
        repos["accounts"].delete(TARGET, 7, audit=audit(TARGET, "StaleDelete"))
    repos["accounts"].update(account, 1, audit=audit(TARGET, "Update"))
    assert audited(repos, TARGET) == ["Create", "Update"]
