"""The poll of a large run: ``GET /executions/{id}?servers=none`` (counts, no server) and the paged
``GET /executions/{id}/servers`` with its filters, through the real handler."""

from __future__ import annotations

from datetime import UTC, datetime

from drs_orchestration.adapters.runner.in_memory_execution_runner import InMemoryExecutionRunner
from drs_orchestration.composition.api import api_parts
from drs_orchestration.composition.product import Product
from drs_orchestration.domain.models.drs import LaunchStatus
from drs_orchestration.domain.models.execution import ExecutionStatus, HealthStatus, ServerState
from tests.integration.api.client import Api
from tests.integration.api.conftest import HOME_ACCOUNT, REGION, server_id
from tests.integration.api.test_executions_and_plans import make_plan


def _running_with(api: Api, product: Product, servers: int) -> str:
    """A drill of one wave ``web`` over ``servers`` servers: the first two launched (one healthy),
    the rest not started, written as the engine writes them."""
    ids = [server_id(n) for n in range(servers)]
    plan = make_plan(api, servers=ids)
    started = api.post("/executions", {"planId": plan["id"], "mode": "DRILL"}, as_="Operator")
    assert started.status == 202, started.text
    execution_id = str(started.json["executionId"])
    runner = api_parts(product).services.runner
    assert isinstance(runner, InMemoryExecutionRunner)
    now = datetime.now(UTC)
    states = [
        ServerState(
            execution_id=execution_id,
            wave_id="web",
            source_server_id=sid,
            account_id=HOME_ACCOUNT,
            region=REGION,
            **(
                {"launch_status": LaunchStatus.LAUNCHED, "launched_at": now, "job_id": "drsjob-1"}
                if n < 2
                else {}
            ),
            **({"health": HealthStatus.HEALTHY, "healthy_at": now} if n == 0 else {}),
        )
        for n, sid in enumerate(ids)
    ]
    runner.advance(execution_id, ExecutionStatus.RUNNING, at=now, servers=states)
    return execution_id


def test_summary_view_has_each_waves_counts_and_no_server_when_servers_is_none(
    api: Api, product: Product
) -> None:
    # Given a running drill of 5 servers, 2 launched and 1 of them healthy
    execution_id = _running_with(api, product, 5)

    # When the poll asks for the summary, and for everything
    summary = api.get(f"/executions/{execution_id}", query="servers=none", as_="Viewer")
    full = api.get(f"/executions/{execution_id}", as_="Viewer")

    # Then the summary's wave has its counts and no server; the full view has both, the same counts
    assert summary.status == 200, summary.text
    (wave,) = summary.json["waves"]
    assert wave["servers"] == []
    assert wave["serverCounts"]["total"] == 5
    assert wave["serverCounts"]["launch"] == {"LAUNCHED": 2}
    assert wave["serverCounts"]["health"] == {"HEALTHY": 1}
    assert wave["serverCounts"]["waiting"] == 3
    assert full.json["waves"][0]["serverCounts"] == wave["serverCounts"]
    assert len(full.json["waves"][0]["servers"]) == 5
    same_rto = {key: value for key, value in full.json["rto"].items() if key != "elapsedSeconds"}
    assert {key: summary.json["rto"][key] for key in same_rto} == same_rto


def test_servers_page_through_the_run_with_filters_when_asked(api: Api, product: Product) -> None:
    # Given a running drill of 5 servers, 2 launched and 1 of them healthy
    execution_id = _running_with(api, product, 5)
    path = f"/executions/{execution_id}/servers"

    # When the servers are listed two at a time
    first = api.get(path, query={"limit": "2"}, as_="Viewer")
    second = api.get(path, query={"limit": "2", "nextToken": first.json["nextToken"]}, as_="Viewer")
    third = api.get(path, query={"limit": "2", "nextToken": second.json["nextToken"]}, as_="Viewer")

    # Then every server comes once, in id order, and the last page has no token
    pages = [first, second, third]
    assert [s["sourceServerId"] for p in pages for s in p.json["items"]] == [server_id(n) for n in range(5)]
    assert "nextToken" not in third.json
    # and the filters narrow the list
    launched = api.get(path, query=f"waveId=web&status=LAUNCHED&accountId={HOME_ACCOUNT}&region={REGION}")
    assert [s["sourceServerId"] for s in launched.json["items"]] == [server_id(0), server_id(1)]
    healthy = api.get(path, query="status=HEALTHY").json["items"]
    assert [s["sourceServerId"] for s in healthy] == [server_id(0)]
    assert len(api.get(path, query="status=NOT_STARTED").json["items"]) == 3
    assert api.get(path, query="accountId=999988887777").json["items"] == []


def test_servers_are_400_naming_the_filter_when_it_is_malformed(api: Api, product: Product) -> None:
    execution_id = _running_with(api, product, 1)
    path = f"/executions/{execution_id}/servers"
    for query, field in [
        ("status=SLEEPING", "status"),
        ("accountId=12345", "accountId"),
        ("region=mars", "region"),
        ("waveId=Web_1", "waveId"),
        ("limit=0", "limit"),
    ]:
        response = api.get(path, query=query, as_="Viewer")
        assert response.status == 400, (query, response.text)
        assert field in " ".join(response.field_names), (query, response.text)
    view = api.get(f"/executions/{execution_id}", query="servers=some", as_="Viewer")
    assert view.status == 400
    assert "servers" in " ".join(view.field_names)
    assert api.get(path, query="waveId=nope", as_="Viewer").status == 404
    assert api.get("/executions/ex-missing/servers", as_="Viewer").status == 404
