"""State machine task Finalize: job-log phase timings, the final status, the "finished" notification."""

from __future__ import annotations

from typing import Any

from drs_orchestration.composition.engine import engine_config, engine_ports
from drs_orchestration.composition.product import Product, cold_start, default_product
from drs_orchestration.domain.engine.engine import finalize
from drs_orchestration.handlers.observability import engine_step

__all__ = ["handle", "lambda_handler"]

cold_start(engine_ports)


@engine_step("finalize")
def handle(product: Product, event: dict[str, Any], context: object) -> dict[str, Any]:
    error = event.get("error")
    reason = f"{error.get('Error')}: {str(error.get('Cause', ''))[:500]}" if isinstance(error, dict) else None
    ports, config = engine_ports(product), engine_config(product)
    return finalize(ports, config, event["executionId"], product.clock.now(), reason).to_json()


def lambda_handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    return handle(default_product(), event, context)
