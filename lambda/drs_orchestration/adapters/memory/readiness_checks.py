"""In-memory readiness checks and a worker that records what it was asked to run, for tests."""

from __future__ import annotations

import threading
from datetime import datetime

from drs_orchestration.domain.errors import Conflict, NotFound
from drs_orchestration.domain.readiness_checks import (
    CompletedReadinessCheck,
    FailedReadinessCheck,
    ReadinessCheck,
    RunningReadinessCheck,
)

__all__ = ["InMemoryReadinessCheckRepository", "RecordingReadinessWorker"]


class InMemoryReadinessCheckRepository:
    """The ``ReadinessCheckRepository`` contract in a dict; ``progress_writes`` counts progress updates."""

    def __init__(self) -> None:
        self._checks: dict[str, ReadinessCheck] = {}
        self._lock = threading.Lock()
        self.progress_writes: list[int] = []

    def create(self, check: ReadinessCheck) -> None:
        with self._lock:
            if check.id in self._checks:
                raise Conflict(f"readiness check {check.id} already exists")
            self._checks[check.id] = check.model_copy(deep=True)

    def get(self, check_id: str) -> ReadinessCheck:
        with self._lock:
            if check_id not in self._checks:
                raise NotFound("readiness check", check_id)
            return self._checks[check_id].model_copy(deep=True)

    def record_progress(self, check_id: str, checked_servers: int, at: datetime) -> None:
        with self._lock:
            check = self._checks.get(check_id)
            if not isinstance(check, RunningReadinessCheck):
                return
            update = {"checked_servers": checked_servers, "updated_at": at}
            progress = check.progress.model_copy(update=update)
            self._checks[check_id] = check.model_copy(update={"progress": progress})
            self.progress_writes.append(checked_servers)

    def finish(self, check: CompletedReadinessCheck | FailedReadinessCheck) -> None:
        with self._lock:
            if not isinstance(self._checks.get(check.id), RunningReadinessCheck):
                raise Conflict(f"readiness check {check.id} is not running")
            self._checks[check.id] = check.model_copy(deep=True)


class RecordingReadinessWorker:
    """Records the checks it is asked to run; a test runs them (``run_readiness_check``) when it wants."""

    def __init__(self) -> None:
        self.started: list[str] = []

    def start(self, check_id: str) -> None:
        self.started.append(check_id)
