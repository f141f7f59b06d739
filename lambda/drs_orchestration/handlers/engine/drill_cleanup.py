"""Target of the drill clean-up schedule: terminate the instances of finished drills past their TTL."""

from __future__ import annotations

from typing import Any

from drs_orchestration.composition.engine import drs_gateways
from drs_orchestration.composition.product import Product, cold_start, default_product
from drs_orchestration.composition.store import executions
from drs_orchestration.domain.engine.cleanup import expire_drills
from drs_orchestration.handlers.observability import event_function

__all__ = ["handle", "lambda_handler"]

cold_start(executions, drs_gateways)


@event_function("drill_cleanup")
def handle(product: Product, event: dict[str, Any], context: object) -> dict[str, Any]:
    return {"terminated": expire_drills(executions(product), drs_gateways(product), product.clock.now())}


def lambda_handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    return handle(default_product(), event, context)
