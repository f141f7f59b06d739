"""RTO maths (pure): from the run's start to the last CRITICAL server recovered, against the target.

A CRITICAL server has recovered when it is healthy (its wave has a health check) or launched (its
wave has none). OPTIONAL servers do not count.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime

from drs_orchestration.domain.models.execution import RtoMeasurement, ServerCounts, ServerImpact, ServerState

__all__ = ["measure_rto", "measure_rto_from_counts"]


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
    return _measure(
        target_minutes=target_minutes,
        started_at=started_at,
        critical=len(critical),
        recovered=len(recovered),
        last_recovered_at=max(recovered, default=None),
        now=now,
    )


def measure_rto_from_counts(
    *,
    target_minutes: int,
    started_at: datetime | None,
    counts: Iterable[ServerCounts],
    now: datetime | None = None,
) -> RtoMeasurement:
    """The same measure from the waves' server counts (no server read)."""
    counts = list(counts)
    times = [c.last_recovered_at for c in counts if c.last_recovered_at is not None]
    return _measure(
        target_minutes=target_minutes,
        started_at=started_at,
        critical=sum(c.critical for c in counts),
        recovered=sum(c.critical_recovered for c in counts),
        last_recovered_at=max(times, default=None),
        now=now,
    )


def _measure(
    *,
    target_minutes: int,
    started_at: datetime | None,
    critical: int,
    recovered: int,
    last_recovered_at: datetime | None,
    now: datetime | None,
) -> RtoMeasurement:
    target_seconds = target_minutes * 60
    recovered_at = last_recovered_at if critical and recovered == critical else None
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
        critical_servers=critical,
        recovered_critical_servers=recovered,
    )
