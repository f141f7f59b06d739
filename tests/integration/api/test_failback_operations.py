"""Re-protect and the failback clean-up through the API (real handler, moto tables, the DRS
simulator): per-server results checked against what DRS then reports, idempotence, guards, roles and
the audit trail. The FAILBACK runs are written into the store (see ``failback_runs``)."""

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
    ORIGIN_REGION,
    mixed_fleet,
    recover_and_fail_back,
    write_run,
)


@pytest.fixture
def drs() -> Iterator[SimulatorHandle]:
    """A fresh simulator per test (a failback changes its servers for good), on a manual clock."""
    with simulator_server(fleet=mixed_fleet()) as handle:
        yield handle


def _by_server(response_json: dict[str, list[dict[str, str]]]) -> dict[str, dict[str, str]]:
    return {item["sourceServerId"]: item for item in response_json["items"]}


def test_reprotect_restores_replication_in_the_original_direction_for_every_server(
    api: Api, product: Product, drs: SimulatorHandle
) -> None:
    # Given a recovery of two on-premises servers and one EC2-origin server, failed back
    loop = recover_and_fail_back(product, drs)
    assert [loop.replication_state(s) for s in ON_PREMISES] == ["STOPPED", "STOPPED"]
    # When an Admin re-protects the failback run
    response = api.post(f"/executions/{loop.failback_id}/reprotect")
    # Then every server is REPROTECTED, by StartReplication on premises and ReverseReplication from EC2
    assert response.status == 200, response.text
    results = _by_server(response.json)
    assert {s: r["status"] for s, r in results.items()} == dict.fromkeys(
        [*ON_PREMISES, EC2_ORIGIN], "REPROTECTED"
    )
    assert "StartReplication" in results[ON_PREMISES[0]]["message"]
    assert "ReverseReplication" in results[EC2_ORIGIN]["message"]
    assert [loop.replication_state(s) for s in ON_PREMISES] == ["INITIATING", "INITIATING"]
    assert loop.replication_state(EC2_ORIGIN) == "RESCAN"
    loop.advance()
    assert {loop.replication_state(s) for s in [*ON_PREMISES, EC2_ORIGIN]} == {"CONTINUOUS"}
    # And each DRS call is in the audit trail, with the request itself
    audit = api.get("/audit", query={"resourceId": loop.failback_id}, as_="Viewer").json["items"]
    calls = sorted(
        (r["details"]["sourceServerId"], r["details"]["drsOperation"])
        for r in audit
        if r["action"] == "ReprotectServer"
    )
    assert calls == sorted(
        [(s, "StartReplication") for s in ON_PREMISES] + [(EC2_ORIGIN, "ReverseReplication")]
    )
    assert [r["details"]["REPROTECTED"] for r in audit if r["action"] == "ReprotectExecution"] == [3]


def test_reprotect_is_idempotent(api: Api, product: Product, drs: SimulatorHandle) -> None:
    loop = recover_and_fail_back(product, drs)
    assert api.post(f"/executions/{loop.failback_id}/reprotect").status == 200
    again = api.post(f"/executions/{loop.failback_id}/reprotect")
    assert again.status == 200, again.text
    assert {item["status"] for item in again.json["items"]} == {"ALREADY_PROTECTED"}
    assert drs.simulator.request_counts("ReverseReplication") == {
        "ReverseReplication": 2
    }  # failback, re-protect
    assert drs.simulator.request_counts("StartReplication") == {"StartReplication": 2}


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
    assert results[ON_PREMISES[0]]["status"] == "REPROTECTED"
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
    write_run(product, "ex-other", mode, status, {ON_PREMISES[0]: None})
    response = api.post("/executions/ex-other/reprotect")
    assert response.status == 409, response.text
    assert reason in response.json["error"]["message"]


@pytest.mark.parametrize("path", ["reprotect", "failback-cleanup"])
def test_the_failback_operations_are_admin_only_and_404_for_an_unknown_run(
    api: Api, product: Product, path: str
) -> None:
    write_run(product, "ex-fb", ExecutionMode.FAILBACK, ExecutionStatus.SUCCEEDED, {ON_PREMISES[0]: None})
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
    write_run(product, "ex-running", ExecutionMode.FAILBACK, ExecutionStatus.RUNNING, {ON_PREMISES[0]: None})
    response = api.post("/executions/ex-running/failback-cleanup")
    assert response.status == 409
    assert "is RUNNING" in response.json["error"]["message"]


def test_the_failback_operations_use_the_origin_region_for_an_ec2_origin_server(
    api: Api, product: Product, drs: SimulatorHandle
) -> None:
    loop = recover_and_fail_back(product, drs)
    api.post(f"/executions/{loop.failback_id}/reprotect")
    west = drs.simulator.request_counts("ReverseReplication")
    assert west == {"ReverseReplication": 2}  # the failback's own reversal, then the re-protect
    reversed_servers = loop.west.describe_source_servers()["items"]
    assert [s["replicationDirection"] for s in reversed_servers] == ["FAILBACK"]
    assert ORIGIN_REGION in reversed_servers[0]["arn"]


def test_starting_a_failback_needs_the_recovery_permission(api: Api) -> None:
    body = {"planId": "rp-any", "mode": "FAILBACK", "sourceExecutionId": "ex-r", "confirmPlanName": "any"}
    response = api.post("/executions", body, as_="Operator")
    assert response.status == 403, response.text
    assert "run-recovery" in response.json["error"]["message"]
