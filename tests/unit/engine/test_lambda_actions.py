"""Lambda actions go through the state machine one invocation a step; each outcome reaches only the
action it belongs to, and a failure arrives structured (error and cause)."""

from __future__ import annotations

from datetime import timedelta

from drs_orchestration.domain.engine.engine import StepResult, advance, initialize
from drs_orchestration.domain.engine.invocations import ActionError, ActionPhase, InvocationResult
from drs_orchestration.domain.models.actions import LambdaAction
from drs_orchestration.domain.models.execution import WaveState, WaveStatus
from drs_orchestration.domain.models.in_flight import LambdaWork
from tests.unit.domain.builders import ACCOUNT, REGION, T0, group, header, plan, server_id, wave
from tests.unit.engine.test_launch_lease import Account

GATE = LambdaAction(name="gate", function_arn=f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:gate")


def _two_parallel_waves(account: Account) -> str:
    for n, wave_id in enumerate("ab"):
        account.groups.create(group(f"pg-{wave_id}", source_server_ids=[server_id(n)]))
    snapshot = plan(
        *(wave(w, groups=(f"pg-{w}",), health_check=None, pre_actions=[GATE]) for w in "ab"), id="rp-x"
    )
    account.executions.create(
        header("ex-x", snapshot),
        [WaveState(execution_id="ex-x", wave_id=w, name=w.upper(), position=i) for i, w in enumerate("ab")],
        [],
    )
    initialize(account.ports, account.config, "ex-x", T0)
    return "ex-x"


def _step(account: Account, seconds: int, result: InvocationResult | None = None) -> StepResult:
    return advance(account.ports, account.config, "ex-x", T0 + timedelta(seconds=seconds), result)


def test_an_outcome_reaches_only_its_own_wave_when_two_waves_wait_on_functions() -> None:
    # Given two waves starting at once, each gated by a function
    account = Account()
    _two_parallel_waves(account)
    first = _step(account, 1)
    assert first.invoke is not None
    assert first.invoke.wave_id == "a"

    # When wave a's function fails, with the state machine's error and cause
    failure = ActionError(error="ActionFailed", cause="refused a")
    second = _step(account, 2, InvocationResult(wave_id="a", phase=ActionPhase.PRE, index=0, error=failure))

    # Then only wave a failed, naming the error and cause; wave b's function is handed over, still pending
    waves = {w.wave_id: w for w in account.executions.get_waves("ex-x")}
    assert waves["a"].status is WaveStatus.FAILED
    assert waves["a"].reason == "pre action 'gate' failed: the function failed: ActionFailed: refused a"
    assert second.invoke is not None
    assert second.invoke.wave_id == "b"
    assert waves["b"].status is WaveStatus.PRE_ACTIONS
    assert isinstance(waves["b"].in_flight, LambdaWork)

    # and when b's succeeds, b launches without its function being handed over again
    third = _step(account, 3, InvocationResult(wave_id="b", phase=ActionPhase.PRE, index=0))
    assert third.invoke is None
    assert account.executions.get_waves("ex-x")[1].status is WaveStatus.LAUNCHING


def test_a_function_is_handed_over_again_when_its_outcome_was_lost() -> None:
    # Given a wave whose function was handed over, and a step that brings no outcome (a retried step)
    account = Account()
    _two_parallel_waves(account)
    _step(account, 1)

    again = _step(account, 2)

    assert again.invoke is not None
    assert (again.invoke.wave_id, again.invoke.index) == ("a", 0)


def test_a_timed_out_invocation_fails_the_action_on_its_timeout_when_the_state_machine_gave_up() -> None:
    account = Account()
    _two_parallel_waves(account)
    _step(account, 1)
    timed_out = ActionError(error="States.Timeout", cause="")

    _step(account, 2, InvocationResult(wave_id="a", phase=ActionPhase.PRE, index=0, error=timed_out))

    wave_a = account.executions.get_waves("ex-x")[0]
    assert wave_a.reason == f"pre action 'gate' failed: timed out after {GATE.timeout_seconds} s"
