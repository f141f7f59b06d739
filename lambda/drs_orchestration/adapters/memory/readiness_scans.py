"""In-memory readiness scan results and a scanner that records who asked, for tests."""

from __future__ import annotations

import threading
from datetime import date

from drs_orchestration.domain.readiness_programme import ReadinessResult, ScoreOnDay

__all__ = ["InMemoryReadinessScanRepository", "RecordingReadinessScanner"]


class InMemoryReadinessScanRepository:
    """The ``ReadinessScanRepository`` contract in a dict keyed by day."""

    def __init__(self) -> None:
        self._days: dict[date, ReadinessResult] = {}
        self._lock = threading.Lock()

    def save(self, result: ReadinessResult) -> None:
        with self._lock:
            self._days[result.checked_at.date()] = result.model_copy(deep=True)

    def latest(self) -> ReadinessResult | None:
        with self._lock:
            return self._days[max(self._days)].model_copy(deep=True) if self._days else None

    def history(self, since: date) -> list[ScoreOnDay]:
        with self._lock:
            return [
                ScoreOnDay(date=day, score=self._days[day].score)
                for day in sorted(self._days)
                if day >= since
            ]


class RecordingReadinessScanner:
    """Records who asked for a scan; a test runs it (``scan_readiness``) when it wants."""

    def __init__(self) -> None:
        self.requested_by: list[str] = []

    def start(self, requested_by: str) -> None:
        self.requested_by.append(requested_by)
