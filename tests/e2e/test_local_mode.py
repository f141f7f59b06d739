"""``./deploy.sh --local`` end to end: the demo plan runs as a drill to SUCCEEDED through the REST API,
with the real Cognito sign-in, authorizer behaviour, SNS messages and a clean stop."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from tests.e2e.local_mode import ROOT, LocalMode, Response, http, run_deploy_local

DRILL_LIMIT_SECONDS = 180.0
CONFIG_KEYS = {"region", "userPoolId", "userPoolClientId", "cognitoEndpoint", "apiUrl"}


def _wait_for_end(mode: LocalMode, api: str, execution_id: str, token: str) -> dict[str, Any]:
    deadline = time.monotonic() + DRILL_LIMIT_SECONDS
    while True:
        execution = http("GET", f"{api}/executions/{execution_id}", token=token)
        assert execution.status == 200, execution.body
        if execution.body["status"] in {"SUCCEEDED", "PARTIAL", "FAILED", "CANCELLED"}:
            return dict(execution.body)
        assert time.monotonic() < deadline, f"still {execution.body['status']}:\n{mode.output()}"
        time.sleep(0.5)


def _notifications(mode: LocalMode, queue_url: str, execution_id: str) -> list[dict[str, Any]]:
    sqs = mode.aws("sqs")
    found: list[dict[str, Any]] = []
    while True:
        batch = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
        messages = batch.get("Messages", [])
        if not messages:
            return found
        for message in messages:
            envelope = json.loads(message["Body"])
            body = json.loads(envelope["Message"])
            if body.get("executionId") == execution_id:
                found.append({"subject": envelope.get("Subject"), **body})
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])


def _cli(mode: LocalMode, *arguments: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "DRS_LOCAL_DIR": str(mode.state_dir), "PYTHONPATH": str(ROOT / "lambda")}
    return subprocess.run(
        [sys.executable, "-m", "drs_orchestration.cli", *arguments],
        capture_output=True,
        text=True,
        env=environment,
        timeout=DRILL_LIMIT_SECONDS + 60,
        check=False,
    )


def _subscribe_queue(mode: LocalMode) -> str:
    sqs = mode.aws("sqs")
    queue_url: str = sqs.create_queue(QueueName="e2e-notifications")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    mode.aws("sns").subscribe(
        TopicArn=mode.endpoints["notificationsTopicArn"], Protocol="sqs", Endpoint=queue_arn
    )
    return queue_url


def test_demo_drill_succeeds_through_the_api_and_stop_leaves_nothing_running_when_run_locally(
    local_mode: LocalMode,
) -> None:
    # Given local mode is up, as endpoints.json and the console's /config.json describe it
    endpoints = local_mode.endpoints
    assert {"console", "api", "aws", "drs"} <= endpoints.keys()
    config = http("GET", f"{endpoints['console']}/config.json")
    assert config.status == 200
    assert set(config.body) == CONFIG_KEYS
    assert config.body["apiUrl"] == endpoints["api"]
    console = http("GET", f"{endpoints['console']}/executions/anything")
    assert console.status == 200
    assert "<html" in str(console.body).lower()
    api = config.body["apiUrl"]

    # When each demo user signs in through Cognito
    tokens = {group: local_mode.sign_in(group, config.body) for group in ("Admin", "Operator", "Viewer")}

    # Then the API knows each one with the groups the authorizer's claims carry
    for group, token in tokens.items():
        me = http("GET", f"{api}/me", token=token)
        assert me.status == 200, me.body
        assert group in json.dumps(me.body)

    # And a request without a token, or with a forged one, never reaches the API
    assert http("GET", f"{api}/recovery-plans").status == 401
    forged = tokens["Viewer"][:-4] + ("AAAA" if not tokens["Viewer"].endswith("AAAA") else "BBBB")
    assert http("GET", f"{api}/recovery-plans", token=forged).status == 401

    # And the seeded demo plan is there
    plans = http("GET", f"{api}/recovery-plans", token=tokens["Viewer"])
    plan = next(item for item in plans.body["items"] if item["id"] == endpoints["demoPlanId"])
    assert len(plan["waves"]) == 4

    # When a viewer tries to start a drill of it
    refused = http("POST", f"{api}/executions", {"planId": plan["id"], "mode": "DRILL"}, tokens["Viewer"])
    # Then it is forbidden, and without a token it is unauthorised
    assert refused.status == 403, refused.body
    assert http("POST", f"{api}/executions", {"planId": plan["id"], "mode": "DRILL"}).status == 401

    # When an operator starts it, with an SQS queue subscribed to the notifications topic
    queue_url = _subscribe_queue(local_mode)
    started: Response = http(
        "POST", f"{api}/executions", {"planId": plan["id"], "mode": "DRILL"}, tokens["Operator"]
    )
    assert started.status == 202, started.body
    execution_id = started.body["executionId"]
    final = _wait_for_end(local_mode, api, execution_id, tokens["Viewer"])

    # Then the drill succeeds, every server launched and healthy, and the report says so
    assert final["status"] == "SUCCEEDED", json.dumps(final)[:3000]
    assert {wave["status"] for wave in final["waves"]} == {"COMPLETED"}
    waves = {wave["id"]: wave for wave in final["waves"]}
    databases, app, crm = waves["databases"], waves["shop-app"], waves["crm-web"]
    # the diamond's middle waves start after the databases and run at the same time
    assert app["startedAt"] >= databases["endedAt"]
    assert crm["startedAt"] >= databases["endedAt"]
    assert app["startedAt"] < crm["endedAt"]
    assert crm["startedAt"] < app["endedAt"]
    report = http("GET", f"{api}/executions/{execution_id}/report", token=tokens["Viewer"])
    assert report.status == 200
    rows = report.body["servers"]
    assert len(rows) == sum(len(wave["servers"]) for wave in final["waves"]) > 0
    assert {(row["launchStatus"], row["health"]) for row in rows} == {("LAUNCHED", "HEALTHY")}
    # the CRM front end names no health check: the product's document ran there by default
    crm_rows = [row for row in rows if row["waveId"] == "crm-web"]
    assert crm_rows
    assert {
        (row["healthEvidence"]["document"], row["healthEvidence"]["productDocument"]) for row in crm_rows
    } == {(endpoints["healthCheckDocument"], True)}
    assert report.body["execution"]["rto"]["measuredSeconds"] > 0

    # And the notifications went out through SNS: started first, finished last, a message per wave
    messages = _notifications(local_mode, queue_url, execution_id)
    kinds = [message["kind"] for message in messages]
    assert kinds[0] == "STARTED", kinds
    assert kinds[-1] == "FINISHED", kinds
    assert kinds.count("WAVE_COMPLETED") == 4
    assert messages[-1]["status"] == "SUCCEEDED"

    # When the CLI (reading endpoints.json) lists the plans, then runs the plan again as the operator
    listed = _cli(local_mode, "plans")
    assert listed.returncode == 0, listed.stderr
    assert any(plan["id"] in line and plan["name"] in line for line in listed.stdout.splitlines())
    operator = local_mode.user("Operator")
    drill = _cli(
        local_mode,
        *("--username", operator["username"], "--password", operator["password"]),
        *("--auth-flow", "USER_SRP_AUTH", "drill", plan["name"], "--interval", "0.5"),
        *("--timeout", str(DRILL_LIMIT_SECONDS)),
    )
    # Then it follows the run live to SUCCEEDED, prints the report and exits 0
    assert drill.returncode == 0, drill.stdout + drill.stderr
    progress = [line for line in drill.stdout.splitlines() if "databases:" in line]
    assert "SUCCEEDED" in progress[-1]
    assert len(progress) >= 3
    assert "RTO " in drill.stdout
    assert "against a target of 120 min: met" in drill.stdout

    # When local mode is interrupted (Ctrl-C)
    code = local_mode.interrupt()

    # Then it exits cleanly, nothing it started is left running, and the endpoints file is gone
    assert code == 0, local_mode.output()
    assert not local_mode.group_alive()
    assert not (local_mode.state_dir / "endpoints.json").exists()


def test_start_fails_naming_the_port_when_the_port_is_in_use(tmp_path: Path) -> None:
    # Given something already listens on a port
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        # When local mode is started on that port
        log = tmp_path / "deploy-local.log"
        process = run_deploy_local("--port", str(port), "--skip-console-build", state_dir=tmp_path, log=log)
        code = process.wait(120)
    # Then it exits non-zero with a message naming the port, and writes no endpoints file
    output = log.read_text()
    assert code != 0
    assert f"port {port}" in output
    assert not (tmp_path / "endpoints.json").exists()
