"""GET /executions/{id}/events with an ``after`` cursor, through the real handler on DynamoDB (moto)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from drs_orchestration.composition.api import api_parts
from drs_orchestration.composition.product import Product
from drs_orchestration.domain.models.execution import EventType, ExecutionEvent
from tests.integration.api.client import Api
from tests.integration.api.test_executions_and_plans import make_plan

LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)


def _add_events(product: Product, execution_id: str, *stamps: datetime) -> list[str]:
    ids = []
    for n, at in enumerate(stamps, start=1):
        event_id = f"{at.strftime('%Y%m%dT%H%M%S.%fZ')}-{n:04d}-abcdef12"
        api_parts(product).services.executions.append_event(
            ExecutionEvent(
                execution_id=execution_id, event_id=event_id, at=at, type=EventType.JOB_LOG, message=f"e{n}"
            )
        )
        ids.append(event_id)
    return ids


@pytest.fixture
def execution_id(api: Api) -> str:
    plan = make_plan(api)
    started = api.post("/executions", {"planId": plan["id"], "mode": "DRILL"})
    assert started.status == 202, started.text
    return str(started.json["executionId"])


def test_events_after_a_cursor_are_only_what_came_later(
    api: Api, product: Product, execution_id: str
) -> None:
    old = _add_events(product, execution_id, *(LONG_AGO + timedelta(minutes=m) for m in range(3)))
    everything = api.get(f"/executions/{execution_id}/events", as_="Viewer").json["items"]
    assert [e["eventId"] for e in everything][:3] == old

    first = api.get(f"/executions/{execution_id}/events", query={"after": old[0], "limit": "1"}, as_="Viewer")
    rest = api.get(
        f"/executions/{execution_id}/events",
        query={"after": old[0], "limit": "10", "nextToken": first.json["nextToken"]},
        as_="Viewer",
    )

    later = [e["eventId"] for e in first.json["items"] + rest.json["items"]]
    assert later == [e["eventId"] for e in everything[1:]]
    assert "nextToken" not in rest.json or rest.json["nextToken"] is None


def test_events_of_the_last_moments_come_again_behind_a_cursor_from_later(
    api: Api, product: Product, execution_id: str
) -> None:
    # the client holds an event stamped a minute from now; the run's own EXECUTION_CREATED, stamped
    # just now, sorts before it but is recent enough that a step may have stored it late: both come
    # (again), for the client to merge by eventId
    (ahead,) = _add_events(product, execution_id, datetime.now(UTC) + timedelta(minutes=1))

    items = api.get(f"/executions/{execution_id}/events", query={"after": ahead}).json["items"]

    assert [e["type"] for e in items] == [EventType.EXECUTION_CREATED, EventType.JOB_LOG]
    assert items[1]["eventId"] == ahead


@pytest.mark.parametrize("cursor", ["yesterday", "20261399T000000.000000Z-0001-abcdef12", "x" * 200])
def test_a_bad_cursor_is_a_400_naming_after(api: Api, execution_id: str, cursor: str) -> None:
    response = api.get(f"/executions/{execution_id}/events", query={"after": cursor})

    assert response.status == 400, response.text
    assert response.field_names == ["after"]
