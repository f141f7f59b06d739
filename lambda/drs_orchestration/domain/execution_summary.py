"""Assemble the API view of an execution from its stored items."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from drs_orchestration.domain.models.execution import (
    Execution,
    ExecutionHeader,
    RtoMeasurement,
    ServerCounts,
    ServerState,
    ServerSummary,
    WaveState,
    WaveSummary,
)
from drs_orchestration.domain.rto import measure_rto, measure_rto_from_counts
from drs_orchestration.domain.server_counts import count_servers

__all__ = ["assemble_execution", "assemble_summary", "health_checked"]


def assemble_execution(
    header: ExecutionHeader,
    waves: Iterable[WaveState],
    servers: Iterable[ServerState],
    *,
    now: datetime | None = None,
) -> Execution:
    """Waves in plan order, each with its servers (sorted by id) and their counts, and the measured RTO."""
    waves, servers = list(waves), list(servers)
    if ({w.execution_id for w in waves} | {s.execution_id for s in servers}) - {header.id}:
        raise ValueError(f"items of another execution given to {header.id}")
    summary_fields = set(ServerSummary.model_fields)
    by_wave: dict[str, list[ServerState]] = {}
    for server in sorted(servers, key=lambda s: s.source_server_id):
        by_wave.setdefault(server.wave_id, []).append(server)
    checked = _health_checked(header)
    snapshot = header.plan_snapshot
    rto = measure_rto(
        target_minutes=snapshot.rto_target_minutes,
        started_at=header.started_at,
        servers=servers,
        health_checked_waves=checked,
        now=header.ended_at or now,
    )
    return _execution(
        header,
        [
            _wave(
                wave,
                [
                    ServerSummary.model_validate(s.model_dump(include=summary_fields))
                    for s in by_wave.get(wave.wave_id, [])
                ],
                count_servers(by_wave.get(wave.wave_id, []), health_checked=wave.wave_id in checked),
            )
            for wave in sorted(waves, key=lambda w: w.position)
        ],
        rto,
    )


def assemble_summary(
    header: ExecutionHeader, waves: Iterable[tuple[WaveState, ServerCounts]], *, now: datetime | None = None
) -> Execution:
    """Waves in plan order with their server counts and no server, and the RTO measured from the
    counts: what a poll of a run of thousands of servers needs, read from the header and wave items."""
    waves = sorted(waves, key=lambda pair: pair[0].position)
    if {w.execution_id for w, _ in waves} - {header.id}:
        raise ValueError(f"items of another execution given to {header.id}")
    rto = measure_rto_from_counts(
        target_minutes=header.plan_snapshot.rto_target_minutes,
        started_at=header.started_at,
        counts=[counts for _, counts in waves],
        now=header.ended_at or now,
    )
    return _execution(header, [_wave(wave, [], counts) for wave, counts in waves], rto)


def _health_checked(header: ExecutionHeader) -> set[str]:
    return {wave.id for wave in header.plan_snapshot.waves if wave.health_check is not None}


def health_checked(header: ExecutionHeader, wave_id: str) -> bool:
    """Whether the wave has a health gate (its servers recover when healthy, not when launched)."""
    return wave_id in _health_checked(header)


def _wave(wave: WaveState, servers: list[ServerSummary], counts: ServerCounts) -> WaveSummary:
    return WaveSummary(
        id=wave.wave_id,
        name=wave.name,
        status=wave.status,
        reason=wave.reason,
        skip_cause=wave.skip_cause,
        started_at=wave.started_at,
        ended_at=wave.ended_at,
        servers=servers,
        server_counts=counts,
    )


def _execution(header: ExecutionHeader, waves: list[WaveSummary], rto: RtoMeasurement) -> Execution:
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
        waves=waves,
        rto=rto,
        instances_terminated_at=header.instances_terminated_at,
        point_in_time=header.point_in_time,
        source_execution_id=header.source_execution_id,
    )
