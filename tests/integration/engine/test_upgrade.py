"""Runs in flight across an upgrade: items the previous release wrote (in-flight work in an
``actionRef`` string, job targets as ``account/region`` strings, requests as timeline events) are read
by the current engine, which takes each run to its end without redoing what was already done."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from drs_orchestration.domain.engine.invocations import ActionPhase, InvocationResult
from drs_orchestration.domain.models.actions import (
    ApprovalAction,
    LambdaAction,
    SsmAutomationAction,
    SsmRunCommandAction,
)
from drs_orchestration.domain.models.drs import LaunchStatus
from drs_orchestration.domain.models.execution import (
    EventType,
    ExecutionEvent,
    ExecutionStatus,
    ServerState,
    WaveStatus,
)
from drs_orchestration.domain.models.in_flight import AutomationWork, CommandPart, RunCommandWork
from drs_orchestration.domain.models.operator_requests import OperatorRequest, RequestType
from drs_orchestration.domain.models.recovery_plan import RecoveryPlan
from tests.integration.api.aws_tables import moto_with_tables
from tests.integration.engine.previous_release import OLD_TARGET_KEY, TARGET, PreviousRelease
from tests.unit.domain.builders import ACCOUNT, REGION, T0, group, plan, server_id, wave

SERVERS = [server_id(1), server_id(2)]
LATER = T0 + timedelta(minutes=5)


@pytest.fixture
def old(monkeypatch: pytest.MonkeyPatch) -> Iterator[PreviousRelease]:
    with moto_with_tables(monkeypatch, REGION, "upgrade") as names:
        release = PreviousRelease(names["EXECUTIONS_TABLE"])
        release.groups.create(group("pg-app", source_server_ids=SERVERS))
        yield release


def _plan(**wave_fields: object) -> RecoveryPlan:
    return plan(wave("app", groups=("pg-app",), health_check=None, **wave_fields))


def _servers(execution_id: str, *, launched: bool) -> list[ServerState]:
    return [
        ServerState(
            execution_id=execution_id,
            wave_id="app",
            source_server_id=sid,
            account_id=ACCOUNT,
            region=REGION,
            **(
                {
                    "batch_id": "b-1",
                    "job_id": "drsjob-old",
                    "launch_status": LaunchStatus.LAUNCHED,
                    "recovery_instance_id": f"i-{n}",
                }
                if launched
                else {}
            ),
        )
        for n, sid in enumerate(SERVERS)
    ]


def _write(
    old: PreviousRelease, execution_id: str, snapshot: RecoveryPlan, *, launched: bool, **header: object
) -> None:
    old.write_header(execution_id, snapshot, **header)  # type: ignore[arg-type]
    for server in _servers(execution_id, launched=launched):
        old.write_server(server)


def _launched_once(old: PreviousRelease) -> bool:
    return old.drs.launches(TARGET) == dict.fromkeys(SERVERS, 1)


def test_a_run_mid_run_command_finishes_without_sending_the_command_again_when_upgraded(
    old: PreviousRelease,
) -> None:
    # Given a wave whose post action's command was sent by the previous release and is still running
    smoke = SsmRunCommandAction(name="smoke", document_name="Smoke")
    _write(old, "ex-cmd", _plan(post_actions=[smoke]), launched=True, status=ExecutionStatus.RUNNING)
    old.write_wave(
        "ex-cmd", "app", status="POST_ACTIONS", action_ref=f"{OLD_TARGET_KEY}|cmd-old|0", launched=True
    )
    old.targets.ssm_gateway.outcomes["cmd-old"] = "InProgress"

    # When the current engine reads it, the command still running
    old.tick("ex-cmd", LATER)

    # Then it follows that command, now typed
    wave = old.executions.get_waves("ex-cmd")[0]
    assert wave.in_flight == RunCommandWork(
        parts=[CommandPart(target=TARGET, command_id="cmd-old", first_instance=0)]
    )
    # and once it succeeds the run ends SUCCEEDED, the command never sent again
    old.targets.ssm_gateway.outcomes["cmd-old"] = "Success"
    header = old.drive("ex-cmd", LATER + timedelta(seconds=10))
    assert header.status is ExecutionStatus.SUCCEEDED
    assert old.targets.ssm_gateway.sent == []
    assert "actionRef" not in old.raw_wave("ex-cmd", "app")["doc"]["S"]


def test_a_run_command_the_previous_release_had_not_sent_yet_is_sent_once_when_upgraded(
    old: PreviousRelease,
) -> None:
    smoke = SsmRunCommandAction(name="smoke", document_name="Smoke")
    _write(old, "ex-unsent", _plan(post_actions=[smoke]), launched=True, status=ExecutionStatus.RUNNING)
    old.write_wave(
        "ex-unsent", "app", status="POST_ACTIONS", action_ref=f"{OLD_TARGET_KEY}||0", launched=True
    )

    header = old.drive("ex-unsent", LATER)

    assert header.status is ExecutionStatus.SUCCEEDED
    assert old.targets.ssm_gateway.sent == [("Smoke", ["i-0", "i-1"])]


def test_a_run_mid_automation_launches_after_it_without_starting_another_when_upgraded(
    old: PreviousRelease,
) -> None:
    # Given a wave whose pre action's automation the previous release started
    prep = SsmAutomationAction(name="prep", document_name="Prep")
    _write(old, "ex-auto", _plan(pre_actions=[prep]), launched=False, status=ExecutionStatus.RUNNING)
    old.write_wave("ex-auto", "app", status="PRE_ACTIONS", action_ref=f"{OLD_TARGET_KEY}|auto-old")
    old.targets.ssm_gateway.automations["auto-old"] = "InProgress"

    old.tick("ex-auto", LATER)
    assert old.executions.get_waves("ex-auto")[0].in_flight == AutomationWork(
        target=TARGET, automation_id="auto-old"
    )
    old.targets.ssm_gateway.automations["auto-old"] = "Success"
    header = old.drive("ex-auto", LATER + timedelta(seconds=10))

    # Then the wave launched once its automation succeeded, and no automation was started again
    assert header.status is ExecutionStatus.SUCCEEDED
    assert old.targets.ssm_gateway.started == []
    assert _launched_once(old)


def test_an_approval_the_previous_release_recorded_is_acted_on_when_upgraded(old: PreviousRelease) -> None:
    # Given a run waiting on an APPROVAL action, and an approval recorded as an unhandled timeline event
    go = ApprovalAction(name="go", message="proceed?")
    snapshot = _plan(pre_actions=[go])
    _write(
        old,
        "ex-appr",
        snapshot,
        launched=False,
        status=ExecutionStatus.WAITING_APPROVAL,
        handled_requests=["e-0"],
    )
    old.write_wave("ex-appr", "app", status="PRE_ACTIONS", action_ref="approval")
    old.write_request_event("ex-appr", "e-0", "PAUSE_REQUESTED")  # acted on before the upgrade
    old.write_request_event("ex-appr", "e-1", "APPROVAL_GRANTED", wave_id="app")

    header = old.drive("ex-appr", LATER)

    # Then the approval let the wave go on; the request acted on before the upgrade was not redone
    assert header.status is ExecutionStatus.SUCCEEDED
    assert header.handled_requests is None
    assert _launched_once(old)
    events = [e.type for e in old.executions.list_events("ex-appr", limit=500).items]
    assert EventType.EXECUTION_PAUSED not in events


def test_a_wave_paused_before_it_starts_goes_on_when_approved_after_the_upgrade(old: PreviousRelease) -> None:
    # Given a wave waiting for approval before it starts, as the previous release stored it
    snapshot = _plan(pause_before=True)
    _write(old, "ex-pause", snapshot, launched=False, status=ExecutionStatus.WAITING_APPROVAL)
    old.write_wave("ex-pause", "app", status="PENDING", action_ref="pause-before")
    step = old.tick("ex-pause", LATER)
    assert not step.done
    assert old.executions.get_header("ex-pause").status is ExecutionStatus.WAITING_APPROVAL

    # When an operator approves it through the current API's request items
    at = LATER + timedelta(seconds=1)
    event = ExecutionEvent(
        execution_id="ex-pause",
        event_id="e-new",
        at=at,
        type=EventType.APPROVAL_GRANTED,
        message="approve",
        actor="bob",
    )
    request = OperatorRequest(
        execution_id="ex-pause", type=RequestType.APPROVE, at=at, actor="bob", wave_id="app"
    )
    old.executions.add_request(request, event)
    header = old.drive("ex-pause", at)

    assert header.status is ExecutionStatus.SUCCEEDED
    assert header.request_cursor == 1
    assert _launched_once(old)


def _mid_launch(old: PreviousRelease, execution_id: str) -> None:
    """A wave LAUNCHING with a DRS job running, its target stored as the previous release did."""
    job = old.drs.for_target(TARGET).start_recovery(SERVERS, is_drill=True, tags={})
    _write(
        old,
        execution_id,
        _plan(),
        launched=False,
        status=ExecutionStatus.RUNNING,
        active_jobs={job.job_id: OLD_TARGET_KEY},
    )
    for server in _servers(execution_id, launched=False):
        old.write_server(
            server.model_copy(
                update={"batch_id": "b-1", "job_id": job.job_id, "launch_status": LaunchStatus.PENDING}
            )
        )
    old.write_batch(
        execution_id,
        {
            "executionId": execution_id,
            "batchId": "b-1",
            "waveId": "app",
            "sourceServerIds": SERVERS,
            "status": "STARTED",
            "jobId": job.job_id,
            "requestedAt": "2026-01-01T12:00:00.000000Z",
            "attempt": 0,
            "accountId": ACCOUNT,
            "region": REGION,
        },
    )
    old.write_wave(execution_id, "app", status="LAUNCHING", action_ref=None)


def test_an_unhandled_pause_of_the_previous_release_pauses_the_run_until_resumed_when_upgraded(
    old: PreviousRelease,
) -> None:
    # Given a run mid launch with a pause recorded as a timeline event the engine had not acted on
    _mid_launch(old, "ex-paused")
    old.write_request_event("ex-paused", "e-1", "PAUSE_REQUESTED")

    old.tick("ex-paused", LATER)

    # Then the run is paused, and its job still followed
    header = old.executions.get_header("ex-paused")
    assert header.status is ExecutionStatus.PAUSED
    assert header.active_jobs == dict.fromkeys(header.active_jobs, TARGET)
    old.drs.finish_jobs(TARGET)
    old.tick("ex-paused", LATER + timedelta(seconds=30))
    assert old.executions.get_header("ex-paused").status is ExecutionStatus.PAUSED
    # and resumed through the current API's request items, it ends SUCCEEDED, each server launched once
    at = LATER + timedelta(minutes=1)
    event = ExecutionEvent(
        execution_id="ex-paused",
        event_id="e-2",
        at=at,
        type=EventType.RESUME_REQUESTED,
        message="resume",
        actor="bob",
    )
    old.executions.add_request(
        OperatorRequest(execution_id="ex-paused", type=RequestType.RESUME, at=at, actor="bob"), event
    )
    assert old.drive("ex-paused", at).status is ExecutionStatus.SUCCEEDED
    assert _launched_once(old)


def test_an_unhandled_cancel_of_the_previous_release_cancels_after_the_running_job_when_upgraded(
    old: PreviousRelease,
) -> None:
    _mid_launch(old, "ex-cancel")
    old.write_request_event("ex-cancel", "e-1", "CANCEL_REQUESTED")

    old.tick("ex-cancel", LATER)
    assert old.executions.get_header("ex-cancel").status is ExecutionStatus.CANCELLING
    header = old.drive("ex-cancel", LATER + timedelta(seconds=30))

    assert header.status is ExecutionStatus.CANCELLED
    assert header.status_reason == "cancelled by alice"
    assert old.executions.get_waves("ex-cancel")[0].status is WaveStatus.SKIPPED


def test_a_lambda_action_the_previous_release_handed_over_completes_with_its_result_when_upgraded(
    old: PreviousRelease,
) -> None:
    # Given a post action's function invoked by the state machine for the previous release's step
    notify = LambdaAction(name="notify", function_arn=f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:notify")
    _write(old, "ex-fn", _plan(post_actions=[notify]), launched=True, status=ExecutionStatus.RUNNING)
    old.write_wave("ex-fn", "app", status="POST_ACTIONS", action_ref="lambda:pending", launched=True)

    # When its result reaches the current engine
    step = old.tick("ex-fn", LATER, InvocationResult(wave_id="app", phase=ActionPhase.POST, index=0))

    # Then the action is done and the run ends without invoking it again
    assert step.done
    assert step.invoke is None
    assert old.executions.get_header("ex-fn").status is ExecutionStatus.SUCCEEDED
