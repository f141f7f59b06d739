"""Lambda's limits in the local runtime: a synchronous response over 6 MB and a handler past its
function's ``Timeout`` fail the invoke with Lambda's function errors, which the ASL can catch; the
context carries the function's memory. Step Functions' 256 KB data limit (moto's interpreter enforces
it) holds for a task's result and for a SendTaskSuccess output."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from drs_local.step_functions import MAX_RESPONSE_BYTES, LocalStepFunctions
from drs_local.virtual_time import VirtualTime
from tests.integration.local_runtime.step_functions_aws import step_functions_aws
from tests.integration.local_runtime.test_step_functions_runtime import (
    _finish,
    _run,
    _token,
    _token_machine,
)

FUNCTION_TIMEOUT = 3  # moto's default Timeout for the test function, as Lambda's


class Handlers:
    """The test function's behaviour, chosen per test."""

    def __init__(self, virtual: VirtualTime) -> None:
        self.virtual = virtual
        self.response_bytes = 10
        self.sleep_seconds = 0.0
        self.finished = 0

    def __call__(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        if self.sleep_seconds:
            self.virtual.sleep(self.sleep_seconds)
        self.finished += 1
        empty = {"m": context.memory_limit_in_mb, "f": ""}
        return {**empty, "f": "x" * max(0, self.response_bytes - len(json.dumps(empty)))}


@pytest.fixture
def handlers(virtual: VirtualTime) -> Handlers:
    return Handlers(virtual)


@pytest.fixture
def aws(
    monkeypatch: pytest.MonkeyPatch, virtual: VirtualTime, handlers: Handlers
) -> Iterator[dict[str, Any]]:
    yield from step_functions_aws(
        monkeypatch, LocalStepFunctions(handlers={"counter": handlers}, virtual=virtual)
    )


def _definition(function_arn: str, error: str) -> dict[str, Any]:
    return {
        "StartAt": "Call",
        "States": {
            "Call": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": function_arn, "Payload.$": "$"},
                "ResultSelector": {"m.$": "$.Payload.m"},
                "Catch": [{"ErrorEquals": [error], "ResultPath": "$.error", "Next": "Caught"}],
                "End": True,
            },
            "Caught": {"Type": "Pass", "End": True},
        },
    }


def _execute(aws: dict[str, Any], virtual: VirtualTime, error: str) -> dict[str, Any]:
    arn = _run(aws, _definition(aws["function_arn"], error), {"key": uuid.uuid4().hex})
    result = _finish(virtual, aws["sfn"], arn)
    assert result["status"] == "SUCCEEDED", result
    output: dict[str, Any] = json.loads(result["output"])
    return output


def test_the_response_limit_is_lambdas_6_mb() -> None:
    assert MAX_RESPONSE_BYTES == 6_291_556


def test_a_synchronous_response_under_6_mb_comes_back_with_the_functions_memory(
    aws: dict[str, Any], handlers: Handlers
) -> None:
    # Direct: through Step Functions, anything over 256 KB is already States.DataLimitExceeded
    handlers.response_bytes = 5_999_000  # moto's own check starts at 6,000,000 bytes, a little before AWS's
    reply = boto3.client("lambda").invoke(FunctionName=aws["function_arn"], Payload=b"{}")
    assert "FunctionError" not in reply
    body = reply["Payload"].read()
    assert (len(body), json.loads(body)["m"]) == (5_999_000, 128)


def test_a_task_result_over_256_kb_is_states_data_limit_exceeded(
    aws: dict[str, Any], virtual: VirtualTime, handlers: Handlers
) -> None:
    handlers.response_bytes = 256 * 1024
    error = _execute(aws, virtual, "States.DataLimitExceeded")["error"]
    assert error["Error"] == "States.DataLimitExceeded"


def test_a_response_over_6_mb_is_the_function_error_response_size_too_large(
    aws: dict[str, Any], virtual: VirtualTime, handlers: Handlers
) -> None:
    handlers.response_bytes = MAX_RESPONSE_BYTES + 1
    error = _execute(aws, virtual, "Function.ResponseSizeTooLarge")["error"]
    assert error["Error"] == "Function.ResponseSizeTooLarge"
    assert f"({MAX_RESPONSE_BYTES} bytes)" in json.loads(error["Cause"])["errorMessage"]


def test_a_handler_past_its_functions_timeout_is_the_function_error_sandbox_timedout(
    aws: dict[str, Any], virtual: VirtualTime, handlers: Handlers
) -> None:
    handlers.sleep_seconds = FUNCTION_TIMEOUT + 1
    error = _execute(aws, virtual, "Sandbox.Timedout")["error"]
    assert error["Error"] == "Sandbox.Timedout"
    assert "Task timed out after 3.00 seconds" in json.loads(error["Cause"])["errorMessage"]


def test_a_handler_within_its_functions_timeout_succeeds(
    aws: dict[str, Any], virtual: VirtualTime, handlers: Handlers
) -> None:
    handlers.sleep_seconds = FUNCTION_TIMEOUT
    assert _execute(aws, virtual, "Sandbox.Timedout") == {"m": 128}


def test_a_send_task_success_output_over_256_kb_is_states_data_limit_exceeded(
    aws: dict[str, Any], virtual: VirtualTime
) -> None:
    sfn = aws["sfn"]
    execution = _run(aws, _token_machine(aws["function_arn"]), {})
    virtual.run_until(lambda: _token(aws) is not None, 5)
    token = _token(aws)
    assert token is not None
    sfn.send_task_success(taskToken=token, output=json.dumps({"f": "x" * (256 * 1024)}))
    result = _finish(virtual, sfn, execution, limit=5)
    assert result["status"] == "FAILED", result
    assert result.get("error") == "States.DataLimitExceeded"
