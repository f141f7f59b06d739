"""State machine task Advance: one reconciler tick over the run; returns how long to wait."""

from __future__ import annotations

from typing import Any

from drs_orchestration.composition.engine import engine_config
from drs_orchestration.composition.engine_runs import run_ports
from drs_orchestration.composition.product import Product, cold_start, default_product
from drs_orchestration.domain.engine.engine import advance
from drs_orchestration.domain.engine.invocations import ActionError, InvocationResult
from drs_orchestration.handlers.observability import StepCounts, count_step, engine_step

__all__ = ["handle", "lambda_handler"]

cold_start(run_ports)

_CAUSE_CHARS = 1000


def _action_error(result: Any) -> ActionError | None:
    """The failure the InvokeAction state reports: its Catch hands over Step Functions' ``Error`` and
    ``Cause`` (a function that raised, timed out, or answered more than a state may hold). Its
    ResultSelector keeps only the status code of a function that answered, never its payload."""
    if not isinstance(result, dict) or "Error" not in result:
        return None
    return ActionError(error=str(result["Error"])[:256], cause=str(result.get("Cause") or "")[:_CAUSE_CHARS])


def _invoke_result(event: dict[str, Any]) -> InvocationResult | None:
    """The outcome of the Lambda action the previous Advance handed over, if this step brings one."""
    invoke, result = event.get("invoke"), event.get("invokeResult")
    if not isinstance(invoke, dict) or result is None:
        return None
    return InvocationResult(
        wave_id=invoke["waveId"],
        phase=invoke.get("phase"),
        index=invoke["index"],
        error=_action_error(result),
    )


@engine_step("advance")
def handle(product: Product, event: dict[str, Any], context: object) -> dict[str, Any]:
    ports, config = run_ports(product), engine_config(product)
    result = advance(
        ports,
        config,
        event["executionId"],
        product.clock.now(),
        _invoke_result(event),
        engine_execution=event.get("engineExecution"),
        ticks=int(event.get("ticks") or 0),
    )
    metrics = result.metrics
    count_step(StepCounts(metrics.waves_moved, metrics.servers_launched, metrics.quota_waits))
    return result.to_json()


def lambda_handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    return handle(default_product(), event, context)
