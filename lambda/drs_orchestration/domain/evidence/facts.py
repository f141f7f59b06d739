"""What an evidence pack is drawn from: the run's report, its stored header, its operator events and
its audit records (read by the evidence service, rendered by ``render``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from drs_orchestration.domain.models.audit import AuditRecord
from drs_orchestration.domain.models.execution import EventType, ExecutionEvent, ExecutionHeader
from drs_orchestration.domain.services.execution_reports import ExecutionReport

__all__ = ["OPERATOR_EVENTS", "EvidenceFacts", "is_operator_event"]

OPERATOR_EVENTS = frozenset(
    {
        EventType.EXECUTION_CREATED,
        EventType.EXECUTION_STARTED,
        EventType.PAUSE_REQUESTED,
        EventType.EXECUTION_PAUSED,
        EventType.RESUME_REQUESTED,
        EventType.EXECUTION_RESUMED,
        EventType.CANCEL_REQUESTED,
        EventType.EXECUTION_CANCELLING,
        EventType.EXECUTION_FINISHED,
        EventType.WAVE_SKIP_REQUESTED,
        EventType.WAVE_SKIPPED,
        EventType.WAVE_RETRIED,
        EventType.WAVE_RETRY_STARTED,
        EventType.APPROVAL_REQUESTED,
        EventType.APPROVAL_GRANTED,
        EventType.APPROVAL_REJECTED,
        EventType.INSTANCES_TERMINATED,
        EventType.ENGINE_LOST,
    }
)
"""Timeline events an auditor asks about: the run's life, approvals, pauses and operator actions."""


def is_operator_event(event: ExecutionEvent) -> bool:
    return event.type in OPERATOR_EVENTS or event.actor is not None


@dataclass(frozen=True)
class EvidenceFacts:
    """Everything the pack shows, read once when it is produced."""

    header: ExecutionHeader
    report: ExecutionReport
    operator_events: list[ExecutionEvent]
    """Oldest first: the run's life, approvals, pauses and operator actions."""
    audit: list[AuditRecord]
    """The audit records of the run, oldest first."""
    produced_at: datetime
