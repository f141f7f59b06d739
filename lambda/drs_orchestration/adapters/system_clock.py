"""The wall clock, for the functions on AWS (local mode and tests pass a simulated one instead)."""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["SystemClock"]


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)
