"""A wave's phases, one small function each, chosen by the wave's status:
``PENDING -> PRE_ACTIONS -> LAUNCHING -> LAUNCHED -> HEALTH_CHECK -> POST_ACTIONS -> COMPLETED``."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import timedelta

from drs_orchestration.domain.engine.context import Tick
from drs_orchestration.domain.engine.following import FINISHED
from drs_orchestration.domain.engine.gates import NO_HEALTH_DOCUMENT, Gate, run_actions, run_health_check
from drs_orchestration.domain.engine.invocations import ActionPhase, InvocationResult
from drs_orchestration.domain.engine.ports import NoticeKind
from drs_orchestration.domain.models.drs import LaunchStatus
from drs_orchestration.domain.models.execution import (
    TERMINAL_WAVE_STATUSES,
    BatchStatus,
    EventType,
    HealthStatus,
    LaunchBatch,
    ServerImpact,
    ServerState,
    SkipCause,
    WaveStatus,
)
from drs_orchestration.domain.models.in_flight import ApprovalWork, PauseBeforeWork
from drs_orchestration.domain.models.recovery_plan import HealthCheck
from drs_orchestration.domain.scheduling import startable_waves, waves_to_skip

__all__ = ["approval_pending", "named_servers", "skip_unreachable", "step_wave"]

_NAMED_SERVERS = 3


def named_servers(servers: Iterable[ServerState]) -> str:
    """A few of the servers' ids, and how many more there are."""
    ids = sorted(s.source_server_id for s in servers)
    named = ", ".join(ids[:_NAMED_SERVERS])
    return f"{named} and {len(ids) - _NAMED_SERVERS} more" if len(ids) > _NAMED_SERVERS else named


def fail(tick: Tick, wave_id: str, reason: str) -> None:
    tick.set_wave(wave_id, status=WaveStatus.FAILED, reason=reason, ended_at=tick.now)
    tick.event(
        EventType.WAVE_STATUS_CHANGED, f"wave {wave_id} FAILED: {reason}", wave_id=wave_id, status="FAILED"
    )
    tick.notices.append((NoticeKind.WAVE_FAILED, wave_id, reason))


def move(tick: Tick, wave_id: str, status: WaveStatus, **changes: object) -> None:
    tick.set_wave(
        wave_id,
        status=status,
        phase_started_at=tick.now,
        action_index=0,
        in_flight=None,
        gate_chunks=None,
        **changes,
    )
    tick.event(
        EventType.WAVE_STATUS_CHANGED, f"wave {wave_id} {status.value}", wave_id=wave_id, status=status.value
    )
    if status is WaveStatus.COMPLETED:
        tick.notices.append((NoticeKind.WAVE_COMPLETED, wave_id, "wave completed"))


def _health_document(tick: Tick, check: HealthCheck) -> str | None:
    """The document a health gate runs: the wave's own, else the product's (``None``: neither)."""
    return check.document_name or tick.config.health_check_document


def _announce_health_check(tick: Tick, wave_id: str, check: HealthCheck) -> None:
    """Say in the timeline what the wave's health gate runs: its own document, else the product's."""
    document = _health_document(tick, check)
    if document is None:
        what = NO_HEALTH_DOCUMENT
    else:
        whose = "the product's health check" if check.document_name is None else "the wave's own document"
        what = f"EC2 status checks, then {document} ({whose})"
    tick.event(
        EventType.HEALTH_CHECK_STARTED,
        f"wave {wave_id} health check: {what}",
        wave_id=wave_id,
        document=document,
        productDocument=check.document_name is None and document is not None,
    )


# -- following launches (also while paused or cancelling) -----------------------------------------
def _settled(tick: Tick, batch: LaunchBatch) -> bool:
    """Whether a batch has nothing more to say: given up, never to start (its servers no longer carry
    its id), or its job ended or showed every one of its servers launched or failed."""
    if batch.status is BatchStatus.FAILED_TO_START:
        return True
    if batch.status is BatchStatus.INTENDED:
        members = tick.servers_by_id(batch.wave_id, batch.source_server_ids)
        claimed = [s for s in members if s.batch_id == batch.batch_id]
        return len(claimed) < len(batch.source_server_ids)
    seen = batch.job_seen
    return batch.job_id not in tick.header.active_jobs or (
        seen is not None and all(seen.launch.get(x) in FINISHED for x in batch.source_server_ids)
    )


def _launches_settled(tick: Tick, wave_id: str) -> bool:
    """Whether none of the wave's batches waits for DRS: only then are its servers read to see whether
    the wave launched (a wave waiting on its jobs reads none)."""
    return all(_settled(tick, batch) for batch in tick.wave_batches(wave_id))


def _follow_launches(tick: Tick, wave_id: str) -> None:
    """LAUNCHING: LAUNCHED once every server launched or failed (FAILED if a critical one failed),
    FAILED at the wave's timeout, counted from when its launch began: its pre-actions (an approval of
    days) are not launch time."""
    wave, plan = tick.waves[wave_id], tick.plan_waves[wave_id]
    began = wave.phase_started_at or wave.started_at or tick.now
    deadline = began + timedelta(minutes=plan.timeout_minutes)
    if tick.now < deadline and not _launches_settled(tick, wave_id):
        tick.wait((deadline - tick.now).total_seconds())
        return
    servers = tick.wave_servers(wave_id)
    if all(s.launch_status in (LaunchStatus.LAUNCHED, LaunchStatus.FAILED) for s in servers):
        failed = [
            s for s in servers if s.impact is ServerImpact.CRITICAL and s.launch_status is LaunchStatus.FAILED
        ]
        if failed:
            fail(
                tick, wave_id, f"{len(failed)} critical server(s) failed to launch ({named_servers(failed)})"
            )
        else:
            move(tick, wave_id, WaveStatus.LAUNCHED, launched_at=tick.now)
    elif tick.now >= deadline:
        for server in servers:
            if server.launch_status not in (LaunchStatus.LAUNCHED, LaunchStatus.FAILED):
                tick.set_server(server, error=f"wave timed out after {plan.timeout_minutes} min")
        fail(tick, wave_id, f"timed out after {plan.timeout_minutes} min")
    else:
        tick.wait((deadline - tick.now).total_seconds())


# -- one function per phase -----------------------------------------------------------------------
def _pending(tick: Tick, wave_id: str, result: InvocationResult | None) -> None:
    """Start the wave once its dependencies are met, after an operator's approval if it pauses before."""
    if wave_id not in startable_waves(tick.header.plan_snapshot.waves, tick.waves.values()):
        return
    wave, plan = tick.waves[wave_id], tick.plan_waves[wave_id]
    if not plan.pause_before or wave.approved_at is not None:
        move(tick, wave_id, WaveStatus.PRE_ACTIONS, started_at=tick.now)
    elif not isinstance(wave.in_flight, PauseBeforeWork):
        tick.set_wave(wave_id, in_flight=PauseBeforeWork())
        tick.event(EventType.APPROVAL_REQUESTED, f"wave {wave_id} waits for approval", wave_id=wave_id)
        tick.notices.append(
            (NoticeKind.APPROVAL_NEEDED, wave_id, f"wave {plan.name} is paused before it starts")
        )


def _pre_actions(tick: Tick, wave_id: str, result: InvocationResult | None) -> None:
    actions = list(tick.plan_waves[wave_id].pre_actions)
    gate, reason = run_actions(tick, wave_id, actions, ActionPhase.PRE, result)
    if gate is Gate.DONE:
        move(tick, wave_id, WaveStatus.LAUNCHING)
    elif gate is Gate.FAILED:
        fail(tick, wave_id, reason)


def _launched(tick: Tick, wave_id: str, result: InvocationResult | None) -> None:
    check = tick.plan_waves[wave_id].health_check
    if check is None:
        move(tick, wave_id, WaveStatus.POST_ACTIONS)
    else:
        move(tick, wave_id, WaveStatus.HEALTH_CHECK)
        _announce_health_check(tick, wave_id, check)


def _health_check(tick: Tick, wave_id: str, result: InvocationResult | None) -> None:
    check = tick.plan_waves[wave_id].health_check
    if (
        check is None
        or run_health_check(tick, wave_id, check, _health_document(tick, check)) is not Gate.DONE
    ):
        return
    servers = tick.wave_servers(wave_id)
    unhealthy = [
        s for s in servers if s.impact is ServerImpact.CRITICAL and s.health is HealthStatus.UNHEALTHY
    ]
    if not unhealthy:
        move(tick, wave_id, WaveStatus.POST_ACTIONS, healthy_at=tick.now)
        return
    causes = sorted({s.error for s in unhealthy if s.error})
    reason = f"{len(unhealthy)} critical server(s) unhealthy ({named_servers(unhealthy)})"
    fail(tick, wave_id, f"{reason}: {'; '.join(causes[:3])}" if causes else reason)


def _post_actions(tick: Tick, wave_id: str, result: InvocationResult | None) -> None:
    actions = list(tick.plan_waves[wave_id].post_actions)
    gate, reason = run_actions(tick, wave_id, actions, ActionPhase.POST, result)
    if gate is Gate.DONE:
        healthy_at = tick.waves[wave_id].healthy_at or tick.now
        move(tick, wave_id, WaveStatus.COMPLETED, ended_at=tick.now, healthy_at=healthy_at)
    elif gate is Gate.FAILED:
        fail(tick, wave_id, reason)


_PHASES: dict[WaveStatus, Callable[[Tick, str, InvocationResult | None], None]] = {
    WaveStatus.PENDING: _pending,
    WaveStatus.PRE_ACTIONS: _pre_actions,
    WaveStatus.LAUNCHED: _launched,
    WaveStatus.HEALTH_CHECK: _health_check,
    WaveStatus.POST_ACTIONS: _post_actions,
}
"""LAUNCHING is not here: launches are followed whether the run is running or not."""


def step_wave(tick: Tick, wave_id: str, result: InvocationResult | None, running: bool) -> bool:
    """Move one wave as far as it can go now; whether it changed status."""
    before = tick.waves[wave_id].status
    if before is WaveStatus.LAUNCHING:
        _follow_launches(tick, wave_id)
    phase = _PHASES.get(tick.waves[wave_id].status)
    if running and phase is not None:
        phase(tick, wave_id, result)
    return tick.waves[wave_id].status is not before


def skip_unreachable(tick: Tick) -> None:
    for decision in waves_to_skip(tick.header.plan_snapshot.waves, tick.waves.values()):
        tick.set_wave(
            decision.wave_id,
            status=WaveStatus.SKIPPED,
            skip_cause=SkipCause.DEPENDENCY,
            reason=decision.reason,
            ended_at=tick.now,
        )
        tick.event(
            EventType.WAVE_SKIPPED,
            f"wave {decision.wave_id} skipped: {decision.reason}",
            wave_id=decision.wave_id,
        )


def approval_pending(tick: Tick) -> bool:
    """Whether a wave waits for an operator: before it starts, or on an APPROVAL action."""
    return any(
        (
            isinstance(w.in_flight, PauseBeforeWork)
            and w.status is WaveStatus.PENDING
            and w.approved_at is None
        )
        or (isinstance(w.in_flight, ApprovalWork) and w.status not in TERMINAL_WAVE_STATUSES)
        for w in tick.waves.values()
    )
