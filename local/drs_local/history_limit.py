"""Step Functions Standard's limit of 25,000 events in one execution's history, which moto 5.2.5 lacks.

What AWS documents:

* "Step Functions service quotas" (Quotas related to state machine executions): "Maximum execution
  history size: 25,000 events. If the execution history reaches this quota, the execution will fail."
  Express workflows have no such quota ("Quotas for Express Workflows": "Unlimited").
* "Handling errors in Step Functions workflows": ``States.ALL`` "can't catch the
  States.DataLimitExceeded terminal error type and runtime error types", i.e. ``States.Runtime``;
  catchers exist only on states, "not for top-level state machine execution failures".
* What such an execution shows (DescribeExecution's ``error`` / ``cause``, the execution's output and
  its last history event, ``ExecutionFailed``), as real executions report it: error ``States.Runtime``,
  cause ``The execution reached the maximum number of history events (25000).``

How it is held to here. Each Standard execution records its events through a counting event manager
(one counter per execution, no scan). The 25,000th event is the execution's last: when any other event
than the execution's own end would take that place, ``ExecutionFailed`` with the error and cause
above is recorded instead, and the execution fails at once:

* every state and frame of the execution leaves the running state, so no further state starts and a
  ``Wait`` ends; a task waiting for its token is woken and its wait abandoned;
* the thread that tried to record the event, and every thread that tries afterwards, gets
  :class:`HistoryLimitReached` and unwinds without doing what it was about to record (a task is not
  scheduled, so its function is not invoked); Retry and Catch never see it, as each begins by
  recording the task's failure;
* the failure sticks: errors raised while the execution unwinds do not replace it.

A handler that is already running in-process finishes (as a Lambda invocation does on AWS); its result
is discarded.
"""

from __future__ import annotations

import threading
from typing import Any, cast

from moto.stepfunctions.parser.api import (
    ExecutionFailedEventDetails,
    HistoryEventType,
    StateMachineType,
)
from moto.stepfunctions.parser.asl.eval.callback.callback import CallbackPoolManager
from moto.stepfunctions.parser.asl.eval.environment import Environment
from moto.stepfunctions.parser.asl.eval.event.event_detail import EventDetails
from moto.stepfunctions.parser.asl.eval.event.event_manager import EventHistoryContext, EventManager
from moto.stepfunctions.parser.asl.eval.program_state import ProgramError
from moto.stepfunctions.parser.backend.execution_worker import ExecutionWorker

from .moto_hooks import HookMissingError, Hooks, Patches, require_attributes

__all__ = [
    "HISTORY_LIMIT_ERROR",
    "MAX_HISTORY_EVENTS",
    "HistoryLimit",
    "HistoryLimitReached",
    "history_limit_cause",
]

#: Events one Standard execution's history may hold; the last of them is the execution's end.
MAX_HISTORY_EVENTS = 25_000
#: The error an execution fails with when its history is full.
HISTORY_LIMIT_ERROR = "States.Runtime"

_EXECUTION_ENDS = frozenset(
    {
        HistoryEventType.ExecutionSucceeded,
        HistoryEventType.ExecutionFailed,
        HistoryEventType.ExecutionAborted,
        HistoryEventType.ExecutionTimedOut,
    }
)


def history_limit_cause(max_events: int = MAX_HISTORY_EVENTS) -> str:
    """The cause an execution fails with when its history is full."""
    return f"The execution reached the maximum number of history events ({max_events})."


class HistoryLimitReached(RuntimeError):
    """The execution's history is full: the event could not be recorded, and the execution has failed."""


class _CountedEventManager(EventManager):
    """One execution's history, full at ``max_events`` (see the module's docstring)."""

    def __init__(self, env: Environment, max_events: int) -> None:
        super().__init__(cloud_watch_logging_session=env.cloud_watch_logging_session)
        self._env = env
        self._max_events = max_events
        self._failure = ExecutionFailedEventDetails(
            error=HISTORY_LIMIT_ERROR, cause=history_limit_cause(max_events)
        )
        self._count_lock = threading.Lock()
        self._recorded = 0
        self._last_id = 0
        self._failed = False

    def add_event(
        self,
        context: EventHistoryContext,
        event_type: HistoryEventType,
        event_details: EventDetails | None = None,
        timestamp: Any = None,
        update_source_event_id: bool = True,
    ) -> int:
        with self._count_lock:
            if self._recorded >= self._max_events:  # full: the execution ended on its last event
                if event_type in _EXECUTION_ENDS:
                    return self._last_id
                raise HistoryLimitReached(self._failure["cause"])
            self._recorded += 1
            if self._recorded < self._max_events or event_type in _EXECUTION_ENDS:
                self._last_id = super().add_event(
                    context, event_type, event_details, timestamp, update_source_event_id
                )
                return self._last_id
            self._failed = True
            # moto declares every kind of details as required; an event carries only its own.
            failed = cast(EventDetails, {"executionFailedEventDetails": self._failure})
            self._last_id = super().add_event(context, HistoryEventType.ExecutionFailed, failed)
        self._fail_execution()
        raise HistoryLimitReached(self._failure["cause"])

    def _fail_execution(self) -> None:
        self._env.set_error(self._failure)
        for endpoint in list(self._env.callback_pool_manager._pool.values()):
            endpoint.interrupt_all()

    def failed_here(self, state: Any) -> bool:
        """Whether ``state`` (a program state) is this history's failure."""
        return self._failed and isinstance(state, ProgramError) and state.error == self._failure


def check_history_hooks() -> None:
    """Raise if the moto internals the history limit hooks into have moved."""
    require_attributes(
        [
            (ExecutionWorker, "_get_evaluation_environment"),
            (Environment, "set_error"),
            (Environment, "program_state"),
            (EventManager, "add_event"),
        ]
    )
    if "_pool" not in getattr(CallbackPoolManager, "__annotations__", {}):
        raise HookMissingError("moto's task token pool no longer keeps its endpoints in _pool")


class HistoryLimit(Hooks):
    """Standard executions fail as AWS fails them when their history reaches ``max_events``."""

    def __init__(self, max_events: int = MAX_HISTORY_EVENTS) -> None:
        if max_events < 2:
            raise ValueError("max_events must leave room for the execution's start and end")
        self.max_events = max_events
        self._patches = Patches()

    def _patch(self, patches: Patches) -> None:
        check_history_hooks()
        evaluation_environment = ExecutionWorker._get_evaluation_environment
        set_error = Environment.set_error
        max_events = self.max_events

        def counted_environment(worker: ExecutionWorker) -> Environment:
            env: Environment = evaluation_environment(worker)
            if env.execution_type == StateMachineType.STANDARD:
                env.event_manager = _CountedEventManager(env, max_events)
            return env

        def sticky_set_error(env: Environment, error: ExecutionFailedEventDetails) -> None:
            manager = env.event_manager
            if isinstance(manager, _CountedEventManager) and manager.failed_here(env.program_state()):
                return
            set_error(env, error)

        patches.set(ExecutionWorker, "_get_evaluation_environment", counted_environment)
        patches.set(Environment, "set_error", sticky_set_error)
