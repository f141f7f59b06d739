"""Wave gates: pre/post actions (SSM Automation, Run Command, Lambda, WAIT, APPROVAL) and the health
gate (EC2 status checks, then an SSM command on each recovered instance).

Each function moves one wave as far as it can now and says whether the gate is done. Timeouts are
measured by the clock from when the action or gate started, never by adding up waits.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterator
from datetime import timedelta
from enum import Enum

from pydantic import JsonValue

from drs_orchestration.domain.engine.context import Tick, target_key, target_of
from drs_orchestration.domain.engine.ports import PENDING_AUTOMATION_STATUSES
from drs_orchestration.domain.models.actions import (
    Action,
    ApprovalAction,
    LambdaAction,
    OnFailure,
    SsmAutomationAction,
    SsmRunCommandAction,
    WaitAction,
)
from drs_orchestration.domain.models.drs import DrsTarget, LaunchStatus
from drs_orchestration.domain.models.execution import EventType, HealthStatus, ServerState, WaveState
from drs_orchestration.domain.models.recovery_plan import HealthCheck

__all__ = ["NO_HEALTH_DOCUMENT", "Gate", "run_actions", "run_health_check"]

_SEND_COMMAND_MAX_TARGETS = 50
LAMBDA_PENDING = "lambda:pending"
NO_HEALTH_DOCUMENT = "EC2 status checks only: no health-check document is configured"
_TASK_TIMED_OUT = "States.Timeout"


class Gate(Enum):
    DONE = "done"
    RUNNING = "running"
    FAILED = "failed"


def _instances(tick: Tick, wave_id: str) -> dict[str, list[ServerState]]:
    """Launched servers of a wave with a recovery instance, by target."""
    grouped: dict[str, list[ServerState]] = defaultdict(list)
    for server in tick.wave_servers(wave_id):
        if server.launch_status is LaunchStatus.LAUNCHED and server.recovery_instance_id:
            grouped[target_key(target_of(server))].append(server)
    return grouped


def _target(servers: list[ServerState]) -> DrsTarget:
    return target_of(servers[0])


def _start(tick: Tick, wave: WaveState, action: Action, phase: str) -> tuple[str | None, bool]:
    """Start the action; returns its handle (``None`` if it cannot start this tick) and whether it
    already failed to start."""
    index = wave.action_index
    if isinstance(action, WaitAction):
        return "wait", False
    if isinstance(action, ApprovalAction):
        tick.event(EventType.APPROVAL_REQUESTED, action.message, wave_id=wave.wave_id, action=action.name)
        tick.notices.append(("APPROVAL_NEEDED", wave.wave_id, action.message))
        return "approval", False
    if isinstance(action, LambdaAction):
        if tick.invoke is not None:
            return None, False  # one invocation per tick; this one goes next time
        tick.invoke = {
            "functionArn": action.function_arn,
            "timeoutSeconds": action.timeout_seconds,
            "waveId": wave.wave_id,
            "phase": phase,
            "index": index,
            "payload": {
                **action.payload,
                "executionId": tick.header.id,
                "planId": tick.header.plan_id,
                "waveId": wave.wave_id,
                "mode": tick.header.mode.value,
            },
        }
        return LAMBDA_PENDING, False
    if isinstance(action, SsmAutomationAction):
        grouped = _instances(tick, wave.wave_id)
        target = _target(next(iter(grouped.values()))) if grouped else _any_target(tick, wave.wave_id)
        token = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{tick.header.id}/{wave.wave_id}/{phase}/{index}"))
        ref = tick.ports.targets.ssm(target).start_automation(
            action.document_name, action.parameters, client_token=token
        )
        return f"{target_key(target)}|{ref}", False
    grouped = _instances(tick, wave.wave_id)
    if not grouped:
        return None, True
    refs = []
    for servers in grouped.values():
        target = _target(servers)
        ids = [s.recovery_instance_id for s in servers if s.recovery_instance_id]
        for start in range(0, len(ids), _SEND_COMMAND_MAX_TARGETS):
            command = tick.ports.targets.ssm(target).send_command(
                action.document_name,
                ids[start : start + _SEND_COMMAND_MAX_TARGETS],
                action.parameters,
                timeout_seconds=action.timeout_seconds,
                comment=f"{tick.header.id} {wave.wave_id} {action.name}"[:100],
            )
            refs.append(f"{target_key(target)}|{command}|{start}")
    return ";".join(refs), False


def _any_target(tick: Tick, wave_id: str) -> DrsTarget:
    servers = tick.wave_servers(wave_id)
    if servers:
        return target_of(servers[0])
    first = next(s for ws in tick.servers.values() for s in ws)
    return target_of(first)


def _poll(
    tick: Tick, wave: WaveState, action: Action, invoke_result: dict[str, JsonValue] | None
) -> tuple[Gate, str]:
    ref = wave.action_ref or ""
    started = wave.action_started_at or tick.now
    if isinstance(action, WaitAction):
        due = started + timedelta(seconds=action.seconds)
        if tick.now >= due:
            return Gate.DONE, f"waited {action.seconds} s"
        tick.wait((due - tick.now).total_seconds())
        return Gate.RUNNING, ""
    if isinstance(action, ApprovalAction):
        if wave.approved_at is not None and wave.approved_at >= started:
            return Gate.DONE, "approved"
        return Gate.RUNNING, ""
    if isinstance(action, LambdaAction):
        mine = invoke_result is not None and (invoke_result.get("waveId"), invoke_result.get("index")) == (
            wave.wave_id,
            wave.action_index,
        )
        if invoke_result is None or not mine:
            return Gate.RUNNING, "reinvoke"  # no result for this invocation (a retried step): invoke again
        error = invoke_result.get("error")
        if isinstance(error, str) and error.startswith(_TASK_TIMED_OUT):
            # the state machine stopped waiting for the function after the action's timeout
            return Gate.FAILED, f"timed out after {_timeout(action)} s"
        if error:
            return Gate.FAILED, f"the function failed: {error}"
        return Gate.DONE, "invoked"
    tick.wait(tick.config.gate_poll_seconds)
    if isinstance(action, SsmAutomationAction):
        key, _, automation_id = ref.partition("|")
        status, message = tick.ports.targets.ssm(_target_of_key(key)).automation_status(automation_id)
        if status in PENDING_AUTOMATION_STATUSES:
            return Gate.RUNNING, ""
        if status == "Success":
            return Gate.DONE, f"automation {automation_id} succeeded"
        return Gate.FAILED, f"automation {automation_id} ended {status}: {message or ''}".strip()
    return _poll_commands(tick, wave, ref)


def _target_of_key(key: str) -> DrsTarget:
    account, _, region = key.partition("/")
    return DrsTarget(account_id=account, region=region)


def _commands(tick: Tick, wave: WaveState, ref: str) -> Iterator[tuple[DrsTarget, str, list[str]]]:
    """Each command a Run Command action sent: its target, id and instances."""
    for part in filter(None, ref.split(";")):
        key, command_id, start = part.split("|")
        ids = [
            s.recovery_instance_id
            for s in _instances(tick, wave.wave_id).get(key, [])
            if s.recovery_instance_id
        ][int(start) : int(start) + _SEND_COMMAND_MAX_TARGETS]
        yield _target_of_key(key), command_id, ids


def _poll_commands(tick: Tick, wave: WaveState, ref: str) -> tuple[Gate, str]:
    failed: list[str] = []
    for target, command_id, ids in _commands(tick, wave, ref):
        outcomes = tick.ports.targets.ssm(target).command_outcomes(command_id, ids)
        if any(outcome.pending for outcome in outcomes.values()) or len(outcomes) < len(ids):
            return Gate.RUNNING, ""
        failed += [f"{i}: {o.status}" for i, o in outcomes.items() if o.status != "Success"]
    if failed:
        return Gate.FAILED, "command failed on " + ", ".join(failed[:10])
    return Gate.DONE, "command succeeded on every recovered instance"


def _stop(tick: Tick, wave: WaveState, action: Action) -> None:
    """Stop on AWS what a timed-out SSM action left running (best effort: the port never raises)."""
    ref = wave.action_ref or ""
    if isinstance(action, SsmAutomationAction):
        key, _, automation_id = ref.partition("|")
        tick.ports.targets.ssm(_target_of_key(key)).stop_automation(automation_id)
    elif isinstance(action, SsmRunCommandAction):
        for target, command_id, ids in _commands(tick, wave, ref):
            tick.ports.targets.ssm(target).cancel_command(command_id, ids)


def _timeout(action: Action) -> int:
    return int(action.timeout_seconds)


def run_actions(
    tick: Tick, wave_id: str, actions: list[Action], phase: str, invoke_result: dict[str, JsonValue] | None
) -> tuple[Gate, str]:
    """Run the wave's actions in order, as far as possible now."""
    while True:
        wave = tick.waves[wave_id]
        if wave.action_index >= len(actions):
            return Gate.DONE, ""
        action = actions[wave.action_index]
        if wave.action_ref is None:
            ref, failed = _start(tick, wave, action, phase)
            if failed:
                outcome, detail = Gate.FAILED, "no recovered instance to run the command on"
            elif ref is None:
                tick.wait(1)
                return Gate.RUNNING, ""
            else:
                tick.event(
                    EventType.ACTION_STARTED, f"{phase} action '{action.name}' started", wave_id=wave_id
                )
                wave = tick.set_wave(wave_id, action_ref=ref, action_started_at=tick.now)
                if ref == LAMBDA_PENDING:
                    return Gate.RUNNING, ""  # the state machine invokes it; its result comes next tick
                outcome, detail = _poll(tick, wave, action, None)
        else:
            outcome, detail = _poll(tick, wave, action, invoke_result)
        if outcome is Gate.RUNNING:
            if detail == "reinvoke":
                tick.set_wave(wave_id, action_ref=None)
                continue
            started = tick.waves[wave_id].action_started_at or tick.now
            deadline = started + timedelta(seconds=_timeout(action))
            if tick.now < deadline:
                tick.wait((deadline - tick.now).total_seconds())
                return Gate.RUNNING, ""
            outcome, detail = Gate.FAILED, f"timed out after {_timeout(action)} s"
            _stop(tick, tick.waves[wave_id], action)
        if outcome is Gate.DONE:
            tick.event(
                EventType.ACTION_SUCCEEDED, f"{phase} action '{action.name}': {detail}", wave_id=wave_id
            )
        else:
            tick.event(EventType.ACTION_FAILED, f"{phase} action '{action.name}': {detail}", wave_id=wave_id)
            if action.on_failure is OnFailure.FAIL:
                return Gate.FAILED, f"{phase} action '{action.name}' failed: {detail}"
        tick.set_wave(wave_id, action_index=wave.action_index + 1, action_ref=None, action_started_at=None)


def _judge(tick: Tick, server: ServerState, health: HealthStatus, **evidence: JsonValue) -> None:
    evidence_all = {**server.health_evidence, **evidence}
    if health is HealthStatus.HEALTHY:
        tick.set_server(server, health=health, healthy_at=tick.now, health_evidence=evidence_all)
    else:
        tick.set_server(
            server, health=health, health_evidence=evidence_all, error=str(evidence.get("reason", ""))
        )
        tick.event(
            EventType.SERVER_UNHEALTHY,
            f"{server.source_server_id} is unhealthy: {evidence.get('reason', '')}",
            wave_id=server.wave_id,
            source_server_id=server.source_server_id,
        )


def run_health_check(tick: Tick, wave_id: str, check: HealthCheck, document: str | None) -> Gate:
    """EC2 status checks of each recovered instance, then ``document`` (the wave's own, else the
    product's) on it; with no document, the status checks alone decide. DONE once every launched
    server is HEALTHY or UNHEALTHY; each server's evidence names the document that ran."""
    base: dict[str, JsonValue] = {"document": document, "productDocument": check.document_name is None}
    if document is None:
        base["note"] = NO_HEALTH_DOCUMENT
    wave = tick.waves[wave_id]
    started = wave.phase_started_at or tick.now
    timed_out = tick.now >= started + timedelta(seconds=check.timeout_seconds)
    pending = False
    for servers in _instances(tick, wave_id).values():
        target = _target(servers)
        undecided = [s for s in servers if s.health is None]
        if not undecided:
            continue
        ssm = tick.ports.targets.ssm(target)
        probing = [s for s in undecided if s.health_ref is None]
        if probing:
            health = tick.ports.targets.ec2(target).instance_health(
                [s.recovery_instance_id for s in probing if s.recovery_instance_id]
            )
            ready: list[ServerState] = []
            for server in probing:
                seen = health.get(server.recovery_instance_id or "")
                ec2: JsonValue = seen.to_json() if seen else {"state": None}
                if seen is not None and seen.passed and document is None:
                    _judge(tick, server, HealthStatus.HEALTHY, ec2=ec2, **base)
                elif seen is not None and seen.passed:
                    ready.append(server.model_copy(update={"health_evidence": {"ec2": ec2, **base}}))
                elif seen is None or seen.hopeless:
                    _judge(
                        tick,
                        server,
                        HealthStatus.UNHEALTHY,
                        ec2=ec2,
                        reason="EC2 status checks failed",
                        **base,
                    )
                else:
                    pending = True
            for start in range(0, len(ready) if document else 0, _SEND_COMMAND_MAX_TARGETS):
                chunk = ready[start : start + _SEND_COMMAND_MAX_TARGETS]
                command = ssm.send_command(
                    document or "",
                    [s.recovery_instance_id for s in chunk if s.recovery_instance_id],
                    check.parameters,
                    timeout_seconds=check.timeout_seconds,
                    comment=f"health check {tick.header.id} {wave_id}"[:100],
                )
                for server in chunk:
                    tick.set_server(server, health_ref=command)
                pending = True
        running: dict[str, list[ServerState]] = defaultdict(list)
        for server in undecided:
            if server.health_ref is not None:
                running[server.health_ref].append(server)
        for command, members in running.items():
            outcomes = ssm.command_outcomes(command, [s.recovery_instance_id or "" for s in members])
            for server in members:
                outcome = outcomes.get(server.recovery_instance_id or "")
                if outcome is None or outcome.pending:
                    pending = True
                    continue
                evidence: dict[str, JsonValue] = {"command": {"id": command, **outcome.to_json()}}
                if outcome.status == "Success":
                    _judge(tick, server, HealthStatus.HEALTHY, **evidence)
                else:
                    _judge(
                        tick,
                        server,
                        HealthStatus.UNHEALTHY,
                        reason=f"health check {outcome.status}",
                        **evidence,
                    )
    if not pending:
        return Gate.DONE
    if timed_out:
        for servers in _instances(tick, wave_id).values():
            unfinished: dict[str, list[str]] = defaultdict(list)
            for server in servers:
                if server.health is None:
                    if server.health_ref is not None and server.recovery_instance_id:
                        unfinished[server.health_ref].append(server.recovery_instance_id)
                    _judge(
                        tick,
                        server,
                        HealthStatus.UNHEALTHY,
                        reason=f"health check timed out after {check.timeout_seconds} s",
                        **base,
                    )
            for command_id, instance_ids in unfinished.items():  # stop what still runs on AWS
                tick.ports.targets.ssm(_target(servers)).cancel_command(command_id, instance_ids)
        return Gate.DONE
    tick.wait(
        min(
            tick.config.gate_poll_seconds,
            (started + timedelta(seconds=check.timeout_seconds) - tick.now).total_seconds(),
        )
    )
    return Gate.RUNNING
