"""What every use case receives: the ports it may use, who asks, and the current time."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from pydantic import JsonValue

from drs_orchestration.domain.evidence.store import EvidenceStore
from drs_orchestration.domain.failback_ports import FailbackGatewayFactory
from drs_orchestration.domain.inventory import SourceServerInventory
from drs_orchestration.domain.models.account import TargetAccount
from drs_orchestration.domain.models.audit import AuditRecord
from drs_orchestration.domain.models.protection_group import ProtectionGroup
from drs_orchestration.domain.models.recovery_plan import RecoveryPlan
from drs_orchestration.domain.ports import (
    AccountRepository,
    AuditRepository,
    DrsGatewayFactory,
    ExecutionRepository,
    ExecutionRunner,
    ProtectionGroupRepository,
    RecoveryPlanRepository,
    ReportStore,
)
from drs_orchestration.domain.readiness_checks import ReadinessCheckRepository, ReadinessWorker
from drs_orchestration.domain.readiness_scans import ReadinessScanner, ReadinessScanRepository
from drs_orchestration.domain.schedules import ScheduleRepository, ScheduleTrigger

__all__ = [
    "AuditedAccountRepository",
    "AuditedProtectionGroupRepository",
    "AuditedRecoveryPlanRepository",
    "Request",
    "Services",
    "audit_record",
    "new_id",
    "record_audit",
]


class AuditedProtectionGroupRepository(ProtectionGroupRepository, Protocol):
    """Group writes that claim the group's servers and append the audit record with the change.

    ``members`` are the servers the group holds (explicit ids and tag matches resolved at write time);
    a server another group holds makes the write fail with ``Conflict``, however writes interleave.
    """

    def create(
        self, group: ProtectionGroup, *, members: Sequence[str] = (), audit: AuditRecord | None = None
    ) -> ProtectionGroup: ...
    def update(
        self,
        group: ProtectionGroup,
        expected_version: int,
        *,
        members: Sequence[str] = (),
        audit: AuditRecord | None = None,
    ) -> ProtectionGroup: ...
    def delete(
        self, group_id: str, expected_version: int | None = None, *, audit: AuditRecord | None = None
    ) -> None: ...


class AuditedRecoveryPlanRepository(RecoveryPlanRepository, Protocol):
    """Plan writes that append the audit record in the same transaction as the change."""

    def create(self, plan: RecoveryPlan, *, audit: AuditRecord | None = None) -> RecoveryPlan: ...
    def update(
        self, plan: RecoveryPlan, expected_version: int, *, audit: AuditRecord | None = None
    ) -> RecoveryPlan: ...
    def delete(
        self, plan_id: str, expected_version: int | None = None, *, audit: AuditRecord | None = None
    ) -> None: ...


class AuditedAccountRepository(AccountRepository, Protocol):
    """Account writes that append the audit record in the same transaction as the change."""

    def create(self, account: TargetAccount, *, audit: AuditRecord | None = None) -> TargetAccount: ...
    def update(
        self, account: TargetAccount, expected_version: int, *, audit: AuditRecord | None = None
    ) -> TargetAccount: ...
    def delete(
        self, account_id: str, expected_version: int | None = None, *, audit: AuditRecord | None = None
    ) -> None: ...


@dataclass(frozen=True)
class Services:
    """The ports the API's use cases run against."""

    groups: AuditedProtectionGroupRepository
    plans: AuditedRecoveryPlanRepository
    executions: ExecutionRepository
    accounts: AuditedAccountRepository
    audit: AuditRepository
    drs: DrsGatewayFactory
    runner: ExecutionRunner | None
    home_account_id: str
    reports: ReportStore | None = None
    """Where large report exports go; without it only reports small enough to answer inline export."""
    inventory: SourceServerInventory | None = None
    """Where the API's inventory views read DRS (the API keeps recent reads); ``None`` reads DRS on
    every call."""
    readiness_checks: ReadinessCheckRepository | None = None
    readiness_worker: ReadinessWorker | None = None
    """Runs the readiness checks of large plans outside the API request."""
    evidence: EvidenceStore | None = None
    """Where evidence packs are kept (the evidence bucket); without it a pack answers 503."""
    failback: FailbackGatewayFactory | None = None
    """DRS's failback calls (re-protect, the failback clean-up, failback readiness)."""
    readiness_scans: ReadinessScanRepository | None = None
    """The account-wide readiness results, one per day."""
    readiness_scanner: ReadinessScanner | None = None
    """Runs an account-wide readiness scan outside the API request."""
    schedules: ScheduleRepository | None = None
    scheduler: ScheduleTrigger | None = None
    """Fires drill schedules (EventBridge Scheduler); ``None``: schedules cannot be created."""


@dataclass(frozen=True)
class Request:
    """Who is asking (their user name) and when."""

    actor: str
    now: datetime

    def created(self) -> dict[str, Any]:
        """The creation and update stamps of a new record."""
        return {"created_at": self.now, "created_by": self.actor, **self.updated()}

    def updated(self) -> dict[str, Any]:
        return {"updated_at": self.now, "updated_by": self.actor}


def new_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:17]}"


def audit_record(
    request: Request,
    action: str,
    resource_type: str,
    resource_id: str,
    *,
    before_version: int | None = None,
    after_version: int | None = None,
) -> AuditRecord:
    """The audit record of a repository write, built before it so the two are written together."""
    versions: dict[str, JsonValue] = {"beforeVersion": before_version, "afterVersion": after_version}
    return _new_record(request, action, resource_type, resource_id, versions)


def record_audit(
    services: Services,
    request: Request,
    action: str,
    resource_type: str,
    resource_id: str,
    **details: JsonValue,
) -> None:
    """An audit record on its own, for calls whose change is not a repository write (engine signals)."""
    versions: dict[str, JsonValue] = {"beforeVersion": None, "afterVersion": None}
    services.audit.append(_new_record(request, action, resource_type, resource_id, {**versions, **details}))


def _new_record(
    request: Request, action: str, resource_type: str, resource_id: str, details: dict[str, JsonValue]
) -> AuditRecord:
    return AuditRecord(
        id=uuid.uuid4().hex,
        at=request.now,
        actor=request.actor,
        action=action,
        resource_type=resource_type,
        resource_id=resource_id,
        details=details,
    )
