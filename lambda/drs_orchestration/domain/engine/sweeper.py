"""The sweeper (a schedule): ends the runs whose state machine execution ended without ending them.

An execution can end outside the engine's hands: stopped by someone in the Step Functions console,
failed at the history limit, timed out, or failed in Finalize after its retries. Its run would stay
active for ever: the plan refused with 409, a cancel waking nobody, its drill instances never
cleaned up. Each sweep looks at every active run, asks Step Functions how the execution recorded on
it stands, and ends each run whose execution is no longer running: FAILED with the reason, its
launch leases released, its drill instances handed to the TTL clean-up (at once when the plan has no
TTL), and then closed as Finalize closes a run (phase timings, timeline, notification).

The run is re-read and written under its version: a run that moved on meanwhile (a handover records
its successor before the old execution ends) is left for the next sweep.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from drs_orchestration.domain.engine.context import EngineConfig, EnginePorts, target_key, target_of
from drs_orchestration.domain.engine.engine import close_run, end_run, load_tick
from drs_orchestration.domain.engine.ports import EngineExecutions
from drs_orchestration.domain.errors import StaleVersion
from drs_orchestration.domain.models.base import CamelModel
from drs_orchestration.domain.models.execution import (
    ACTIVE_EXECUTION_STATUSES,
    EventType,
    ExecutionHeader,
    ExecutionMode,
    ExecutionStatus,
)
from drs_orchestration.domain.ports import iterate_pages

__all__ = ["GRACE", "SweptRun", "sweep"]

GRACE = timedelta(minutes=15)
"""How long a run may have no running execution before it counts as lost: a run not yet started by
its first execution, or a successor recorded and not yet started (its predecessor retries the start)."""


class SweptRun(CamelModel):
    execution_id: str
    reason: str


def sweep(ports: EnginePorts, config: EngineConfig, now: datetime) -> list[SweptRun]:
    """End every active run whose execution no longer runs; the runs ended, with why."""
    executions = ports.engine_executions
    if executions is None:
        return []
    active = iterate_pages(
        lambda token: ports.executions.list_headers(
            status=sorted(ACTIVE_EXECUTION_STATUSES), next_token=token
        )
    )
    swept: list[SweptRun] = []
    for header in active:
        reason = _lost(executions, header, now)
        if reason is not None and _end(ports, config, header, now, reason):
            swept.append(SweptRun(execution_id=header.id, reason=reason))
    return swept


def _lost(executions: EngineExecutions, header: ExecutionHeader, now: datetime) -> str | None:
    """Why the run has no execution driving it any more; ``None`` while it has one (or may)."""
    engine = header.engine
    if engine is None:
        # A run of the previous release records no execution: only one never started is known lost.
        started = header.status is not ExecutionStatus.PENDING
        return None if started or header.created_at > now - GRACE else "the engine never started it"
    name = engine.arn.rsplit(":", 1)[-1]
    state = executions.state(engine.arn)
    if state is None:
        return None if engine.since > now - GRACE else f"its engine execution {name} was never started"
    if state.running:
        return None
    ended = f"its engine execution {name} ended {state.status}"
    return f"{ended} ({state.error}: {(state.cause or '')[:300]})" if state.error else ended


def _end(ports: EnginePorts, config: EngineConfig, seen: ExecutionHeader, now: datetime, reason: str) -> bool:
    """End the run as lost, unless it changed since ``seen``; whether it was ended."""
    tick = load_tick(ports, config, seen.id, now)
    if tick.header.is_terminal or tick.header.engine != seen.engine:
        return False
    tick.event(EventType.ENGINE_LOST, f"ended by the sweeper: {reason}")
    if tick.header.mode is ExecutionMode.DRILL and tick.header.drill_expires_at is None:
        tick.set_header(drill_expires_at=now)
    end_run(tick, ExecutionStatus.FAILED, f"the engine stopped: {reason}"[:1000])
    try:
        tick.save()
    except StaleVersion:
        return False
    servers = ports.executions.get_servers(seen.id)
    targets = {target_key(target_of(s)): target_of(s) for s in servers if s.account_id and s.region}
    for target in targets.values():
        ports.executions.release_launch_lease(target, seen.id)
    close_run(tick)
    return True
