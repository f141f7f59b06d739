"""The timeline read incrementally: what came after the client's newest event, and what a step may
still have been writing behind it."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from drs_orchestration.domain.errors import NotFound, ValidationFailed
from drs_orchestration.domain.models.execution import (
    EventType,
    ExecutionEvent,
    ExecutionMode,
    StartExecutionRequest,
)
from drs_orchestration.domain.services.context import Request, Services
from drs_orchestration.domain.services.execution_events import EVENT_SETTLE_SECONDS, list_events
from drs_orchestration.domain.services.executions import start_execution
from tests.unit.domain.builders import T0
from tests.unit.services.test_executions import services as build_services

NOW = T0 + timedelta(hours=1)
REQUEST = Request(actor="viewer", now=NOW)


def _event_id(at: datetime, n: int) -> str:
    return f"{at.strftime('%Y%m%dT%H%M%S.%fZ')}-{n:04d}-abcdef12"


def _run_with_events(*stamps: datetime) -> tuple[Services, str, list[str]]:
    """A started run (its EXECUTION_CREATED event at T0) and one event at each of ``stamps``."""
    services = build_services()
    plan_id = services.plans.list().items[0].id
    request = StartExecutionRequest(plan_id=plan_id, mode=ExecutionMode.DRILL)
    execution_id = start_execution(services, Request(actor="op", now=T0), request).execution_id
    ids = []
    for n, at in enumerate(stamps, start=1):
        event_id = _event_id(at, n)
        event = ExecutionEvent(
            execution_id=execution_id, event_id=event_id, at=at, type=EventType.JOB_LOG, message=str(n)
        )
        services.executions.append_event(event)
        ids.append(event_id)
    return services, execution_id, ids


def test_only_the_events_after_the_cursor_come_back_when_they_have_settled() -> None:
    services, execution_id, ids = _run_with_events(*(T0 + timedelta(minutes=m) for m in (1, 2, 3)))

    page = list_events(services, REQUEST, execution_id, after=ids[0])

    assert [e.event_id for e in page.items] == ids[1:]
    assert list_events(services, REQUEST, execution_id, after=ids[-1]).items == []


def test_recent_events_behind_the_cursor_come_back_again_when_a_step_may_still_write_them() -> None:
    # Given a step that stamped its event 30 s ago and an operator event stored 10 s ago, which the
    # client already holds; then the step's event, sorting before the operator's, is stored
    step_at, operator_at = NOW - timedelta(seconds=30), NOW - timedelta(seconds=10)
    services, execution_id, ids = _run_with_events(T0 + timedelta(minutes=1), operator_at, step_at)

    page = list_events(services, REQUEST, execution_id, after=ids[1])

    # every event of the last EVENT_SETTLE_SECONDS comes back, the older one does not
    assert [e.event_id for e in page.items] == [ids[2], ids[1]]
    later = Request(actor="viewer", now=NOW + timedelta(seconds=EVENT_SETTLE_SECONDS))
    assert list_events(services, later, execution_id, after=ids[1]).items == []


def test_without_a_cursor_the_whole_timeline_pages_oldest_first() -> None:
    services, execution_id, ids = _run_with_events(*(T0 + timedelta(minutes=m) for m in (1, 2)))

    first = list_events(services, REQUEST, execution_id, limit=2)
    second = list_events(services, REQUEST, execution_id, limit=2, next_token=first.next_token)

    assert first.items[0].type is EventType.EXECUTION_CREATED
    assert [e.event_id for e in first.items[1:] + second.items] == ids


@pytest.mark.parametrize("cursor", ["not-an-event", "20261399T000000.000000Z-0001-abcdef12"])
def test_a_cursor_that_is_no_event_id_is_refused_naming_after(cursor: str) -> None:
    services, execution_id, _ = _run_with_events()

    with pytest.raises(ValidationFailed) as refused:
        list_events(services, REQUEST, execution_id, after=cursor)

    assert [f.name for f in refused.value.fields] == ["after"]


def test_the_events_of_a_run_that_does_not_exist_are_not_found() -> None:
    services, _, ids = _run_with_events(T0)

    with pytest.raises(NotFound):
        list_events(services, REQUEST, "ex-missing", after=ids[0])
