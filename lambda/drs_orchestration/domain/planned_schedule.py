"""The plan's schedule (pure): when each wave is planned to start and end, in minutes from the run's start.

A wave is planned to start when the last of its dependencies is planned to end (the critical path over
the DAG) and to take its ``timeoutMinutes``, its time budget.
"""

from __future__ import annotations

from collections.abc import Sequence

from drs_orchestration.domain.models.base import CamelModel
from drs_orchestration.domain.models.recovery_plan import Wave
from drs_orchestration.domain.scheduling import wave_order

__all__ = ["PlannedWindow", "planned_schedule"]


class PlannedWindow(CamelModel):
    start_minutes: int
    end_minutes: int


def planned_schedule(waves: Sequence[Wave]) -> dict[str, PlannedWindow]:
    """Each wave's planned window; dependencies on waves not in ``waves`` are ignored.

    Raises ``CycleError`` when the waves depend on each other in a cycle (a plan the API refuses).
    """
    by_id = {wave.id: wave for wave in waves}
    schedule: dict[str, PlannedWindow] = {}
    for wave_id in wave_order(waves):
        wave = by_id[wave_id]
        start = max(
            (schedule[d.wave_id].end_minutes for d in wave.depends_on if d.wave_id in schedule), default=0
        )
        schedule[wave_id] = PlannedWindow(start_minutes=start, end_minutes=start + wave.timeout_minutes)
    return schedule
