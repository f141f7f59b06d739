"""``./deploy.sh --local`` end to end, the whole failback loop on the demo fleet (one EC2-origin server
from us-west-2, the rest on premises) through the REST API, as the console drives it: a recovery, the
local route connecting the failback clients, the failback, and the re-protect."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

import boto3

from tests.e2e.local_mode import LocalMode, Response, http

RUN_LIMIT_SECONDS = 240.0
EC2_ORIGIN = "shop-web-02"
ORIGIN_REGION = "us-west-2"
TERMINAL = {"SUCCEEDED", "PARTIAL", "FAILED", "CANCELLED"}


def _at(item: dict[str, Any], field: str) -> datetime:
    return datetime.fromisoformat(item[field])


def _until(what: str, check: Any, limit: float = RUN_LIMIT_SECONDS) -> Any:
    """``check()`` until it answers something (not ``None``), polling as the console does."""
    deadline = time.monotonic() + limit
    while True:
        found = check()
        if found is not None:
            return found
        assert time.monotonic() < deadline, f"{what}: not within {limit} s"
        time.sleep(0.5)


class Demo:
    """The demo as an Admin drives it through the API."""

    def __init__(self, mode: LocalMode) -> None:
        self.mode = mode
        config = http("GET", f"{mode.endpoints['console']}/config.json").body
        self.api = str(config["apiUrl"])
        self.token = mode.sign_in("Admin", config)
        self.plan = http(
            "GET", f"{self.api}/recovery-plans/{mode.endpoints['demoPlanId']}", token=self.token
        ).body

    def call(self, method: str, path: str, body: Any = None, url: str | None = None) -> Response:
        return http(method, f"{url or self.api}{path}", body, token=self.token)

    def start(self, mode: str, **extra: str) -> str:
        body = {"planId": self.plan["id"], "mode": mode, "confirmPlanName": self.plan["name"], **extra}
        started = self.call("POST", "/executions", body)
        assert started.status == 202, started.body
        return str(started.body["executionId"])

    def finish(self, execution_id: str) -> dict[str, Any]:
        def ended() -> dict[str, Any] | None:
            execution = self.call("GET", f"/executions/{execution_id}")
            assert execution.status == 200, execution.body
            return dict(execution.body) if execution.body["status"] in TERMINAL else None

        return dict(_until(f"{execution_id} to end\n{self.mode.output()}", ended))

    def failback_readiness(self, recovery_id: str) -> dict[str, Any]:
        query = f"?mode=FAILBACK&sourceExecutionId={recovery_id}"
        check = self.call("POST", f"/recovery-plans/{self.plan['id']}/readiness-checks{query}")
        assert check.status == 201, check.body
        return dict(check.body["report"])

    def reprotect(self, execution_id: str) -> dict[str, dict[str, str]]:
        response = self.call("POST", f"/executions/{execution_id}/reprotect")
        assert response.status == 200, response.body
        return {item["sourceServerId"]: item for item in response.body["items"]}


def _servers(execution: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {server["sourceServerId"]: server for wave in execution["waves"] for server in wave["servers"]}


def _verdicts(report: dict[str, Any]) -> dict[str, tuple[str, list[str]]]:
    return {
        server["sourceServerId"]: (server["verdict"], [reason["code"] for reason in server["reasons"]])
        for wave in report["waves"]
        for server in wave["servers"]
    }


def _source_servers(mode: LocalMode, region: str) -> dict[str, dict[str, Any]]:
    drs = boto3.client(
        "drs",
        region_name=region,
        endpoint_url=mode.endpoints["drs"],
        aws_access_key_id=mode.endpoints["accountId"],
        aws_secret_access_key="local",
    )
    items = drs.describe_source_servers(filters={})["items"]
    return {item["sourceServerID"]: item for item in items}


def test_demo_fleet_recovers_fails_back_and_is_protected_again_through_the_api_when_run_locally(
    local_mode: LocalMode,
) -> None:
    demo = Demo(local_mode)
    # Given a recovery of the demo plan
    recovery = demo.finish(demo.start("RECOVERY"))
    assert recovery["status"] == "SUCCEEDED", recovery
    recovered = _servers(recovery)
    home = _source_servers(local_mode, local_mode.endpoints["region"])
    hostnames = {sid: home[sid]["sourceProperties"]["identificationHints"]["hostname"] for sid in recovered}
    ec2_origin = next(sid for sid, name in hostnames.items() if name == EC2_ORIGIN)
    on_premises = sorted(set(recovered) - {ec2_origin})
    assert len(on_premises) == 6

    # Then its failback is blocked by every on-premises server, for want of a failback client
    before = demo.failback_readiness(recovery["id"])
    assert before["verdict"] == "BLOCKED"
    verdicts = _verdicts(before)
    assert {sid for sid, (verdict, _) in verdicts.items() if verdict == "BLOCKED"} == set(on_premises)
    assert {codes[0] for sid, (_, codes) in verdicts.items() if sid in on_premises} == {
        "FAILBACK_CLIENT_NOT_CONNECTED"
    }
    assert verdicts[ec2_origin] == ("WARNINGS", ["REVERSE_REPLICATION_NOT_STARTED"])

    # When local mode connects the failback clients for the demo (its own route, saying so)
    connect = demo.call(
        "POST",
        f"/local/executions/{recovery['id']}/connect-failback-clients",
        url=local_mode.endpoints["console"],
    )
    assert connect.status == 200, connect.body
    assert connect.body["localModeOnly"] is True
    connected = {item["sourceServerId"]: item["status"] for item in connect.body["items"]}
    assert connected == {**dict.fromkeys(on_premises, "CONNECTED"), ec2_origin: "SKIPPED"}
    # Then once the clients have synchronised, nothing blocks the failback
    _until(
        "the failback clients to be ready",
        lambda: True if demo.failback_readiness(recovery["id"])["verdict"] != "BLOCKED" else None,
    )

    # When the recovery is failed back
    failback = demo.finish(demo.start("FAILBACK", sourceExecutionId=recovery["id"]))
    # Then every server came back: the EC2-origin one recovered in its origin Region
    assert failback["status"] == "SUCCEEDED", failback
    assert failback["sourceExecutionId"] == recovery["id"]
    servers = _servers(failback)
    assert {sid: s["launchStatus"] for sid, s in servers.items()} == dict.fromkeys(recovered, "LAUNCHED")
    assert servers[ec2_origin]["region"] == ORIGIN_REGION
    assert servers[ec2_origin]["health"] == "HEALTHY"
    # and the on-premises ones by their failback jobs, whose launch is their gate
    assert {servers[sid]["health"] for sid in on_premises} == {"UNKNOWN"}
    assert {servers[sid]["region"] for sid in on_premises} == {local_mode.endpoints["region"]}
    # in reverse order: the shop's web tier first, the databases last
    # (compared as instants: the API's timestamps omit a zero fraction, so their text does not sort)
    waves = {wave["id"]: wave for wave in failback["waves"]}
    middle = (waves["shop-app"], waves["crm-web"])
    assert all(_at(waves["shop-web"], "endedAt") <= _at(wave, "startedAt") for wave in middle), [
        (w["id"], w["status"], w.get("startedAt"), w.get("endedAt")) for w in failback["waves"]
    ]
    assert all(_at(wave, "endedAt") <= _at(waves["databases"], "startedAt") for wave in middle)

    # When the failback is re-protected
    results = demo.reprotect(failback["id"])
    # Then every server replicates in its original direction again
    assert {sid: r["status"] for sid, r in results.items()} == dict.fromkeys(recovered, "REPROTECTED")

    def protected() -> dict[str, Any] | None:
        now = _source_servers(local_mode, local_mode.endpoints["region"])
        states = {sid: now[sid]["dataReplicationInfo"]["dataReplicationState"] for sid in recovered}
        return now if set(states.values()) == {"CONTINUOUS"} else None

    now = _until("replication in the original direction", protected)
    assert {now[sid]["replicationDirection"] for sid in recovered} == {"FAILOVER"}
    reversed_servers = _source_servers(local_mode, ORIGIN_REGION)
    assert [s["replicationDirection"] for s in reversed_servers.values()] == ["FAILBACK"]
    # And a second re-protect finds nothing left to do
    again = demo.reprotect(failback["id"])
    assert {r["status"] for r in again.values()} == {"ALREADY_PROTECTED"}
