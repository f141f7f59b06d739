"""The ports drill schedules use: where schedules are kept, and the service that fires them."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from drs_orchestration.domain.models.audit import AuditRecord
from drs_orchestration.domain.models.schedule import ScheduleResult, StoredSchedule

__all__ = ["ScheduleRepository", "ScheduleTrigger"]


class ScheduleRepository(Protocol):
    """Schedules by plan, versioned; each firing claimed once; the last firing's result kept apart from
    the schedule's version (a firing never makes an operator's edit stale)."""

    def get(self, schedule_id: str) -> StoredSchedule: ...
    def list_for_plan(self, plan_id: str) -> list[StoredSchedule]: ...
    def create(self, schedule: StoredSchedule, *, audit: AuditRecord | None = None) -> StoredSchedule: ...
    def update(
        self, schedule: StoredSchedule, expected_version: int, *, audit: AuditRecord | None = None
    ) -> StoredSchedule: ...
    def delete(
        self, schedule_id: str, expected_version: int | None = None, *, audit: AuditRecord | None = None
    ) -> None: ...
    def last_result(self, schedule_id: str) -> ScheduleResult | None: ...
    def record_result(self, schedule_id: str, result: ScheduleResult) -> None: ...
    def claim_firing(self, schedule_id: str, scheduled_time: datetime) -> bool:
        """``True`` the first time a firing (``scheduled_time``) is claimed; ``False`` for a repeat of it
        or of an earlier firing, or when the schedule is gone."""
        ...

    def release_firing(self, schedule_id: str, scheduled_time: datetime) -> None:
        """Give a claimed firing back (it failed before it decided anything), so a retry may run it."""
        ...


class ScheduleTrigger(Protocol):
    """The service that fires schedules (EventBridge Scheduler): one of its schedules per schedule."""

    def put(self, schedule: StoredSchedule, *, create: bool) -> None: ...
    def delete(self, schedule_id: str) -> None: ...
