"""StopExecution as Step Functions does it, where moto 5.2.5 differs.

* On AWS a stopped execution is ``ABORTED`` from the moment StopExecution returns, and its history
  ends with ``ExecutionAborted`` carrying the ``error`` and ``cause`` the caller gave. moto drops the
  error and cause, and keeps the execution ``RUNNING`` until its current state ends (a task waiting
  for a token: until the wait times out).
* An execution stopped right after its start is stopped too (moto fails when its thread has not
  built the execution's environment yet).
* A stopped execution stays ``ABORTED`` on AWS. In moto, a task that fails after the stop (that
  waiting task timing out) turns the execution ``FAILED`` with that task's error.
"""

from __future__ import annotations

import datetime
import time
from typing import Any, cast

from moto.core.responses import ActionResult
from moto.stepfunctions.parser.api import ExecutionAbortedEventDetails, ExecutionStatus, HistoryEventType
from moto.stepfunctions.parser.asl.component.program.program import Program
from moto.stepfunctions.parser.asl.eval.environment import Environment
from moto.stepfunctions.parser.asl.eval.event.event_detail import EventDetails
from moto.stepfunctions.parser.asl.eval.program_state import ProgramStopped
from moto.stepfunctions.parser.backend.execution import BaseExecutionWorkerCommunication
from moto.stepfunctions.parser.backend.execution_worker import ExecutionWorker
from moto.stepfunctions.responses import StepFunctionResponse

from .moto_hooks import Hooks, Patches, require_attributes

__all__ = ["StopExecutionAsAws"]

_ENVIRONMENT_SECONDS = 5.0


def _await_environment(worker: ExecutionWorker | None) -> None:
    """An execution started an instant ago may not have built its environment yet (its thread sets
    it): wait for it, briefly, in real time (the thread runs whatever the clock)."""
    deadline = time.monotonic() + _ENVIRONMENT_SECONDS
    while worker is not None and worker.env is None and time.monotonic() < deadline:
        time.sleep(0.001)


def _stop_execution(response: StepFunctionResponse) -> ActionResult:
    arn = response._get_param("executionArn")
    execution: Any = response.stepfunction_backend.describe_execution(arn)
    if execution.status != ExecutionStatus.RUNNING:
        return ActionResult({"stopDate": execution.stop_date})
    stopped_at = datetime.datetime.now(tz=datetime.UTC)
    stop = {
        "stop_date": stopped_at,
        "error": response._get_param("error"),
        "cause": response._get_param("cause"),
    }
    _await_environment(execution.exec_worker)
    execution.stop(**stop)
    execution.exec_status = ExecutionStatus.ABORTED
    execution.stop_date = stopped_at
    execution.aborted_at = stopped_at
    return ActionResult({"stopDate": stopped_at})


def _aborted_stays_aborted(original: Any) -> Any:
    """When the program ends, moto sets the status from how it ended: a stopped one stays ABORTED."""

    def reflect(communication: Any) -> None:
        original(communication)
        aborted_at = getattr(communication.execution, "aborted_at", None)
        if aborted_at is not None:
            communication.execution.exec_status = ExecutionStatus.ABORTED
            communication.execution.stop_date = aborted_at

    return reflect


def _unless_stopped(original: Any) -> Any:
    """A program state change that leaves a stopped program stopped."""

    def change(env: Environment, *args: Any, **kwargs: Any) -> None:
        if isinstance(env.program_state(), ProgramStopped):
            return
        original(env, *args, **kwargs)

    return change


_ENDINGS = frozenset(
    {
        HistoryEventType.ExecutionAborted,
        HistoryEventType.ExecutionFailed,
        HistoryEventType.ExecutionSucceeded,
        HistoryEventType.ExecutionTimedOut,
    }
)


def _aborted_if_stopped_before_it_ran(original: Any) -> Any:
    """moto records ``ExecutionAborted`` at the end of the program's body, which it skips when the
    execution was stopped before its first state: the history then ends at ``ExecutionStarted``."""

    def evaluate(program: Program, env: Environment) -> None:
        original(program, env)
        state = env.program_state()
        if not isinstance(state, ProgramStopped) or env.is_frame():
            return
        history = env.event_manager.get_event_history()
        if history and history[-1]["type"] in _ENDINGS:
            return
        details = ExecutionAbortedEventDetails(error=state.error, cause=state.cause)
        env.event_history_context.source_event_id = 0
        env.event_manager.add_event(
            context=env.event_history_context,
            event_type=HistoryEventType.ExecutionAborted,
            event_details=cast(EventDetails, {"executionAbortedEventDetails": details}),
        )

    return evaluate


class StopExecutionAsAws(Hooks):
    def __init__(self) -> None:
        self._patches = Patches()

    def _patch(self, patches: Patches) -> None:
        require_attributes(
            [
                (StepFunctionResponse, "stop_execution"),
                (Environment, "set_error"),
                (Environment, "set_timed_out"),
                (Environment, "program_state"),
                (ExecutionWorker, "stop"),
                (Program, "eval"),
                (BaseExecutionWorkerCommunication, "_reflect_execution_status"),
            ]
        )
        reflect = BaseExecutionWorkerCommunication._reflect_execution_status
        patches.set(
            BaseExecutionWorkerCommunication, "_reflect_execution_status", _aborted_stays_aborted(reflect)
        )
        patches.set(Program, "eval", _aborted_if_stopped_before_it_ran(Program.eval))
        patches.set(StepFunctionResponse, "stop_execution", _stop_execution)
        for name in ("set_error", "set_timed_out"):
            patches.set(Environment, name, _unless_stopped(getattr(Environment, name)))
