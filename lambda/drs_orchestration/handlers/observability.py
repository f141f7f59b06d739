"""Logs, traces and metrics of every function: one Logger, Tracer and Metrics per function.

The decorators here wrap each handler module's ``handle(product, event, context)``, so a function is
observed alike on Lambda, in local mode and in the tests:

- ``api_function``: the request id as correlation id; ``ApiLatency`` (ms), ``Api4xx`` and ``Api5xx``
  by ``route`` (the matched ``METHOD /path/{parameter}``, recorded by :func:`record_route`, a resolver
  middleware).
- ``engine_step(step)``: the execution id as correlation id; ``TickDuration`` (ms) by ``step``, the
  step's own counts (:class:`StepCounts`) and ``DrsCalls`` by ``operation``.
- ``event_function(name)`` (DRS events, drill clean-up) and ``custom_resource_function(name)``:
  the event's id as correlation id; ``Duration`` (ms) and ``DrsCalls``.

Service names and the metrics namespace come from ``POWERTOOLS_SERVICE_NAME`` and
``POWERTOOLS_METRICS_NAMESPACE`` (each stack's ``Globals``). Every log line is JSON and passes
through :mod:`redaction`; at DEBUG the incoming event is logged, redacted. Metrics are written as
EMF on Lambda, or wherever ``POWERTOOLS_METRICS_DISABLED`` is set to ``false``; the Tracer exists
only where tracing is on (Lambda with active tracing), so nothing imports X-Ray elsewhere.
Powertools is imported on the first invocation, not when a handler module loads.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property, lru_cache, wraps
from typing import TYPE_CHECKING, Any, TypeVar

from drs_orchestration.adapters import aws_calls

if TYPE_CHECKING:
    from aws_lambda_powertools import Logger, Tracer
    from aws_lambda_powertools.metrics import EphemeralMetrics

__all__ = [
    "METRICS_NAMESPACE",
    "MetricName",
    "StepCounts",
    "Telemetry",
    "api_function",
    "count_step",
    "custom_resource_function",
    "emit_step_counts",
    "engine_step",
    "event_function",
    "record_route",
    "telemetry",
]

METRICS_NAMESPACE = "DrsOrchestration"
API_SERVICE = "drs-orchestration-api"
ENGINE_SERVICE = "drs-orchestration-engine"
CONSOLE_SERVICE = "drs-orchestration-console"
UNMATCHED_ROUTE = "UNMATCHED"


class MetricName(StrEnum):
    """Every metric the functions publish (the dashboard in ``cfn/monitoring-stack.yaml`` reads them)."""

    API_LATENCY = "ApiLatency"
    API_4XX = "Api4xx"
    API_5XX = "Api5xx"
    TICK_DURATION = "TickDuration"
    WAVES_MOVED = "WavesMoved"
    SERVERS_LAUNCHED = "ServersLaunched"
    QUOTA_WAITS = "QuotaWaits"
    DRS_CALLS = "DrsCalls"
    DURATION = "Duration"


Event = dict[str, Any]
Result = TypeVar("Result")
Handler = Callable[[Any, Event, Any], Result]
"""``handle(product, event, context)``: what every handler module exposes (see ``composition.product``)."""

_PATH_PARAMETER = re.compile(r"<(\w+)>")
_route: ContextVar[str | None] = ContextVar("drs_orchestration_route", default=None)


class StdoutHandler(logging.StreamHandler[Any]):
    """Writes to ``sys.stdout`` as it is when a line is written (a test runner swaps it), or to the
    stream given with ``setStream``."""

    def __init__(self) -> None:
        super().__init__()
        self._chosen: Any = None

    @property
    def stream(self) -> Any:
        return self._chosen if self._chosen is not None else sys.stdout

    @stream.setter
    def stream(self, value: Any) -> None:
        self._chosen = None if value is sys.stdout else value


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class StepCounts:
    """What one engine step did, as the domain counts it (``StepResult.metrics``)."""

    waves_moved: int = 0
    servers_launched: int = 0
    quota_waits: int = 0


_step_counts: ContextVar[StepCounts | None] = ContextVar("drs_orchestration_step_counts", default=None)


def count_step(counts: StepCounts) -> None:
    """Say what the running engine step did; its ``engine_step`` decorator publishes it."""
    _step_counts.set(counts)


@dataclass
class Telemetry:
    """One function's Logger, Tracer and metrics, built on first use from its environment."""

    default_service: str
    environ: Mapping[str, str] = field(default_factory=lambda: os.environ)

    @property
    def service(self) -> str:
        return self.environ.get("POWERTOOLS_SERVICE_NAME", "") or self.default_service

    @property
    def namespace(self) -> str:
        return self.environ.get("POWERTOOLS_METRICS_NAMESPACE", "") or METRICS_NAMESPACE

    @property
    def metrics_enabled(self) -> bool:
        explicit = self.environ.get("POWERTOOLS_METRICS_DISABLED", "")
        if explicit:
            return not _truthy(explicit)
        return bool(self.environ.get("AWS_LAMBDA_FUNCTION_NAME", ""))

    @property
    def tracing_enabled(self) -> bool:
        disabled = _truthy(self.environ.get("POWERTOOLS_TRACE_DISABLED", ""))
        if disabled or self.environ.get("AWS_SAM_LOCAL", ""):
            return False
        return bool(self.environ.get("LAMBDA_TASK_ROOT", ""))

    @cached_property
    def logger(self) -> Logger:
        from aws_lambda_powertools import Logger

        from drs_orchestration.handlers.redaction import RedactingFormatter

        logger = Logger(
            service=self.service, logger_formatter=RedactingFormatter(), logger_handler=StdoutHandler()
        )
        _route_package_logs(logger)
        return logger

    @cached_property
    def tracer(self) -> Tracer | None:
        if not self.tracing_enabled:
            return None
        from aws_lambda_powertools import Tracer

        return Tracer(service=self.service)

    def metrics(self, **dimensions: str) -> EphemeralMetrics:
        """A fresh metric set for one invocation (no state shared with another thread's)."""
        from aws_lambda_powertools.metrics import EphemeralMetrics

        metrics = EphemeralMetrics(namespace=self.namespace, service=self.service)
        metrics.add_dimension("service", self.service)
        for name, value in dimensions.items():
            metrics.add_dimension(name, value)
        return metrics

    def emit(self, metrics: EphemeralMetrics) -> None:
        if self.metrics_enabled and metrics.metric_set:
            print(_emf_line(metrics), flush=True)  # noqa: T201 - EMF is read from the function's stdout

    def emit_drs_calls(self, calls: Counter[tuple[str, str]]) -> None:
        for (service, operation), count in sorted(calls.items()):
            if service != "drs" or count <= 0:
                continue
            metrics = self.metrics(operation=operation)
            metrics.add_metric(name=MetricName.DRS_CALLS, unit="Count", value=count)
            self.emit(metrics)


def _emf_line(metrics: EphemeralMetrics) -> str:
    import json

    return json.dumps(metrics.serialize_metric_set(), separators=(",", ":"))


def _route_package_logs(logger: Logger) -> None:
    """The product's own stdlib loggers (``drs_orchestration.*``) write through the same handler."""
    package = logging.getLogger("drs_orchestration")
    if not package.handlers:  # the first function's handler serves every one in the process
        package.addHandler(logger.registered_handler)
    package.setLevel(logger.log_level)
    package.propagate = False


@lru_cache(maxsize=8)
def telemetry(default_service: str) -> Telemetry:
    """The function's telemetry (one per service in a process)."""
    return Telemetry(default_service)


@contextmanager
def _invocation(tele: Telemetry, correlation_id: object, event: object, context: object) -> Iterator[Logger]:
    logger = tele.logger
    keys = {
        "correlation_id": str(correlation_id) if correlation_id else None,
        "function_name": getattr(context, "function_name", None),
        "function_request_id": getattr(context, "aws_request_id", None),
    }
    logger.thread_safe_append_keys(**{k: v for k, v in keys.items() if v is not None})
    try:
        logger.debug("invocation", extra={"event": event})
        yield logger
    finally:
        logger.thread_safe_remove_keys(list(keys))


def _traced(tele: Telemetry, handler: Handler[Result]) -> Handler[Result]:
    """``handler``, traced where tracing is on: the Tracer (and X-Ray) load on the first call."""
    chosen: list[Handler[Result]] = []

    def call(product: Any, event: Event, context: Any) -> Result:
        if not chosen:
            tracer = tele.tracer
            chosen.append(handler if tracer is None else _traced_with(tracer, handler))
        return chosen[0](product, event, context)

    return call


def _traced_with(tracer: Tracer, handler: Handler[Result]) -> Handler[Result]:
    """``handler`` under the Tracer's Lambda handler (tracing runs on Lambda: one call at a time)."""
    current: list[Any] = [None]
    traced: Callable[[Event, Any], Result] = tracer.capture_lambda_handler(
        lambda event, context: handler(current[0], event, context)
    )

    def call(product: Any, event: Event, context: Any) -> Result:
        current[0] = product
        return traced(event, context)

    return call


def _elapsed_ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 3)


# ---- the API -------------------------------------------------------------------------------------


def record_route(app: Any, next_middleware: Callable[[Any], Any]) -> Any:
    """Resolver middleware: remember the matched route (``GET /protection-groups/{id}``) for metrics."""
    route = app.context.get("_route")
    # the resolver answers an unknown path through a catch-all route of its own: that stays UNMATCHED
    if route is not None and not route.rule.pattern.startswith("^.*"):
        path = _PATH_PARAMETER.sub(r"{\1}", route.path)
        _route.set(f"{route.method} {path}")
    return next_middleware(app)


def _status_of(response: object) -> int:
    status = response.get("statusCode") if isinstance(response, Mapping) else None
    return status if isinstance(status, int) else 500


def _emit_api(tele: Telemetry, route: str, status: int, started: float) -> None:
    metrics = tele.metrics(route=route)
    metrics.add_metric(name=MetricName.API_LATENCY, unit="Milliseconds", value=_elapsed_ms(started))
    metrics.add_metric(name=MetricName.API_4XX, unit="Count", value=1 if 400 <= status < 500 else 0)
    metrics.add_metric(name=MetricName.API_5XX, unit="Count", value=1 if status >= 500 else 0)
    tele.emit(metrics)


def api_function(handler: Handler[Result]) -> Handler[Result]:
    """The REST API's handler: request id as correlation id, latency and 4xx/5xx by route."""
    tele = telemetry(API_SERVICE)

    traced = _traced(tele, handler)

    @wraps(handler)
    def wrapper(product: Any, event: Event, context: Any) -> Result:
        request_id = ((event or {}).get("requestContext") or {}).get("requestId")
        started, before = time.perf_counter(), aws_calls.CALLS.copy()
        token = _route.set(None)
        status = 500
        try:
            with _invocation(tele, request_id, event, context):
                response: Result = traced(product, event, context)
                status = _status_of(response)
                return response
        finally:
            _emit_api(tele, _route.get() or UNMATCHED_ROUTE, status, started)
            tele.emit_drs_calls(aws_calls.calls_since(before))
            _route.reset(token)

    return wrapper


# ---- the engine ----------------------------------------------------------------------------------


def emit_step_counts(tele: Telemetry, step: str, counts: StepCounts) -> None:
    """``WavesMoved``, ``ServersLaunched`` and ``QuotaWaits`` of one step, by ``step``."""
    metrics = tele.metrics(step=step)
    metrics.add_metric(name=MetricName.WAVES_MOVED, unit="Count", value=counts.waves_moved)
    metrics.add_metric(name=MetricName.SERVERS_LAUNCHED, unit="Count", value=counts.servers_launched)
    metrics.add_metric(name=MetricName.QUOTA_WAITS, unit="Count", value=counts.quota_waits)
    tele.emit(metrics)


def _emit_tick(tele: Telemetry, step: str, started: float) -> None:
    metrics = tele.metrics(step=step)
    metrics.add_metric(name=MetricName.TICK_DURATION, unit="Milliseconds", value=_elapsed_ms(started))
    tele.emit(metrics)


def engine_step(step: str) -> Callable[[Handler[Result]], Handler[Result]]:
    """A state machine task (initialize, advance, wait_for_change, finalize): the execution id as
    correlation id; its duration, DRS calls and the counts it reports with :func:`count_step`."""
    tele = telemetry(ENGINE_SERVICE)

    def decorate(handler: Handler[Result]) -> Handler[Result]:
        traced = _traced(tele, handler)

        @wraps(handler)
        def wrapper(product: Any, event: Event, context: Any) -> Result:
            execution_id = (event or {}).get("executionId")
            started, before = time.perf_counter(), aws_calls.CALLS.copy()
            token = _step_counts.set(None)
            try:
                with _invocation(tele, execution_id, event, context):
                    result: Result = traced(product, event, context)
                counts = _step_counts.get()
                if counts is not None:
                    emit_step_counts(tele, step, counts)
                return result
            finally:
                _emit_tick(tele, step, started)
                tele.emit_drs_calls(aws_calls.calls_since(before))
                _step_counts.reset(token)

        return wrapper

    return decorate


# ---- events, schedules and custom resources --------------------------------------------------------


def _observed(default_service: str, name: str, id_key: str) -> Callable[[Handler[Result]], Handler[Result]]:
    tele = telemetry(default_service)

    def decorate(handler: Handler[Result]) -> Handler[Result]:
        traced = _traced(tele, handler)

        @wraps(handler)
        def wrapper(product: Any, event: Event, context: Any) -> Result:
            started, before = time.perf_counter(), aws_calls.CALLS.copy()
            try:
                with _invocation(tele, (event or {}).get(id_key), event, context):
                    result: Result = traced(product, event, context)
                    return result
            finally:
                metrics = tele.metrics(function=name)
                metrics.add_metric(name=MetricName.DURATION, unit="Milliseconds", value=_elapsed_ms(started))
                tele.emit(metrics)
                tele.emit_drs_calls(aws_calls.calls_since(before))

        return wrapper

    return decorate


def event_function(name: str) -> Callable[[Handler[Result]], Handler[Result]]:
    """An EventBridge target (DRS events, the drill clean-up schedule): the event id as correlation id."""
    return _observed(ENGINE_SERVICE, name, "id")


def custom_resource_function(name: str) -> Callable[[Handler[Result]], Handler[Result]]:
    """A CloudFormation custom resource: the request id as correlation id."""
    return _observed(CONSOLE_SERVICE, name, "RequestId")
