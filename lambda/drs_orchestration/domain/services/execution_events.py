"""A run's timeline, read whole or incrementally (``after`` the last event a client holds).

Event ids begin with the writer's timestamp, so they sort in time order. An engine step stamps its
events with the time it started and writes them while it runs, so an event may be stored after
another one that sorts later (an operator's request written during the step). A client asking for
what came after the newest event it holds would then never see it. So an incremental read also
returns every event stamped within ``EVENT_SETTLE_SECONDS`` of now, however it sorts against
``after``: a client that merges what it receives by ``eventId`` misses nothing, and pays only for
the events of the last moments again.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from drs_orchestration.domain.errors import FieldError, ValidationFailed
from drs_orchestration.domain.models.execution import ExecutionEvent
from drs_orchestration.domain.ports import DEFAULT_PAGE_SIZE, Page
from drs_orchestration.domain.services.context import Request, Services

__all__ = ["EVENT_CURSOR_PATTERN", "EVENT_SETTLE_SECONDS", "list_events", "settled_cursor"]

EVENT_SETTLE_SECONDS = 120
"""How late an event may be stored after its timestamp: an engine step's timeout (the orchestration
stack's functions time out at 120 s), the longest a step that stamped it can still be writing."""

EVENT_STAMP_FORMAT = "%Y%m%dT%H%M%S.%fZ"
EVENT_CURSOR_PATTERN = r"^[0-9]{8}T[0-9]{6}\.[0-9]{6}Z[-0-9A-Za-z]{0,100}$"
"""An event id as the product writes them: its timestamp, then a sequence and a random suffix."""


def _stamp_of(after: str) -> datetime:
    try:
        return datetime.strptime(after[:23], EVENT_STAMP_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        message = "must be the eventId of an event of this run (a timestamp, then a suffix)"
        raise ValidationFailed([FieldError(name="after", message=message)]) from None


def settled_cursor(after: str, now: datetime) -> str:
    """Where an incremental read starts: ``after``, or earlier when events stamped since
    ``now - EVENT_SETTLE_SECONDS`` may still be stored after it."""
    _stamp_of(after)
    settle = (now - timedelta(seconds=EVENT_SETTLE_SECONDS)).strftime(EVENT_STAMP_FORMAT)
    return min(after, settle)


def list_events(
    services: Services,
    request: Request,
    execution_id: str,
    *,
    after: str | None = None,
    limit: int = DEFAULT_PAGE_SIZE,
    next_token: str | None = None,
) -> Page[ExecutionEvent]:
    """The run's events, oldest first; with ``after``, those after it and those of the last
    ``EVENT_SETTLE_SECONDS`` (``NotFound`` when the run does not exist)."""
    services.executions.get_header(execution_id)
    start = settled_cursor(after, request.now) if after is not None else None
    return services.executions.list_events(execution_id, limit=limit, next_token=next_token, after=start)
