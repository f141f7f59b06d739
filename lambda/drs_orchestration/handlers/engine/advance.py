"""State machine task Advance: one reconciler tick over the run; returns how long to wait."""

from __future__ import annotations

from typing import Any

from drs_orchestration.domain.engine.engine import advance
from drs_orchestration.domain.engine.invocations import ActionError, InvocationResult
from drs_orchestration.handlers.engine import clock
from drs_orchestration.handlers.engine.dependencies import engine_config, engine_ports

__all__ = ["lambda_handler"]

_CAUSE_CHARS = 1000


def _action_error(result: Any) -> ActionError | None:
    """The failure the InvokeAction state reports: its Catch hands over Step Functions' ``Error`` and
    ``Cause``; a function that returned an error object reports it in its ``Payload``."""
    if not isinstance(result, dict):
        return None
    if "Error" in result:
        return ActionError(
            error=str(result["Error"])[:256], cause=str(result.get("Cause") or "")[:_CAUSE_CHARS]
        )
    payload = result.get("Payload")
    if isinstance(payload, dict) and "errorType" in payload:
        cause = str(payload.get("errorMessage") or "")[:_CAUSE_CHARS]
        return ActionError(error=str(payload["errorType"])[:256], cause=cause)
    return None


def _invoke_result(event: dict[str, Any]) -> InvocationResult | None:
    """The outcome of the Lambda action the previous Advance handed over, if this step brings one."""
    invoke, result = event.get("invoke"), event.get("invokeResult")
    if not isinstance(invoke, dict) or result is None:
        return None
    return InvocationResult(
        wave_id=invoke["waveId"],
        phase=invoke.get("phase"),
        index=invoke["index"],
        error=_action_error(result),
    )


def lambda_handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    result = advance(
        engine_ports(), engine_config(), event["executionId"], clock.now(), _invoke_result(event)
    )
    return result.to_json()
