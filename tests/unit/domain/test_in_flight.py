"""A wave's in-flight work is typed; what the previous release stored as strings reads back typed."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from drs_orchestration.domain.models.drs import DrsTarget
from drs_orchestration.domain.models.execution import ExecutionHeader, WaveState
from drs_orchestration.domain.models.in_flight import (
    ApprovalWork,
    AutomationWork,
    CommandPart,
    InFlight,
    LambdaWork,
    PauseBeforeWork,
    RunCommandWork,
    WaitWork,
    legacy_in_flight,
)
from tests.unit.domain.builders import ACCOUNT, REGION, header

HOME = DrsTarget(account_id=ACCOUNT, region=REGION)
OTHER = DrsTarget(account_id="444455556666", region="eu-west-1")


@pytest.mark.parametrize(
    ("ref", "work"),
    [
        (None, None),
        ("wait", WaitWork()),
        ("approval", ApprovalWork()),
        ("pause-before", PauseBeforeWork()),
        ("lambda:pending", LambdaWork()),
        (f"{ACCOUNT}/{REGION}|auto-1", AutomationWork(target=HOME, automation_id="auto-1")),
        (
            f"{ACCOUNT}/{REGION}|cmd-1|0;{ACCOUNT}/{REGION}||50;444455556666/eu-west-1|cmd-2|0",
            RunCommandWork(
                parts=[
                    CommandPart(target=HOME, command_id="cmd-1", first_instance=0),
                    CommandPart(target=HOME, command_id=None, first_instance=50),
                    CommandPart(target=OTHER, command_id="cmd-2", first_instance=0),
                ]
            ),
        ),
    ],
)
def test_a_previous_release_wave_reads_its_action_ref_typed_when_loaded(
    ref: str | None, work: InFlight
) -> None:
    stored = {"executionId": "ex-1", "waveId": "db", "name": "Db", "position": 0, "actionRef": ref}

    wave = WaveState.model_validate(stored)

    assert wave.in_flight == work
    assert legacy_in_flight(ref) == work
    assert "actionRef" not in wave.model_dump_json()


def test_in_flight_work_round_trips_by_its_kind_when_dumped_and_loaded() -> None:
    wave = WaveState(
        execution_id="ex-1",
        wave_id="db",
        name="Db",
        position=0,
        in_flight=RunCommandWork(parts=[CommandPart(target=HOME, command_id="cmd-1")]),
    )

    assert WaveState.model_validate_json(wave.model_dump_json()) == wave
    assert wave.to_json()["inFlight"]["kind"] == "SSM_RUN_COMMAND"


def test_a_run_command_without_commands_is_refused_when_built() -> None:
    with pytest.raises(ValidationError):
        RunCommandWork(parts=[])


def test_a_previous_release_header_reads_job_targets_typed_when_loaded() -> None:
    stored = header().to_json() | {
        "activeJobs": {"drsjob-1": f"{ACCOUNT}/{REGION}"},
        "handledRequests": ["e1"],
    }
    stored.pop("requestCursor")

    loaded = ExecutionHeader.model_validate(stored)

    assert loaded.active_jobs == {"drsjob-1": HOME}
    assert loaded.handled_requests == ["e1"]
    assert loaded.request_cursor == 0
