"""Drill schedules in memory, versioned, with the DynamoDB adapter's firing claims and last results."""

from __future__ import annotations

import builtins
import threading
from datetime import datetime

from drs_orchestration.adapters.memory.repositories import InMemoryAuditRepository
from drs_orchestration.domain.errors import Conflict, NotFound, StaleVersion
from drs_orchestration.domain.models.audit import AuditRecord
from drs_orchestration.domain.models.schedule import ScheduleResult, StoredSchedule

__all__ = ["InMemoryScheduleRepository"]


class InMemoryScheduleRepository:
    """A write given an audit record appends it under the same lock, as the DynamoDB adapter writes both
    in one transaction."""

    def __init__(self, audit: InMemoryAuditRepository | None = None) -> None:
        self._items: dict[str, StoredSchedule] = {}
        self._fired_for: dict[str, datetime] = {}
        self._results: dict[str, ScheduleResult] = {}
        self._audit = audit
        self._lock = threading.RLock()

    def _append(self, audit: AuditRecord | None) -> None:
        if audit is not None and self._audit is not None:
            self._audit.append(audit)

    def _current(self, schedule_id: str, expected_version: int | None) -> StoredSchedule:
        current = self._items.get(schedule_id)
        if current is None:
            raise NotFound("schedule", schedule_id)
        if expected_version is not None and current.version != expected_version:
            raise StaleVersion(
                "schedule", schedule_id, expected_version=expected_version, current_version=current.version
            )
        return current

    def get(self, schedule_id: str) -> StoredSchedule:
        with self._lock:
            return self._current(schedule_id, None).model_copy(deep=True)

    def list_for_plan(self, plan_id: str) -> builtins.list[StoredSchedule]:
        with self._lock:
            mine = [s for s in self._items.values() if s.plan_id == plan_id]
        return [s.model_copy(deep=True) for s in sorted(mine, key=lambda s: (s.created_at, s.id))]

    def create(self, schedule: StoredSchedule, *, audit: AuditRecord | None = None) -> StoredSchedule:
        with self._lock:
            if schedule.id in self._items:
                raise Conflict(f"schedule {schedule.id} already exists")
            self._items[schedule.id] = schedule.model_copy(deep=True)
            self._append(audit)
            return schedule

    def update(
        self, schedule: StoredSchedule, expected_version: int, *, audit: AuditRecord | None = None
    ) -> StoredSchedule:
        with self._lock:
            self._current(schedule.id, expected_version)
            stored = schedule.model_copy(update={"version": expected_version + 1}, deep=True)
            self._items[schedule.id] = stored
            self._append(audit)
            return stored.model_copy(deep=True)

    def delete(
        self, schedule_id: str, expected_version: int | None = None, *, audit: AuditRecord | None = None
    ) -> None:
        with self._lock:
            self._current(schedule_id, expected_version)
            del self._items[schedule_id]
            self._fired_for.pop(schedule_id, None)
            self._results.pop(schedule_id, None)
            self._append(audit)

    def last_result(self, schedule_id: str) -> ScheduleResult | None:
        return self._results.get(schedule_id)

    def record_result(self, schedule_id: str, result: ScheduleResult) -> None:
        with self._lock:
            if schedule_id in self._items:
                self._results[schedule_id] = result

    def claim_firing(self, schedule_id: str, scheduled_time: datetime) -> bool:
        with self._lock:
            latest = self._fired_for.get(schedule_id)
            if schedule_id not in self._items or (latest is not None and latest >= scheduled_time):
                return False
            self._fired_for[schedule_id] = scheduled_time
            return True

    def release_firing(self, schedule_id: str, scheduled_time: datetime) -> None:
        with self._lock:
            if self._fired_for.get(schedule_id) == scheduled_time:
                del self._fired_for[schedule_id]
