"""State machine task Finalize: job-log phase timings, the final status, the "finished" notification."""

from __future__ import annotations

from typing import Any

from drs_orchestration.domain.engine.engine import finalize
from drs_orchestration.handlers.engine import clock
from drs_orchestration.handlers.engine.dependencies import engine_config, engine_ports
from drs_orchestration.handlers.observability import engine_step

__all__ = ["lambda_handler"]


@engine_step("finalize")
def lambda_handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    error = event.get("error")
    reason = f"{error.get('Error')}: {str(error.get('Cause', ''))[:500]}" if isinstance(error, dict) else None
    return finalize(engine_ports(), engine_config(), event["executionId"], clock.now(), reason).to_json()
