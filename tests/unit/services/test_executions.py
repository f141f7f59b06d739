"""Starting and steering runs against the in-memory repositories and runner: the rules, not the wiring."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from drs_orchestration.adapters.memory import (
    InMemoryAccountRepository,
    InMemoryAuditRepository,
    InMemoryExecutionRepository,
    InMemoryProtectionGroupRepository,
    InMemoryRecoveryPlanRepository,
)
from drs_orchestration.adapters.runner.in_memory_execution_runner import InMemoryExecutionRunner
from drs_orchestration.domain.errors import Conflict, NotFound, ValidationFailed
from drs_orchestration.domain.models.drs import DrsTarget
from drs_orchestration.domain.models.execution import (
    ExecutionMode,
    ExecutionStatus,
    StartExecutionRequest,
    WaveState,
    WaveStatus,
)
from drs_orchestration.domain.ports import DrsGateway, RunnerSignal
from drs_orchestration.domain.services.context import Request, Services
from drs_orchestration.domain.services.executions import (
    EngineUnavailable,
    start_execution,
    steer_execution,
    steer_wave,
)
from drs_orchestration.domain.services.recovery_plans import delete_recovery_plan
from tests.unit.domain.builders import ACCOUNT, T0, plan, wave


class NoDrs:
    """These use cases must not reach DRS."""

    def for_target(self, target: DrsTarget) -> DrsGateway:
        raise AssertionError(f"DRS called for {target}")


class FailingRunner(InMemoryExecutionRunner):
    def start(self, execution_id: str) -> str:
        raise RuntimeError("state machine missing")


def services(runner_type: type[InMemoryExecutionRunner] | None = InMemoryExecutionRunner) -> Services:
    executions = InMemoryExecutionRepository()
    plans = InMemoryRecoveryPlanRepository()
    plans.create(plan(wave("db"), wave("app", "db")))
    return Services(
        groups=InMemoryProtectionGroupRepository(),
        plans=plans,
        executions=executions,
        accounts=InMemoryAccountRepository(),
        audit=InMemoryAuditRepository(),
        drs=NoDrs(),
        runner=runner_type(executions) if runner_type else None,
        home_account_id=ACCOUNT,
    )


REQUEST = Request(actor="op", now=T0)
LATER = Request(actor="op", now=T0 + timedelta(seconds=1))
"""Steering comes after the start: event ids sort by time."""


def runner_of(ports: Services) -> InMemoryExecutionRunner:
    assert isinstance(ports.runner, InMemoryExecutionRunner)
    return ports.runner


def start(ports: Services, **body: Any) -> str:
    request = StartExecutionRequest.model_validate({"planId": "rp-shop", "mode": "DRILL", **body})
    return start_execution(ports, REQUEST, request).execution_id


def test_run_is_written_pending_with_its_waves_and_handed_to_the_runner() -> None:
    ports = services()
    execution_id = start(ports)
    header = ports.executions.get_header(execution_id)
    assert header.status is ExecutionStatus.PENDING
    assert header.plan_snapshot.id == "rp-shop"
    assert [w.wave_id for w in ports.executions.get_waves(execution_id)] == ["db", "app"]
    assert [(c.operation, c.execution_id) for c in runner_of(ports).calls] == [("start", execution_id)]


def test_recovery_is_refused_naming_the_field_when_the_confirmation_differs() -> None:
    with pytest.raises(ValidationFailed) as refused:
        start(services(), mode="RECOVERY", confirmPlanName="shop")
    assert [f.name for f in refused.value.fields] == ["confirmPlanName"]


def test_second_run_of_a_plan_is_a_conflict_while_the_first_is_active() -> None:
    ports = services()
    start(ports)
    with pytest.raises(Conflict):
        start(ports)
    with pytest.raises(Conflict):
        delete_recovery_plan(ports, REQUEST, "rp-shop", None)


def test_run_is_marked_failed_when_the_engine_does_not_start_it() -> None:
    ports = services(FailingRunner)
    with pytest.raises(EngineUnavailable):
        start(ports)
    (header,) = ports.executions.list_headers().items
    assert header.status is ExecutionStatus.FAILED
    assert ports.executions.list_active() == []


def test_nothing_is_written_when_no_engine_is_configured() -> None:
    ports = services(None)
    with pytest.raises(EngineUnavailable):
        start(ports)
    assert ports.executions.list_headers().items == []


def _set(ports: Services, execution_id: str, status: ExecutionStatus, **waves: WaveStatus) -> None:
    states = [
        WaveState(
            execution_id=execution_id,
            wave_id=wave_id,
            name=wave_id,
            position=position,
            status=waves.get(wave_id, WaveStatus.PENDING),
        )
        for position, wave_id in enumerate(("db", "app"))
    ]
    runner_of(ports).advance(execution_id, status, at=T0, waves=states)


@pytest.mark.parametrize(
    ("status", "signal", "allowed"),
    [
        (ExecutionStatus.RUNNING, RunnerSignal.PAUSE, True),
        (ExecutionStatus.PAUSED, RunnerSignal.PAUSE, False),
        (ExecutionStatus.PAUSED, RunnerSignal.RESUME, True),
        (ExecutionStatus.RUNNING, RunnerSignal.RESUME, False),
        (ExecutionStatus.WAITING_APPROVAL, RunnerSignal.CANCEL, True),
        (ExecutionStatus.SUCCEEDED, RunnerSignal.CANCEL, False),
        (ExecutionStatus.CANCELLING, RunnerSignal.CANCEL, False),
    ],
)
def test_steering_follows_the_run_status(
    status: ExecutionStatus, signal: RunnerSignal, allowed: bool
) -> None:
    ports = services()
    execution_id = start(ports)
    _set(ports, execution_id, status)
    if allowed:
        steer_execution(ports, LATER, execution_id, signal)
        assert runner_of(ports).calls[-1].signal is signal
    else:
        with pytest.raises(Conflict):
            steer_execution(ports, LATER, execution_id, signal)
        assert runner_of(ports).calls[-1].operation == "start"


@pytest.mark.parametrize(
    ("status", "wave_status", "verb", "allowed"),
    [
        (ExecutionStatus.FAILED, WaveStatus.FAILED, "retry", True),
        (ExecutionStatus.RUNNING, WaveStatus.LAUNCHING, "retry", False),
        (ExecutionStatus.RUNNING, WaveStatus.PENDING, "skip", True),
        (ExecutionStatus.RUNNING, WaveStatus.COMPLETED, "skip", False),
        (ExecutionStatus.WAITING_APPROVAL, WaveStatus.PENDING, "approve", True),
        (ExecutionStatus.RUNNING, WaveStatus.PENDING, "approve", False),
        (ExecutionStatus.CANCELLED, WaveStatus.FAILED, "retry", False),
    ],
)
def test_wave_steering_follows_the_wave_and_run_status(
    status: ExecutionStatus, wave_status: WaveStatus, verb: str, allowed: bool
) -> None:
    ports = services()
    execution_id = start(ports)
    _set(ports, execution_id, status, db=wave_status)
    if allowed:
        steer_wave(ports, LATER, execution_id, "db", verb)
        assert runner_of(ports).calls[-1].signal is RunnerSignal.WAKE
        events = ports.executions.list_events(execution_id).items
        assert events[-1].wave_id == "db"
        assert events[-1].actor == "op"
    else:
        with pytest.raises(Conflict):
            steer_wave(ports, LATER, execution_id, "db", verb)


def test_unknown_wave_is_not_found() -> None:
    ports = services()
    execution_id = start(ports)
    with pytest.raises(NotFound):
        steer_wave(ports, LATER, execution_id, "nope", "skip")


def test_drill_mode_is_recorded_on_the_run() -> None:
    ports = services()
    execution_id = start(ports)
    assert ports.executions.get_header(execution_id).mode is ExecutionMode.DRILL
