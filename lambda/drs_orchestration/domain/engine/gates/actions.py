"""A wave's pre/post actions (SSM Automation, Run Command, Lambda, WAIT, APPROVAL), run in order.

What an action has in flight is the wave's typed ``inFlight``. A Run Command action sends one
command per target and 50 instances. ``InvalidInstanceId`` (an agent not registered yet) is retried
each poll until the action's timeout, whose reason then names it; any other refusal
(``AccessDenied...``, ``InvalidDocument``, ...) will not pass by itself and fails the action at once
like a failed command, ``onFailure`` deciding what follows, commands already sent being cancelled.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta

from drs_orchestration.domain.engine.context import Tick, target_of
from drs_orchestration.domain.engine.gates.common import SEND_COMMAND_MAX_TARGETS, Gate, instances
from drs_orchestration.domain.engine.invocations import (
    TASK_TIMED_OUT,
    ActionPhase,
    InvocationResult,
    LambdaInvocation,
)
from drs_orchestration.domain.engine.ports import PENDING_AUTOMATION_STATUSES, NoticeKind
from drs_orchestration.domain.errors import CommandRefused
from drs_orchestration.domain.models.actions import (
    Action,
    ApprovalAction,
    LambdaAction,
    OnFailure,
    SsmAutomationAction,
    SsmRunCommandAction,
    WaitAction,
)
from drs_orchestration.domain.models.drs import DrsTarget
from drs_orchestration.domain.models.execution import EventType, WaveState
from drs_orchestration.domain.models.in_flight import (
    ApprovalWork,
    AutomationWork,
    CommandPart,
    InFlight,
    LambdaWork,
    RunCommandWork,
    WaitWork,
)

__all__ = ["run_actions"]

Outcome = tuple[Gate, str]


def run_actions(
    tick: Tick, wave_id: str, actions: list[Action], phase: ActionPhase, result: InvocationResult | None
) -> Outcome:
    """Run the wave's actions in order, as far as possible now."""
    while True:
        wave = tick.waves[wave_id]
        if wave.action_index >= len(actions):
            return Gate.DONE, ""
        action = actions[wave.action_index]
        gate, detail = _step(tick, wave, action, phase, result)
        if gate is Gate.RUNNING:
            return gate, ""
        if not _conclude(tick, wave, action, phase, gate is Gate.DONE, detail):
            return Gate.FAILED, f"{phase.value} action '{action.name}' failed: {detail}"


def _conclude(
    tick: Tick, wave: WaveState, action: Action, phase: ActionPhase, done: bool, detail: str
) -> bool:
    """Record how the action ended and move to the next one; ``False`` when it fails the wave."""
    what = f"{phase.value} action '{action.name}': {detail}"
    if done:
        tick.event(EventType.ACTION_SUCCEEDED, what, wave_id=wave.wave_id)
    else:
        tick.event(EventType.ACTION_FAILED, what, wave_id=wave.wave_id)
        if action.on_failure is OnFailure.FAIL:
            return False
    tick.set_wave(wave.wave_id, action_index=wave.action_index + 1, in_flight=None, action_started_at=None)
    return True


def _step(
    tick: Tick, wave: WaveState, action: Action, phase: ActionPhase, result: InvocationResult | None
) -> Outcome:
    """Start the action unless it is in flight, then follow it: RUNNING until it ends or times out."""
    if _lost_invocation(tick, wave, phase, result):
        wave = tick.set_wave(wave.wave_id, in_flight=None)  # a retried step lost it: invoke again
    if wave.in_flight is None:
        work, failure = _start(tick, wave, action, phase)
        if failure is not None:
            return Gate.FAILED, failure
        if work is None:
            tick.wait(1)
            return Gate.RUNNING, ""
        tick.event(
            EventType.ACTION_STARTED, f"{phase.value} action '{action.name}' started", wave_id=wave.wave_id
        )
        wave = tick.set_wave(wave.wave_id, in_flight=work, action_started_at=tick.now)
        if isinstance(work, LambdaWork):
            return Gate.RUNNING, ""  # the state machine invokes it; its outcome comes next tick
    gate, detail = _poll(tick, wave, action, _answer(wave, phase, result))
    if gate is Gate.RUNNING:
        return _unless_timed_out(tick, tick.waves[wave.wave_id], action, detail)
    return gate, detail


def _lost_invocation(
    tick: Tick, wave: WaveState, phase: ActionPhase, result: InvocationResult | None
) -> bool:
    """A Lambda action in flight whose outcome this tick did not bring (nor was it handed over in it)."""
    if not isinstance(wave.in_flight, LambdaWork):
        return False
    handed = tick.invoke
    if handed is not None and (handed.wave_id, handed.phase, handed.index) == (
        wave.wave_id,
        phase,
        wave.action_index,
    ):
        return False
    return result is None or not result.answers(wave.wave_id, phase, wave.action_index)


def _answer(wave: WaveState, phase: ActionPhase, result: InvocationResult | None) -> InvocationResult | None:
    """The invocation outcome this tick brought for the wave's current action, if any (another
    wave's, or an earlier action's, is not its)."""
    if result is not None and result.answers(wave.wave_id, phase, wave.action_index):
        return result
    return None


def _unless_timed_out(tick: Tick, wave: WaveState, action: Action, detail: str) -> Outcome:
    started = wave.action_started_at or tick.now
    deadline = started + timedelta(seconds=action.timeout_seconds)
    if tick.now < deadline:
        tick.wait((deadline - tick.now).total_seconds())
        return Gate.RUNNING, ""
    timed_out = f"timed out after {action.timeout_seconds} s"
    _stop(tick, wave)
    return Gate.FAILED, f"{timed_out}: {detail}" if detail else timed_out


# -- starting ---------------------------------------------------------------------------------------
def _start(
    tick: Tick, wave: WaveState, action: Action, phase: ActionPhase
) -> tuple[InFlight | None, str | None]:
    """Start the action: what it then has in flight (``None`` if it cannot start this tick) and,
    when it failed to start, why."""
    if isinstance(action, WaitAction):
        return WaitWork(), None
    if isinstance(action, ApprovalAction):
        tick.event(EventType.APPROVAL_REQUESTED, action.message, wave_id=wave.wave_id, action=action.name)
        tick.notices.append((NoticeKind.APPROVAL_NEEDED, wave.wave_id, action.message))
        return ApprovalWork(), None
    if isinstance(action, LambdaAction):
        return _hand_over(tick, wave, action, phase), None
    if isinstance(action, SsmAutomationAction):
        return _start_automation(tick, wave, action, phase), None
    parts = [
        CommandPart(target=target, first_instance=start)  # sent by the first poll
        for target, servers in instances(tick, wave.wave_id)
        for start in range(0, len(servers), SEND_COMMAND_MAX_TARGETS)
    ]
    if not parts:
        return None, "no recovered instance to run the command on"
    return RunCommandWork(parts=parts), None


def _hand_over(tick: Tick, wave: WaveState, action: LambdaAction, phase: ActionPhase) -> LambdaWork | None:
    if tick.invoke is not None:
        return None  # one invocation per tick; this one goes next time
    tick.invoke = LambdaInvocation(
        function_arn=action.function_arn,
        timeout_seconds=action.timeout_seconds,
        wave_id=wave.wave_id,
        phase=phase,
        index=wave.action_index,
        payload={
            **action.payload,
            "executionId": tick.header.id,
            "planId": tick.header.plan_id,
            "waveId": wave.wave_id,
            "mode": tick.header.mode.value,
        },
    )
    return LambdaWork()


def _start_automation(
    tick: Tick, wave: WaveState, action: SsmAutomationAction, phase: ActionPhase
) -> AutomationWork:
    grouped = instances(tick, wave.wave_id)
    target = grouped[0][0] if grouped else _any_target(tick, wave.wave_id)
    token = str(
        uuid.uuid5(uuid.NAMESPACE_URL, f"{tick.header.id}/{wave.wave_id}/{phase.value}/{wave.action_index}")
    )
    automation_id = tick.ports.targets.ssm(target).start_automation(
        action.document_name, action.parameters, client_token=token
    )
    return AutomationWork(target=target, automation_id=automation_id)


def _any_target(tick: Tick, wave_id: str) -> DrsTarget:
    servers = tick.wave_servers(wave_id)
    if servers:
        return target_of(servers[0])
    first = next(s for ws in tick.servers.values() for s in ws)
    return target_of(first)


# -- following --------------------------------------------------------------------------------------
def _poll(tick: Tick, wave: WaveState, action: Action, result: InvocationResult | None) -> Outcome:
    work = wave.in_flight
    if isinstance(work, WaitWork) and isinstance(action, WaitAction):
        return _poll_wait(tick, wave, action)
    if isinstance(work, ApprovalWork):
        approved = wave.approved_at is not None and wave.approved_at >= (wave.action_started_at or tick.now)
        return (Gate.DONE, "approved") if approved else (Gate.RUNNING, "")
    if isinstance(work, LambdaWork):
        # no outcome yet when it was handed over in this very tick
        return _lambda_outcome(action, result) if result is not None else (Gate.RUNNING, "")
    tick.wait(tick.config.gate_poll_seconds)
    if isinstance(work, AutomationWork):
        return _poll_automation(tick, work)
    if isinstance(work, RunCommandWork) and isinstance(action, SsmRunCommandAction):
        return _poll_commands(tick, wave, action, work)
    return Gate.FAILED, f"in-flight {type(work).__name__} does not match a {action.type} action"


def _poll_wait(tick: Tick, wave: WaveState, action: WaitAction) -> Outcome:
    due = (wave.action_started_at or tick.now) + timedelta(seconds=action.seconds)
    if tick.now >= due:
        return Gate.DONE, f"waited {action.seconds} s"
    tick.wait((due - tick.now).total_seconds())
    return Gate.RUNNING, ""


def _lambda_outcome(action: Action, result: InvocationResult) -> Outcome:
    error = result.error
    if error is None:
        return Gate.DONE, "invoked"
    if error.error == TASK_TIMED_OUT:  # the state machine stopped waiting for the function
        return Gate.FAILED, f"timed out after {action.timeout_seconds} s"
    detail = f"{error.error}: {error.cause}" if error.cause else error.error
    return Gate.FAILED, f"the function failed: {detail}"


def _poll_automation(tick: Tick, work: AutomationWork) -> Outcome:
    status, message = tick.ports.targets.ssm(work.target).automation_status(work.automation_id)
    if status in PENDING_AUTOMATION_STATUSES:
        return Gate.RUNNING, ""
    if status == "Success":
        return Gate.DONE, f"automation {work.automation_id} succeeded"
    return Gate.FAILED, f"automation {work.automation_id} ended {status}: {message or ''}".strip()


def _part_instances(tick: Tick, wave_id: str, part: CommandPart) -> list[str]:
    """The instances one command of a Run Command action goes to."""
    for target, servers in instances(tick, wave_id):
        if target == part.target:
            ids = [s.recovery_instance_id for s in servers if s.recovery_instance_id]
            return ids[part.first_instance : part.first_instance + SEND_COMMAND_MAX_TARGETS]
    return []


def _commands(tick: Tick, wave_id: str, work: RunCommandWork) -> Iterator[tuple[DrsTarget, str, list[str]]]:
    """Each command a Run Command action sent: its target, id and instances."""
    for part in work.parts:
        if part.command_id is not None:
            yield part.target, part.command_id, _part_instances(tick, wave_id, part)


def _send(tick: Tick, wave: WaveState, action: SsmRunCommandAction, part: CommandPart) -> CommandPart:
    command_id = tick.ports.targets.ssm(part.target).send_command(
        action.document_name,
        _part_instances(tick, wave.wave_id, part),
        action.parameters,
        timeout_seconds=action.timeout_seconds,
        comment=f"{tick.header.id} {wave.wave_id} {action.name}"[:100],
    )
    return part.model_copy(update={"command_id": command_id})


def _send_commands(
    tick: Tick, wave: WaveState, action: SsmRunCommandAction, work: RunCommandWork
) -> CommandRefused | None:
    """Send the action's commands SSM has not taken yet; the refusal of one that it refused again."""
    parts: list[CommandPart] = []
    refused: CommandRefused | None = None
    for part in work.parts:
        if part.command_id is None and (refused is None or refused.instance_not_ready):
            try:
                part = _send(tick, wave, action, part)
            except CommandRefused as refusal:
                refused = refusal
        parts.append(part)
    if parts != work.parts:
        tick.set_wave(wave.wave_id, in_flight=RunCommandWork(parts=parts))
    return refused


def _poll_commands(tick: Tick, wave: WaveState, action: SsmRunCommandAction, work: RunCommandWork) -> Outcome:
    refused = _send_commands(tick, wave, action, work)
    wave = tick.waves[wave.wave_id]
    if refused is not None and not refused.instance_not_ready:
        _stop(tick, wave)  # what went to other instances before the refusal
        return Gate.FAILED, refused.describe()
    waiting = refused.describe() if refused is not None else ""  # names the refusal if it times out
    failed: list[str] = []
    sent = wave.in_flight if isinstance(wave.in_flight, RunCommandWork) else work
    for target, command_id, ids in _commands(tick, wave.wave_id, sent):
        outcomes = tick.ports.targets.ssm(target).command_outcomes(command_id, ids)
        if any(outcome.pending for outcome in outcomes.values()) or len(outcomes) < len(ids):
            return Gate.RUNNING, waiting
        failed += [f"{i}: {o.status}" for i, o in outcomes.items() if o.status != "Success"]
    if failed:
        return Gate.FAILED, "command failed on " + ", ".join(failed[:10])
    if refused is not None:
        return Gate.RUNNING, waiting
    return Gate.DONE, "command succeeded on every recovered instance"


def _stop(tick: Tick, wave: WaveState) -> None:
    """Stop on AWS what a timed-out SSM action left running (best effort: the port never raises)."""
    work = wave.in_flight
    if isinstance(work, AutomationWork):
        tick.ports.targets.ssm(work.target).stop_automation(work.automation_id)
    elif isinstance(work, RunCommandWork):
        for target, command_id, ids in _commands(tick, wave.wave_id, work):
            tick.ports.targets.ssm(target).cancel_command(command_id, ids)
