"""State machine task WaitForChange (``waitForTaskToken``): store the token on the run's header.

A DRS event, an operator request through the API, or the task's timeout (the wait Advance asked
for) ends the wait; then Advance runs again.
"""

from __future__ import annotations

from typing import Any

from drs_orchestration.composition.product import Product, cold_start, default_product
from drs_orchestration.composition.store import executions, waker
from drs_orchestration.domain.engine.wake import store_task_token
from drs_orchestration.handlers.observability import engine_step

__all__ = ["handle", "lambda_handler"]

cold_start(executions, waker)


@engine_step("wait_for_change")
def handle(product: Product, event: dict[str, Any], context: object) -> dict[str, Any]:
    execution_id = event["executionId"]
    woke = store_task_token(executions(product), waker(product), execution_id, event["taskToken"])
    return {"executionId": execution_id, "wokeAtOnce": woke}


def lambda_handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    return handle(default_product(), event, context)
