"""StopExecution as Step Functions does it: ``ABORTED`` at once, with the caller's error and cause in
the history's ``ExecutionAborted`` event, and still ``ABORTED`` after the task it stopped would have
timed out."""

from __future__ import annotations

from typing import Any

from drs_local.virtual_time import VirtualTime
from tests.integration.local_runtime.test_step_functions_runtime import (
    _describe,
    _run,
    _token,
    _token_machine,
)


def _history(sfn: Any, execution_arn: str) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = sfn.get_execution_history(executionArn=execution_arn)["events"]
    return events


def test_execution_stopped_while_a_task_waits_is_aborted_at_once_and_stays_aborted(
    aws: dict[str, Any], virtual: VirtualTime
) -> None:
    # Given an execution whose task waits for a token (timeout 3600 s, caught into a Fail state)
    sfn = aws["sfn"]
    execution = _run(aws, _token_machine(aws["function_arn"]), {})
    virtual.run_until(lambda: _token(aws) is not None, 5)

    # When it is stopped with an error and a cause
    sfn.stop_execution(executionArn=execution, error="Console.Stop", cause="stopped by hand")

    # Then it is ABORTED at once, and still after the task's timeout would have passed
    assert _describe(sfn, execution)["status"] == "ABORTED"
    virtual.run_for(7200)
    assert _describe(sfn, execution)["status"] == "ABORTED"
    last = _history(sfn, execution)[-1]
    assert last["type"] == "ExecutionAborted"
    assert last["executionAbortedEventDetails"] == {"error": "Console.Stop", "cause": "stopped by hand"}
    assert not any(event["type"] == "FailStateEntered" for event in _history(sfn, execution))


def test_execution_stopped_right_after_its_start_ends_aborted(
    aws: dict[str, Any], virtual: VirtualTime
) -> None:
    sfn = aws["sfn"]
    execution = _run(aws, _token_machine(aws["function_arn"]), {})
    sfn.stop_execution(executionArn=execution)

    virtual.run_for(7200)

    assert _describe(sfn, execution)["status"] == "ABORTED"
    assert _history(sfn, execution)[-1]["type"] == "ExecutionAborted"
