"""Run the product's own state machine on moto's Step Functions interpreter, with no Docker.

moto's interpreter executes the ASL from the template. Two things it cannot do on its own here:

* invoke a Lambda function: moto would start a container. We hook the Lambda backend's ``invoke``
  so the function's own ``Handler`` (``module.attribute``, as written in the template) runs
  in-process, and its exceptions come back as Lambda function errors (``errorType`` = the
  exception class name), so the ASL's ``Retry`` and ``Catch`` see what they would see on AWS;
* run in scaled time: ``Wait`` states, retry intervals, task ``TimeoutSeconds`` and
  ``waitForTaskToken`` timeouts all sleep real seconds. We divide every one of them by
  ``time_scale``.

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
from typing import Any

from moto.awslambda import models as lambda_models
from moto.awslambda_simple import models as lambda_simple_models
from moto.stepfunctions.parser.asl.component.common.retry import retrier_decl
from moto.stepfunctions.parser.asl.component.state.exec import execute_state
from moto.stepfunctions.parser.asl.component.state.wait.wait_function.wait_function import WaitFunction
from moto.stepfunctions.parser.asl.eval.callback.callback import CallbackEndpoint

from .backend_lock import BACKENDS

Handler = Callable[[Any, Any], Any]

_HOOKS: tuple[tuple[object, str], ...] = (
    (lambda_models.LambdaBackend, "invoke"),
    (lambda_simple_models.LambdaSimpleBackend, "invoke"),
    (WaitFunction, "_wait_interval"),
    (CallbackEndpoint, "wait"),
    (retrier_decl, "time"),
    (execute_state, "threading"),
)


class HookMissingError(RuntimeError):
    """moto no longer has an internal this runtime hooks into."""


def check_hooks() -> None:
    """Raise if any moto internal this runtime patches has moved or changed shape."""
    for owner, name in _HOOKS:
        if not hasattr(owner, name):
            raise HookMissingError(f"moto has no {getattr(owner, '__name__', owner)}.{name} any more")
    sleeper = getattr(retrier_decl, "time", None)
    if sleeper is not time and not isinstance(sleeper, _ScaledTime):
        raise HookMissingError("moto's retrier no longer sleeps through the time module")
    if not isinstance(getattr(execute_state, "threading", None), types.ModuleType | _ScaledThreading):
        raise HookMissingError("moto's task timeout no longer waits through the threading module")


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


class _ScaledTime:
    """A stand-in for the ``time`` module whose ``sleep`` runs ``scale`` times faster."""

    def __init__(self, scale: float) -> None:
        self._scale = scale

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds / self._scale)

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)


class _ScaledEvent(threading.Event):
    def __init__(self, scale: float) -> None:
        super().__init__()
        self._scale = scale

    def wait(self, timeout: float | None = None) -> bool:
        return super().wait(None if timeout is None else timeout / self._scale)


class _ScaledThreading:
    """A stand-in for the ``threading`` module whose ``Event().wait(timeout)`` is scaled."""

    def __init__(self, scale: float) -> None:
        self._scale = scale

    def Event(self) -> threading.Event:
        return _ScaledEvent(self._scale)

    def __getattr__(self, name: str) -> Any:
        return getattr(threading, name)


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


class LocalStepFunctions:
    """Install the in-process Lambda dispatch and the time scaling into moto.

    ``handlers`` maps a function name to a callable, for functions whose code is not reachable
    through their ``Handler`` setting; every other function is resolved from its ``Handler``.
    """

    def __init__(self, time_scale: float = 1.0, handlers: dict[str, Handler] | None = None) -> None:
        if time_scale <= 0:
            raise ValueError("time_scale must be positive")
        self.time_scale = time_scale
        self.handlers = dict(handlers or {})
        self.invocations: list[tuple[str, Any]] = []
        self._saved: list[tuple[object, str, Any]] = []
        self._lock = threading.Lock()

    def _run(self, backend: Any, function_name: str, qualifier: str | None, body: Any) -> tuple[bytes, bool]:
        fn = backend.get_function(function_name, qualifier)
        handler = self.handlers.get(fn.function_name) or resolve_handler(fn.handler)
        event = json.loads(body) if body else {}
        with self._lock:
            self.invocations.append((fn.function_name, event))
        context = LambdaContext(
            function_name=fn.function_name,
            invoked_function_arn=fn.function_arn,
            deadline_ms=time.time() * 1000 + float(fn.timeout) * 1000 / self.time_scale,
        )
        try:
            # The handler calls moto and other threads that call moto: it runs without the backend lock.
            with BACKENDS.released():
                result = handler(event, context)
        except Exception as error:  # a Lambda runtime reports every exception as a function error
            return _error_payload(error), True
        return json.dumps(result).encode(), False

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
            threading.Thread(
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
        scale = self.time_scale
        runtime = self

        def invoke(backend: Any, *args: Any) -> bytes:
            # Patched onto the backend class: ``backend`` is moto's backend instance.
            return runtime._invoke(backend, *args)

        original_callback_wait = CallbackEndpoint.wait

        def wait_interval(self: WaitFunction, env: Any, wait_seconds: int) -> None:
            deadline = time.monotonic() + wait_seconds / scale
            while env.is_running():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return
                # The event pulses on every state change of the execution; keep waiting while it runs.
                env.program_state_event.wait(remaining)

        def callback_wait(self: CallbackEndpoint, timeout: float | None = None) -> Any:
            return original_callback_wait(self, None if timeout is None else timeout / scale)

        # Both backends: moto picks the "simple" one when Docker is disabled (always, here).
        self._patch(lambda_models.LambdaBackend, "invoke", invoke)
        self._patch(lambda_simple_models.LambdaSimpleBackend, "invoke", invoke)
        self._patch(WaitFunction, "_wait_interval", wait_interval)
        self._patch(CallbackEndpoint, "wait", callback_wait)
        self._patch(retrier_decl, "time", _ScaledTime(scale))
        self._patch(execute_state, "threading", _ScaledThreading(scale))

    def _patch(self, owner: object, name: str, value: Any) -> None:
        self._saved.append((owner, name, getattr(owner, name)))
        setattr(owner, name, value)

    def uninstall(self) -> None:
        while self._saved:
            owner, name, value = self._saved.pop()
            setattr(owner, name, value)

    @contextmanager
    def installed(self) -> Iterator[LocalStepFunctions]:
        self.install()
        try:
            yield self
        finally:
            self.uninstall()
