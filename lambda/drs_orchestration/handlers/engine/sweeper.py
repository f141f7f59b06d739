"""Target of the sweeper schedule: end the runs whose state machine execution no longer runs."""

from __future__ import annotations

from typing import Any

from drs_orchestration.composition.engine import engine_config
from drs_orchestration.composition.engine_runs import run_ports
from drs_orchestration.composition.product import Product, cold_start, default_product
from drs_orchestration.domain.engine.sweeper import sweep
from drs_orchestration.handlers.observability import event_function

__all__ = ["handle", "lambda_handler"]

cold_start(run_ports)


@event_function("sweeper")
def handle(product: Product, event: dict[str, Any], context: object) -> dict[str, Any]:
    swept = sweep(run_ports(product), engine_config(product), product.clock.now())
    return {"ended": [run.to_json() for run in swept]}


def lambda_handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    return handle(default_product(), event, context)
