"""Notifications, EC2/SSM result classification and the Advance handler's reading of action results."""

from __future__ import annotations

from datetime import timedelta

import pytest

from drs_orchestration.domain.engine.invocations import ActionError, InvocationResult
from drs_orchestration.domain.engine.notices import notification
from drs_orchestration.domain.engine.ports import CommandOutcome, InstanceHealth, NoticeKind
from drs_orchestration.domain.models.drs import LaunchStatus
from drs_orchestration.domain.models.execution import ExecutionStatus, ServerState, WaveState, WaveStatus
from drs_orchestration.handlers.engine.advance import _invoke_result
from tests.unit.domain.builders import T0, header, server_id


def test_wave_failure_notification_names_the_wave_and_counts_its_servers_when_published() -> None:
    run = header(status=ExecutionStatus.RUNNING, started_at=T0, plan_name="shop-dr")
    wave = WaveState(
        execution_id="ex-1",
        wave_id="db",
        name="Databases",
        position=0,
        status=WaveStatus.FAILED,
        reason="1 critical server(s) failed to launch",
        started_at=T0,
        ended_at=T0 + timedelta(minutes=9),
    )
    servers = [
        ServerState(
            execution_id="ex-1",
            wave_id="db",
            source_server_id=server_id(1),
            launch_status=LaunchStatus.LAUNCHED,
        ),
        ServerState(
            execution_id="ex-1",
            wave_id="db",
            source_server_id=server_id(2),
            launch_status=LaunchStatus.FAILED,
        ),
    ]

    message = notification(
        NoticeKind.WAVE_FAILED, run, console_url="https://c.example.com/", wave=wave, servers=servers
    )

    assert message.subject == "Drill of shop-dr: wave Databases failed"
    assert message.body["counts"] == {"servers": 2, "launch": {"LAUNCHED": 1, "FAILED": 1}, "health": {}}
    assert message.body["wave"]["reason"] == "1 critical server(s) failed to launch"  # type: ignore[index,call-overload]
    assert message.body["consoleUrl"] == "https://c.example.com/executions/ex-1"


def test_subject_fits_sns_limit_when_the_plan_name_is_long() -> None:
    message = notification(NoticeKind.STARTED, header(plan_name="x" * 128), console_url=None)

    assert len(message.subject) == 100
    assert message.body["consoleUrl"] is None


@pytest.mark.parametrize(
    ("state", "system", "instance", "passed", "hopeless"),
    [
        ("running", "ok", "ok", True, False),
        ("running", "initializing", "initializing", False, False),
        ("pending", None, None, False, False),
        ("stopped", None, None, False, True),
        ("running", "impaired", "ok", False, True),
        (None, None, None, False, True),
    ],
)
def test_instance_is_judged_from_its_state_and_status_checks_when_probed(
    state: str | None, system: str | None, instance: str | None, passed: bool, hopeless: bool
) -> None:
    health = InstanceHealth(instance_id="i-1", state=state, system_status=system, instance_status=instance)

    assert (health.passed, health.hopeless) == (passed, hopeless)


@pytest.mark.parametrize(
    ("status", "pending"),
    [("Pending", True), ("InProgress", True), ("Success", False), ("Failed", False), ("TimedOut", False)],
)
def test_command_is_pending_until_it_ends_when_polled(status: str, pending: bool) -> None:
    assert CommandOutcome(instance_id="i-1", status=status).pending is pending


def test_action_result_carries_the_error_when_the_state_machine_caught_one() -> None:
    event = {
        "executionId": "ex-1",
        "invoke": {"waveId": "db", "index": 2},
        "invokeResult": {"Error": "ActionFailed", "Cause": "refused"},
    }

    assert _invoke_result(event) == InvocationResult(
        wave_id="db", index=2, error=ActionError(error="ActionFailed", cause="refused")
    )


def test_action_result_is_absent_when_nothing_was_invoked() -> None:
    assert _invoke_result({"executionId": "ex-1", "invoke": None}) is None
    assert _invoke_result(
        {
            "executionId": "ex-1",
            "invoke": {"waveId": "db", "index": 0},
            "invokeResult": {"StatusCode": 200},
        }
    ) == InvocationResult(wave_id="db", index=0)
