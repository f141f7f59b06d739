"""Wave scheduling: what may start, what must be skipped and why, and the final outcome."""

from __future__ import annotations

from typing import Any

from drs_orchestration.domain.models.drs import LaunchStatus
from drs_orchestration.domain.models.execution import (
    ExecutionStatus,
    HealthStatus,
    ServerImpact,
    ServerState,
    SkipCause,
    WaveState,
    WaveStatus,
)
from drs_orchestration.domain.models.recovery_plan import Wave
from drs_orchestration.domain.scheduling import execution_outcome, startable_waves, wave_order, waves_to_skip
from tests.unit.domain.builders import server_id, wave

# network <- db (HEALTHY) <- app (HEALTHY); network <- web (LAUNCHED); app, web <- edge
PLAN: list[Wave] = [
    wave("edge", "app", "web"),
    wave("app", "db"),
    wave("db", "network"),
    wave("network"),
    wave("web", depends_on=[{"wave_id": "network", "condition": "LAUNCHED"}]),
]


def _states(**statuses: WaveStatus | tuple[WaveStatus, SkipCause]) -> list[WaveState]:
    states = []
    for position, plan_wave in enumerate(PLAN):
        given = statuses.get(plan_wave.id, WaveStatus.PENDING)
        extra: dict[str, Any] = {}
        if isinstance(given, tuple):
            given, cause = given
            extra = {"skip_cause": cause, "reason": "test"}
        states.append(
            WaveState(
                execution_id="ex-1",
                wave_id=plan_wave.id,
                name=plan_wave.name,
                position=position,
                status=given,
                **extra,
            )
        )
    return states


def test_order_puts_dependencies_first() -> None:
    assert wave_order(PLAN) == ["network", "db", "app", "web", "edge"]


def test_only_waves_without_dependencies_start_first() -> None:
    assert startable_waves(PLAN, _states()) == ["network"]


def test_launched_condition_starts_dependant_before_health_check_ends() -> None:
    states = _states(network=WaveStatus.HEALTH_CHECK)
    assert startable_waves(PLAN, states) == ["web"]


def test_healthy_condition_waits_for_completion() -> None:
    assert "db" not in startable_waves(PLAN, _states(network=WaveStatus.POST_ACTIONS))
    assert startable_waves(PLAN, _states(network=WaveStatus.COMPLETED)) == ["db", "web"]


def test_parallel_branches_start_together_and_join_waits_for_both() -> None:
    states = _states(network=WaveStatus.COMPLETED, db=WaveStatus.COMPLETED, app=WaveStatus.COMPLETED)
    assert startable_waves(PLAN, states) == ["web"]
    states = _states(
        network=WaveStatus.COMPLETED,
        db=WaveStatus.COMPLETED,
        app=WaveStatus.COMPLETED,
        web=WaveStatus.COMPLETED,
    )
    assert startable_waves(PLAN, states) == ["edge"]


def test_failed_dependency_skips_dependants_transitively_with_reasons() -> None:
    states = _states(network=WaveStatus.COMPLETED, db=WaveStatus.FAILED, web=WaveStatus.COMPLETED)
    decisions = waves_to_skip(PLAN, states)
    assert [(d.wave_id, d.reason) for d in decisions] == [
        ("app", "dependency 'db' failed"),
        ("edge", "dependency 'app' was skipped"),
    ]
    assert startable_waves(PLAN, states) == []


def test_operator_skipped_dependency_lets_dependants_go_on() -> None:
    states = _states(network=WaveStatus.COMPLETED, db=(WaveStatus.SKIPPED, SkipCause.OPERATOR))
    assert waves_to_skip(PLAN, states) == []
    assert startable_waves(PLAN, states) == ["app", "web"]


def test_dependency_skipped_for_its_own_failed_dependency_propagates() -> None:
    states = _states(network=WaveStatus.FAILED, db=(WaveStatus.SKIPPED, SkipCause.DEPENDENCY))
    assert [d.wave_id for d in waves_to_skip(PLAN, states)] == ["app", "web", "edge"]


def _server(n: int, impact: ServerImpact, status: LaunchStatus | None) -> ServerState:
    return ServerState(
        execution_id="ex-1", wave_id="db", source_server_id=server_id(n), impact=impact, launch_status=status
    )


def test_outcome_is_unknown_until_every_wave_has_ended() -> None:
    assert execution_outcome(_states(network=WaveStatus.COMPLETED), []) is None


def test_outcome_follows_failures_skips_and_optional_losses() -> None:
    done = {w.id: WaveStatus.COMPLETED for w in PLAN}
    ok = [_server(1, ServerImpact.CRITICAL, LaunchStatus.LAUNCHED)]
    assert execution_outcome(_states(**done), ok) is ExecutionStatus.SUCCEEDED
    lost = [*ok, _server(2, ServerImpact.OPTIONAL, LaunchStatus.FAILED)]
    assert execution_outcome(_states(**done), lost) is ExecutionStatus.PARTIAL
    sick = _server(2, ServerImpact.OPTIONAL, LaunchStatus.LAUNCHED).model_copy(
        update={"health": HealthStatus.UNHEALTHY}
    )
    assert execution_outcome(_states(**done), [*ok, sick]) is ExecutionStatus.PARTIAL
    skipped = {**done, "web": (WaveStatus.SKIPPED, SkipCause.OPERATOR)}
    assert execution_outcome(_states(**skipped), ok) is ExecutionStatus.PARTIAL
    failed = {**done, "db": WaveStatus.FAILED}
    assert execution_outcome(_states(**failed), ok) is ExecutionStatus.FAILED
