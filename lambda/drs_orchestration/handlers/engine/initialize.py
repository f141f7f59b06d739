"""State machine task Initialize: resolve the plan's servers and mark the run RUNNING."""

from __future__ import annotations

from typing import Any

from drs_orchestration.composition.engine import engine_config, engine_ports
from drs_orchestration.composition.product import Product, cold_start, default_product
from drs_orchestration.domain.engine.engine import initialize
from drs_orchestration.handlers.observability import engine_step

__all__ = ["handle", "lambda_handler"]

cold_start(engine_ports)


@engine_step("initialize")
def handle(product: Product, event: dict[str, Any], context: object) -> dict[str, Any]:
    ports, config = engine_ports(product), engine_config(product)
    return initialize(ports, config, event["executionId"], product.clock.now()).to_json()


def lambda_handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    return handle(default_product(), event, context)
