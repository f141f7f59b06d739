"""The engine's clock: the one place the handlers read the time (the local runtime sets a simulated one)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

__all__ = ["now", "set_clock"]


def _utc_now() -> datetime:
    return datetime.now(UTC)


_clock: Callable[[], datetime] = _utc_now


def now() -> datetime:
    return _clock()


def set_clock(clock: Callable[[], datetime] | None) -> None:
    """Use ``clock`` for the time (``None``: the real clock again)."""
    global _clock
    _clock = clock or _utc_now
