"""Readiness scans: each computed result is kept, one per day, with the day's score for the history.

A scan runs daily on a schedule and on demand (``POST /readiness/scans``, handed to the scan function);
``GET /readiness`` reads the latest stored result and the scores of the last ``HISTORY_DAYS`` days,
never computing one within the request. A later scan of the same day replaces that day's result.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Protocol

from pydantic import Field

from drs_orchestration.domain.models.base import CamelModel, Timestamp
from drs_orchestration.domain.readiness_programme import Finding, ReadinessResult, ScoreOnDay

__all__ = [
    "HISTORY_DAYS",
    "RESULT_RETENTION",
    "ReadinessScanEvent",
    "ReadinessScanRepository",
    "ReadinessScanner",
    "ReadinessView",
    "ScanAccepted",
]

HISTORY_DAYS = 90
"""How many days of scores ``GET /readiness`` returns."""

RESULT_RETENTION = timedelta(days=HISTORY_DAYS + 10)
"""How long a day's result is kept (the store's TTL removes it after that)."""


class ReadinessView(CamelModel):
    """``GET /readiness``: the latest result (``score`` and ``checkedAt`` are ``null`` before the first
    scan) and the score of each scanned day, oldest first."""

    score: Annotated[int, Field(ge=0, le=100)] | None
    checked_at: Timestamp | None
    findings: list[Finding]
    history: list[ScoreOnDay]


class ScanAccepted(CamelModel):
    """``POST /readiness/scans``: the scan was handed to the scan function."""

    requested_at: Timestamp
    requested_by: str


class ReadinessScanEvent(CamelModel):
    """What the scan function is given on demand (a scheduled event carries none of it)."""

    requested_by: Annotated[str, Field(min_length=1, max_length=256)]


class ReadinessScanRepository(Protocol):
    """Stored results, one per day, whatever their number of findings (never one item that grows)."""

    def save(self, result: ReadinessResult) -> None:
        """Keep ``result`` as its day's (``checkedAt``'s UTC date), replacing an earlier one of that day."""
        ...

    def latest(self) -> ReadinessResult | None:
        """The most recent day's result with every finding; ``None`` before the first scan."""
        ...

    def history(self, since: date) -> list[ScoreOnDay]:
        """The score of each day from ``since`` on that has a result, oldest first."""
        ...


class ReadinessScanner(Protocol):
    """Runs a scan outside the request that asked for it (the scan function, invoked asynchronously)."""

    def start(self, requested_by: str) -> None: ...
