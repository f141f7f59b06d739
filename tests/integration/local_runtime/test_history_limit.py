"""Step Functions Standard's 25,000-event history limit, held to by the local runtime as AWS does."""

import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from moto.stepfunctions.parser.models import stepfunctions_parser_backends

from drs_local.history_limit import (
    HISTORY_LIMIT_ERROR,
    MAX_HISTORY_EVENTS,
    check_history_hooks,
    history_limit_cause,
)
from drs_local.step_functions import LocalStepFunctions
from drs_local.virtual_time import VirtualTime
from tests.integration.local_runtime.step_functions_aws import step_functions_aws

CAUSE = "The execution reached the maximum number of history events (25000)."
#: Pass states per round of the counting loop. They pass their input through untouched (no path to
#: evaluate), so a round is cheap: 2 events each, then 4 for the counter and its Choice.
TICKS = 86
EVENTS_PER_ROUND = 2 * TICKS + 4
#: ExecutionStarted, ParallelStateEntered, ParallelStateStarted; after the loop SucceedStateEntered,
#: SucceedStateExited, ParallelStateSucceeded, ParallelStateExited, ExecutionSucceeded.
EVENTS_AROUND_LOOP = 8
#: Scaled time's speed-up: a task's timeout of 10 days passes in 864 real seconds.
SCALE = 1000.0
#: The most rounds whose history fits: its ExecutionSucceeded is the 25,000th event.
ROUNDS_THAT_FIT = (MAX_HISTORY_EVENTS - EVENTS_AROUND_LOOP) // EVENTS_PER_ROUND


@pytest.fixture
def scaled_aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """The same on scaled time: a Parallel state's branches are not participants of virtual time, so a
    branch waiting for the clock would hold virtual time still."""
    yield from step_functions_aws(monkeypatch, LocalStepFunctions(time_scale=SCALE))


def _caught(function_arn: str) -> dict[str, Any]:
    """Where a Catch on States.ALL leads: a task that would show in the runtime's invocations."""
    return {
        "Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName": function_arn, "Payload": {"key": "caught"}},
        "End": True,
    }


def _guarded(branches: list[dict[str, Any]], function_arn: str) -> dict[str, Any]:
    """``branches`` in a Parallel state that retries and catches every error (States.ALL)."""
    return {
        "StartAt": "Guarded",
        "States": {
            "Guarded": {
                "Type": "Parallel",
                "Branches": branches,
                "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 1, "MaxAttempts": 2}],
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}],
                "End": True,
            },
            "Caught": _caught(function_arn),
        },
    }


def _counting_loop(then: dict[str, Any] | None = None) -> dict[str, Any]:
    """A branch that runs ``$.rounds`` rounds of cheap Pass states, each round ended by a counter,
    then ``then`` (by default, it succeeds)."""
    states: dict[str, Any] = {
        f"Tick{n}": {"Type": "Pass", "ResultPath": None, "Next": f"Tick{n + 1}" if n < TICKS else "Count"}
        for n in range(1, TICKS + 1)
    }
    states["Count"] = {
        "Type": "Pass",
        "Parameters": {"round.$": "States.MathAdd($.round, 1)", "rounds.$": "$.rounds"},
        "Next": "Again",
    }
    states["Again"] = {
        "Type": "Choice",
        "Choices": [{"Variable": "$.round", "NumericLessThanPath": "$.rounds", "Next": "Tick1"}],
        "Default": "Done",
    }
    states["Done"] = then or {"Type": "Succeed"}
    return {"StartAt": "Tick1", "States": states}


def _start(aws: dict[str, Any], definition: dict[str, Any], payload: dict[str, Any]) -> str:
    sfn = aws["sfn"]
    machine = sfn.create_state_machine(
        name=f"m-{uuid.uuid4().hex[:8]}", definition=json.dumps(definition), roleArn=aws["role_arn"]
    )["stateMachineArn"]
    started = sfn.start_execution(stateMachineArn=machine, name=uuid.uuid4().hex, input=json.dumps(payload))
    return str(started["executionArn"])


def _status(sfn: Any, execution_arn: str) -> str:
    return str(sfn.describe_execution(executionArn=execution_arn)["status"])


def _finish(virtual: VirtualTime, sfn: Any, execution_arn: str, limit: float = 60.0) -> dict[str, Any]:
    """Run until the execution ends, for at most ``limit`` simulated seconds."""
    virtual.run_until(lambda: _status(sfn, execution_arn) != "RUNNING", limit)
    described: dict[str, Any] = sfn.describe_execution(executionArn=execution_arn)
    return described


def _finish_scaled(sfn: Any, execution_arn: str, real_limit: float) -> dict[str, Any]:
    """Scaled time only: poll until the execution ends, for at most ``real_limit`` real seconds."""
    deadline = time.monotonic() + real_limit
    while time.monotonic() < deadline:
        described: dict[str, Any] = sfn.describe_execution(executionArn=execution_arn)
        if described["status"] != "RUNNING":
            return described
        time.sleep(0.05)
    raise AssertionError(f"execution still running after {real_limit} real seconds")


def _history(execution_arn: str) -> list[dict[str, Any]]:
    """The events GetExecutionHistory answers with, read from moto's Step Functions backend: through
    the API, moto serializes all 25,000 of them in one response, which takes some 10 s of CPU."""
    _, _, _, region, account, _ = execution_arn.split(":", 5)
    history = stepfunctions_parser_backends[account][region].get_execution_history(execution_arn)
    events: list[dict[str, Any]] = history["events"]
    return events


def _assert_failed_at_the_limit(described: dict[str, Any], history: list[dict[str, Any]]) -> None:
    assert described["status"] == "FAILED"
    assert (described["error"], described["cause"]) == (HISTORY_LIMIT_ERROR, CAUSE)
    assert [event["id"] for event in history] == list(range(1, MAX_HISTORY_EVENTS + 1))
    assert history[-1]["type"] == "ExecutionFailed"
    assert history[-1]["executionFailedEventDetails"] == {"error": HISTORY_LIMIT_ERROR, "cause": CAUSE}


def test_limit_is_aws_quota_and_its_hooks_exist_in_the_installed_moto() -> None:
    assert MAX_HISTORY_EVENTS == 25_000
    assert history_limit_cause() == CAUSE
    check_history_hooks()


def test_execution_succeeds_when_its_history_just_fits_the_limit(
    aws: dict[str, Any], virtual: VirtualTime
) -> None:
    # Given a loop of cheap states whose history, its end included, is exactly 25,000 events
    assert EVENTS_AROUND_LOOP + ROUNDS_THAT_FIT * EVENTS_PER_ROUND == MAX_HISTORY_EVENTS
    definition = _guarded([_counting_loop()], aws["function_arn"])
    execution_arn = _start(aws, definition, {"round": 0, "rounds": ROUNDS_THAT_FIT})

    # When it runs to its end
    described = _finish(virtual, aws["sfn"], execution_arn)

    # Then it succeeds, its last event being the 25,000th
    assert described["status"] == "SUCCEEDED", described
    assert json.loads(described["output"]) == [{"round": ROUNDS_THAT_FIT, "rounds": ROUNDS_THAT_FIT}]
    history = _history(execution_arn)
    assert (len(history), history[-1]["type"]) == (MAX_HISTORY_EVENTS, "ExecutionSucceeded")


def test_execution_fails_with_aws_error_when_its_history_passes_the_limit_even_under_a_catch_all(
    aws: dict[str, Any], virtual: VirtualTime
) -> None:
    # Given the same loop one round longer, inside a Parallel state that retries and catches States.ALL
    definition = _guarded([_counting_loop()], aws["function_arn"])
    execution_arn = _start(aws, definition, {"round": 0, "rounds": ROUNDS_THAT_FIT + 1})

    # When it runs
    described = _finish(virtual, aws["sfn"], execution_arn)

    # Then it fails as AWS fails it: States.Runtime, ExecutionFailed as the 25,000th and last event
    history = _history(execution_arn)
    _assert_failed_at_the_limit(described, history)
    # and the loop was cut short in its last round (3 + 142 x 176 events, then Tick1 and Tick2: 24,999),
    # no Retry or Catch ran, nor any other state
    last_state = history[-2]
    assert (last_state["type"], last_state["stateExitedEventDetails"]["name"]) == ("PassStateExited", "Tick2")
    assert aws["runtime"].invocations == []


def test_a_task_waiting_for_its_token_is_abandoned_when_a_parallel_branch_fills_the_history(
    scaled_aws: dict[str, Any],
) -> None:
    # Given a branch that waits up to 10 days for a task token, beside a loop twice too long to fit
    aws = scaled_aws
    waiting = {
        "StartAt": "WaitForToken",
        "States": {
            "WaitForToken": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
                "Parameters": {
                    "FunctionName": aws["function_arn"],
                    "Payload": {"key": "waiting", "token.$": "$$.Task.Token"},
                },
                "TimeoutSeconds": 864_000,
                "End": True,
            }
        },
    }
    definition = _guarded([waiting, _counting_loop()], aws["function_arn"])
    execution_arn = _start(aws, definition, {"round": 0, "rounds": 2 * ROUNDS_THAT_FIT})

    # When the history fills up: the run ends well within the task's timeout (864 real seconds)
    described = _finish_scaled(aws["sfn"], execution_arn, real_limit=120.0)

    # Then the execution failed at the limit; the task was started once and its wait abandoned
    _assert_failed_at_the_limit(described, _history(execution_arn))
    assert [event["key"] for _, event in aws["runtime"].invocations] == ["waiting"]


def test_a_task_whose_start_would_pass_the_limit_never_invokes_its_function(
    aws: dict[str, Any], virtual: VirtualTime
) -> None:
    # Given two Pass states and 142 rounds of the loop, then a Lambda task: ExecutionStarted, 4 + 142 x 176
    # events, TaskStateEntered and TaskScheduled make 24,999, so the task's TaskStarted would be the 25,000th
    rounds = 142
    assert 1 + 2 * 2 + rounds * EVENTS_PER_ROUND + 2 == MAX_HISTORY_EVENTS - 1
    loop = _counting_loop(then=_caught(aws["function_arn"]))
    pads = {
        "Pad1": {"Type": "Pass", "ResultPath": None, "Next": "Pad2"},
        "Pad2": {"Type": "Pass", "ResultPath": None, "Next": loop["StartAt"]},
    }
    definition = {"StartAt": "Pad1", "States": pads | loop["States"]}
    execution_arn = _start(aws, definition, {"round": 0, "rounds": rounds})

    # When it runs
    described = _finish(virtual, aws["sfn"], execution_arn)

    # Then the execution fails at the limit with the task scheduled but never started
    history = _history(execution_arn)
    _assert_failed_at_the_limit(described, history)
    assert history[-2]["type"] == "TaskScheduled"
    assert aws["runtime"].invocations == []
