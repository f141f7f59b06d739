"""State machine task Initialize: resolve the plan's servers and mark the run RUNNING, driven by the
execution the state machine names (``engineExecution``, its ``$$.Execution.Id``)."""

from __future__ import annotations

from typing import Any

from drs_orchestration.composition.engine import engine_config
from drs_orchestration.composition.engine_runs import run_ports
from drs_orchestration.composition.product import Product, cold_start, default_product
from drs_orchestration.domain.engine.engine import initialize
from drs_orchestration.handlers.observability import engine_step

__all__ = ["handle", "lambda_handler"]

cold_start(run_ports)


@engine_step("initialize")
def handle(product: Product, event: dict[str, Any], context: object) -> dict[str, Any]:
    ports, config = run_ports(product), engine_config(product)
    engine_execution = event.get("engineExecution")
    return initialize(ports, config, event["executionId"], product.clock.now(), engine_execution).to_json()


def lambda_handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    return handle(default_product(), event, context)
