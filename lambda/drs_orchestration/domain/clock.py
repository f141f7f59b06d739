"""The one way the product reads the time: a ``Clock`` is passed in, never looked up."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

__all__ = ["Clock"]


class Clock(Protocol):
    """What time it is (timezone-aware, UTC)."""

    def now(self) -> datetime: ...
