"""Audit records: who did what to which resource, and when."""

from __future__ import annotations

from enum import StrEnum

from pydantic import JsonValue

from drs_orchestration.domain.models.base import CamelModel, Timestamp

__all__ = ["AuditOutcome", "AuditRecord"]


class AuditOutcome(StrEnum):
    SUCCEEDED = "SUCCEEDED"
    DENIED = "DENIED"
    FAILED = "FAILED"


class AuditRecord(CamelModel):
    id: str
    at: Timestamp
    actor: str
    action: str
    """A verb and resource, e.g. ``CreateRecoveryPlan``, ``StartExecution``, ``ApproveWave``."""
    resource_type: str
    resource_id: str
    outcome: AuditOutcome = AuditOutcome.SUCCEEDED
    details: dict[str, JsonValue] = {}
