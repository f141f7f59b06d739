"""Readiness checks through the real API handler and the real worker handler, over moto and the DRS
simulator: a plan of 600 servers in two Regions is handed to the worker (invoked asynchronously
through moto's Lambda, run in-process by the local runtime) and its report comes back complete; the
simulator sees at most the gateway's bound of GetLaunchConfiguration calls at once; a small plan is
still answered within the request."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from drs_orchestration.adapters.drs.boto_drs_gateway import LAUNCH_CONFIGURATION_WORKERS
from drs_orchestration.domain.readiness_checks import SYNC_SERVER_LIMIT
from drs_simulator.fleet import ServerFixture
from drs_simulator.testing import SimulatorHandle, simulator_server
from tests.integration.api.client import Api
from tests.integration.api.conftest import HOME_ACCOUNT, REGION
from tests.integration.api.invoked_functions import InvokedFunction, api_with_function

OTHER_REGION = "eu-west-1"
SMALL_REGION = "us-west-2"  # DRS replicates at most 300 servers per account and Region
PER_REGION = 300
SMALL = 20
WORKER_HANDLER = "drs_orchestration.handlers.readiness_worker.lambda_handler"
WORKER_FUNCTION = "readiness-worker"


def big_id(region_index: int, n: int) -> str:
    return f"s-{region_index + 1:02d}{n:015d}"


def fleet() -> list[ServerFixture]:
    """300 servers tagged ``big`` in each of two Regions (one still in initial sync), and 20 ``small``
    in a third."""
    servers = [
        ServerFixture(
            hostname=f"big-{index}-{n:03d}",
            source_server_id=big_id(index, n),
            account_id=HOME_ACCOUNT,
            region=region,
            tags={"Application": "big"},
            replication_state="INITIAL_SYNC" if (index, n) == (1, 7) else "CONTINUOUS",
            snapshot_history=1,
        )
        for index, region in enumerate((REGION, OTHER_REGION))
        for n in range(PER_REGION)
    ]
    servers += [
        ServerFixture(
            hostname=f"small-{n:02d}",
            source_server_id=f"s-99{n:015d}",
            account_id=HOME_ACCOUNT,
            region=SMALL_REGION,
            tags={"Application": "small"},
            snapshot_history=1,
        )
        for n in range(SMALL)
    ]
    return servers


@pytest.fixture(scope="module")
def drs() -> Iterator[SimulatorHandle]:
    with simulator_server(fleet=fleet()) as handle:
        yield handle


Worker = InvokedFunction


@pytest.fixture
def deployed(monkeypatch: pytest.MonkeyPatch, drs: SimulatorHandle) -> Iterator[tuple[Api, Worker]]:
    """The API and the worker as deployed: the API invokes the worker function asynchronously by name."""
    drs.control("DELETE", "faults")
    with api_with_function(
        monkeypatch,
        drs,
        variable="READINESS_WORKER_FUNCTION",
        name=WORKER_FUNCTION,
        handler=WORKER_HANDLER,
        what="the worker",
        timeout=300,
    ) as (api, worker, _):
        yield api, worker


def make_plan(api: Api, application: str, regions: tuple[str, ...]) -> str:
    waves = []
    for region in regions:
        body = {
            "name": f"{application}-{region}",
            "accountId": HOME_ACCOUNT,
            "region": region,
            "tagSelector": {"Application": [application]},
        }
        group = api.post("/protection-groups", body)
        assert group.status == 201, group.text
        waves.append({"id": region, "name": region, "protectionGroupIds": [group.json["id"]]})
    plan = api.post("/recovery-plans", {"name": f"{application}-dr", "rtoTargetMinutes": 60, "waves": waves})
    assert plan.status == 201, plan.text
    return str(plan.json["id"])


def test_large_plan_gets_a_complete_report_through_the_worker_when_checked_asynchronously(
    deployed: tuple[Api, Worker], drs: SimulatorHandle
) -> None:
    api, worker = deployed
    # Given a plan of 600 servers in two Regions, and DRS taking a little while per launch configuration
    plan_id = make_plan(api, "big", (REGION, OTHER_REGION))
    drs.control("POST", "faults", {"latency_ms": {"GetLaunchConfiguration": 15}})
    before = drs.simulator.request_counts("GetLaunchConfiguration")["GetLaunchConfiguration"]

    # When a viewer starts a readiness check for a drill
    started = api.post(f"/recovery-plans/{plan_id}/readiness-checks", query={"mode": "DRILL"}, as_="Viewer")

    # Then the API answers 202 with a RUNNING check, before the servers are checked
    assert started.status == 202, started.text
    check = started.json
    assert check["status"] == "RUNNING"
    assert check["progress"]["totalServers"] == 2 * PER_REGION
    path = f"/recovery-plans/{plan_id}/readiness-checks/{check['id']}"

    # When the worker has run
    worker.wait()
    done = api.get(path, as_="Viewer")

    # Then the check is COMPLETED with every server of both waves, each checked once with DRS
    assert done.status == 200, done.text
    body = done.json
    assert body["status"] == "COMPLETED"
    assert body["progress"] == {"checkedServers": 600, "totalServers": 600, "updatedAt": body["completedAt"]}
    report = body["report"]
    assert [len(w["servers"]) for w in report["waves"]] == [PER_REGION, PER_REGION]
    servers = {s["sourceServerId"]: s for w in report["waves"] for s in w["servers"]}
    assert set(servers) == {big_id(i, n) for i in (0, 1) for n in range(PER_REGION)}
    assert servers[big_id(1, 7)]["verdict"] == "BLOCKED"
    assert report["verdict"] == "BLOCKED"
    asked = drs.simulator.request_counts("GetLaunchConfiguration")["GetLaunchConfiguration"] - before
    assert asked == 600

    # and DRS never had more launch configuration calls at once than the gateway's bound
    peak = drs.control("GET", "concurrency")["peakInFlight"]["GetLaunchConfiguration"]
    assert 1 < peak <= LAUNCH_CONFIGURATION_WORKERS


def test_small_plan_is_answered_within_the_request_when_checked(deployed: tuple[Api, Worker]) -> None:
    api, _ = deployed
    plan_id = make_plan(api, "small", (SMALL_REGION,))

    started = api.post(
        f"/recovery-plans/{plan_id}/readiness-checks", query={"mode": "RECOVERY"}, as_="Viewer"
    )
    validated = api.post(f"/recovery-plans/{plan_id}/validate", as_="Viewer")

    assert started.status == 201, started.text
    assert started.json["status"] == "COMPLETED"
    assert started.json["report"]["mode"] == "RECOVERY"
    assert len(started.json["report"]["waves"][0]["servers"]) == SMALL
    again = api.get(f"/recovery-plans/{plan_id}/readiness-checks/{started.json['id']}", as_="Viewer")
    assert again.json == started.json
    assert validated.status == 200
    assert len(validated.json["waves"][0]["servers"]) == SMALL


def test_large_plan_is_refused_by_validate_when_it_cannot_be_answered_in_time(
    deployed: tuple[Api, Worker],
) -> None:
    api, _ = deployed
    plan_id = make_plan(api, "big", (REGION,))

    refused = api.post(f"/recovery-plans/{plan_id}/validate", as_="Viewer")

    assert PER_REGION > SYNC_SERVER_LIMIT
    assert refused.status == 409
    assert "readiness-checks" in refused.json["error"]["message"]


def test_unknown_check_or_bad_mode_is_refused_with_4xx_when_asked(deployed: tuple[Api, Worker]) -> None:
    api, _ = deployed
    plan_id = make_plan(api, "small", (SMALL_REGION,))
    base = f"/recovery-plans/{plan_id}/readiness-checks"

    missing = api.get(f"{base}/rc-00000000000000000", as_="Viewer")
    malformed = api.get(f"{base}/not-a-check", as_="Viewer")
    bad_mode = api.post(base, query={"mode": "SOMETIMES"}, as_="Viewer")
    no_plan = api.post("/recovery-plans/rp-missing/readiness-checks", as_="Viewer")

    assert missing.status == 404
    assert missing.error_code == "NOT_FOUND"
    assert malformed.status == 400
    assert "check_id" in " ".join(malformed.field_names) or "checkId" in " ".join(malformed.field_names)
    assert bad_mode.status == 400
    assert "mode" in " ".join(bad_mode.field_names)
    assert no_plan.status == 404
