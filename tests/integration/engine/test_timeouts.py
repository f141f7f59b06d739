"""Timeouts of every action type and of the health gate, through the real engine.

Each case makes one thing never finish (an automation, a command, a function, an approval, EC2 status
checks, the health-check command) and checks that the wave fails (or goes on when ``onFailure`` says
so) with a reason naming the timeout in seconds, that the run ends, and that the failure came on the
clock: at the deadline, at most one gate poll interval after it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import boto3
import pytest

from drs_local.instance_health import InstanceBehaviour
from drs_local.ssm_emulation import AutomationOutcome
from drs_local.virtual_time import park
from drs_orchestration.domain.models.execution import EventType, ExecutionEvent, HealthStatus
from tests.integration.engine.harness import ENVIRONMENT, HEALTH_CHECK_DOCUMENT, Engine, fleet, server_id

# Low enough that a gate poll interval (10 simulated seconds) is half a real second: the
# margin the timing assertions leave for a busy machine.
SCALE = 20.0
POLL_SECONDS = int(ENVIRONMENT["ENGINE_GATE_POLL_SECONDS"])

_released = threading.Event()


def hang(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """A LAMBDA action's function that does not return within any timeout a test gives it."""
    park(_released, 30)
    return {"ok": True}


@pytest.fixture
def hanging_functions() -> Iterator[None]:
    _released.clear()
    yield
    _released.set()  # let the abandoned invocation's thread end


def _plan(engine: Engine, **wave: Any) -> str:
    group = engine.group("g", [server_id(0)])
    body = {"id": "app", "name": "App", "protectionGroupIds": [group], "healthCheck": None, **wave}
    return engine.plan([body])


def _event(events: list[ExecutionEvent], kind: EventType, fragment: str = "") -> ExecutionEvent:
    return next(e for e in events if e.type == kind and fragment in e.message)


def _assert_on_the_clock(started: datetime, ended: datetime, timeout: int) -> None:
    elapsed = (ended - started).total_seconds()
    assert timeout <= elapsed <= timeout + POLL_SECONDS, elapsed


def _invocation_statuses(document_name: str) -> list[str]:
    """How each invocation of the commands sent with ``document_name`` ended, as SSM tells it."""
    ssm = boto3.client("ssm")
    return [
        ssm.get_command_invocation(CommandId=command["CommandId"], InstanceId=instance)["Status"]
        for command in ssm.list_commands()["Commands"]
        if command["DocumentName"] == document_name
        for instance in command["InstanceIds"]
    ]


def _action_timed_out(engine: Engine, execution_id: str, name: str, timeout: int) -> ExecutionEvent:
    """The action's failure event; it names the timeout and came at the deadline."""
    events = engine.timeline(execution_id)
    started = _event(events, EventType.ACTION_STARTED, f"'{name}' started")
    failed = _event(events, EventType.ACTION_FAILED, f"'{name}'")
    assert failed.message.endswith(f"timed out after {timeout} s"), failed.message
    _assert_on_the_clock(started.at, failed.at, timeout)
    return failed


def test_wave_fails_at_the_timeout_when_an_ssm_automation_never_finishes(
    engine_factory: Callable[..., Engine],
) -> None:
    # Given a pre-action automation that stays InProgress for ever, with a 120-second timeout
    engine = engine_factory(servers=fleet(1), scale=SCALE)
    engine.automation.set_outcome("AWS-PrepareNetwork", AutomationOutcome(result="Hang"))
    action = {
        "type": "SSM_AUTOMATION",
        "name": "network",
        "documentName": "AWS-PrepareNetwork",
        "timeoutSeconds": 120,
    }
    plan = _plan(engine, preActions=[action])

    execution = engine.finish(engine.start(plan))

    # Then the wave failed on the timeout, 120 s after the automation started, and nothing launched
    assert execution["status"] == "FAILED"
    wave = engine.wave(execution, "app")
    assert wave["status"] == "FAILED"
    assert wave["reason"] == "pre action 'network' failed: timed out after 120 s"
    assert all(s["jobId"] is None for s in wave["servers"])
    _action_timed_out(engine, execution["id"], "network", 120)
    # and the automation was stopped on AWS, not left running
    (automation,) = boto3.client("ssm").describe_automation_executions()["AutomationExecutionMetadataList"]
    assert automation["AutomationExecutionStatus"] == "Cancelled"


def test_wave_fails_at_the_timeout_when_a_run_command_never_finishes(
    engine_factory: Callable[..., Engine],
) -> None:
    # Given a post-action command that hangs on the recovered instance, with a 60-second timeout
    engine = engine_factory(servers=fleet(1), scale=SCALE)
    engine.instances.default = InstanceBehaviour(hang=True)
    action = {
        "type": "SSM_RUN_COMMAND",
        "name": "smoke",
        "documentName": "AWS-RunShellScript",
        "parameters": {"commands": ["sleep infinity"]},
        "timeoutSeconds": 60,
    }
    plan = _plan(engine, postActions=[action])

    execution = engine.finish(engine.start(plan))

    # Then the server launched, but the wave failed on the command's timeout
    assert execution["status"] == "FAILED"
    wave = engine.wave(execution, "app")
    assert wave["status"] == "FAILED"
    assert wave["reason"] == "post action 'smoke' failed: timed out after 60 s"
    assert wave["servers"][0]["launchStatus"] == "LAUNCHED"
    _action_timed_out(engine, execution["id"], "smoke", 60)
    # and the command was cancelled on the instance, not left running
    assert _invocation_statuses("AWS-RunShellScript") == ["Cancelled"]


def test_wave_fails_at_the_timeout_when_a_lambda_function_never_returns(
    engine_factory: Callable[..., Engine], hanging_functions: None
) -> None:
    # Given a pre-action function that does not return, with a 60-second timeout (the state machine's)
    engine = engine_factory(servers=fleet(1), scale=SCALE)
    function_arn = engine.lambda_function("hang", f"{__name__}.hang")
    action = {"type": "LAMBDA", "name": "notify", "functionArn": function_arn, "timeoutSeconds": 60}
    plan = _plan(engine, preActions=[action])

    execution = engine.finish(engine.start(plan))

    # Then the wave failed naming the timeout, 60 s after the invocation started
    assert execution["status"] == "FAILED"
    wave = engine.wave(execution, "app")
    assert wave["status"] == "FAILED"
    assert wave["reason"] == "pre action 'notify' failed: timed out after 60 s"
    assert all(s["jobId"] is None for s in wave["servers"])
    _action_timed_out(engine, execution["id"], "notify", 60)


def test_wave_goes_on_after_the_timeout_when_nobody_approves_and_the_approval_may_continue(
    engine_factory: Callable[..., Engine],
) -> None:
    # Given an approval nobody gives, with a 60-second timeout and onFailure CONTINUE
    engine = engine_factory(servers=fleet(1), scale=SCALE)
    approval = {
        "type": "APPROVAL",
        "name": "go",
        "message": "Is the network ready?",
        "timeoutSeconds": 60,
        "onFailure": "CONTINUE",
    }
    plan = _plan(engine, preActions=[approval])
    execution_id = engine.start(plan)
    engine.run_until(execution_id, lambda e: e["status"] == "WAITING_APPROVAL")

    execution = engine.finish(execution_id)

    # Then the approval failed on its timeout, and the wave launched and completed anyway
    assert execution["status"] == "SUCCEEDED"
    wave = engine.wave(execution, "app")
    assert wave["status"] == "COMPLETED"
    assert wave["servers"][0]["launchStatus"] == "LAUNCHED"
    failed = _action_timed_out(engine, execution_id, "go", 60)
    job = _event(engine.timeline(execution_id), EventType.JOB_STARTED)
    assert job.at >= failed.at


def test_wave_fails_at_the_approval_timeout_when_nobody_approves(
    engine_factory: Callable[..., Engine],
) -> None:
    engine = engine_factory(servers=fleet(1), scale=SCALE)
    approval = {"type": "APPROVAL", "name": "go", "message": "Go?", "timeoutSeconds": 60}

    execution = engine.finish(engine.start(_plan(engine, preActions=[approval])))

    assert execution["status"] == "FAILED"
    wave = engine.wave(execution, "app")
    assert wave["reason"] == "pre action 'go' failed: timed out after 60 s"
    assert all(s["jobId"] is None for s in wave["servers"])
    _action_timed_out(engine, execution["id"], "go", 60)


def _health_timed_out(engine: Engine, execution: dict[str, Any], timeout: int) -> dict[str, Any]:
    """The wave failed on its health gate, which timed out on the clock; the server's evidence."""
    assert execution["status"] == "FAILED"
    wave = engine.wave(execution, "app")
    assert wave["status"] == "FAILED"
    unhealthy = f"1 critical server(s) unhealthy ({server_id(0)})"
    assert wave["reason"] == f"{unhealthy}: health check timed out after {timeout} s"
    events = engine.timeline(execution["id"])
    gate = _event(events, EventType.WAVE_STATUS_CHANGED, "HEALTH_CHECK")
    unhealthy = _event(events, EventType.SERVER_UNHEALTHY)
    assert unhealthy.message.endswith(f"health check timed out after {timeout} s"), unhealthy.message
    _assert_on_the_clock(gate.at, unhealthy.at, timeout)
    _assert_on_the_clock(gate.at, datetime.fromisoformat(wave["endedAt"]), timeout)
    (server,) = engine.servers(execution["id"])
    assert server.health is HealthStatus.UNHEALTHY
    assert server.error == f"health check timed out after {timeout} s"
    return dict(server.health_evidence)


def test_wave_fails_at_the_health_timeout_when_ec2_status_checks_never_pass(
    engine_factory: Callable[..., Engine],
) -> None:
    # Given a recovered instance whose status checks stay "initializing", and a 90-second health gate
    engine = engine_factory(servers=fleet(1), scale=SCALE)
    engine.instances.default = InstanceBehaviour(status_check="initializing")
    health = {"documentName": HEALTH_CHECK_DOCUMENT, "timeoutSeconds": 90}

    execution = engine.finish(engine.start(_plan(engine, healthCheck=health)))

    # Then the server is unhealthy on the timeout, and no command was ever sent to it
    evidence = _health_timed_out(engine, execution, 90)
    assert "command" not in evidence


def test_wave_fails_at_the_health_timeout_when_the_health_command_never_finishes(
    engine_factory: Callable[..., Engine],
) -> None:
    # Given an instance that passes its status checks but on which the health-check command hangs
    engine = engine_factory(servers=fleet(1), scale=SCALE)
    engine.instances.default = InstanceBehaviour(hang=True)
    health = {"documentName": HEALTH_CHECK_DOCUMENT, "timeoutSeconds": 90}

    execution = engine.finish(engine.start(_plan(engine, healthCheck=health)))

    # Then the server is unhealthy on the timeout, with the status checks it passed as evidence
    evidence = _health_timed_out(engine, execution, 90)
    assert _invocation_statuses(HEALTH_CHECK_DOCUMENT) == ["Cancelled"]
    ec2 = evidence["ec2"]
    assert isinstance(ec2, dict)
    assert (ec2["state"], ec2["systemStatus"], ec2["instanceStatus"]) == ("running", "ok", "ok")


def test_plan_is_refused_naming_the_fields_when_a_wait_is_longer_than_its_timeout(
    engine_factory: Callable[..., Engine],
) -> None:
    # A WAIT ends after ``seconds``; a timeout shorter than that could only ever fail it, so it is refused
    engine = engine_factory(servers=fleet(1), scale=SCALE)
    group = engine.group("g", [server_id(0)])
    wait = {"type": "WAIT", "name": "soak", "seconds": 600, "timeoutSeconds": 60}
    body = {
        "name": "p",
        "rtoTargetMinutes": 60,
        "waves": [{"id": "app", "name": "App", "protectionGroupIds": [group], "postActions": [wait]}],
    }

    response = engine.api.post("/recovery-plans", body)

    assert response.status == 400, response.text
    fields = {f["name"]: f["message"] for f in response.json["error"]["fields"]}
    assert "shorter than the wait itself (seconds = 600)" in fields["waves[0].postActions[0].timeoutSeconds"]


def test_wait_completes_when_it_lasts_exactly_its_timeout(engine_factory: Callable[..., Engine]) -> None:
    # Given a WAIT whose timeout equals its duration: the wait is done at the very moment it would time out
    engine = engine_factory(servers=fleet(1), scale=SCALE)
    wait = {"type": "WAIT", "name": "soak", "seconds": 60, "timeoutSeconds": 60}

    execution = engine.finish(engine.start(_plan(engine, preActions=[wait])))

    assert execution["status"] == "SUCCEEDED"
    events = engine.timeline(execution["id"])
    started = _event(events, EventType.ACTION_STARTED, "'soak' started")
    done = _event(events, EventType.ACTION_SUCCEEDED, "'soak'")
    assert done.message.endswith("waited 60 s")
    _assert_on_the_clock(started.at, done.at, 60)
