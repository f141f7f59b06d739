"""A finished drill held in memory, for the evidence pack's unit tests."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from drs_orchestration.adapters.memory import (
    InMemoryExecutionRepository,
)
from drs_orchestration.adapters.memory.evidence_store import InMemoryEvidenceStore
from drs_orchestration.domain.models.drs import LaunchStatus
from drs_orchestration.domain.models.execution import (
    EventType,
    ExecutionEvent,
    ExecutionStatus,
    HealthStatus,
    ServerState,
    WaveState,
    WaveStatus,
)
from drs_orchestration.domain.services.context import Request, Services
from tests.unit.domain.builders import T0, header, plan, server_id, wave
from tests.unit.services.in_memory import in_memory_services

EXECUTION = "ex-evidence"
HOSTILE = '<script>alert("x")</script><a href="https://evil.example">x</a><img src=http://evil.example/p>'
REQUEST = Request(actor="auditor", now=T0 + timedelta(hours=2))


class NoDrs:
    def for_target(self, target: object) -> Any:
        raise AssertionError("the evidence pack never reaches DRS")


def services(
    evidence: InMemoryEvidenceStore | None = None, executions: InMemoryExecutionRepository | None = None
) -> Services:
    return in_memory_services(
        NoDrs(),
        executions=executions,
        evidence=evidence,
    )


def finished_drill(
    services: Services,
    *,
    servers_per_wave: int = 2,
    output: str = HOSTILE,
    status: ExecutionStatus = ExecutionStatus.SUCCEEDED,
) -> None:
    """A drill of a diamond (net -> db, app -> web), each server launched by a DRS job and healthy;
    an operator paused and resumed it and approved ``web``."""
    recovery_plan = plan(
        wave("net"), wave("db", "net"), wave("app", "net"), wave("web", "db", "app"), drill_ttl_hours=4
    )
    waves = [
        WaveState(
            execution_id=EXECUTION,
            wave_id=w.id,
            name=w.name,
            position=i,
            status=WaveStatus.COMPLETED,
            started_at=T0 + timedelta(minutes=5 * i),
            ended_at=T0 + timedelta(minutes=5 * i + 4),
        )
        for i, w in enumerate(recovery_plan.waves)
    ]
    servers = [
        ServerState(
            execution_id=EXECUTION,
            wave_id=w.wave_id,
            source_server_id=server_id(position * 10_000 + n),
            launch_status=LaunchStatus.LAUNCHED,
            health=HealthStatus.HEALTHY,
            job_id=f"drsjob-{position:017x}",
            recovery_instance_id=f"i-{position * 10_000 + n:017x}",
            launched_at=T0 + timedelta(minutes=5 * position + 2),
            healthy_at=T0 + timedelta(minutes=5 * position + 3),
            health_evidence={"documentName": "health", "status": "Success", "output": output},
        )
        for position, w in enumerate(waves)
        for n in range(servers_per_wave)
    ]
    ended = T0 + timedelta(minutes=20)
    run = header(
        EXECUTION,
        recovery_plan,
        started_at=T0,
        ended_at=ended,
        status=status,
        started_by="olivia",
        drill_expires_at=T0 + timedelta(hours=4),
    )
    services.executions.create(run, waves, servers)
    for minute, kind, actor, wave_id in (
        (1, EventType.PAUSE_REQUESTED, "olivia", None),
        (2, EventType.RESUME_REQUESTED, "oscar", None),
        (3, EventType.JOB_STARTED, None, "net"),
        (14, EventType.APPROVAL_GRANTED, "oscar", "web"),
    ):
        services.executions.append_event(
            ExecutionEvent(
                execution_id=EXECUTION,
                event_id=f"{(T0 + timedelta(minutes=minute)):%Y%m%dT%H%M%S.%fZ}-{minute:04d}",
                at=T0 + timedelta(minutes=minute),
                type=kind,
                message=f"{kind.value.lower()} <b>by</b> {actor}",
                actor=actor,
                wave_id=wave_id,
            )
        )
