"""Operator requests, stored by the API in their own items; the engine acts on each exactly once.

The engine reads the requests numbered after ``ExecutionHeader.request_cursor`` and moves the cursor
past them in the same header write as what they changed. A run from the previous release also has
requests only as timeline events, with ``handled_requests`` listing those acted on: those are read
from the timeline once, acted on, and the list cleared.
"""

from __future__ import annotations

from collections.abc import Callable

from drs_orchestration.domain.engine.context import ENGINE_ACTOR, Tick
from drs_orchestration.domain.engine.ports import NoticeKind
from drs_orchestration.domain.models.drs import LaunchStatus
from drs_orchestration.domain.models.execution import (
    TERMINAL_WAVE_STATUSES,
    BatchStatus,
    EventType,
    ExecutionHeader,
    ExecutionStatus,
    HealthStatus,
    SkipCause,
    WaveStatus,
)
from drs_orchestration.domain.models.operator_requests import REQUEST_EVENTS, OperatorRequest, RequestType
from drs_orchestration.domain.ports import ExecutionRepository, iterate_pages

__all__ = ["apply_requests", "pending_requests"]

_PAGE = 1000
_LEGACY_TYPES = {event: request for request, event in REQUEST_EVENTS.items()}


def pending_requests(executions: ExecutionRepository, header: ExecutionHeader) -> list[OperatorRequest]:
    """The requests the engine has not acted on yet, oldest first."""
    requests = executions.list_requests(header.id, after=header.request_cursor)
    if header.handled_requests is None:
        return requests
    return [*_legacy_requests(executions, header, header.handled_requests), *requests]


def _legacy_requests(
    executions: ExecutionRepository, header: ExecutionHeader, handled: list[str]
) -> list[OperatorRequest]:
    """A previous release's requests not acted on yet: timeline events of a request type."""
    done = set(handled)
    events = iterate_pages(lambda token: executions.list_events(header.id, limit=_PAGE, next_token=token))
    return [
        OperatorRequest(
            execution_id=header.id,
            type=_LEGACY_TYPES[event.type],
            at=event.at,
            actor=event.actor or "an operator",
            wave_id=event.wave_id,
            event_id=event.event_id,
        )
        for event in events
        if event.type in _LEGACY_TYPES and event.actor != ENGINE_ACTOR and event.event_id not in done
    ]


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


def _retry(tick: Tick, wave_id: str, request: OperatorRequest) -> None:
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
    # runs from ``phaseStartedAt``); a wave whose servers all launched redoes its gates.
    tick.set_wave(
        wave_id,
        status=WaveStatus.LAUNCHING if failed else WaveStatus.PENDING,
        reason=None,
        ended_at=None,
        **({"started_at": tick.now} if failed else {}),
        phase_started_at=tick.now,
        action_index=0,
        in_flight=None,
        action_started_at=None,
    )
    _reopen_dependants(tick, wave_id)
    tick.event(
        EventType.WAVE_RETRY_STARTED,
        f"retrying wave {wave_id}: {len(failed)} failed server(s)"
        + (f"; batch(es) that never started given up: {', '.join(abandoned)}" if abandoned else ""),
        wave_id=wave_id,
        requestSequence=request.sequence,
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


def _skip(tick: Tick, wave_id: str, request: OperatorRequest) -> None:
    wave = tick.waves[wave_id]
    if wave.status not in (WaveStatus.PENDING, WaveStatus.FAILED):
        return
    reason = f"skipped by {request.actor or 'an operator'}"
    tick.set_wave(
        wave_id, status=WaveStatus.SKIPPED, skip_cause=SkipCause.OPERATOR, reason=reason, ended_at=tick.now
    )
    _reopen_dependants(tick, wave_id)
    tick.event(EventType.WAVE_SKIPPED, f"wave {wave_id} {reason}", wave_id=wave_id)


def _pause(tick: Tick, request: OperatorRequest) -> None:
    if tick.header.status in (ExecutionStatus.RUNNING, ExecutionStatus.WAITING_APPROVAL):
        tick.set_header(status=ExecutionStatus.PAUSED)
        tick.event(EventType.EXECUTION_PAUSED, "paused: no new launches until resumed")
        tick.notices.append((NoticeKind.PAUSED, None, "the execution is paused"))


def _resume(tick: Tick, request: OperatorRequest) -> None:
    if tick.header.status is ExecutionStatus.PAUSED:
        tick.set_header(status=ExecutionStatus.RUNNING)
        tick.event(EventType.EXECUTION_RESUMED, "resumed")


def _cancel(tick: Tick, request: OperatorRequest) -> None:
    if tick.header.status is not ExecutionStatus.CANCELLING:
        tick.set_header(status=ExecutionStatus.CANCELLING, status_reason=f"cancelled by {request.actor}")
        tick.event(
            EventType.EXECUTION_CANCELLING,
            "cancelling: no new launches; running jobs are followed to the end",
        )


def _approve(tick: Tick, wave_id: str) -> None:
    if tick.waves[wave_id].status not in TERMINAL_WAVE_STATUSES:
        tick.set_wave(wave_id, approved_at=tick.now)


def _on_wave(act: Callable[[Tick, str, OperatorRequest], None]) -> Callable[[Tick, OperatorRequest], None]:
    """A wave request acts on the wave it names, if the run has it."""

    def on_wave(tick: Tick, request: OperatorRequest) -> None:
        if request.wave_id is not None and request.wave_id in tick.waves:
            act(tick, request.wave_id, request)

    return on_wave


_ACTS: dict[RequestType, Callable[[Tick, OperatorRequest], None]] = {
    RequestType.PAUSE: _pause,
    RequestType.RESUME: _resume,
    RequestType.CANCEL: _cancel,
    RequestType.RETRY: _on_wave(_retry),
    RequestType.SKIP: _on_wave(_skip),
    RequestType.APPROVE: _on_wave(lambda tick, wave_id, _: _approve(tick, wave_id)),
}


def apply_requests(tick: Tick, requests: list[OperatorRequest]) -> None:
    """Act on each request in order, and move the cursor past them (with the header's next write)."""
    for request in requests:
        _ACTS[request.type](tick, request)
    cursor = max([tick.header.request_cursor, *(r.sequence for r in requests)])
    if cursor != tick.header.request_cursor or tick.header.handled_requests is not None:
        tick.set_header(request_cursor=cursor, handled_requests=None)
