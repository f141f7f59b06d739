"""State machine task Initialize: resolve the plan's servers and mark the run RUNNING."""

from __future__ import annotations

from typing import Any

from drs_orchestration.domain.engine.engine import initialize
from drs_orchestration.handlers.engine import clock
from drs_orchestration.handlers.engine.dependencies import engine_config, engine_ports
from drs_orchestration.handlers.observability import engine_step

__all__ = ["lambda_handler"]


@engine_step("initialize")
def lambda_handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    return initialize(engine_ports(), engine_config(), event["executionId"], clock.now()).to_json()
