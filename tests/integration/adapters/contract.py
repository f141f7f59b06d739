"""The repositories under test, built the same way for each adapter, and the entities the contract
suite stores in them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from drs_orchestration.domain.models.account import TargetAccount
from drs_orchestration.domain.models.audit import AuditRecord
from drs_orchestration.domain.models.execution import ExecutionHeader, ExecutionMode, ExecutionStatus
from drs_orchestration.domain.models.protection_group import ProtectionGroup
from drs_orchestration.domain.models.recovery_plan import RecoveryPlan
from drs_orchestration.domain.services.context import Request, audit_record

HOME = "111122223333"
TARGET = "444455556666"
REGION = "us-east-1"
NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
STAMPS = {"created_at": NOW, "created_by": "t", "updated_at": NOW, "updated_by": "t"}
REQUEST = Request(actor="t", now=NOW)


def sid(n: int) -> str:
    return f"s-{n:017d}"


@dataclass
class Repositories:
    """One adapter's five repositories; the three with audited writes share ``audit``."""

    adapter: str
    groups: Any
    plans: Any
    accounts: Any
    audit: Any
    executions: Any

    def audited(self, resource_id: str) -> list[str]:
        """The actions recorded for the resource (sorted: the records of one test share a timestamp)."""
        return sorted(record.action for record in self.audit.list(resource_id=resource_id).items)


def audit(resource_id: str, action: str = "Change") -> AuditRecord:
    return audit_record(REQUEST, action, "Test", resource_id)


def group(n: int, *, account: str = HOME, region: str = REGION, name: str | None = None) -> ProtectionGroup:
    return ProtectionGroup(
        id=f"pg-{n:03d}",
        name=name or f"group {n:03d}",
        account_id=account,
        region=region,
        source_server_ids=[sid(n)],
        **STAMPS,
    )


def plan(plan_id: str, *group_ids: str, name: str | None = None) -> RecoveryPlan:
    return RecoveryPlan.model_validate(
        {
            "id": plan_id,
            "name": name or plan_id,
            "rtoTargetMinutes": 30,
            "waves": [{"id": "w", "name": "W", "protectionGroupIds": list(group_ids)}],
            "createdAt": NOW,
            "createdBy": "t",
            "updatedAt": NOW,
            "updatedBy": "t",
        }
    )


def account(account_id: str = TARGET, *, name: str = "dr") -> TargetAccount:
    return TargetAccount.model_validate(
        {
            "accountId": account_id,
            "name": name,
            "roleArn": f"arn:aws:iam::{account_id}:role/drs-orchestration/target",
            "externalId": "x" * 16,
            "regions": [REGION],
            **STAMPS,
        }
    )


def header(
    execution_id: str,
    *,
    plan_id: str = "rp-a",
    minutes: int = 0,
    status: ExecutionStatus = ExecutionStatus.PENDING,
) -> ExecutionHeader:
    return ExecutionHeader(
        id=execution_id,
        plan_id=plan_id,
        plan_version=1,
        plan_name=plan_id,
        mode=ExecutionMode.DRILL,
        status=status,
        created_at=NOW + timedelta(minutes=minutes),
        started_by="t",
        plan_snapshot=plan(plan_id, "pg-001"),
    )
