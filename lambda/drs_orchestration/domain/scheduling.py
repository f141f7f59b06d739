"""Wave scheduling for the engine (pure): order, which waves may start, which must be skipped.

Dependency conditions: ``LAUNCHED`` is met once the dependency reached LAUNCHED (or any later step
of success); ``HEALTHY`` once it COMPLETED. A FAILED dependency, or one SKIPPED because of its own
dependencies, makes its PENDING dependants SKIPPED (transitively). A wave an operator SKIPPED counts
as met: the operator chose to go on without it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from enum import Enum

from drs_orchestration.domain.graph import topological_order
from drs_orchestration.domain.models.base import CamelModel
from drs_orchestration.domain.models.drs import LaunchStatus
from drs_orchestration.domain.models.execution import (
    TERMINAL_WAVE_STATUSES,
    ExecutionStatus,
    HealthStatus,
    ServerImpact,
    ServerState,
    SkipCause,
    WaveState,
    WaveStatus,
)
from drs_orchestration.domain.models.recovery_plan import DependencyCondition, Wave, WaveDependency

__all__ = ["SkipDecision", "execution_outcome", "startable_waves", "wave_order", "waves_to_skip"]

_LAUNCHED_OR_LATER = frozenset(
    {WaveStatus.LAUNCHED, WaveStatus.HEALTH_CHECK, WaveStatus.POST_ACTIONS, WaveStatus.COMPLETED}
)


class _Dependency(Enum):
    MET = "met"
    WAITING = "waiting"
    BROKEN = "broken"


class SkipDecision(CamelModel):
    wave_id: str
    reason: str


def wave_order(waves: Sequence[Wave]) -> list[str]:
    """Wave ids with every dependency before its dependants (plan order among equals)."""
    return topological_order([w.id for w in waves], {w.id: [d.wave_id for d in w.depends_on] for w in waves})


def _dependency(dependency: WaveDependency, state: WaveState) -> _Dependency:
    if state.status is WaveStatus.SKIPPED:
        return _Dependency.MET if state.skip_cause is SkipCause.OPERATOR else _Dependency.BROKEN
    if state.status is WaveStatus.FAILED:
        return _Dependency.BROKEN
    if dependency.condition is DependencyCondition.LAUNCHED:
        return _Dependency.MET if state.status in _LAUNCHED_OR_LATER else _Dependency.WAITING
    return _Dependency.MET if state.status is WaveStatus.COMPLETED else _Dependency.WAITING


def _by_id(states: Iterable[WaveState]) -> dict[str, WaveState]:
    return {state.wave_id: state for state in states}


def startable_waves(waves: Sequence[Wave], states: Iterable[WaveState]) -> list[str]:
    """PENDING waves whose every dependency is met, in ``wave_order``."""
    current = _by_id(states)
    plan = {wave.id: wave for wave in waves}
    return [
        wave_id
        for wave_id in wave_order(waves)
        if current[wave_id].status is WaveStatus.PENDING
        and all(_dependency(dep, current[dep.wave_id]) is _Dependency.MET for dep in plan[wave_id].depends_on)
    ]


def waves_to_skip(waves: Sequence[Wave], states: Iterable[WaveState]) -> list[SkipDecision]:
    """PENDING waves that can never start because a dependency failed or was skipped for that reason.

    Transitive in one call: a wave behind a wave skipped here is skipped too. Reasons name the
    dependency and what happened to it.
    """
    current = _by_id(states)
    plan = {wave.id: wave for wave in waves}
    decisions: list[SkipDecision] = []
    for wave_id in wave_order(waves):
        if current[wave_id].status is not WaveStatus.PENDING:
            continue
        for dep in plan[wave_id].depends_on:
            dep_state = current[dep.wave_id]
            if _dependency(dep, dep_state) is _Dependency.BROKEN:
                happened = "failed" if dep_state.status is WaveStatus.FAILED else "was skipped"
                reason = f"dependency '{dep.wave_id}' {happened}"
                decisions.append(SkipDecision(wave_id=wave_id, reason=reason))
                current[wave_id] = current[wave_id].model_copy(
                    update={
                        "status": WaveStatus.SKIPPED,
                        "skip_cause": SkipCause.DEPENDENCY,
                        "reason": reason,
                    }
                )
                break
    return decisions


def execution_outcome(waves: Iterable[WaveState], servers: Iterable[ServerState]) -> ExecutionStatus | None:
    """The final status once every wave is COMPLETED, FAILED or SKIPPED; ``None`` before that.

    FAILED if a wave failed; PARTIAL if a wave was skipped or an OPTIONAL server did not launch or
    was found UNHEALTHY; SUCCEEDED otherwise. (Cancellation is decided by the engine, not here.)
    """
    statuses = [wave.status for wave in waves]
    if any(status not in TERMINAL_WAVE_STATUSES for status in statuses):
        return None
    if WaveStatus.FAILED in statuses:
        return ExecutionStatus.FAILED
    optional_lost = any(
        server.impact is ServerImpact.OPTIONAL
        and (server.launch_status is not LaunchStatus.LAUNCHED or server.health is HealthStatus.UNHEALTHY)
        for server in servers
    )
    if WaveStatus.SKIPPED in statuses or optional_lost:
        return ExecutionStatus.PARTIAL
    return ExecutionStatus.SUCCEEDED
