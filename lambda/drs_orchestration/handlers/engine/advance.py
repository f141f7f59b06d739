"""State machine task Advance: one reconciler tick over the run; returns how long to wait."""

from __future__ import annotations

from typing import Any

from pydantic import JsonValue

from drs_orchestration.composition.engine import engine_config, engine_ports
from drs_orchestration.composition.product import Product, cold_start, default_product
from drs_orchestration.domain.engine.engine import advance
from drs_orchestration.handlers.observability import engine_step

__all__ = ["handle", "lambda_handler"]

cold_start(engine_ports)


def _invoke_result(event: dict[str, Any]) -> dict[str, JsonValue] | None:
    invoke, result = event.get("invoke"), event.get("invokeResult")
    if not isinstance(invoke, dict) or result is None:
        return None
    outcome: dict[str, JsonValue] = {"waveId": invoke.get("waveId"), "index": invoke.get("index")}
    if isinstance(result, dict) and "Error" in result:
        outcome["error"] = f"{result.get('Error')}: {str(result.get('Cause', ''))[:500]}"
    elif (
        isinstance(result, dict)
        and isinstance(result.get("Payload"), dict)
        and "errorType" in result["Payload"]
    ):
        outcome["error"] = str(result["Payload"].get("errorType"))
    return outcome


@engine_step("advance")
def handle(product: Product, event: dict[str, Any], context: object) -> dict[str, Any]:
    ports, config = engine_ports(product), engine_config(product)
    result = advance(ports, config, event["executionId"], product.clock.now(), _invoke_result(event))
    return result.to_json()


def lambda_handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    return handle(default_product(), event, context)
