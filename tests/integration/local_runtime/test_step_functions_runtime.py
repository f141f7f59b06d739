"""Real ASL on moto's interpreter: in-process Lambda tasks, virtual and scaled time, task tokens."""

import json
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from drs_local.step_functions import LocalStepFunctions, check_hooks
from drs_local.virtual_time import VirtualTime
from tests.integration.local_runtime.step_functions_aws import step_functions_aws

SCALE = 200.0


@pytest.fixture
def scaled_aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    yield from step_functions_aws(monkeypatch, LocalStepFunctions(time_scale=SCALE))


def _run(aws: dict[str, Any], definition: dict[str, Any], payload: dict[str, Any]) -> str:
    sfn = aws["sfn"]
    machine = sfn.create_state_machine(
        name=f"m-{uuid.uuid4().hex[:8]}", definition=json.dumps(definition), roleArn=aws["role_arn"]
    )["stateMachineArn"]
    return str(
        sfn.start_execution(stateMachineArn=machine, name=uuid.uuid4().hex, input=json.dumps(payload))[
            "executionArn"
        ]
    )


def _describe(sfn: Any, execution_arn: str) -> dict[str, Any]:
    described: dict[str, Any] = sfn.describe_execution(executionArn=execution_arn)
    return described


def _finish(virtual: VirtualTime, sfn: Any, execution_arn: str, limit: float = 7200.0) -> dict[str, Any]:
    """Run until the execution ends, for at most ``limit`` simulated seconds."""
    virtual.run_until(lambda: _describe(sfn, execution_arn)["status"] != "RUNNING", limit)
    return _describe(sfn, execution_arn)


def _finish_scaled(sfn: Any, execution_arn: str, limit: float = 10.0) -> dict[str, Any]:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        described = _describe(sfn, execution_arn)
        if described["status"] != "RUNNING":
            return described
        time.sleep(0.02)
    raise AssertionError(f"execution still running after {limit} s")


def test_hooks_exist_in_the_installed_moto() -> None:
    check_hooks()


def test_lambda_task_runs_the_real_handler_in_process_and_retries_on_the_clock_when_it_raises(
    aws: dict[str, Any], virtual: VirtualTime
) -> None:
    # Given a task that fails twice with a retry interval of 20 s
    definition = {
        "StartAt": "Count",
        "States": {
            "Count": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": aws["function_arn"], "Payload.$": "$"},
                "OutputPath": "$.Payload",
                "Retry": [{"ErrorEquals": ["FlakyError"], "IntervalSeconds": 20, "MaxAttempts": 3}],
                "End": True,
            }
        },
    }
    started = virtual.clock.now()
    # When it runs
    result = _finish(virtual, aws["sfn"], _run(aws, definition, {"key": uuid.uuid4().hex, "failTimes": 2}))
    # Then the handler's third attempt succeeds after 20 s + 40 s of backoff on the clock
    assert result["status"] == "SUCCEEDED", result
    output = json.loads(result["output"])
    assert output.get("attempts") == 3, output
    assert output["function"] == "counter"
    assert (virtual.clock.now() - started).total_seconds() == 60


def test_handler_error_reaches_catch_with_the_exception_name(
    aws: dict[str, Any], virtual: VirtualTime
) -> None:
    definition = {
        "StartAt": "Count",
        "States": {
            "Count": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": aws["function_arn"], "Payload.$": "$"},
                "Catch": [{"ErrorEquals": ["FlakyError"], "ResultPath": "$.error", "Next": "Caught"}],
                "End": True,
            },
            "Caught": {"Type": "Pass", "End": True},
        },
    }
    result = _finish(virtual, aws["sfn"], _run(aws, definition, {"key": uuid.uuid4().hex, "failTimes": 1}))
    assert result["status"] == "SUCCEEDED"
    error = json.loads(result["output"])["error"]
    assert error["Error"] == "FlakyError"
    assert "attempt 1" in json.loads(error["Cause"])["errorMessage"]


def test_wait_state_lasts_its_seconds_on_the_virtual_clock(aws: dict[str, Any], virtual: VirtualTime) -> None:
    # A 600 s wait ends exactly 600 simulated seconds later, and not a moment before
    definition = {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 600, "End": True}}}
    started = virtual.clock.now()
    execution = _run(aws, definition, {})
    virtual.run_for(599)
    assert _describe(aws["sfn"], execution)["status"] == "RUNNING"
    result = _finish(virtual, aws["sfn"], execution)
    assert result["status"] == "SUCCEEDED"
    assert (virtual.clock.now() - started).total_seconds() == 600


def test_wait_state_is_scaled(scaled_aws: dict[str, Any]) -> None:
    # A 600 s wait takes 3 s at scale 200; it must neither be skipped nor take real time.
    definition = {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 600, "End": True}}}
    started = time.monotonic()
    result = _finish_scaled(scaled_aws["sfn"], _run(scaled_aws, definition, {}))
    elapsed = time.monotonic() - started
    assert result["status"] == "SUCCEEDED"
    assert 2.5 <= elapsed < 6


def _token_machine(function_arn: str) -> dict[str, Any]:
    return {
        "StartAt": "Approve",
        "States": {
            "Approve": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
                "Parameters": {
                    "FunctionName": function_arn,
                    "Payload": {"key.$": "$$.Execution.Name", "token.$": "$$.Task.Token"},
                },
                "TimeoutSeconds": 3600,
                "Catch": [{"ErrorEquals": ["States.Timeout"], "ResultPath": "$.error", "Next": "TimedOut"}],
                "End": True,
            },
            "TimedOut": {"Type": "Fail", "Error": "ApprovalTimedOut"},
        },
    }


def _token(aws: dict[str, Any]) -> str | None:
    tokens = [event["token"] for name, event in list(aws["runtime"].invocations) if "token" in event]
    return str(tokens[0]) if tokens else None


def test_task_token_wakes_the_execution_early(aws: dict[str, Any], virtual: VirtualTime) -> None:
    sfn = aws["sfn"]
    started = virtual.clock.now()
    execution = _run(aws, _token_machine(aws["function_arn"]), {})
    virtual.run_until(lambda: _token(aws) is not None, 5)
    token = _token(aws)
    assert token is not None
    sfn.send_task_success(taskToken=token, output=json.dumps({"approved": True}))
    result = _finish(virtual, sfn, execution, limit=5)
    assert result["status"] == "SUCCEEDED"
    assert json.loads(result["output"]) == {"approved": True}
    assert virtual.clock.now() == started  # woken by the token, not by time


def test_task_token_timeout_is_on_the_clock_and_caught(aws: dict[str, Any], virtual: VirtualTime) -> None:
    started = virtual.clock.now()
    result = _finish(virtual, aws["sfn"], _run(aws, _token_machine(aws["function_arn"]), {}), limit=4000)
    assert result["status"] == "FAILED"
    assert result.get("error") == "ApprovalTimedOut"
    assert (virtual.clock.now() - started).total_seconds() == 3600


def test_wait_idle_returns_once_no_invoked_function_runs(scaled_aws: dict[str, Any]) -> None:
    # Given a function that is running (invoked asynchronously, held until released)
    runtime: LocalStepFunctions = scaled_aws["runtime"]
    entered, release = threading.Event(), threading.Event()

    def held(event: dict[str, Any], context: Any) -> dict[str, Any]:
        entered.set()
        release.wait(10)
        return {}

    runtime.handlers["counter"] = held
    boto3.client("lambda").invoke(FunctionName="counter", InvocationType="Event", Payload=b"{}")
    assert entered.wait(5)

    # When a scheduled target waits for no function to run, and another one gives up (stopped)
    results: list[bool] = []
    waiting = threading.Thread(target=lambda: results.append(runtime.wait_idle(threading.Event())))
    waiting.start()
    stopped = threading.Event()
    stopped.set()
    given_up = runtime.wait_idle(stopped)
    waiting.join(0.3)

    # Then it waits while the function runs, and goes on once it has returned
    assert waiting.is_alive()
    assert given_up is False
    release.set()
    waiting.join(5)
    assert results == [True]
