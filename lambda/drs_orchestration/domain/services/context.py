"""What every use case receives: the ports it may use, who asks, and the current time."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import JsonValue

from drs_orchestration.domain.models.audit import AuditRecord
from drs_orchestration.domain.ports import (
    AccountRepository,
    AuditRepository,
    DrsGatewayFactory,
    ExecutionRepository,
    ExecutionRunner,
    ProtectionGroupRepository,
    RecoveryPlanRepository,
)

__all__ = ["Request", "Services", "new_id", "record_audit"]


@dataclass(frozen=True)
class Services:
    """The ports the API's use cases run against."""

    groups: ProtectionGroupRepository
    plans: RecoveryPlanRepository
    executions: ExecutionRepository
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

    def created(self) -> dict[str, Any]:
        """The creation and update stamps of a new record."""
        return {"created_at": self.now, "created_by": self.actor, **self.updated()}

    def updated(self) -> dict[str, Any]:
        return {"updated_at": self.now, "updated_by": self.actor}


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
