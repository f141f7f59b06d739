"""SSM refusing a command (``InvalidInstanceId`` while a recovery instance's agent has not registered
yet) is a state of the health gate and of Run Command actions, not an engine failure.

Health gate: refused servers stay pending and are sent again each poll, the latest refusal in their
evidence; an agent that registers within the gate's timeout is HEALTHY, one that never does is UNHEALTHY
at the timeout with a reason naming the refusal, and one late agent holds back no other server. Run
Command action: ``InvalidInstanceId`` is retried until the action's timeout, any other refusal fails it
at once (``onFailure`` deciding). In every case the run ends by itself, not "the engine stopped".
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import boto3

from drs_local.instance_health import InstanceBehaviour
from drs_orchestration.domain.models.execution import EventType, HealthStatus
from tests.integration.engine.harness import ENVIRONMENT, HEALTH_CHECK_DOCUMENT, Engine, fleet, server_id

# A gate poll (10 simulated seconds) is half a real second: room for the on-the-clock assertions.
SCALE = 20.0
POLL_SECONDS = int(ENVIRONMENT["ENGINE_GATE_POLL_SECONDS"])
NOT_REGISTERED = "SSM refused the command (InvalidInstanceId: "


def _plan(engine: Engine, count: int = 1, **wave: Any) -> str:
    group = engine.group("g", [server_id(n) for n in range(count)])
    return engine.plan([{"id": "app", "name": "App", "protectionGroupIds": [group], **wave}])


def _commands(document: str) -> list[dict[str, Any]]:
    return [c for c in boto3.client("ssm").list_commands()["Commands"] if c["DocumentName"] == document]


def _ended_by_itself(execution: dict[str, Any]) -> None:
    assert "engine stopped" not in (execution.get("statusReason") or ""), execution["statusReason"]


def test_server_is_healthy_when_its_agent_registers_before_the_health_gate_times_out(
    engine_factory: Callable[..., Engine],
) -> None:
    # Given a recovery instance whose SSM agent has not registered when its EC2 status checks pass,
    # and a 15-minute health gate
    engine = engine_factory(servers=fleet(1), scale=60.0)
    engine.instances.default = InstanceBehaviour(agent="unregistered")
    plan = _plan(engine, healthCheck={"documentName": HEALTH_CHECK_DOCUMENT, "timeoutSeconds": 900})
    execution_id = engine.start(plan)

    # When SSM has refused the health check, and then the agent registers
    def refused(_: dict[str, Any]) -> bool:
        return any("ssm" in s.health_evidence for s in engine.servers(execution_id))

    engine.run_until(execution_id, refused)
    engine.instances.default = InstanceBehaviour()
    execution = engine.finish(execution_id)

    # Then the refused health check was sent again until SSM took it, once, and the server is healthy
    _ended_by_itself(execution)
    assert execution["status"] == "SUCCEEDED", execution["statusReason"]
    (server,) = engine.servers(execution["id"])
    assert server.health is HealthStatus.HEALTHY
    (command,) = _commands(HEALTH_CHECK_DOCUMENT)
    assert server.health_ref == command["CommandId"]
    # with the last refusal kept in its evidence, before the command that passed
    refusal = server.health_evidence["ssm"]
    assert isinstance(refusal, dict)
    assert refusal["code"] == "InvalidInstanceId"
    assert server.recovery_instance_id is not None
    assert server.recovery_instance_id in str(refusal["message"])
    assert server.launched_at is not None
    assert server.healthy_at is not None
    assert server.launched_at <= datetime.fromisoformat(str(refusal["at"])) < server.healthy_at
    assert command["RequestedDateTime"] >= datetime.fromisoformat(str(refusal["at"]))
    evidence_command = server.health_evidence["command"]
    assert isinstance(evidence_command, dict)
    assert evidence_command["status"] == "Success"


def test_server_is_unhealthy_naming_the_refusal_when_its_agent_never_registers(
    engine_factory: Callable[..., Engine],
) -> None:
    # Given a recovery instance whose status checks pass but whose SSM agent never registers
    engine = engine_factory(servers=fleet(1), scale=SCALE)
    engine.instances.default = InstanceBehaviour(agent="unregistered")
    plan = _plan(engine, healthCheck={"documentName": HEALTH_CHECK_DOCUMENT, "timeoutSeconds": 90})

    execution = engine.finish(engine.start(plan))

    # Then the run ends, the wave failing at the gate's timeout with a reason naming SSM's refusal
    _ended_by_itself(execution)
    assert execution["status"] == "FAILED"
    wave = engine.wave(execution, "app")
    assert wave["status"] == "FAILED"
    unhealthy = f"1 critical server(s) unhealthy ({server_id(0)})"
    prefix = f"{unhealthy}: health check timed out after 90 s: {NOT_REGISTERED}"
    assert wave["reason"].startswith(prefix), wave["reason"]
    (server,) = engine.servers(execution["id"])
    assert server.health is HealthStatus.UNHEALTHY
    assert server.health_ref is None
    assert server.error is not None
    assert server.error.startswith(f"health check timed out after 90 s: {NOT_REGISTERED}")
    assert server.recovery_instance_id is not None
    assert server.recovery_instance_id in server.error
    refusal = server.health_evidence["ssm"]
    assert isinstance(refusal, dict)
    assert refusal["code"] == "InvalidInstanceId"
    assert server.health_evidence["productDocument"] is False  # the wave named its own document
    # on the clock, and no command was ever created
    events = engine.timeline(execution["id"])
    gate = next(e for e in events if e.type == EventType.WAVE_STATUS_CHANGED and "HEALTH_CHECK" in e.message)
    unhealthy = next(e for e in events if e.type == EventType.SERVER_UNHEALTHY)
    assert 90 <= (unhealthy.at - gate.at).total_seconds() <= 90 + POLL_SECONDS
    assert _commands(HEALTH_CHECK_DOCUMENT) == []


def test_one_unregistered_agent_holds_back_no_other_server_of_the_wave(
    engine_factory: Callable[..., Engine],
) -> None:
    # Given two servers sent one health-check command, one of them optional and never registering
    engine = engine_factory(servers=fleet(2), scale=SCALE)
    engine.instances.default = InstanceBehaviour(agent="unregistered")
    plan = _plan(
        engine,
        2,
        healthCheck={"documentName": HEALTH_CHECK_DOCUMENT, "timeoutSeconds": 120},
        optionalServerIds=[server_id(0)],
    )
    execution_id = engine.start(plan)

    # When the other one's agent is online from its launch
    def instance(execution: dict[str, Any]) -> str | None:
        servers = engine.wave(execution, "app")["servers"]
        return next((s["recoveryInstanceId"] for s in servers if s["sourceServerId"] == server_id(1)), None)

    launched = engine.run_until(execution_id, lambda e: instance(e) is not None)
    engine.instances.set_instance(str(instance(launched)), InstanceBehaviour())
    execution = engine.finish(execution_id)

    # Then it is healthy on a command of its own; the optional one is unhealthy naming the refusal
    _ended_by_itself(execution)
    assert engine.wave(execution, "app")["status"] == "COMPLETED", execution["statusReason"]
    assert execution["status"] == "PARTIAL"  # an optional server was lost to its health check
    servers = {s.source_server_id: s for s in engine.servers(execution["id"])}
    late, online = servers[server_id(0)], servers[server_id(1)]
    assert online.health is HealthStatus.HEALTHY
    assert late.health is HealthStatus.UNHEALTHY
    assert late.error is not None
    assert NOT_REGISTERED in late.error
    (command,) = _commands(HEALTH_CHECK_DOCUMENT)
    assert command["InstanceIds"] == [online.recovery_instance_id]


def test_health_evidence_says_no_product_document_when_only_status_checks_ran(
    engine_factory: Callable[..., Engine],
) -> None:
    # Given an engine configured without the product's document and a wave naming none
    engine = engine_factory(servers=fleet(1), settings={"health_check_document": None})

    execution = engine.finish(engine.start(_plan(engine)))

    # Then the status checks alone judged the server, and its evidence names no product document
    assert execution["status"] == "SUCCEEDED", execution["statusReason"]
    (server,) = engine.servers(execution["id"])
    assert server.health is HealthStatus.HEALTHY
    assert (server.health_evidence["document"], server.health_evidence["productDocument"]) == (None, False)


def _run_command(name: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": "SSM_RUN_COMMAND",
        "name": name,
        "documentName": "AWS-RunShellScript",
        "parameters": {"commands": ["systemctl restart app"]},
        "timeoutSeconds": 120,
        **extra,
    }


def test_run_command_action_waits_for_the_agent_and_succeeds_when_it_registers_in_time(
    engine_factory: Callable[..., Engine],
) -> None:
    # Given a post-action command, no health gate, and an agent registering 100 s after launch
    engine = engine_factory(servers=fleet(1), scale=SCALE)
    engine.instances.default = InstanceBehaviour(registers_after_seconds=100)
    plan = _plan(engine, healthCheck=None, postActions=[_run_command("restart", timeoutSeconds=300)])

    execution = engine.finish(engine.start(plan))

    # Then the refused command was sent again on later polls until taken, and succeeded
    _ended_by_itself(execution)
    assert execution["status"] == "SUCCEEDED", execution["statusReason"]
    (command,) = _commands("AWS-RunShellScript")
    assert command["Status"] == "Success"
    events = engine.timeline(execution["id"])
    started = next(e for e in events if e.type == EventType.ACTION_STARTED)
    assert (command["RequestedDateTime"] - started.at).total_seconds() >= POLL_SECONDS
    messages = [e.message for e in events if e.type == EventType.ACTION_SUCCEEDED]
    assert messages == ["post action 'restart': command succeeded on every recovered instance"]


def test_run_command_action_fails_at_its_timeout_naming_the_refusal_when_the_agent_never_registers(
    engine_factory: Callable[..., Engine],
) -> None:
    engine = engine_factory(servers=fleet(1), scale=SCALE)
    engine.instances.default = InstanceBehaviour(agent="unregistered")
    plan = _plan(engine, healthCheck=None, postActions=[_run_command("restart", timeoutSeconds=60)])

    execution = engine.finish(engine.start(plan))

    _ended_by_itself(execution)
    assert execution["status"] == "FAILED"
    reason = engine.wave(execution, "app")["reason"]
    assert reason.startswith(f"post action 'restart' failed: timed out after 60 s: {NOT_REGISTERED}"), reason
    events = engine.timeline(execution["id"])
    started = next(e for e in events if e.type == EventType.ACTION_STARTED)
    failed = next(e for e in events if e.type == EventType.ACTION_FAILED)
    assert 60 <= (failed.at - started.at).total_seconds() <= 60 + POLL_SECONDS
    assert _commands("AWS-RunShellScript") == []


def test_run_command_action_fails_at_once_on_a_refusal_that_will_not_pass_and_continue_goes_on(
    engine_factory: Callable[..., Engine],
) -> None:
    # Given a post-action naming a document that does not exist, allowed to fail, then a second one
    engine = engine_factory(servers=fleet(1), scale=SCALE)
    missing = _run_command("probe", documentName="NoSuchDocument", onFailure="CONTINUE")
    plan = _plan(engine, healthCheck=None, postActions=[missing, _run_command("restart")])

    execution = engine.finish(engine.start(plan))

    # Then the first failed at once naming SSM's refusal, and the second ran
    _ended_by_itself(execution)
    assert execution["status"] == "SUCCEEDED", execution["statusReason"]
    events = engine.timeline(execution["id"])
    failed = next(e for e in events if e.type == EventType.ACTION_FAILED)
    assert failed.message.startswith("post action 'probe': SSM refused the command (InvalidDocument: ")
    started = next(e for e in events if e.type == EventType.ACTION_STARTED and "'probe'" in e.message)
    assert (failed.at - started.at).total_seconds() <= POLL_SECONDS
    assert [c["DocumentName"] for c in boto3.client("ssm").list_commands()["Commands"]] == [
        "AWS-RunShellScript"
    ]
