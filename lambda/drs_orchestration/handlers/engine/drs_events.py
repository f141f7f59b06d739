"""Target of the EventBridge rule for DRS "DRS Source Server Launch Result" events: wake the run
whose job finished."""

from __future__ import annotations

from typing import Any

from drs_orchestration.composition.engine import drs_gateways
from drs_orchestration.composition.product import Product, cold_start, default_product
from drs_orchestration.composition.store import executions, waker
from drs_orchestration.domain.engine.wake import wake_for_launch_result
from drs_orchestration.handlers.observability import event_function

__all__ = ["handle", "lambda_handler"]

cold_start(executions, waker, drs_gateways)


@event_function("drs_events")
def handle(product: Product, event: dict[str, Any], context: object) -> dict[str, Any]:
    job_id = (event.get("detail") or {}).get("job-id")
    if not isinstance(job_id, str) or not job_id:
        return {"woken": []}
    woken = wake_for_launch_result(executions(product), drs_gateways(product), waker(product), job_id)
    return {"woken": woken}


def lambda_handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    return handle(default_product(), event, context)
