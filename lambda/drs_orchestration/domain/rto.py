"""RTO maths (pure): from the run's start to the last CRITICAL server recovered, against the target.

A CRITICAL server has recovered when it is healthy (its wave has a health check) or launched (its
wave has none). OPTIONAL servers do not count.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime

from drs_orchestration.domain.models.execution import RtoMeasurement, ServerImpact, ServerState

__all__ = ["measure_rto"]


def _recovered_at(server: ServerState, health_checked_waves: Collection[str]) -> datetime | None:
    return server.healthy_at if server.wave_id in health_checked_waves else server.launched_at


def measure_rto(
    *,
    target_minutes: int,
    started_at: datetime | None,
    servers: Iterable[ServerState],
    health_checked_waves: Collection[str],
    now: datetime | None = None,
) -> RtoMeasurement:
    """Measured RTO of a run. ``now`` (when given) fills ``elapsedSeconds`` and can tell a target
    already missed before every CRITICAL server has recovered."""
    critical = [s for s in servers if s.impact is ServerImpact.CRITICAL]
    recovered = [t for t in (_recovered_at(s, health_checked_waves) for s in critical) if t is not None]
    target_seconds = target_minutes * 60
    recovered_at = max(recovered) if critical and len(recovered) == len(critical) else None
    measured = elapsed = None
    met: bool | None = None
    if started_at is not None:
        if recovered_at is not None:
            measured = elapsed = (recovered_at - started_at).total_seconds()
            met = measured <= target_seconds
        elif now is not None:
            elapsed = (now - started_at).total_seconds()
            met = False if elapsed > target_seconds else None
    return RtoMeasurement(
        target_minutes=target_minutes,
        started_at=started_at,
        recovered_at=recovered_at,
        measured_seconds=measured,
        elapsed_seconds=elapsed,
        met=met,
        critical_servers=len(critical),
        recovered_critical_servers=len(recovered),
    )
