"""Real ASL on moto's interpreter: in-process Lambda tasks, scaled time, task tokens."""

import io
import json
import time
import uuid
import zipfile
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from drs_local.step_functions import LocalStepFunctions, check_hooks

TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}
SCALE = 200.0


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("placeholder.py", "")
    return buffer.getvalue()


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}, "lambda": {"use_docker": False}}):
        runtime = LocalStepFunctions(time_scale=SCALE)
        with runtime.installed():
            role = boto3.client("iam").create_role(
                RoleName="runtime-test", AssumeRolePolicyDocument=json.dumps(TRUST)
            )
            lam = boto3.client("lambda")
            arn = lam.create_function(
                FunctionName="counter",
                Runtime="python3.12",
                Role=role["Role"]["Arn"],
                Handler="tests.integration.local_runtime.handlers_for_test.count",
                Code={"ZipFile": _zip()},
            )["FunctionArn"]
            yield {
                "sfn": boto3.client("stepfunctions"),
                "function_arn": arn,
                "runtime": runtime,
                "role_arn": role["Role"]["Arn"],
            }


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


def _finish(sfn: Any, execution_arn: str, limit: float = 10.0) -> dict[str, Any]:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        described: dict[str, Any] = sfn.describe_execution(executionArn=execution_arn)
        if described["status"] != "RUNNING":
            return described
        time.sleep(0.02)
    raise AssertionError(f"execution still running after {limit} s")


def test_hooks_exist_in_the_installed_moto() -> None:
    check_hooks()


def test_lambda_task_runs_the_real_handler_in_process_and_retries_scaled_when_it_raises(
    aws: dict[str, Any],
) -> None:
    # Given a task that fails twice with a retry interval of 20 s (0.1 s at this scale)
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
    started = time.monotonic()
    # When it runs
    result = _finish(aws["sfn"], _run(aws, definition, {"key": uuid.uuid4().hex, "failTimes": 2}))
    # Then the handler's third attempt succeeds, within scaled time (20 s + 40 s of backoff unscaled)
    assert result["status"] == "SUCCEEDED", result
    output = json.loads(result["output"])
    assert output.get("attempts") == 3, output
    assert output["function"] == "counter"
    assert time.monotonic() - started < 5


def test_handler_error_reaches_catch_with_the_exception_name(aws: dict[str, Any]) -> None:
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
    result = _finish(aws["sfn"], _run(aws, definition, {"key": uuid.uuid4().hex, "failTimes": 1}))
    assert result["status"] == "SUCCEEDED"
    error = json.loads(result["output"])["error"]
    assert error["Error"] == "FlakyError"
    assert "attempt 1" in json.loads(error["Cause"])["errorMessage"]


def test_wait_state_is_scaled(aws: dict[str, Any]) -> None:
    # A 600 s wait takes 3 s at scale 200; it must neither be skipped nor take real time.
    definition = {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 600, "End": True}}}
    started = time.monotonic()
    result = _finish(aws["sfn"], _run(aws, definition, {}))
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


def test_task_token_wakes_the_execution_early(aws: dict[str, Any]) -> None:
    sfn = aws["sfn"]
    execution = _run(aws, _token_machine(aws["function_arn"]), {})
    token = None
    deadline = time.monotonic() + 5
    while token is None and time.monotonic() < deadline:
        for name, event in list(aws["runtime"].invocations):
            if name == "counter" and "token" in event:
                token = event["token"]
        time.sleep(0.01)
    assert token is not None
    sfn.send_task_success(taskToken=token, output=json.dumps({"approved": True}))
    result = _finish(sfn, execution, limit=5)
    assert result["status"] == "SUCCEEDED"
    assert json.loads(result["output"]) == {"approved": True}


def test_task_token_timeout_is_scaled_and_caught(aws: dict[str, Any]) -> None:
    # 3600 s at scale 200 is 18 s: too slow for a test, so use a 400 s timeout (2 s).
    definition = _token_machine(aws["function_arn"])
    definition["States"]["Approve"]["TimeoutSeconds"] = 400
    result = _finish(aws["sfn"], _run(aws, definition, {}), limit=8)
    assert result["status"] == "FAILED"
    assert result.get("error") == "ApprovalTimedOut"
