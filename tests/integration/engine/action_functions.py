"""Lambda functions that recovery plans' LAMBDA actions invoke in the tests (resolved from their Handler)."""

from typing import Any

received: list[dict[str, Any]] = []


class ActionFailed(Exception):
    pass


def record(event: dict[str, Any], context: Any) -> dict[str, Any]:
    received.append(event)
    return {"ok": True}


def fail(event: dict[str, Any], context: Any) -> dict[str, Any]:
    raise ActionFailed(f"refused {event.get('waveId')}")
