"""Operator requests, recorded by the API as timeline events; the engine acts on each exactly once."""

from __future__ import annotations

from drs_orchestration.domain.engine.context import Tick
from drs_orchestration.domain.models.drs import LaunchStatus
from drs_orchestration.domain.models.execution import (
    TERMINAL_WAVE_STATUSES,
    BatchStatus,
    EventType,
    ExecutionEvent,
    ExecutionStatus,
    HealthStatus,
    SkipCause,
    WaveStatus,
)
from drs_orchestration.domain.ports import ExecutionRepository, iterate_pages

__all__ = ["REQUEST_TYPES", "apply_requests", "unhandled_requests"]

PAUSE, RESUME, SKIP = "PAUSE_REQUESTED", "RESUME_REQUESTED", "WAVE_SKIP_REQUESTED"
REQUEST_TYPES = frozenset(
    {PAUSE, RESUME, SKIP, EventType.CANCEL_REQUESTED, EventType.WAVE_RETRIED, EventType.APPROVAL_GRANTED}
)
_PAGE = 1000


def unhandled_requests(
    executions: ExecutionRepository, execution_id: str, handled: list[str]
) -> list[ExecutionEvent]:
    done = set(handled)
    events = iterate_pages(lambda token: executions.list_events(execution_id, limit=_PAGE, next_token=token))
    return [e for e in events if e.type in REQUEST_TYPES and e.actor != "engine" and e.event_id not in done]


def _dependants(tick: Tick, wave_id: str) -> list[str]:
    """Waves skipped because of ``wave_id`` (transitively), to be reconsidered."""
    plan = tick.header.plan_snapshot.waves
    found: list[str] = []
    frontier = [wave_id]
    while frontier:
        current = frontier.pop()
        for wave in plan:
            state = tick.waves[wave.id]
            if (
                any(dep.wave_id == current for dep in wave.depends_on)
                and state.status is WaveStatus.SKIPPED
                and state.skip_cause is SkipCause.DEPENDENCY
                and wave.id not in found
            ):
                found.append(wave.id)
                frontier.append(wave.id)
    return found


def _reopen_dependants(tick: Tick, wave_id: str) -> None:
    for dependant in _dependants(tick, wave_id):
        tick.set_wave(dependant, status=WaveStatus.PENDING, reason=None, skip_cause=None, ended_at=None)


def _retry(tick: Tick, wave_id: str, request: ExecutionEvent) -> None:
    wave = tick.waves[wave_id]
    if wave.status is not WaveStatus.FAILED:
        return
    failed = [
        s
        for s in tick.wave_servers(wave_id)
        if s.launch_status is not LaunchStatus.LAUNCHED or s.health is HealthStatus.UNHEALTHY
    ]
    for server in failed:
        tick.set_server(
            server,
            batch_id=None,
            job_id=None,
            launch_status=None,
            recovery_instance_id=None
            if server.launch_status is not LaunchStatus.LAUNCHED
            else server.recovery_instance_id,
            health=None,
            health_ref=None,
            health_evidence={},
            error=None,
            ended_at=None,
            attempt=server.attempt + 1,
        )
    abandoned = _abandon_unstarted_batches(tick, wave_id)
    # Failed servers launch again, in new batches, with the wave's whole timeout ahead of them (it
    # runs from ``startedAt``); a wave whose servers all launched redoes its gates.
    tick.set_wave(
        wave_id,
        status=WaveStatus.LAUNCHING if failed else WaveStatus.PENDING,
        reason=None,
        ended_at=None,
        **({"started_at": tick.now} if failed else {}),
        phase_started_at=tick.now,
        action_index=0,
        action_ref=None,
        action_started_at=None,
    )
    _reopen_dependants(tick, wave_id)
    tick.event(
        "WAVE_RETRY_STARTED",
        f"retrying wave {wave_id}: {len(failed)} failed server(s)"
        + (f"; batch(es) that never started given up: {', '.join(abandoned)}" if abandoned else ""),
        wave_id=wave_id,
        requestId=request.event_id,
        abandonedBatches=len(abandoned),
    )


def _abandon_unstarted_batches(tick: Tick, wave_id: str) -> list[str]:
    """Mark the wave's batches that never got a job (DRS refused them, or the wave timed out before
    there was room) FAILED_TO_START: their servers were given up for the retry, which launches them
    in new batches, so the old ones must never start. Their ids, for the timeline."""
    executions = tick.ports.executions
    abandoned: list[str] = []
    for batch in executions.get_batches(tick.header.id):
        if batch.wave_id == wave_id and batch.status is BatchStatus.INTENDED and batch.job_id is None:
            executions.put_batch(batch.model_copy(update={"status": BatchStatus.FAILED_TO_START}))
            abandoned.append(batch.batch_id)
    return sorted(abandoned)


def _skip(tick: Tick, wave_id: str, request: ExecutionEvent) -> None:
    wave = tick.waves[wave_id]
    if wave.status not in (WaveStatus.PENDING, WaveStatus.FAILED):
        return
    reason = f"skipped by {request.actor or 'an operator'}"
    tick.set_wave(
        wave_id, status=WaveStatus.SKIPPED, skip_cause=SkipCause.OPERATOR, reason=reason, ended_at=tick.now
    )
    _reopen_dependants(tick, wave_id)
    tick.event(EventType.WAVE_SKIPPED, f"wave {wave_id} {reason}", wave_id=wave_id)


def apply_requests(tick: Tick, requests: list[ExecutionEvent]) -> None:
    status = tick.header.status
    for request in sorted(requests, key=lambda e: (e.at, e.event_id)):
        wave_id = request.wave_id
        if request.type == PAUSE and status in (ExecutionStatus.RUNNING, ExecutionStatus.WAITING_APPROVAL):
            status = ExecutionStatus.PAUSED
            tick.event(EventType.EXECUTION_PAUSED, "paused: no new launches until resumed")
            tick.notices.append(("PAUSED", None, "the execution is paused"))
        elif request.type == RESUME and status is ExecutionStatus.PAUSED:
            status = ExecutionStatus.RUNNING
            tick.event(EventType.EXECUTION_RESUMED, "resumed")
        elif request.type == EventType.CANCEL_REQUESTED and status not in (ExecutionStatus.CANCELLING,):
            status = ExecutionStatus.CANCELLING
            tick.event(
                "EXECUTION_CANCELLING", "cancelling: no new launches; running jobs are followed to the end"
            )
        elif request.type == EventType.WAVE_RETRIED and wave_id in tick.waves:
            _retry(tick, wave_id, request)
        elif request.type == SKIP and wave_id in tick.waves:
            _skip(tick, wave_id, request)
        elif (
            request.type == EventType.APPROVAL_GRANTED
            and wave_id in tick.waves
            and tick.waves[wave_id].status not in TERMINAL_WAVE_STATUSES
        ):
            tick.set_wave(wave_id, approved_at=tick.now)
    handled = [*tick.header.handled_requests, *(r.event_id for r in requests)]
    tick.set_header(status=status, handled_requests=handled)
