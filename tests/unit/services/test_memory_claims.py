"""The in-memory twin claims servers and audits like the DynamoDB adapters."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from drs_orchestration.adapters.memory import InMemoryAuditRepository, InMemoryProtectionGroupRepository
from drs_orchestration.domain.errors import Conflict, StaleVersion
from drs_orchestration.domain.models.protection_group import ProtectionGroup
from drs_orchestration.domain.services.context import Request, audit_record

NOW = datetime(2026, 1, 2, tzinfo=UTC)
REQUEST = Request(actor="t", now=NOW)


def group(n: int) -> ProtectionGroup:
    return ProtectionGroup.model_validate(
        {
            "id": f"pg-{n}",
            "name": f"group {n}",
            "accountId": "111122223333",
            "region": "us-east-1",
            "tagSelector": {"App": ["x"]},
            "createdAt": NOW,
            "createdBy": "t",
            "updatedAt": NOW,
            "updatedBy": "t",
        }
    )


def test_held_server_is_refused_and_nothing_audited_when_a_second_group_claims_it() -> None:
    audit = InMemoryAuditRepository()
    groups = InMemoryProtectionGroupRepository(audit)
    groups.create(group(1), members=["s-a", "s-b"], audit=audit_record(REQUEST, "Create", "G", "pg-1"))
    with pytest.raises(Conflict, match=r"s-b \(group 1\)"):
        groups.create(group(2), members=["s-b"], audit=audit_record(REQUEST, "Create", "G", "pg-2"))
    assert [r.resource_id for r in audit.list().items] == ["pg-1"]


def test_claims_are_released_when_the_group_drops_a_server_or_is_deleted() -> None:
    groups = InMemoryProtectionGroupRepository()
    groups.create(group(1), members=["s-a", "s-b"])
    groups.update(group(1), 1, members=["s-a"])
    groups.create(group(2), members=["s-b"])
    groups.delete("pg-1", 2)
    groups.create(group(3), members=["s-a"])
    assert [g.id for g in groups.list().items] == ["pg-2", "pg-3"]


def test_stale_update_neither_changes_claims_nor_audits_when_the_version_moved_on() -> None:
    audit = InMemoryAuditRepository()
    groups = InMemoryProtectionGroupRepository(audit)
    groups.create(group(1), members=["s-a"])
    groups.update(group(1), 1, members=["s-a"])
    with pytest.raises(StaleVersion):
        groups.update(group(1), 1, members=["s-b"], audit=audit_record(REQUEST, "Update", "G", "pg-1"))
    assert audit.list().items == []
    groups.create(group(2), members=["s-b"])


def test_every_server_of_a_250_server_group_is_claimed_and_freed_when_it_is_created_and_deleted() -> None:
    groups = InMemoryProtectionGroupRepository()
    servers = [f"s-{n}" for n in range(250)]
    groups.create(group(1), members=servers)
    with pytest.raises(Conflict, match=r"s-249 \(group 1\)"):
        groups.create(group(2), members=["s-249"])
    groups.delete("pg-1", 1)
    groups.create(group(2), members=servers)
