"""Lambda handlers the local Step Functions runtime test deploys (resolved from their Handler setting)."""

from typing import Any


class FlakyError(Exception):
    pass


_calls: dict[str, int] = {}


def count(event: dict[str, Any], context: Any) -> dict[str, Any]:
    key = event["key"]
    _calls[key] = _calls.get(key, 0) + 1
    if _calls[key] < event.get("failTimes", 0) + 1:
        raise FlakyError(f"attempt {_calls[key]} of {key} fails")
    return {"key": key, "attempts": _calls[key], "function": context.function_name}
