"""Wave gates: pre/post actions (SSM Automation, Run Command, Lambda, WAIT, APPROVAL) and the health
gate (EC2 status checks, then an SSM command on each recovered instance).

Each function moves one wave as far as it can now and says whether the gate is done. Timeouts are
measured by the clock from when the action or gate started, never by adding up waits.

SSM refusing to run a command (``CommandRefused``) is not an engine failure:

* Health gate: the refused servers stay pending, with the latest refusal in their evidence
  (``ssm``: code, message, when), and are sent again on the next poll; at the gate's timeout they
  are UNHEALTHY with a reason naming the refusal. ``InvalidInstanceId`` (an agent not registered yet,
  normal for minutes after a recovery instance boots) refuses a whole call for one such instance, so
  those servers are then sent one a command (at most ``_SINGLE_SENDS_PER_POLL`` a poll, longest
  waiting first) and one late agent does not hold back the others.
* Run Command action: ``InvalidInstanceId`` is retried each poll until the action's timeout, whose
  reason then names it (the agents may still come online); any other refusal (``AccessDenied...``,
  ``InvalidDocument``, ...) will not pass by itself and fails the action at once like a failed
  command, ``onFailure`` deciding what follows, commands already sent for it being cancelled.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterator
from datetime import timedelta
from enum import Enum

from pydantic import JsonValue

from drs_orchestration.domain.engine.context import Tick, target_from_key, target_key, target_of
from drs_orchestration.domain.engine.ports import PENDING_AUTOMATION_STATUSES, SsmGateway
from drs_orchestration.domain.errors import CommandRefused, describe_refusal
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
_SINGLE_SENDS_PER_POLL = 50
_REFUSAL_CHARS = 500
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


def _start(tick: Tick, wave: WaveState, action: Action, phase: str) -> tuple[str | None, str | None]:
    """Start the action; returns its handle (``None`` if it cannot start this tick) and, when it
    already failed to start, why. A Run Command action's handle lists its commands, each
    ``target|command id|first instance``, the command id empty until SSM has taken it."""
    index = wave.action_index
    if isinstance(action, WaitAction):
        return "wait", None
    if isinstance(action, ApprovalAction):
        tick.event(EventType.APPROVAL_REQUESTED, action.message, wave_id=wave.wave_id, action=action.name)
        tick.notices.append(("APPROVAL_NEEDED", wave.wave_id, action.message))
        return "approval", None
    if isinstance(action, LambdaAction):
        if tick.invoke is not None:
            return None, None  # one invocation per tick; this one goes next time
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
        return LAMBDA_PENDING, None
    if isinstance(action, SsmAutomationAction):
        grouped = _instances(tick, wave.wave_id)
        target = _target(next(iter(grouped.values()))) if grouped else _any_target(tick, wave.wave_id)
        token = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{tick.header.id}/{wave.wave_id}/{phase}/{index}"))
        ref = tick.ports.targets.ssm(target).start_automation(
            action.document_name, action.parameters, client_token=token
        )
        return f"{target_key(target)}|{ref}", None
    grouped = _instances(tick, wave.wave_id)
    if not grouped:
        return None, "no recovered instance to run the command on"
    parts = [
        f"{key}||{start}"  # sent by the first poll
        for key, servers in grouped.items()
        for start in range(0, len(servers), _SEND_COMMAND_MAX_TARGETS)
    ]
    return ";".join(parts), None


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
        status, message = tick.ports.targets.ssm(target_from_key(key)).automation_status(automation_id)
        if status in PENDING_AUTOMATION_STATUSES:
            return Gate.RUNNING, ""
        if status == "Success":
            return Gate.DONE, f"automation {automation_id} succeeded"
        return Gate.FAILED, f"automation {automation_id} ended {status}: {message or ''}".strip()
    return _poll_commands(tick, wave, action)


def _parts(tick: Tick, wave: WaveState) -> Iterator[tuple[str, str, str, list[str]]]:
    """Each command of a Run Command action: its target key, id (empty: not sent yet), first instance
    and instances."""
    for part in filter(None, (wave.action_ref or "").split(";")):
        key, command_id, start = part.split("|")
        ids = [
            s.recovery_instance_id
            for s in _instances(tick, wave.wave_id).get(key, [])
            if s.recovery_instance_id
        ][int(start) : int(start) + _SEND_COMMAND_MAX_TARGETS]
        yield key, command_id, start, ids


def _commands(tick: Tick, wave: WaveState) -> Iterator[tuple[DrsTarget, str, list[str]]]:
    """Each command a Run Command action sent: its target, id and instances."""
    for key, command_id, _, ids in _parts(tick, wave):
        if command_id:
            yield target_from_key(key), command_id, ids


def _send_commands(tick: Tick, wave: WaveState, action: SsmRunCommandAction) -> CommandRefused | None:
    """Send the action's commands SSM has not taken yet; the refusal of one that it refused again."""
    parts: list[str] = []
    refused: CommandRefused | None = None
    for key, command_id, start, ids in _parts(tick, wave):
        if not command_id and (refused is None or refused.instance_not_ready):
            try:
                command_id = tick.ports.targets.ssm(target_from_key(key)).send_command(
                    action.document_name,
                    ids,
                    action.parameters,
                    timeout_seconds=action.timeout_seconds,
                    comment=f"{tick.header.id} {wave.wave_id} {action.name}"[:100],
                )
            except CommandRefused as refusal:
                refused = refusal
        parts.append(f"{key}|{command_id}|{start}")
    if ";".join(parts) != wave.action_ref:
        tick.set_wave(wave.wave_id, action_ref=";".join(parts))
    return refused


def _poll_commands(tick: Tick, wave: WaveState, action: SsmRunCommandAction) -> tuple[Gate, str]:
    refused = _send_commands(tick, wave, action)
    wave = tick.waves[wave.wave_id]
    if refused is not None and not refused.instance_not_ready:
        _stop(tick, wave, action)  # what went to other instances before the refusal
        return Gate.FAILED, refused.describe()
    waiting = refused.describe() if refused is not None else ""  # names the refusal if it times out
    failed: list[str] = []
    for target, command_id, ids in _commands(tick, wave):
        outcomes = tick.ports.targets.ssm(target).command_outcomes(command_id, ids)
        if any(outcome.pending for outcome in outcomes.values()) or len(outcomes) < len(ids):
            return Gate.RUNNING, waiting
        failed += [f"{i}: {o.status}" for i, o in outcomes.items() if o.status != "Success"]
    if failed:
        return Gate.FAILED, "command failed on " + ", ".join(failed[:10])
    if refused is not None:
        return Gate.RUNNING, waiting
    return Gate.DONE, "command succeeded on every recovered instance"


def _stop(tick: Tick, wave: WaveState, action: Action) -> None:
    """Stop on AWS what a timed-out SSM action left running (best effort: the port never raises)."""
    ref = wave.action_ref or ""
    if isinstance(action, SsmAutomationAction):
        key, _, automation_id = ref.partition("|")
        tick.ports.targets.ssm(target_from_key(key)).stop_automation(automation_id)
    elif isinstance(action, SsmRunCommandAction):
        for target, command_id, ids in _commands(tick, wave):
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
            ref, failure = _start(tick, wave, action, phase)
            if failure is not None:
                outcome, detail = Gate.FAILED, failure
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
            timed_out = f"timed out after {_timeout(action)} s"
            outcome, detail = Gate.FAILED, f"{timed_out}: {detail}" if detail else timed_out
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


def _last_refusal(server: ServerState) -> dict[str, JsonValue] | None:
    """The latest time SSM refused this server's health check (code, message, at), if it did."""
    last = server.health_evidence.get("ssm")
    return last if isinstance(last, dict) else None


def _refusal_evidence(server: ServerState) -> dict[str, JsonValue]:
    last = _last_refusal(server)
    return {"ssm": last} if last is not None else {}


def _waiting_for_agent(server: ServerState) -> bool:
    last = _last_refusal(server)
    return last is not None and last.get("code") == CommandRefused.INSTANCE_NOT_READY


def _send_health_checks(
    tick: Tick, ssm: SsmGateway, wave_id: str, check: HealthCheck, document: str, ready: list[ServerState]
) -> None:
    """Send ``document`` to the servers that passed their status checks, up to 50 instances a command.
    A refused server keeps no ``health_ref`` (it is sent again next poll) and gets the refusal in its
    evidence. Servers whose agent had not registered are sent one a command, the longest waiting first,
    so a late agent holds back no other server; past ``_SINGLE_SENDS_PER_POLL`` they wait a poll."""

    def send(servers: list[ServerState]) -> CommandRefused | None:
        try:
            command = ssm.send_command(
                document,
                [s.recovery_instance_id for s in servers if s.recovery_instance_id],
                check.parameters,
                timeout_seconds=check.timeout_seconds,
                comment=f"health check {tick.header.id} {wave_id}"[:100],
            )
        except CommandRefused as refusal:
            return refusal
        for server in servers:
            tick.set_server(server, health_ref=command)
        return None

    def refused(server: ServerState, refusal: CommandRefused) -> None:
        last: dict[str, JsonValue] = {
            "code": refusal.reason,
            "message": refusal.message[:_REFUSAL_CHARS],
            "at": tick.now.isoformat(),
        }
        tick.set_server(server, health_evidence={**server.health_evidence, "ssm": last})

    def waiting_since(server: ServerState) -> str:
        return str((_last_refusal(server) or {}).get("at", ""))

    # (server, the refusal that put it here this poll)
    alone: list[tuple[ServerState, CommandRefused | None]] = [
        (s, None) for s in sorted(filter(_waiting_for_agent, ready), key=waiting_since)
    ]
    together = [s for s in ready if not _waiting_for_agent(s)]
    for start in range(0, len(together), _SEND_COMMAND_MAX_TARGETS):
        chunk = together[start : start + _SEND_COMMAND_MAX_TARGETS]
        refusal = send(chunk)
        if refusal is not None and refusal.instance_not_ready and len(chunk) > 1:
            alone += [(s, refusal) for s in chunk]  # which of them is not registered: each alone
        elif refusal is not None:
            for server in chunk:
                refused(server, refusal)
    for index, (server, refusal) in enumerate(alone):
        if index < _SINGLE_SENDS_PER_POLL:
            refusal = send([server])
        if refusal is not None:
            refused(server, refusal)


def run_health_check(tick: Tick, wave_id: str, check: HealthCheck, document: str | None) -> Gate:
    """EC2 status checks of each recovered instance, then ``document`` (the wave's own, else the
    product's) on it; with no document, the status checks alone decide. DONE once every launched
    server is HEALTHY or UNHEALTHY; each server's evidence names the document that ran."""
    base: dict[str, JsonValue] = {
        "document": document,
        "productDocument": document is not None and check.document_name is None,
    }
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
                    known = {"ec2": ec2, **base, **_refusal_evidence(server)}
                    ready.append(server.model_copy(update={"health_evidence": known}))
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
            if ready and document is not None:
                _send_health_checks(tick, ssm, wave_id, check, document, ready)
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
                    reason = f"health check timed out after {check.timeout_seconds} s"
                    if server.health_ref is not None and server.recovery_instance_id:
                        unfinished[server.health_ref].append(server.recovery_instance_id)
                    elif last := _last_refusal(server):  # never sent: SSM refused it
                        reason += f": {describe_refusal(str(last.get('code')), str(last.get('message')))}"
                    _judge(tick, server, HealthStatus.UNHEALTHY, reason=reason, **base)
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
