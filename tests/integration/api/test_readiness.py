"""The account-wide readiness through the real API handler and the real scan function's handler, over
moto and the DRS simulator: the API invokes the scan function asynchronously by name (run in-process,
as the local runtime does); a new source server shows as UNPROTECTED_SERVER after a scan, and the
servers a tag selector picks up or drops after a drill show as SELECTION_DRIFT."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from drs_orchestration.adapters.runner.in_memory_execution_runner import InMemoryExecutionRunner
from drs_orchestration.adapters.system_clock import SystemClock
from drs_orchestration.composition.api import api_parts
from drs_orchestration.composition.product import Product
from drs_orchestration.domain.models.execution import ExecutionStatus, ServerState
from drs_simulator.fleet import ServerFixture
from drs_simulator.testing import SimulatorHandle, simulator_server
from tests.integration.api.client import API_HANDLER, Api
from tests.integration.api.conftest import HOME_ACCOUNT, REGION, product_over_moto
from tests.integration.api.invoked_functions import InvokedFunction, api_with_function

SCAN_HANDLER = "drs_orchestration.handlers.readiness_scan.lambda_handler"
SCAN_FUNCTION = "readiness-scan"


def sid(n: int) -> str:
    return f"s-77{n:015d}"


def fleet() -> list[ServerFixture]:
    """Three shop web servers."""
    return [
        ServerFixture(
            hostname=f"web-{n}",
            source_server_id=sid(n),
            account_id=HOME_ACCOUNT,
            region=REGION,
            tags={"Application": "shop"},
        )
        for n in range(3)
    ]


def new_server(n: int, hostname: str) -> dict[str, Any]:
    return {"hostname": hostname, "source_server_id": sid(n), "account_id": HOME_ACCOUNT, "region": REGION}


@pytest.fixture(scope="module")
def drs() -> Iterator[SimulatorHandle]:
    """The module's own simulator: its tests add and retag servers (each starts from ``fleet``)."""
    with simulator_server(fleet=fleet()) as handle:
        yield handle


Scan = InvokedFunction


@pytest.fixture
def deployed(monkeypatch: pytest.MonkeyPatch, drs: SimulatorHandle) -> Iterator[tuple[Api, Scan, Product]]:
    """The API and the scan function as deployed: the API invokes the scan asynchronously by name."""
    drs.control("POST", "reset", {"fleet": [server.model_dump() for server in fleet()]})
    with api_with_function(
        monkeypatch,
        drs,
        variable="READINESS_SCAN_FUNCTION",
        name=SCAN_FUNCTION,
        handler=SCAN_HANDLER,
        what="the scan",
        timeout=120,
    ) as deployed:
        yield deployed


def make_shop_plan(api: Api) -> str:
    group = api.post(
        "/protection-groups",
        {
            "name": "shop",
            "accountId": HOME_ACCOUNT,
            "region": REGION,
            "tagSelector": {"Application": ["shop"]},
        },
    )
    assert group.status == 201, group.text
    waves = [{"id": "web", "name": "Web", "protectionGroupIds": [group.json["id"]]}]
    plan = api.post("/recovery-plans", {"name": "shop-dr", "rtoTargetMinutes": 60, "waves": waves})
    assert plan.status == 201, plan.text
    return str(plan.json["id"])


def drill_succeeded(api: Api, product: Product, plan_id: str, servers: list[str]) -> str:
    """A drill started through the API, its servers recorded as the engine records them, SUCCEEDED."""
    started = api.post("/executions", {"planId": plan_id, "mode": "DRILL"}, as_="Operator")
    assert started.status == 202, started.text
    execution_id = str(started.json["executionId"])
    runner = api_parts(product).services.runner
    assert isinstance(runner, InMemoryExecutionRunner)
    at = datetime.now(UTC)
    records = [ServerState(execution_id=execution_id, wave_id="web", source_server_id=s) for s in servers]
    runner.advance(execution_id, ExecutionStatus.RUNNING, at=at - timedelta(minutes=30), servers=records)
    runner.advance(execution_id, ExecutionStatus.SUCCEEDED, at=at)
    return execution_id


def scan_now(api: Api, scan: Scan) -> dict[str, Any]:
    started = api.post("/readiness/scans", as_="Operator")
    assert started.status == 202, started.text
    scan.wait()
    read = api.get("/readiness", as_="Viewer")
    assert read.status == 200, read.text
    return dict(read.json)


def test_new_source_server_shows_unprotected_in_readiness_when_scanned(
    deployed: tuple[Api, Scan, Product], drs: SimulatorHandle
) -> None:
    api, scan, product = deployed
    plan_id = make_shop_plan(api)
    drill_succeeded(api, product, plan_id, [sid(n) for n in range(3)])
    before = scan_now(api, scan)
    assert before["findings"] == []
    assert before["score"] == 100

    # Given a new source server appears in DRS, outside any protection group
    drs.control("POST", "fixtures", {"servers": [new_server(9, "intruder")]})

    # When the readiness is scanned again
    after = scan_now(api, scan)

    # Then it is an UNPROTECTED_SERVER finding, and the score says so
    assert [(f["code"], f["severity"], f["resourceId"]) for f in after["findings"]] == [
        ("UNPROTECTED_SERVER", "MEDIUM", sid(9))
    ]
    assert "intruder" in after["findings"][0]["message"]
    assert after["score"] == 95
    assert set(after) == {"score", "checkedAt", "findings", "history"}
    assert after["history"] == [{"date": after["checkedAt"][:10], "score": 95}]


def test_servers_the_tag_selector_picked_up_or_dropped_since_the_drill_show_as_drift_when_scanned(
    deployed: tuple[Api, Scan, Product], drs: SimulatorHandle
) -> None:
    api, scan, product = deployed
    plan_id = make_shop_plan(api)
    execution_id = drill_succeeded(api, product, plan_id, [sid(n) for n in range(3)])

    # Given one server is tagged into the selection after the drill, and one is tagged out of it
    client = drs.drs_client(REGION, HOME_ACCOUNT)
    drs.control("POST", "fixtures", {"servers": [new_server(5, "web-new")]})
    arn = {s["sourceServerID"]: s["arn"] for s in client.describe_source_servers()["items"]}
    client.tag_resource(resourceArn=arn[sid(5)], tags={"Application": "shop"})
    client.tag_resource(resourceArn=arn[sid(2)], tags={"Application": "crm"})

    # When the readiness is scanned
    body = scan_now(api, scan)

    # Then the plan shows the drift, naming who joined and who left since that drill
    drift = [f for f in body["findings"] if f["code"] == "SELECTION_DRIFT"]
    assert [(f["resourceId"], f["severity"]) for f in drift] == [(plan_id, "MEDIUM")]
    assert execution_id in drift[0]["message"]
    assert f"1 joined ({sid(5)})" in drift[0]["message"]
    assert f"1 left ({sid(2)})" in drift[0]["message"]
    assert [f["resourceId"] for f in body["findings"] if f["code"] == "UNPROTECTED_SERVER"] == [sid(2)]


def test_readiness_is_read_by_every_role_and_scanned_on_demand_by_operators_and_admins(
    deployed: tuple[Api, Scan, Product],
) -> None:
    api, scan, _ = deployed

    empty = api.get("/readiness", as_="Viewer")
    refused = api.post("/readiness/scans", as_="Viewer")
    by_admin = api.post("/readiness/scans", as_="Admin")
    scan.wait()

    assert empty.status == 200
    assert empty.json == {"score": None, "checkedAt": None, "findings": [], "history": []}
    assert refused.status == 403
    assert by_admin.status == 202, by_admin.text
    assert set(by_admin.json) == {"requestedAt", "requestedBy"}
    scanned = api.get("/readiness", as_="Viewer").json  # no group yet: three unprotected servers
    assert [f["code"] for f in scanned["findings"]] == ["UNPROTECTED_SERVER"] * 3
    assert scanned["score"] == 85


def test_on_demand_scan_is_503_when_no_scan_function_is_configured(
    monkeypatch: pytest.MonkeyPatch, drs: SimulatorHandle
) -> None:
    monkeypatch.delenv("READINESS_SCAN_FUNCTION", raising=False)
    with product_over_moto(monkeypatch, drs, SystemClock()) as product:
        api = Api(product.handler(API_HANDLER))

        answer = api.post("/readiness/scans", as_="Operator")

    assert answer.status == 503
    assert answer.error_code == "READINESS_SCANS_UNAVAILABLE"
