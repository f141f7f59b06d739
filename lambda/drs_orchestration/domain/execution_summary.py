"""Assemble the API view of an execution from its stored items."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from drs_orchestration.domain.models.execution import (
    Execution,
    ExecutionHeader,
    ServerState,
    ServerSummary,
    WaveState,
    WaveSummary,
)
from drs_orchestration.domain.rto import measure_rto

__all__ = ["assemble_execution"]


def assemble_execution(
    header: ExecutionHeader,
    waves: Iterable[WaveState],
    servers: Iterable[ServerState],
    *,
    now: datetime | None = None,
) -> Execution:
    """Waves in plan order, each with its servers (sorted by id), and the measured RTO."""
    waves, servers = list(waves), list(servers)
    if ({w.execution_id for w in waves} | {s.execution_id for s in servers}) - {header.id}:
        raise ValueError(f"items of another execution given to {header.id}")
    summary_fields = set(ServerSummary.model_fields)
    by_wave: dict[str, list[ServerSummary]] = {}
    for server in sorted(servers, key=lambda s: s.source_server_id):
        summary = ServerSummary.model_validate(server.model_dump(include=summary_fields))
        by_wave.setdefault(server.wave_id, []).append(summary)
    snapshot = header.plan_snapshot
    rto = measure_rto(
        target_minutes=snapshot.rto_target_minutes,
        started_at=header.started_at,
        servers=servers,
        health_checked_waves={wave.id for wave in snapshot.waves if wave.health_check is not None},
        now=header.ended_at or now,
    )
    return Execution(
        id=header.id,
        plan_id=header.plan_id,
        plan_version=header.plan_version,
        plan_name=header.plan_name,
        mode=header.mode,
        status=header.status,
        status_reason=header.status_reason,
        created_at=header.created_at,
        started_at=header.started_at,
        ended_at=header.ended_at,
        started_by=header.started_by,
        waves=[
            WaveSummary(
                id=wave.wave_id,
                name=wave.name,
                status=wave.status,
                reason=wave.reason,
                skip_cause=wave.skip_cause,
                started_at=wave.started_at,
                ended_at=wave.ended_at,
                servers=by_wave.get(wave.wave_id, []),
            )
            for wave in sorted(waves, key=lambda w: w.position)
        ],
        rto=rto,
        instances_terminated_at=header.instances_terminated_at,
        point_in_time=header.point_in_time,
        source_execution_id=header.source_execution_id,
    )
