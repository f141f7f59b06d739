"""State machine task WaitForChange (``waitForTaskToken``): store the token on the run's header.

A DRS event, an operator request through the API, or the task's timeout (the wait Advance asked
for) ends the wait; then Advance runs again.
"""

from __future__ import annotations

from typing import Any

from drs_orchestration.domain.engine.wake import store_task_token
from drs_orchestration.handlers.engine import store
from drs_orchestration.handlers.observability import engine_step

__all__ = ["lambda_handler"]


@engine_step("wait_for_change")
def lambda_handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    woke = store_task_token(store.executions(), store.waker(), event["executionId"], event["taskToken"])
    return {"executionId": event["executionId"], "wokeAtOnce": woke}
