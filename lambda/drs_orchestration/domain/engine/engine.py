"""The engine's steps: ``initialize``, ``advance`` (one level-triggered, idempotent tick) and ``finalize``.

``advance`` reads the run's items, acts on operator requests, refreshes every active DRS job of the
run (one DescribeJobs per target), moves each wave along
``PENDING -> PRE_ACTIONS -> LAUNCHING -> LAUNCHED -> HEALTH_CHECK -> POST_ACTIONS -> COMPLETED``,
starts every wave whose dependencies are met, launches within the quotas, and says how long to wait.
"""

from __future__ import annotations

import math
from collections import Counter
from datetime import datetime, timedelta

from pydantic import Field

from drs_orchestration.domain.engine.context import EngineConfig, EnginePorts, Tick, TickMetrics
from drs_orchestration.domain.engine.failback import failback_servers, reverse_plan
from drs_orchestration.domain.engine.failback_launch import prepare_failback
from drs_orchestration.domain.engine.following import followed_batches, refresh_jobs
from drs_orchestration.domain.engine.handover import claim, driven_elsewhere, hand_over, start_successor
from drs_orchestration.domain.engine.invocations import InvocationResult, LambdaInvocation
from drs_orchestration.domain.engine.launching import launch_waiting_servers, recover_intended_batches
from drs_orchestration.domain.engine.notices import notification, publish_notices
from drs_orchestration.domain.engine.outcome import status_reason
from drs_orchestration.domain.engine.phases import approval_pending, skip_unreachable, step_wave
from drs_orchestration.domain.engine.ports import NoticeKind
from drs_orchestration.domain.engine.requests import apply_requests, pending_requests
from drs_orchestration.domain.membership import resolve_groups
from drs_orchestration.domain.models.base import CamelModel
from drs_orchestration.domain.models.drs import DrsTarget, LaunchStatus, SourceServer
from drs_orchestration.domain.models.execution import (
    TERMINAL_WAVE_STATUSES,
    EventType,
    ExecutionHeader,
    ExecutionMode,
    ExecutionStatus,
    LaunchBatch,
    ServerImpact,
    ServerState,
    SkipCause,
    WaveStatus,
)
from drs_orchestration.domain.scheduling import execution_outcome, wave_order
from drs_orchestration.domain.server_counts import count_servers

__all__ = ["StepResult", "advance", "close_run", "end_run", "finalize", "initialize", "load_tick"]

_PASSES = 6
REAL_RECOVERY_INSTANCE = "its current recovery instance came from a real recovery; a drill would replace it"


class StepResult(CamelModel):
    """What a step hands the state machine: small, whatever the run's size."""

    execution_id: str
    wait_seconds: int = 1
    done: bool = False
    invoke: LambdaInvocation | None = None
    engine_execution: str | None = None
    """The state machine execution that runs the step (its own identity, carried from Initialize)."""
    ticks: int = 0
    """Ticks this execution has run: it hands the run over after ``EngineConfig.handover_ticks``."""
    handed_over: bool = False
    """This execution stops here: another one drives the run."""
    metrics: TickMetrics = Field(default_factory=TickMetrics, exclude=True)
    """What the step did, counted; for the handler's metrics, never handed to the state machine."""


def load_tick(ports: EnginePorts, config: EngineConfig, execution_id: str, now: datetime) -> Tick:
    header = ports.executions.get_header(execution_id)
    waves = {wave.wave_id: wave for wave in ports.executions.get_waves(execution_id)}
    return Tick(ports=ports, config=config, now=now, header=header, waves=waves, loaded_header=header)


def _resolve_servers(tick: Tick) -> list[ServerState]:
    plan = tick.header.plan_snapshot
    groups = {pg: tick.ports.groups.get(pg) for pg in plan.protection_group_ids()}
    inventory: dict[tuple[str, str], list[SourceServer]] = {}
    for group in groups.values():
        key = (group.account_id, group.region)
        if group.tag_selector and key not in inventory:
            target = DrsTarget(account_id=group.account_id, region=group.region)
            inventory[key] = tick.drs(target).list_source_servers()
    members = resolve_groups(groups.values(), inventory)
    servers: list[ServerState] = []
    seen: set[str] = set()
    for wave in plan.waves:
        optional = set(wave.optional_server_ids)
        for pg in wave.protection_group_ids:
            group = groups[pg]
            for server_id in members[pg]:
                if server_id in seen:
                    continue
                seen.add(server_id)
                servers.append(
                    ServerState(
                        execution_id=tick.header.id,
                        wave_id=wave.id,
                        source_server_id=server_id,
                        impact=ServerImpact.OPTIONAL if server_id in optional else ServerImpact.CRITICAL,
                        account_id=group.account_id,
                        region=group.region,
                    )
                )
    if tick.header.mode is ExecutionMode.DRILL:
        servers = _refuse_drills_over_real_recoveries(tick, servers)
    return servers


def _refuse_drills_over_real_recoveries(tick: Tick, servers: list[ServerState]) -> list[ServerState]:
    """A drill never starts for a server whose current recovery instance came from a real recovery."""
    by_target: dict[str, list[ServerState]] = {}
    for server in servers:
        by_target.setdefault(f"{server.account_id}/{server.region}", []).append(server)
    real: set[str] = set()
    for group in by_target.values():
        target = DrsTarget(account_id=group[0].account_id or "", region=group[0].region or "")
        instances = tick.drs(target).list_recovery_instances([s.source_server_id for s in group])
        real |= {i.source_server_id for i in instances if not i.is_drill}
    refused = []
    for server in servers:
        if server.source_server_id in real:
            server = server.model_copy(
                update={
                    "launch_status": LaunchStatus.FAILED,
                    "error": REAL_RECOVERY_INSTANCE,
                    "ended_at": tick.now,
                }
            )
            tick.event(
                EventType.SERVER_FAILED,
                f"{server.source_server_id}: {REAL_RECOVERY_INSTANCE}",
                wave_id=server.wave_id,
                source_server_id=server.source_server_id,
            )
        refused.append(server)
    return refused


def _drill_expiry(header: ExecutionHeader, now: datetime) -> datetime | None:
    """A drill's instances are due for termination ``drillTtlHours`` after the engine starts it, on
    the engine's clock (the one the clean-up compares with), whatever clock the request was made on."""
    ttl = header.plan_snapshot.drill_ttl_hours
    if header.mode is not ExecutionMode.DRILL or not ttl:
        return header.drill_expires_at
    return now + timedelta(hours=ttl)


def initialize(
    ports: EnginePorts,
    config: EngineConfig,
    execution_id: str,
    now: datetime,
    engine_execution: str | None = None,
) -> StepResult:
    """Resolve the plan's servers and write their items (once); mark the run RUNNING; record
    ``engine_execution`` as the one driving it. Idempotent; a finished run with operator requests not
    yet acted on (a retry, a skip) is reopened; a handed-over run resumes as it stands."""
    tick = load_tick(ports, config, execution_id, now)
    result = StepResult(execution_id=execution_id, engine_execution=engine_execution)
    if driven_elsewhere(tick, engine_execution):
        return result.model_copy(update={"handed_over": True})
    header = tick.header
    if header.is_terminal:
        if not pending_requests(ports.executions, header):
            return result.model_copy(update={"done": True})
        tick.set_header(status=ExecutionStatus.RUNNING, ended_at=None, status_reason=None)
        tick.event(EventType.EXECUTION_RESUMED, "reopened to act on an operator request")
    elif header.status is ExecutionStatus.PENDING:
        _start(tick)
    claim(tick, engine_execution, now)
    tick.save()
    if header.status is ExecutionStatus.PENDING:
        ports.notifier.publish(notification(NoticeKind.STARTED, tick.header, console_url=config.console_url))
    return result


def _start(tick: Tick) -> None:
    header, executions = tick.header, tick.ports.executions
    if header.mode is ExecutionMode.FAILBACK:  # the recovery's DAG, reversed
        tick.set_header(plan_snapshot=reverse_plan(header.plan_snapshot))
    servers = executions.get_servers(header.id)
    if not servers:
        servers = failback_servers(tick) if header.mode is ExecutionMode.FAILBACK else _resolve_servers(tick)
        executions.put_servers(servers)
    checked = {wave.id for wave in tick.header.plan_snapshot.waves if wave.health_check is not None}
    for wave_id in tick.waves:
        members = [s for s in servers if s.wave_id == wave_id]
        tick.set_wave(wave_id, server_counts=count_servers(members, health_checked=wave_id in checked))
    tick.set_header(
        status=ExecutionStatus.RUNNING,
        started_at=header.started_at or tick.now,
        drill_expires_at=_drill_expiry(header, tick.now),
    )
    tick.event(EventType.EXECUTION_STARTED, f"{header.mode.value} started")


def end_run(tick: Tick, status: ExecutionStatus, reason: str | None = None) -> None:
    tick.set_header(status=status, status_reason=reason, ended_at=tick.now, active_jobs={}, task_token=None)


def _follow_jobs(tick: Tick) -> list[LaunchBatch]:
    """Find intended jobs again and bring the servers in jobs up to date; the batches not started."""
    batches = followed_batches(tick)
    unstarted = recover_intended_batches(tick, batches)
    known = {b.batch_id: b for wave_batches in tick.batches.values() for b in wave_batches}
    refresh_jobs(tick, [known.get(b.batch_id, b) for b in batches])  # as recovered just now
    return unstarted


def _step_waves(tick: Tick, result: InvocationResult | None, running: bool) -> None:
    """Move every wave as far as it goes; again while one changed status (a wave's end may start
    another)."""
    order = wave_order(tick.header.plan_snapshot.waves)
    for _ in range(_PASSES):
        if running:
            skip_unreachable(tick)
        changed = [
            step_wave(tick, wave_id, result, running)
            for wave_id in order
            if tick.waves[wave_id].status not in TERMINAL_WAVE_STATUSES
        ]
        if not any(changed):
            return


def advance(
    ports: EnginePorts,
    config: EngineConfig,
    execution_id: str,
    now: datetime,
    invoke_result: InvocationResult | None = None,
    *,
    engine_execution: str | None = None,
    ticks: int = 0,
) -> StepResult:
    """One tick; ``engine_execution`` is the execution running it and ``ticks`` how many it ran before."""
    tick = load_tick(ports, config, execution_id, now)
    result = StepResult(execution_id=execution_id, engine_execution=engine_execution, ticks=ticks + 1)
    if tick.header.is_terminal:
        return result.model_copy(update={"done": True})
    if driven_elsewhere(tick, engine_execution):
        return result.model_copy(update={"handed_over": True})
    _tick(tick, invoke_result)
    done = _maybe_finish(tick)
    handing = not done and hand_over(tick, engine_execution, ticks + 1)
    tick.save()
    publish_notices(tick)
    if handing:
        start_successor(tick)
    return result.model_copy(
        update={
            "wait_seconds": _wait(tick),
            "done": done,
            "invoke": tick.invoke,
            "handed_over": handing,
            "metrics": tick.metrics,
        }
    )


def _tick(tick: Tick, invoke_result: InvocationResult | None) -> None:
    """Act on operator requests, follow the jobs, move the waves, launch what is due."""
    apply_requests(tick, pending_requests(tick.ports.executions, tick.header))
    status = tick.header.status
    running = status in (ExecutionStatus.RUNNING, ExecutionStatus.WAITING_APPROVAL)
    unstarted = _follow_jobs(tick)
    _step_waves(tick, invoke_result, running)
    if running:  # after the waves moved, so a wave that started this tick launches in it
        prepare_failback(tick)
        launch_waiting_servers(tick, unstarted)
        waiting = ExecutionStatus.WAITING_APPROVAL if approval_pending(tick) else ExecutionStatus.RUNNING
        if waiting is not status:
            tick.set_header(status=waiting)


def _maybe_finish(tick: Tick) -> bool:
    if tick.header.status is ExecutionStatus.CANCELLING:
        return _finish_cancelling(tick)
    if any(w.status not in TERMINAL_WAVE_STATUSES for w in tick.waves.values()):
        return False
    servers = tick.ports.executions.get_servers(tick.header.id)
    merged = {(s.wave_id, s.source_server_id): s for s in servers} | tick.changed_servers
    outcome = execution_outcome(tick.waves.values(), merged.values())
    if outcome is None:
        return False
    order = wave_order(tick.header.plan_snapshot.waves)
    end_run(tick, outcome, status_reason(outcome, [tick.waves[w] for w in order], merged.values()))
    return True


def _finish_cancelling(tick: Tick) -> bool:
    """A cancelled run ends once its running jobs have; its unfinished waves are skipped."""
    if tick.header.active_jobs:
        tick.wait(tick.config.poll_seconds)
        return False
    for wave_id, wave in tick.waves.items():
        if wave.status not in TERMINAL_WAVE_STATUSES:
            tick.set_wave(
                wave_id,
                status=WaveStatus.SKIPPED,
                skip_cause=SkipCause.OPERATOR,
                reason="execution cancelled",
                ended_at=tick.now,
            )
    end_run(tick, ExecutionStatus.CANCELLED, tick.header.status_reason or "cancelled by an operator")
    return True


def _wait(tick: Tick) -> int:
    if tick.header.active_jobs:
        tick.wait(tick.config.poll_seconds)
    seconds = min([tick.config.max_wait_seconds, *tick.waits])
    return max(1, min(tick.config.max_wait_seconds, math.ceil(seconds)))


class PhaseTimings(CamelModel):
    """DRS phase durations of one server, from the job log."""

    source_server_id: str
    phases: dict[str, float]


_PHASES = {
    "SNAPSHOT_START": ("snapshot", True),
    "SNAPSHOT_END": ("snapshot", False),
    "CONVERSION_START": ("conversion", True),
    "CONVERSION_END": ("conversion", False),
    "CLEANUP_START": ("cleanup", True),
    "CLEANUP_END": ("cleanup", False),
    "LAUNCH_START": ("launch", True),
}


def _phase_seconds(tick: Tick, job_ids: dict[str, DrsTarget]) -> dict[str, dict[str, float]]:
    phases: dict[str, dict[str, float]] = {}
    for job_id, target in job_ids.items():
        starts: dict[tuple[str, str], datetime] = {}
        for item in tick.drs(target).describe_job_log_items(job_id):
            if not item.source_server_id or item.at is None or item.event not in _PHASES:
                continue
            phase, is_start = _PHASES[item.event]
            if is_start:
                starts[(item.source_server_id, phase)] = item.at
            elif (item.source_server_id, phase) in starts:
                elapsed = (item.at - starts[(item.source_server_id, phase)]).total_seconds()
                phases.setdefault(item.source_server_id, {})[phase] = elapsed
    return phases


def finalize(
    ports: EnginePorts, config: EngineConfig, execution_id: str, now: datetime, error: str | None = None
) -> StepResult:
    """Record the DRS phase timings from the job logs, close the run, and say so."""
    tick = load_tick(ports, config, execution_id, now)
    if not tick.header.is_terminal:
        end_run(tick, ExecutionStatus.FAILED, f"the engine stopped: {error or 'unknown error'}"[:1000])
    close_run(tick)
    return StepResult(execution_id=execution_id, done=True)


def close_run(tick: Tick) -> None:
    """A finished run's last step: its servers' DRS phase timings, the timeline, the notification."""
    ports, execution_id = tick.ports, tick.header.id
    servers = ports.executions.get_servers(execution_id)
    jobs = {
        s.job_id: DrsTarget(account_id=s.account_id, region=s.region)
        for s in servers
        if s.job_id and s.account_id and s.region and not s.phase_seconds
    }
    phases = _phase_seconds(tick, jobs)
    updated = [
        s.model_copy(update={"phase_seconds": phases[s.source_server_id]})
        for s in servers
        if s.source_server_id in phases and s.job_id in jobs
    ]
    if updated:
        ports.executions.put_servers(updated)
    launch = Counter(s.launch_status.value if s.launch_status else "NOT_STARTED" for s in servers)
    tick.event(
        EventType.EXECUTION_FINISHED,
        f"finished {tick.header.status.value}",
        status=tick.header.status.value,
        launch=dict(launch),
    )
    tick.save()
    ports.notifier.publish(
        notification(NoticeKind.FINISHED, tick.header, console_url=tick.config.console_url, servers=servers)
    )
