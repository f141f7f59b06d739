"""Target of the EventBridge rule for DRS "DRS Source Server Launch Result" events: wake the run
whose job finished."""

from __future__ import annotations

from typing import Any

from drs_orchestration.domain.engine.wake import wake_for_launch_result
from drs_orchestration.handlers.engine import store
from drs_orchestration.handlers.engine.dependencies import drs_gateways
from drs_orchestration.handlers.observability import event_function

__all__ = ["lambda_handler"]


@event_function("drs_events")
def lambda_handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    job_id = (event.get("detail") or {}).get("job-id")
    if not isinstance(job_id, str) or not job_id:
        return {"woken": []}
    return {"woken": wake_for_launch_result(store.executions(), drs_gateways(), store.waker(), job_id)}
