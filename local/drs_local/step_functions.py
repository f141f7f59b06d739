"""Run the product's own state machine on moto's Step Functions interpreter, with no Docker.

moto's interpreter executes the ASL from the template (and enforces the 256 KiB state data limit,
``States.DataLimitExceeded``). Two things it cannot do on its own here:

* invoke a Lambda function: moto would start a container. We hook the Lambda backend's ``invoke``
  so the function's own ``Handler`` (``module.attribute``, as written in the template) runs
  in-process, and its exceptions come back as Lambda function errors (``errorType`` = the
  exception class name), so the ASL's ``Retry`` and ``Catch`` see what they would see on AWS.
  Lambda's limits hold: a synchronous response over 6 MB is the function error
  ``Function.ResponseSizeTooLarge``, and a handler that runs past its function's ``Timeout``
  (virtual seconds on virtual time, real seconds on scaled time, where a handler's own work is not
  sped up) is the function error ``Sandbox.Timedout``, its result discarded. The context carries
  the function's memory. SNS and EventBridge's 256 KiB limits (:mod:`drs_local.service_limits`)
  and Step Functions' 25,000-event execution history limit (:mod:`drs_local.history_limit`) are
  installed along;
* run in scaled or virtual time: ``Wait`` states, retry intervals, task ``TimeoutSeconds`` and
  ``waitForTaskToken`` timeouts all sleep real seconds. In scaled time we divide every one of them
  by ``time_scale``. Given a :class:`~drs_local.virtual_time.VirtualTime`, every one of them waits on
  the virtual clock instead, and the interpreter's threads (an execution, its program, a task under
  its timeout) and asynchronous Lambda invocations are its participants.

These hooks reach into moto internals. ``check_hooks()`` verifies every one of them is still where
we expect it, and a test calls it, so a moto upgrade that moves them fails loudly.
"""

from __future__ import annotations

import base64
import importlib
import json
import threading
import time
import traceback
import types
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from moto.awslambda import models as lambda_models
from moto.awslambda_simple import models as lambda_simple_models
from moto.stepfunctions.parser.asl.component.common.retry import retrier_decl
from moto.stepfunctions.parser.asl.component.program import program
from moto.stepfunctions.parser.asl.component.state.exec import execute_state
from moto.stepfunctions.parser.asl.component.state.wait.wait_function.wait_function import WaitFunction
from moto.stepfunctions.parser.asl.eval.callback.callback import CallbackEndpoint
from moto.stepfunctions.parser.backend import execution_worker

from .backend_lock import BACKENDS

if TYPE_CHECKING:
    from .moto_hooks import Hooks
from .virtual_time import VirtualTime

Handler = Callable[[Any, Any], Any]
#: Lambda's largest synchronous response, in bytes, as its error message states it.
MAX_RESPONSE_BYTES = 6_291_556

_HOOKS: tuple[tuple[object, str], ...] = (
    (lambda_models.LambdaBackend, "invoke"),
    (lambda_simple_models.LambdaSimpleBackend, "invoke"),
    (WaitFunction, "_wait_interval"),
    (CallbackEndpoint, "wait"),
    (retrier_decl, "time"),
    (execute_state, "threading"),
    (execute_state, "Thread"),
    (execution_worker, "Thread"),
    (program, "threading"),
)


class HookMissingError(RuntimeError):
    """moto no longer has an internal this runtime hooks into."""


def check_hooks() -> None:
    """Raise if any moto internal this runtime patches has moved or changed shape."""
    for owner, name in _HOOKS:
        if not hasattr(owner, name):
            raise HookMissingError(f"moto has no {getattr(owner, '__name__', owner)}.{name} any more")
    sleeper = getattr(retrier_decl, "time", None)
    if sleeper is not time and not isinstance(sleeper, _TimeModule):
        raise HookMissingError("moto's retrier no longer sleeps through the time module")
    for owner in (execute_state, program):
        if not isinstance(getattr(owner, "threading", None), types.ModuleType | _ThreadingModule):
            raise HookMissingError(f"moto's {owner.__name__} no longer works through the threading module")
    if "_notify_event" not in getattr(CallbackEndpoint, "__annotations__", {}):
        raise HookMissingError("moto's task token endpoint no longer signals through _notify_event")


@dataclass
class LambdaContext:
    """The parts of the Lambda context object our handlers and powertools read."""

    function_name: str
    memory_limit_in_mb: int = 512
    function_version: str = "$LATEST"
    invoked_function_arn: str = ""
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    log_group_name: str = ""
    log_stream_name: str = ""
    deadline_ms: float = 0.0

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int(self.deadline_ms - time.time() * 1000))


class _TimeModule:
    """A stand-in for the ``time`` module whose ``sleep`` is ours."""

    def __init__(self, sleep: Callable[[float], None]) -> None:
        self.sleep = sleep

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)


class _ScaledEvent(threading.Event):
    def __init__(self, scale: float) -> None:
        super().__init__()
        self._scale = scale

    def wait(self, timeout: float | None = None) -> bool:
        return super().wait(None if timeout is None else timeout / self._scale)


class _ThreadingModule:
    """A stand-in for the ``threading`` module whose ``Event`` and ``Thread`` are ours."""

    def __init__(self, event: Callable[[], threading.Event], thread: Callable[..., threading.Thread]) -> None:
        self.Event = event
        self.Thread = thread

    def __getattr__(self, name: str) -> Any:
        return getattr(threading, name)


class _Timing:
    """How the interpreter's waits pass: real seconds divided by ``scale``."""

    def __init__(self, scale: float) -> None:
        self.scale = scale

    def wait_interval(self, env: Any, wait_seconds: float) -> None:
        deadline = time.monotonic() + wait_seconds / self.scale
        while env.is_running():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            # The event pulses on every state change of the execution; keep waiting while it runs.
            env.program_state_event.wait(remaining)

    def callback_wait(self, endpoint: CallbackEndpoint, timeout: float | None) -> Any:
        endpoint._notify_event.wait(None if timeout is None else timeout / self.scale)
        return endpoint.get_outcome()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds / self.scale)

    def event(self) -> threading.Event:
        return _ScaledEvent(self.scale)

    def thread(self, *args: Any, **kwargs: Any) -> threading.Thread:
        return threading.Thread(*args, **kwargs)

    def participants(self) -> bool:
        """Whether the interpreter's own threads must be replaced (virtual time only)."""
        return False

    def seconds(self) -> float:
        """A reading of the clock a handler's run is measured on: real seconds here, as a handler's
        own work is not sped up by the scale."""
        return time.monotonic()


class _VirtualTiming(_Timing):
    """Every wait is on the virtual clock; the interpreter's threads are its participants."""

    def __init__(self, virtual: VirtualTime) -> None:
        super().__init__(1.0)
        self.virtual = virtual

    def wait_interval(self, env: Any, wait_seconds: float) -> None:
        self.virtual.wait(lambda: not env.is_running(), wait_seconds)

    def callback_wait(self, endpoint: CallbackEndpoint, timeout: float | None) -> Any:
        self.virtual.wait(endpoint._notify_event.is_set, timeout)
        return endpoint.get_outcome()

    def sleep(self, seconds: float) -> None:
        self.virtual.sleep(seconds)

    def event(self) -> threading.Event:
        return self.virtual.event()

    def thread(self, *args: Any, **kwargs: Any) -> threading.Thread:
        return self.virtual.thread(*args, **kwargs)

    def participants(self) -> bool:
        return True

    def seconds(self) -> float:
        return self.virtual.clock.now().timestamp()


def resolve_handler(handler: str) -> Handler:
    """Import ``package.module.attribute`` as a Lambda runtime would."""
    module_name, _, attribute = handler.rpartition(".")
    if not module_name:
        raise ValueError(f"handler {handler!r} is not of the form module.attribute")
    function: Handler = getattr(importlib.import_module(module_name), attribute)
    return function


def _error_payload(error: BaseException) -> bytes:
    return json.dumps(
        {
            "errorMessage": str(error),
            "errorType": type(error).__name__,
            "stackTrace": traceback.format_exception(error),
        }
    ).encode()


def _limit_error(error_type: str, message: str) -> bytes:
    return json.dumps({"errorMessage": message, "errorType": error_type}).encode()


def _timed_out(request_id: str, timeout: float) -> bytes:
    message = f"RequestId: {request_id} Error: Task timed out after {timeout:.2f} seconds"
    return _limit_error("Sandbox.Timedout", message)


def _too_large() -> bytes:
    message = f"Response payload size exceeded maximum allowed payload size ({MAX_RESPONSE_BYTES} bytes)."
    return _limit_error("Function.ResponseSizeTooLarge", message)


class LocalStepFunctions:
    """Install the in-process Lambda dispatch and the time scaling into moto.

    ``handlers`` maps a function name to a callable, for functions whose code is not reachable
    through their ``Handler`` setting; every other function is resolved from its ``Handler``.
    Given ``virtual``, every wait is on its clock and ``time_scale`` is not used.
    """

    def __init__(
        self,
        time_scale: float = 1.0,
        handlers: dict[str, Handler] | None = None,
        *,
        virtual: VirtualTime | None = None,
    ) -> None:
        if time_scale <= 0:
            raise ValueError("time_scale must be positive")
        self.time_scale = 1.0 if virtual else time_scale
        self._timing = _VirtualTiming(virtual) if virtual else _Timing(time_scale)
        self.handlers = dict(handlers or {})
        self.invocations: list[tuple[str, Any]] = []
        self._saved: list[tuple[object, str, Any]] = []
        self._lock = threading.Lock()
        self._hooks: list[Hooks] = []
        self._running = 0
        self._idle = threading.Condition()

    def _run(self, backend: Any, function_name: str, qualifier: str | None, body: Any) -> tuple[bytes, bool]:
        fn = backend.get_function(function_name, qualifier)
        handler = self.handlers.get(fn.function_name) or resolve_handler(fn.handler)
        event = json.loads(body) if body else {}
        with self._lock:
            self.invocations.append((fn.function_name, event))
        timeout = float(fn.timeout)
        context = LambdaContext(
            function_name=fn.function_name,
            memory_limit_in_mb=int(fn.memory_size),
            invoked_function_arn=fn.function_arn,
            deadline_ms=time.time() * 1000 + timeout * 1000 / self.time_scale,
        )
        started = self._timing.seconds()
        try:
            # The handler calls moto and other threads that call moto: it runs without the backend lock.
            with BACKENDS.released(), self._in_flight():
                result = handler(event, context)
        except Exception as error:  # a Lambda runtime reports every exception as a function error
            payload, errored = _error_payload(error), True
        else:
            payload, errored = json.dumps(result).encode(), False
        if self._timing.seconds() - started > timeout:
            return _timed_out(context.aws_request_id, timeout), True
        if len(payload) > MAX_RESPONSE_BYTES:
            return _too_large(), True
        return payload, errored

    @contextmanager
    def _in_flight(self) -> Iterator[None]:
        with self._idle:
            self._running += 1
        try:
            yield
        finally:
            with self._idle:
                self._running -= 1
                self._idle.notify_all()

    def wait_idle(self, stop: threading.Event) -> bool:
        """Wait until no invoked function runs (False when ``stop`` is set first).

        In scaled time a handler's own work is not sped up: its real seconds pass on the simulated
        clock multiplied by the time scale. A scheduled target that compares simulated times with a
        grace period (the sweeper's 15 minutes are 1.5 real seconds at x600, less than an Initialize
        of 4,000 servers takes) waits here, so it never judges a run while its step is running."""
        with self._idle:
            while self._running:
                if stop.is_set():
                    return False
                self._idle.wait(0.1)
        return not stop.is_set()

    def _invoke(
        self,
        backend: Any,
        function_name: str,
        qualifier: str | None,
        body: Any,
        headers: Any,
        response_headers: Any,
    ) -> bytes:
        if headers.get("x-amz-invocation-type") == "Event":
            self._timing.thread(
                target=self._run, args=(backend, function_name, qualifier, body), daemon=True
            ).start()
            return b""
        payload, errored = self._run(backend, function_name, qualifier, body)
        if errored:
            response_headers["x-amz-function-error"] = "Unhandled"
        response_headers["x-amz-log-result"] = base64.b64encode(b"").decode()
        response_headers["Content-Length"] = str(len(payload))
        return payload

    def install(self) -> None:
        check_hooks()
        # Imported here: these hooks build on moto_hooks, which imports this module.
        from .history_limit import HistoryLimit
        from .interpreter_caches import InterpreterCaches
        from .service_limits import MessageSizeLimits
        from .stop_execution import StopExecutionAsAws

        for hooks in (MessageSizeLimits(), HistoryLimit(), StopExecutionAsAws(), InterpreterCaches()):
            hooks.install()
            self._hooks.append(hooks)
        timing = self._timing
        runtime = self

        def invoke(backend: Any, *args: Any) -> bytes:
            # Patched onto the backend class: ``backend`` is moto's backend instance.
            return runtime._invoke(backend, *args)

        def wait_interval(self: WaitFunction, env: Any, wait_seconds: int) -> None:
            timing.wait_interval(env, wait_seconds)

        def callback_wait(self: CallbackEndpoint, timeout: float | None = None) -> Any:
            return timing.callback_wait(self, timeout)

        # Both backends: moto picks the "simple" one when Docker is disabled (always, here).
        self._patch(lambda_models.LambdaBackend, "invoke", invoke)
        self._patch(lambda_simple_models.LambdaSimpleBackend, "invoke", invoke)
        self._patch(WaitFunction, "_wait_interval", wait_interval)
        self._patch(CallbackEndpoint, "wait", callback_wait)
        self._patch(retrier_decl, "time", _TimeModule(timing.sleep))
        self._patch(execute_state, "threading", _ThreadingModule(timing.event, threading.Thread))
        if timing.participants():
            # An execution, its program and each task under its timeout run on threads of their own.
            self._patch(execution_worker, "Thread", timing.thread)
            self._patch(execute_state, "Thread", timing.thread)
            self._patch(program, "threading", _ThreadingModule(threading.Event, timing.thread))

    def _patch(self, owner: object, name: str, value: Any) -> None:
        self._saved.append((owner, name, getattr(owner, name)))
        setattr(owner, name, value)

    def uninstall(self) -> None:
        while self._saved:
            owner, name, value = self._saved.pop()
            setattr(owner, name, value)
        while self._hooks:
            self._hooks.pop().uninstall()

    @contextmanager
    def installed(self) -> Iterator[LocalStepFunctions]:
        self.install()
        try:
            yield self
        finally:
            self.uninstall()
