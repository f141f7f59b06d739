"""Target of the drill clean-up schedule: terminate the instances of finished drills past their TTL."""

from __future__ import annotations

from typing import Any

from drs_orchestration.domain.engine.cleanup import expire_drills
from drs_orchestration.handlers.engine import clock, store
from drs_orchestration.handlers.engine.dependencies import drs_gateways
from drs_orchestration.handlers.observability import event_function

__all__ = ["lambda_handler"]


@event_function("drill_cleanup")
def lambda_handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    return {"terminated": expire_drills(store.executions(), drs_gateways(), clock.now())}
