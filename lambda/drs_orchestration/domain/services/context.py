"""What every use case receives: the ports it may use, who asks, and the current time."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from pydantic import JsonValue

from drs_orchestration.domain.models.audit import AuditRecord
from drs_orchestration.domain.models.execution import ExecutionHeader, ExecutionStatus
from drs_orchestration.domain.models.protection_group import ProtectionGroup
from drs_orchestration.domain.ports import (
    DEFAULT_PAGE_SIZE,
    AccountRepository,
    AuditRepository,
    DrsGatewayFactory,
    ExecutionRepository,
    ExecutionRunner,
    Page,
    ProtectionGroupRepository,
    RecoveryPlanRepository,
)

__all__ = ["ExecutionStore", "ProtectionGroupStore", "Request", "Services", "new_id", "record_audit"]


class ProtectionGroupStore(ProtectionGroupRepository, Protocol):
    """The repository port plus the listing filter the API offers."""

    def list(
        self,
        *,
        limit: int = DEFAULT_PAGE_SIZE,
        next_token: str | None = None,
        account_id: str | None = None,
        region: str | None = None,
    ) -> Page[ProtectionGroup]: ...


class ExecutionStore(ExecutionRepository, Protocol):
    """The repository port plus a status filter and the active-run index."""

    def list_headers(
        self,
        *,
        plan_id: str | None = None,
        status: Sequence[ExecutionStatus] = (),
        limit: int = DEFAULT_PAGE_SIZE,
        next_token: str | None = None,
    ) -> Page[ExecutionHeader]: ...

    def list_active(self, plan_id: str | None = None) -> list[ExecutionHeader]: ...


@dataclass(frozen=True)
class Services:
    """The ports the API's use cases run against."""

    groups: ProtectionGroupStore
    plans: RecoveryPlanRepository
    executions: ExecutionStore
    accounts: AccountRepository
    audit: AuditRepository
    drs: DrsGatewayFactory
    runner: ExecutionRunner | None
    home_account_id: str


@dataclass(frozen=True)
class Request:
    """Who is asking (their user name) and when."""

    actor: str
    now: datetime


def new_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:17]}"


def record_audit(
    services: Services,
    request: Request,
    action: str,
    resource_type: str,
    resource_id: str,
    *,
    before_version: int | None = None,
    after_version: int | None = None,
    **details: JsonValue,
) -> None:
    """One audit record for a mutating call (written after the change it describes)."""
    services.audit.append(
        AuditRecord(
            id=uuid.uuid4().hex,
            at=request.now,
            actor=request.actor,
            action=action,
            resource_type=resource_type,
            resource_id=resource_id,
            details={"beforeVersion": before_version, "afterVersion": after_version, **details},
        )
    )
