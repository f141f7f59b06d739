"""The engine's state machine on its failure paths: the template's own ASL on moto's interpreter, on
virtual time, with in-process stand-ins for the engine's functions that fail the way a test asks them to."""

from __future__ import annotations

import itertools
import json
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from drs_local.step_functions import LocalStepFunctions
from drs_local.virtual_time import VirtualTime
from drs_simulator.clock import SimClock
from tests.integration.local_runtime.step_functions_aws import TRUST, placeholder_zip

ROOT = Path(__file__).resolve().parents[3]
ASL = ROOT / "cfn" / "statemachine" / "execution-engine.asl.json"
FUNCTIONS = {
    "InitializeFunctionArn": "initialize",
    "AdvanceFunctionArn": "advance",
    "WaitForChangeFunctionArn": "wait-for-change",
    "FinalizeFunctionArn": "finalize",
}
STATE_LIMIT = 256 * 1024


class StoreUnavailableError(Exception):
    pass


class FinalizeBrokenError(Exception):
    pass


@dataclass
class Engine:
    """The state machine with its functions replaced by the callables a test sets."""

    sfn: Any
    machine_arn: str
    action_arn: str
    handlers: dict[str, Callable[[dict[str, Any], Any], Any]]
    virtual: VirtualTime
    calls: list[tuple[str, datetime, dict[str, Any]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def recorded(self, name: str, function: Callable[[dict[str, Any]], Any]) -> None:
        def handler(event: dict[str, Any], context: Any) -> Any:
            with self.lock:
                self.calls.append((name, self.virtual.clock.now(), event))
            return function(event)

        self.handlers[name] = handler

    def called(self, name: str) -> list[tuple[datetime, dict[str, Any]]]:
        with self.lock:
            return [(at, event) for called, at, event in self.calls if called == name]

    def run(self, limit: float = 3600.0) -> dict[str, Any]:
        """Start a run and let it go to its end, for at most ``limit`` simulated seconds."""
        execution = self.sfn.start_execution(
            stateMachineArn=self.machine_arn, name=uuid.uuid4().hex, input=json.dumps({"executionId": "ex-1"})
        )["executionArn"]

        def ended() -> bool:
            return bool(self.sfn.describe_execution(executionArn=execution)["status"] != "RUNNING")

        self.virtual.run_until(ended, limit)
        described: dict[str, Any] = self.sfn.describe_execution(executionArn=execution)
        return described


@pytest.fixture
def engine(monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}, "lambda": {"use_docker": False}}):
        virtual = VirtualTime(SimClock("virtual"))
        runtime = LocalStepFunctions(virtual=virtual)
        with runtime.installed():
            role_arn = boto3.client("iam").create_role(
                RoleName="engine", AssumeRolePolicyDocument=json.dumps(TRUST)
            )["Role"]["Arn"]
            lam = boto3.client("lambda")

            def function(name: str) -> str:
                return str(
                    lam.create_function(
                        FunctionName=name,
                        Runtime="python3.12",
                        Role=role_arn,
                        Handler="placeholder.handler",
                        Code={"ZipFile": placeholder_zip()},
                        Timeout=300,
                    )["FunctionArn"]
                )

            definition = ASL.read_text()
            for key, name in FUNCTIONS.items():
                definition = definition.replace("${" + key + "}", function(name))
            sfn = boto3.client("stepfunctions")
            machine_arn = sfn.create_state_machine(name="engine", definition=definition, roleArn=role_arn)[
                "stateMachineArn"
            ]
            try:
                yield Engine(sfn, machine_arn, function("action"), runtime.handlers, virtual)
            finally:
                virtual.close()  # ends every wait a run left behind


def _started(event: dict[str, Any]) -> dict[str, Any]:
    return {"executionId": event["executionId"], "done": False, "waitSeconds": 40}


def _finalized(event: dict[str, Any]) -> dict[str, Any]:
    return {"executionId": event["executionId"], "status": "COMPLETED"}


def _raise(error: Exception) -> Callable[[dict[str, Any]], Any]:
    def handler(event: dict[str, Any]) -> Any:
        raise error

    return handler


def _advance_until(engine: Engine, ticks: int, **first: Any) -> Callable[[dict[str, Any]], Any]:
    """Advance that ends the run on its ``ticks``-th call; its first call returns ``first`` as well."""

    def handler(event: dict[str, Any]) -> dict[str, Any]:
        count = len(engine.called("advance"))
        step = {
            "executionId": event["executionId"],
            "done": count >= ticks,
            "waitSeconds": 40,
            "invoke": None,
        }
        return step | first if count == 1 else step

    return handler


def _action_run(engine: Engine, returns: Callable[[dict[str, Any]], Any]) -> dict[str, Any]:
    """Run two ticks: the first hands over a Lambda action that runs ``returns``; the Advance after it
    is the one returned."""
    invoke = {
        "functionArn": engine.action_arn,
        "payload": {},
        "timeoutSeconds": 60,
        "waveId": "db",
        "index": 0,
    }
    engine.recorded("initialize", _started)
    engine.recorded("advance", _advance_until(engine, 2, invoke=invoke))
    engine.recorded("action", returns)
    engine.recorded("finalize", _finalized)
    result = engine.run()
    assert result["status"] == "SUCCEEDED", result
    (_, after_action) = engine.called("advance")[1]
    assert after_action["invoke"] == invoke
    history = engine.sfn.get_execution_history(executionArn=result["executionArn"], maxResults=1000)["events"]
    state_data = [
        details
        for event in history
        for key, details in event.items()
        if key in ("stateEnteredEventDetails", "stateExitedEventDetails")
    ]
    assert state_data
    assert all(len(json.dumps(details)) < 4096 for details in state_data)
    return after_action


def test_action_returning_a_large_result_reaches_advance_as_its_status_only(engine: Engine) -> None:
    # Given a Lambda action that returns 200 KB (within the limit of a task's result)
    # When the run hands it over, Then the next Advance learns the action ended, and none of what
    # it returned entered the state's data
    after_action = _action_run(engine, lambda event: {"report": "x" * (200 * 1024)})
    assert after_action["invokeResult"] == {"StatusCode": 200}
    assert len(json.dumps(after_action)) < 1024


def test_action_returning_more_than_a_task_result_holds_fails_only_that_action(engine: Engine) -> None:
    # Given a Lambda action that returns 300 KB: its task result is over 256 KB
    # When the run hands it over, Then the run goes on, and the next Advance gets the limit's error
    after_action = _action_run(engine, lambda event: {"report": "x" * (300 * 1024)})
    assert after_action["invokeResult"]["Error"] == "States.DataLimitExceeded"
    assert after_action["invokeResult"]["Cause"]


def test_action_that_raises_reaches_advance_with_its_error_and_cause(engine: Engine) -> None:
    invoke = {
        "functionArn": engine.action_arn,
        "payload": {},
        "timeoutSeconds": 60,
        "waveId": "db",
        "index": 0,
    }
    engine.recorded("initialize", _started)
    engine.recorded("advance", _advance_until(engine, 2, invoke=invoke))
    engine.recorded("action", _raise(ValueError("disk not found")))
    engine.recorded("finalize", _finalized)

    result = engine.run()

    assert result["status"] == "SUCCEEDED", result
    (_, after_action) = engine.called("advance")[1]
    assert after_action["invokeResult"]["Error"] == "ValueError"
    assert json.loads(after_action["invokeResult"]["Cause"])["errorMessage"] == "disk not found"


def test_action_whose_output_exceeds_the_limit_is_caught_by_name_before_everything_else() -> None:
    # States.ALL does not catch States.DataLimitExceeded on AWS: only a catcher that names it does.
    catchers = json.loads(ASL.read_text())["States"]["InvokeAction"]["Catch"]
    assert catchers[0] == {
        "ErrorEquals": ["States.DataLimitExceeded"],
        "ResultPath": "$.invokeResult",
        "Next": "Advance",
    }
    assert catchers[-1]["ErrorEquals"] == ["States.ALL"]


def test_finalize_that_keeps_failing_fails_the_execution_naming_its_error(engine: Engine) -> None:
    # Given a run that ends at once, and a Finalize that fails on every attempt
    engine.recorded("initialize", lambda event: {"executionId": event["executionId"], "done": True})
    engine.recorded("finalize", _raise(FinalizeBrokenError("table unavailable")))

    # When the run finalizes
    result = engine.run()

    # Then Finalize was retried with backoff, and the execution failed, naming Finalize and its error
    assert result["status"] == "FAILED", result
    assert result["error"] == "FinalizeFailed"
    assert result["cause"].startswith("FinalizeBrokenError: ")
    assert "table unavailable" in result["cause"]
    assert len(engine.called("finalize")) == 7


def test_finalize_that_fails_once_is_retried_and_the_run_succeeds(engine: Engine) -> None:
    engine.recorded("initialize", lambda event: {"executionId": event["executionId"], "done": True})
    failures = iter([FinalizeBrokenError("throttled")])

    def finalize(event: dict[str, Any]) -> dict[str, Any]:
        error = next(failures, None)
        if error is not None:
            raise error
        return _finalized(event)

    engine.recorded("finalize", finalize)

    result = engine.run()

    assert result["status"] == "SUCCEEDED", result
    assert json.loads(result["output"]) == {"executionId": "ex-1", "status": "COMPLETED"}


def test_wait_for_change_that_keeps_failing_polls_after_the_wait_advance_asked_for(engine: Engine) -> None:
    # Given a WaitForChange that can never store its token, and an Advance that asks for 40 s waits
    engine.recorded("initialize", _started)
    engine.recorded("advance", _advance_until(engine, 3))
    engine.recorded("wait-for-change", _raise(StoreUnavailableError("throttled")))
    engine.recorded("finalize", _finalized)

    # When the run goes through three ticks
    result = engine.run()

    # Then each failed wait is retried a few times, then the engine waits 40 s before the next
    # Advance, instead of calling Advance again at once
    assert result["status"] == "SUCCEEDED", result
    advances = [at for at, _ in engine.called("advance")]
    assert len(advances) == 3
    gaps = [(later - earlier).total_seconds() for earlier, later in itertools.pairwise(advances)]
    assert all(gap >= 40 for gap in gaps), gaps
    assert len(engine.called("wait-for-change")) == 2 * 4


def test_wait_for_change_retries_back_off_with_jitter_and_a_ceiling() -> None:
    retriers = json.loads(ASL.read_text())["States"]["WaitForChange"]["Retry"]
    assert retriers
    for retrier in retriers:
        assert retrier["BackoffRate"] > 1
        assert retrier["MaxDelaySeconds"] <= 60
        assert retrier["JitterStrategy"] == "FULL"
