"""Point in time (pure): which instants a run may launch from, and what is said when a server has
no recovery snapshot at or before one."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from drs_orchestration.domain.models.base import CamelModel, Timestamp
from drs_orchestration.domain.models.drs import RecoverySnapshot
from drs_orchestration.domain.readiness import ReadinessReason, ReasonCode, Severity

__all__ = [
    "MAX_POINT_IN_TIME_AGE",
    "PointInTimeCoverage",
    "SnapshotChoice",
    "coverage",
    "no_snapshot_reason",
    "point_in_time_problem",
    "snapshot_reasons",
]

MAX_POINT_IN_TIME_AGE = timedelta(days=365)
"""The longest DRS keeps a recovery snapshot: its point-in-time policy retains daily snapshots for at
most 365 days. An older instant can have no snapshot for any server."""


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def no_snapshot_reason(point_in_time: datetime) -> str:
    return f"no recovery snapshot taken at or before {_iso(point_in_time)}"


def point_in_time_problem(point_in_time: datetime, now: datetime) -> str | None:
    """Why ``point_in_time`` cannot be launched from at ``now``; ``None`` when it can be."""
    if point_in_time > now:
        return "must be in the past"
    if now - point_in_time > MAX_POINT_IN_TIME_AGE:
        return f"must be within the last {MAX_POINT_IN_TIME_AGE.days} days (the longest DRS keeps a snapshot)"
    return None


class SnapshotChoice(CamelModel):
    """The snapshot one server would launch from at a point in time (``None``: there is none)."""

    source_server_id: str
    recovery_snapshot_id: str | None
    snapshot_taken_at: Timestamp | None
    gap_seconds: float | None
    """How far before the point in time the snapshot was taken."""


class PointInTimeCoverage(CamelModel):
    """How a plan's servers are covered at a point in time: how many have a snapshot at or before it,
    and the oldest of those snapshots (the largest gap between the instant and a server's data)."""

    point_in_time: Timestamp
    server_count: int
    servers_with_snapshot: int
    oldest_snapshot_taken_at: Timestamp | None
    oldest_gap_seconds: float | None
    servers: list[SnapshotChoice]


def coverage(
    point_in_time: datetime, snapshots: Mapping[str, RecoverySnapshot | None]
) -> PointInTimeCoverage:
    """``snapshots``: server id -> its latest snapshot at or before ``point_in_time`` (or ``None``)."""
    choices = [
        SnapshotChoice(
            source_server_id=server_id,
            recovery_snapshot_id=snapshot.snapshot_id if snapshot else None,
            snapshot_taken_at=snapshot.taken_at if snapshot else None,
            gap_seconds=(point_in_time - snapshot.taken_at).total_seconds() if snapshot else None,
        )
        for server_id, snapshot in sorted(snapshots.items())
    ]
    taken = [c for c in choices if c.snapshot_taken_at is not None]
    oldest = min(taken, key=lambda c: c.snapshot_taken_at or point_in_time, default=None)
    return PointInTimeCoverage(
        point_in_time=point_in_time,
        server_count=len(choices),
        servers_with_snapshot=len(taken),
        oldest_snapshot_taken_at=oldest.snapshot_taken_at if oldest else None,
        oldest_gap_seconds=oldest.gap_seconds if oldest else None,
        servers=choices,
    )


def snapshot_reasons(
    point_in_time: datetime, snapshots: Mapping[str, RecoverySnapshot | None]
) -> dict[str, list[ReadinessReason]]:
    """Readiness at a point in time: a server with no snapshot at or before it is BLOCKED, named."""
    return {
        server_id: [
            ReadinessReason(
                code=ReasonCode.NO_SNAPSHOT_AT_POINT_IN_TIME,
                severity=Severity.BLOCKING,
                message=no_snapshot_reason(point_in_time) + ": it cannot launch from that point in time",
            )
        ]
        for server_id, snapshot in snapshots.items()
        if snapshot is None
    }
