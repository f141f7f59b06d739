"""Re-protect and the failback clean-up through the API (real handler, moto tables, the DRS
simulator): their edge cases, guards and roles. The FAILBACK runs are written into the store in the
shape the engine writes them (see ``failback_runs``); the main path, a real recovery, failback,
re-protect and clean-up, runs in ``tests/integration/engine/test_failback.py``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from drs_orchestration.composition.product import Product
from drs_orchestration.domain.models.execution import ExecutionMode, ExecutionStatus
from drs_simulator.testing import SimulatorHandle, simulator_server
from tests.integration.api.client import Api
from tests.integration.api.failback_runs import (
    EC2_ORIGIN,
    ON_PREMISES,
    mixed_fleet,
    recover_and_fail_back,
    write_run,
)

INSTANCE = "i-0123456789abcdef0"
"""A recovery instance a store-written run names (for the guards: DRS is not asked)."""


@pytest.fixture
def drs() -> Iterator[SimulatorHandle]:
    """A fresh simulator per test (a failback changes its servers for good), on a manual clock."""
    with simulator_server(fleet=mixed_fleet()) as handle:
        yield handle


def _by_server(response_json: dict[str, list[dict[str, str]]]) -> dict[str, dict[str, str]]:
    return {item["sourceServerId"]: item for item in response_json["items"]}


def test_reprotect_reports_a_server_that_did_not_fail_back(
    api: Api, product: Product, drs: SimulatorHandle
) -> None:
    # Given a PARTIAL failback where one on-premises server's failback never launched
    loop = recover_and_fail_back(
        product, drs, status=ExecutionStatus.PARTIAL, not_failed_back=(ON_PREMISES[1],)
    )
    results = _by_server(api.post(f"/executions/{loop.failback_id}/reprotect").json)
    assert results[ON_PREMISES[1]]["status"] == "FAILED"
    assert "did not fail back" in results[ON_PREMISES[1]]["message"]
    # And the others are re-protected: the EC2-origin one, which failed back in its origin Region, from
    # its failback instance there into its original source server
    assert results[ON_PREMISES[0]]["status"] == "REPROTECTED"
    assert results[EC2_ORIGIN]["status"] == "REPROTECTED"
    assert results[EC2_ORIGIN]["message"].startswith(f"ReverseReplication of {loop.origin_instance}")
    assert loop.replication_state(EC2_ORIGIN) == "RESCAN"
    assert loop.replication_state(ON_PREMISES[1]) == "CONTINUOUS"  # left as it was


def test_reprotect_names_the_agent_reinstall_for_a_disconnected_server(
    api: Api, product: Product, drs: SimulatorHandle
) -> None:
    loop = recover_and_fail_back(product, drs)
    drs.simulator.set_faults(replication_state={ON_PREMISES[0]: {"state": "DISCONNECTED"}})
    results = _by_server(api.post(f"/executions/{loop.failback_id}/reprotect").json)
    assert results[ON_PREMISES[0]]["status"] == "FAILED"
    assert "install the AWS Replication Agent again" in results[ON_PREMISES[0]]["message"]


@pytest.mark.parametrize(
    ("mode", "status", "reason"),
    [
        (ExecutionMode.RECOVERY, ExecutionStatus.SUCCEEDED, "is a RECOVERY"),
        (ExecutionMode.FAILBACK, ExecutionStatus.RUNNING, "is RUNNING"),
        (ExecutionMode.FAILBACK, ExecutionStatus.FAILED, "is FAILED"),
    ],
    ids=["not-a-failback", "still-running", "failed"],
)
def test_reprotect_is_409_naming_why_for_a_run_it_cannot_act_on(
    api: Api, product: Product, mode: ExecutionMode, status: ExecutionStatus, reason: str
) -> None:
    write_run(product, "ex-other", mode, status, {ON_PREMISES[0]: INSTANCE})
    response = api.post("/executions/ex-other/reprotect")
    assert response.status == 409, response.text
    assert reason in response.json["error"]["message"]


@pytest.mark.parametrize("path", ["reprotect", "failback-cleanup"])
def test_the_failback_operations_are_admin_only_and_404_for_an_unknown_run(
    api: Api, product: Product, path: str
) -> None:
    write_run(product, "ex-fb", ExecutionMode.FAILBACK, ExecutionStatus.SUCCEEDED, {ON_PREMISES[0]: INSTANCE})
    for group in ("Operator", "Viewer"):
        denied = api.post(f"/executions/ex-fb/{path}", as_=group)
        assert denied.status == 403, denied.text
    assert api.post(f"/executions/ex-missing/{path}").status == 404
    assert api.post(f"/executions/not-an-id/{path}").status == 400


def test_failback_cleanup_stops_failback_and_disconnects_each_recovery_instance(
    api: Api, product: Product, drs: SimulatorHandle
) -> None:
    # Given a finished failback where one server's failback client is connected but never launched
    loop = recover_and_fail_back(
        product, drs, status=ExecutionStatus.PARTIAL, not_failed_back=(ON_PREMISES[1],)
    )
    assert loop.instance(ON_PREMISES[1])["failback"]["state"] == "FAILBACK_READY_FOR_LAUNCH"  # type: ignore[index]
    # When an Admin cleans up
    response = api.post(f"/executions/{loop.failback_id}/failback-cleanup")
    # Then each recovery instance of the recovery run is disconnected (failback stopped first where pending)
    assert response.status == 200, response.text
    results = _by_server(response.json)
    assert {r["status"] for r in results.values()} == {"CLEANED_UP"}
    assert results[ON_PREMISES[1]]["message"].endswith("StopFailback, then DisconnectRecoveryInstance")
    assert results[ON_PREMISES[0]]["message"].endswith(": DisconnectRecoveryInstance")
    for server in [*ON_PREMISES, EC2_ORIGIN]:
        instance = loop.instance(server)
        assert instance["dataReplicationInfo"] == {"dataReplicationState": "DISCONNECTED"}
        assert instance["ec2InstanceState"] != "TERMINATED"
    audit = api.get("/audit", query={"resourceId": loop.failback_id}, as_="Viewer").json["items"]
    assert sorted(r["details"]["drsOperation"] for r in audit if r["action"] == "CleanUpFailbackServer") == [
        "DisconnectRecoveryInstance"
    ] * 3 + ["StopFailback"]
    # And a second call finds nothing left to do
    again = api.post(f"/executions/{loop.failback_id}/failback-cleanup")
    assert {item["status"] for item in again.json["items"]} == {"ALREADY_CLEAN"}


def test_failback_cleanup_is_409_while_the_failback_runs(api: Api, product: Product) -> None:
    write_run(
        product, "ex-running", ExecutionMode.FAILBACK, ExecutionStatus.RUNNING, {ON_PREMISES[0]: INSTANCE}
    )
    response = api.post("/executions/ex-running/failback-cleanup")
    assert response.status == 409
    assert "is RUNNING" in response.json["error"]["message"]


def test_starting_a_failback_needs_the_recovery_permission(api: Api) -> None:
    body = {"planId": "rp-any", "mode": "FAILBACK", "sourceExecutionId": "ex-r", "confirmPlanName": "any"}
    response = api.post("/executions", body, as_="Operator")
    assert response.status == 403, response.text
    assert "run-recovery" in response.json["error"]["message"]
