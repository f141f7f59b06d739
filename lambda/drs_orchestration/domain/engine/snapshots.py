"""Point in time: which recovery snapshot each server of a batch launches from.

A run with a ``pointInTime`` launches every server from its latest recovery snapshot taken at or
before that instant. The snapshot is looked up once per server, when it is first put in a batch (one
DescribeRecoverySnapshots, newest first, one item), and recorded on the server before StartRecovery,
so a batch started again after a crash launches from the same snapshot. A server DRS keeps no such
snapshot for fails to start, with that reason: none falls back to the latest data.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from drs_orchestration.domain.concurrency import bounded_map
from drs_orchestration.domain.engine.context import Tick
from drs_orchestration.domain.models.drs import DrsTarget, LaunchStatus
from drs_orchestration.domain.models.execution import EventType, ServerState
from drs_orchestration.domain.point_in_time import no_snapshot_reason

__all__ = ["choose_snapshots", "snapshots_of"]


def choose_snapshots(tick: Tick, target: DrsTarget, wave_id: str, server_ids: Sequence[str]) -> list[str]:
    """Record on each server of ``server_ids`` the snapshot it launches from; returns those that may
    launch (every one when the run has no point in time). A server with no snapshot at or before the
    instant is FAILED, named in the timeline, and left out. The look-ups run at most
    ``DRS_CALLS_PER_TARGET`` at once; what they found is recorded afterwards, in order."""
    point_in_time = tick.header.point_in_time
    if point_in_time is None:
        return list(server_ids)
    members = set(server_ids)
    servers = [s for s in tick.wave_servers(wave_id) if s.source_server_id in members]
    unchosen = [s for s in servers if s.recovery_snapshot_id is None]
    drs = tick.drs(target)
    found = bounded_map(
        lambda server: drs.latest_recovery_snapshot(server.source_server_id, at_or_before=point_in_time),
        unchosen,
    )
    snapshots = {server.source_server_id: snapshot for server, snapshot in zip(unchosen, found, strict=True)}
    launchable: list[str] = []
    for server in servers:
        if server.recovery_snapshot_id is not None:
            launchable.append(server.source_server_id)
            continue
        snapshot = snapshots[server.source_server_id]
        if snapshot is None:
            _fail(tick, server, no_snapshot_reason(point_in_time))
            continue
        tick.set_server(
            server, recovery_snapshot_id=snapshot.snapshot_id, snapshot_taken_at=snapshot.taken_at
        )
        launchable.append(server.source_server_id)
    chosen = set(launchable)
    return [server_id for server_id in server_ids if server_id in chosen]


def snapshots_of(servers: Sequence[ServerState], server_ids: Sequence[str]) -> Mapping[str, str]:
    """The recorded snapshot of each of ``server_ids`` that has one (for StartRecovery)."""
    members = set(server_ids)
    return {
        s.source_server_id: s.recovery_snapshot_id
        for s in servers
        if s.source_server_id in members and s.recovery_snapshot_id is not None
    }


def _fail(tick: Tick, server: ServerState, reason: str) -> None:
    tick.set_server(server, launch_status=LaunchStatus.FAILED, error=reason, ended_at=tick.now)
    tick.event(
        EventType.SERVER_FAILED,
        f"{server.source_server_id}: {reason}",
        wave_id=server.wave_id,
        source_server_id=server.source_server_id,
    )
