"""Operator requests: what an authenticated operator asked of a run, for the engine to act on once.

The API stores each request as its own item, numbered in the order it was stored (``sequence``), in
the same write as the timeline event that shows it; the engine reads the requests after the last one
it acted on (``ExecutionHeader.request_cursor``), by key range.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field

from drs_orchestration.domain.models.base import CamelModel, ExecutionId, Timestamp, WaveId
from drs_orchestration.domain.models.execution import EventType

__all__ = ["REQUEST_EVENTS", "OperatorRequest", "RequestType"]


class RequestType(StrEnum):
    PAUSE = "PAUSE"
    RESUME = "RESUME"
    CANCEL = "CANCEL"
    APPROVE = "APPROVE"
    RETRY = "RETRY"
    SKIP = "SKIP"


REQUEST_EVENTS: dict[RequestType, EventType] = {
    RequestType.PAUSE: EventType.PAUSE_REQUESTED,
    RequestType.RESUME: EventType.RESUME_REQUESTED,
    RequestType.CANCEL: EventType.CANCEL_REQUESTED,
    RequestType.APPROVE: EventType.APPROVAL_GRANTED,
    RequestType.RETRY: EventType.WAVE_RETRIED,
    RequestType.SKIP: EventType.WAVE_SKIP_REQUESTED,
}
"""The timeline event each kind of request is shown as (the previous release stored only these)."""


class OperatorRequest(CamelModel):
    """One request of an operator; wave requests (approve, retry, skip) name their wave."""

    execution_id: ExecutionId
    sequence: Annotated[int, Field(ge=0)] = 0
    """The request's place among the run's requests (1, 2, ...), given when it is stored; 0 for a
    request read from a previous release's timeline."""
    type: RequestType
    at: Timestamp
    actor: Annotated[str, Field(min_length=1, max_length=256)]
    wave_id: WaveId | None = None
    event_id: Annotated[str, Field(min_length=1, max_length=128)] | None = None
    """The timeline event that shows it."""
