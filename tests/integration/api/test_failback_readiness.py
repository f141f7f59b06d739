"""The readiness check of a failback (``mode=FAILBACK&sourceExecutionId=``) through the API, on the
DRS simulator: failback clients connected or not, reverse replication and its progress, a terminated
recovery instance, and the guards on the source run."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from drs_orchestration.composition.product import Product
from drs_orchestration.domain.models.execution import ExecutionMode, ExecutionStatus
from drs_simulator.testing import SimulatorHandle, simulator_server
from tests.integration.api.client import Api, ApiResponse
from tests.integration.api.conftest import HOME_ACCOUNT, REGION
from tests.integration.api.failback_runs import (
    EC2_ORIGIN,
    ON_PREMISES,
    Loop,
    mixed_fleet,
    recover,
    reverse,
    write_run,
)


@pytest.fixture
def drs() -> Iterator[SimulatorHandle]:
    with simulator_server(fleet=mixed_fleet()) as handle:
        yield handle


@pytest.fixture
def plan_id(api: Api) -> str:
    group = api.post(
        "/protection-groups",
        {
            "name": "mixed",
            "accountId": HOME_ACCOUNT,
            "region": REGION,
            "sourceServerIds": [*ON_PREMISES, EC2_ORIGIN],
        },
    )
    assert group.status == 201, group.text
    plan = api.post(
        "/recovery-plans",
        {
            "name": "failback-plan",
            "rtoTargetMinutes": 60,
            "waves": [{"id": "w", "name": "W", "protectionGroupIds": [group.json["id"]]}],
        },
    )
    assert plan.status == 201, plan.text
    return str(plan.json["id"])


def _check(
    api: Api, plan_id: str, source: str | None, mode: str = "FAILBACK", as_: str = "Viewer"
) -> ApiResponse:
    query = {"mode": mode, **({"sourceExecutionId": source} if source else {})}
    return api.post(f"/recovery-plans/{plan_id}/readiness-checks", query=query, as_=as_)


def _servers(response: ApiResponse) -> dict[str, Any]:
    assert response.status == 201, response.text
    return {s["sourceServerId"]: s for w in response.json["report"]["waves"] for s in w["servers"]}


def _codes(server: dict[str, Any]) -> list[str]:
    return [reason["code"] for reason in server["reasons"]]


def test_failback_readiness_names_missing_clients_and_shows_reverse_replication_progress(
    api: Api, product: Product, drs: SimulatorHandle, plan_id: str
) -> None:
    # Given a recovery where one on-premises server has a failback client and the other has none
    loop: Loop = recover(product, drs, plan_id)
    drs.control("POST", "failback-client/connect", {"recoveryInstanceID": loop.instances[ON_PREMISES[0]]})
    # When the failback's readiness is checked
    first = _check(api, plan_id, loop.recovery_id)
    servers = _servers(first)
    # Then the report is for a FAILBACK, BLOCKED by the missing client, named with its instance
    assert (first.json["report"]["mode"], first.json["report"]["verdict"]) == ("FAILBACK", "BLOCKED")
    missing = servers[ON_PREMISES[1]]
    assert (missing["verdict"], _codes(missing)) == ("BLOCKED", ["FAILBACK_CLIENT_NOT_CONNECTED"])
    assert loop.instances[ON_PREMISES[1]] in missing["reasons"][0]["message"]
    connected = servers[ON_PREMISES[0]]
    assert (connected["verdict"], connected["failbackState"]) == ("WARNINGS", "FAILBACK_IN_PROGRESS")
    assert _codes(servers[EC2_ORIGIN]) == ["REVERSE_REPLICATION_NOT_STARTED"]
    # And once replication is reversed, its initial sync is shown with its progress
    reverse(loop)
    syncing = _servers(_check(api, plan_id, loop.recovery_id))[EC2_ORIGIN]
    assert syncing["replicationState"] == "INITIAL_SYNC"
    assert syncing["reverseReplicationPercent"] == 50
    assert "50% copied" in syncing["reasons"][0]["message"]
    # And when both have converged, those two are READY
    loop.advance()
    ready = _servers(_check(api, plan_id, loop.recovery_id))
    assert ready[ON_PREMISES[0]]["verdict"] == "READY"
    assert (ready[EC2_ORIGIN]["verdict"], ready[EC2_ORIGIN]["replicationState"]) == ("READY", "CONTINUOUS")


def test_a_terminated_recovery_instance_blocks_its_server_by_name(
    api: Api, product: Product, drs: SimulatorHandle, plan_id: str
) -> None:
    loop = recover(product, drs, plan_id)
    loop.drs.terminate_recovery_instances(recoveryInstanceIDs=[loop.instances[ON_PREMISES[0]]])
    loop.advance()
    server = _servers(_check(api, plan_id, loop.recovery_id))[ON_PREMISES[0]]
    assert (server["verdict"], _codes(server)) == ("BLOCKED", ["RECOVERY_INSTANCE_TERMINATED"])
    assert loop.instances[ON_PREMISES[0]] in server["reasons"][0]["message"]


@pytest.mark.parametrize(
    ("mode", "status", "query_mode", "expected"),
    [
        (ExecutionMode.DRILL, ExecutionStatus.SUCCEEDED, "FAILBACK", 400),
        (ExecutionMode.RECOVERY, ExecutionStatus.RUNNING, "FAILBACK", 409),
        (ExecutionMode.RECOVERY, ExecutionStatus.SUCCEEDED, "DRILL", 400),
    ],
    ids=["drill-source", "source-still-running", "source-without-failback"],
)
def test_failback_readiness_guards_its_source_run(
    api: Api,
    product: Product,
    plan_id: str,
    mode: ExecutionMode,
    status: ExecutionStatus,
    query_mode: str,
    expected: int,
) -> None:
    write_run(product, "ex-source", mode, status, {ON_PREMISES[0]: "i-0123456789abcdef0"}, plan_id=plan_id)
    response = _check(api, plan_id, "ex-source", mode=query_mode)
    assert response.status == expected, response.text
    if expected == 400:
        assert response.field_names == ["sourceExecutionId"]


def test_failback_readiness_needs_a_source_run_of_the_plan(api: Api, product: Product, plan_id: str) -> None:
    assert _check(api, plan_id, None).field_names == ["sourceExecutionId"]
    assert _check(api, plan_id, "ex-missing").status == 404
    write_run(
        product, "ex-elsewhere", ExecutionMode.RECOVERY, ExecutionStatus.SUCCEEDED, {}, plan_id="rp-other"
    )
    other = _check(api, plan_id, "ex-elsewhere")
    assert (other.status, other.field_names) == (400, ["sourceExecutionId"])


def _validate(api: Api, plan_id: str, **query: str) -> ApiResponse:
    return api.post(f"/recovery-plans/{plan_id}/validate", query=query, as_="Viewer")


def test_validate_for_a_failback_answers_the_failback_readiness_check(
    api: Api, product: Product, drs: SimulatorHandle, plan_id: str
) -> None:
    # Given a recovery where one on-premises server has a failback client and the other has none
    loop = recover(product, drs, plan_id)
    drs.control("POST", "failback-client/connect", {"recoveryInstanceID": loop.instances[ON_PREMISES[0]]})
    # When the plan is validated for a FAILBACK of it
    validate = _validate(api, plan_id, mode="FAILBACK", sourceExecutionId=loop.recovery_id)
    # Then the answer is the failback's readiness, the report a readiness check of it holds
    assert validate.status == 200, validate.text
    check = _check(api, plan_id, loop.recovery_id)
    assert {**validate.json, "checkedAt": None} == {**check.json["report"], "checkedAt": None}
    assert (validate.json["mode"], validate.json["verdict"]) == ("FAILBACK", "BLOCKED")
    blocked = [s for w in validate.json["waves"] for s in w["servers"] if s["verdict"] == "BLOCKED"]
    assert [(s["sourceServerId"], _codes(s)) for s in blocked] == [
        (ON_PREMISES[1], ["FAILBACK_CLIENT_NOT_CONNECTED"])
    ]


def test_validate_refuses_a_failback_as_the_readiness_check_does(
    api: Api, product: Product, plan_id: str
) -> None:
    write_run(
        product,
        "ex-source",
        ExecutionMode.RECOVERY,
        ExecutionStatus.SUCCEEDED,
        {ON_PREMISES[0]: "i-0123456789abcdef0"},
        plan_id=plan_id,
    )
    write_run(product, "ex-drill", ExecutionMode.DRILL, ExecutionStatus.SUCCEEDED, {}, plan_id=plan_id)
    refusals = {
        "no source run": ({"mode": "FAILBACK"}, "sourceExecutionId"),
        "a drill": ({"mode": "FAILBACK", "sourceExecutionId": "ex-drill"}, "sourceExecutionId"),
        "source for a drill": ({"mode": "DRILL", "sourceExecutionId": "ex-source"}, "sourceExecutionId"),
        "point in time": (
            {"mode": "FAILBACK", "sourceExecutionId": "ex-source", "pointInTime": "2026-12-01T00:00:00Z"},
            "pointInTime",
        ),
    }
    for name, (query, field) in refusals.items():
        validate = _validate(api, plan_id, **query)
        assert (validate.status, validate.field_names) == (400, [field]), name
        if field == "sourceExecutionId":
            check = api.post(f"/recovery-plans/{plan_id}/readiness-checks", query=query, as_="Viewer")
            assert (check.status, check.field_names) == (400, [field]), name
    assert _validate(api, plan_id, mode="FAILBACK", sourceExecutionId="ex-missing").status == 404


def test_a_recovery_that_ended_failed_is_refused_by_the_check_as_by_the_start(
    api: Api, product: Product, plan_id: str
) -> None:
    write_run(
        product,
        "ex-failed",
        ExecutionMode.RECOVERY,
        ExecutionStatus.FAILED,
        {ON_PREMISES[0]: "i-0123456789abcdef0"},
        plan_id=plan_id,
    )
    check = _check(api, plan_id, "ex-failed")
    assert (check.status, check.field_names) == (400, ["sourceExecutionId"])
    assert "only a finished (SUCCEEDED or PARTIAL) RECOVERY" in check.json["error"]["fields"][0]["message"]
    body = {
        "planId": plan_id,
        "mode": "FAILBACK",
        "sourceExecutionId": "ex-failed",
        "confirmPlanName": "failback-plan",
    }
    start = api.post("/executions", body)
    assert (start.status, start.field_names) == (400, ["sourceExecutionId"]), start.text


def test_a_server_that_already_failed_back_is_reported_as_such_not_as_unconnected(
    api: Api, product: Product, drs: SimulatorHandle, plan_id: str
) -> None:
    # Given a recovery whose first on-premises server has already failed back
    loop = recover(product, drs, plan_id)
    instance = loop.instances[ON_PREMISES[0]]
    drs.control("POST", "failback-client/connect", {"recoveryInstanceID": instance})
    loop.advance()
    loop.drs.start_failback_launch(recoveryInstanceIDs=[instance])
    loop.advance()
    assert loop.instance(ON_PREMISES[0])["failback"]["state"] == "FAILBACK_COMPLETED"  # type: ignore[index]
    # When the failback's readiness is checked
    server = _servers(_check(api, plan_id, loop.recovery_id))[ON_PREMISES[0]]
    # Then it is named as failed back already, not as missing its failback client
    assert (server["verdict"], _codes(server)) == ("BLOCKED", ["ALREADY_FAILED_BACK"])
    assert server["failbackState"] == "FAILBACK_COMPLETED"
    assert f"{instance} has already failed back" in server["reasons"][0]["message"]
