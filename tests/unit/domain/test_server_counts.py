"""A wave's server counts: counted from its servers, or moved by the servers that changed."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from drs_orchestration.domain.models.drs import LaunchStatus
from drs_orchestration.domain.models.execution import HealthStatus, ServerImpact, ServerState
from drs_orchestration.domain.server_counts import count_servers, recount
from tests.unit.domain.builders import T0


def _server(n: int, **fields: object) -> ServerState:
    return ServerState(execution_id="ex-1", wave_id="w", source_server_id=f"s-{n:017d}", **fields)


states = st.fixed_dictionaries(
    {
        "batch_id": st.sampled_from([None, "w-b1"]),
        "launch_status": st.sampled_from([None, *LaunchStatus]),
        "health": st.sampled_from([None, *HealthStatus]),
        "impact": st.sampled_from(list(ServerImpact)),
        "launched_at": st.sampled_from([None, T0]),
        "healthy_at": st.sampled_from([None, T0 + timedelta(minutes=5)]),
    }
)


def test_counts_name_the_servers_waiting_launched_healthy_failed_and_critical_recovered() -> None:
    servers = [
        _server(0),
        _server(1, batch_id="w-b1", launch_status=LaunchStatus.IN_PROGRESS),
        _server(
            2, launch_status=LaunchStatus.LAUNCHED, launched_at=T0, health=HealthStatus.HEALTHY, healthy_at=T0
        ),
        _server(3, launch_status=LaunchStatus.FAILED, impact=ServerImpact.OPTIONAL),
        _server(4, launch_status=LaunchStatus.LAUNCHED, launched_at=T0, health=HealthStatus.UNHEALTHY),
    ]
    counts = count_servers(servers, health_checked=True)
    assert counts.total == 5
    assert counts.waiting == 1
    assert counts.launch == {
        LaunchStatus.IN_PROGRESS: 1,
        LaunchStatus.LAUNCHED: 2,
        LaunchStatus.FAILED: 1,
    }
    assert counts.in_flight == 1
    assert counts.health == {HealthStatus.HEALTHY: 1, HealthStatus.UNHEALTHY: 1}
    assert counts.failed == 2
    assert (counts.critical, counts.critical_recovered, counts.last_recovered_at) == (4, 1, T0)
    # without a health gate, a launched critical server has recovered
    assert count_servers(servers, health_checked=False).critical_recovered == 2


@given(before=st.lists(states, min_size=1, max_size=8), after=st.lists(states, min_size=8, max_size=8))
def test_moving_the_counts_by_the_changed_servers_counts_them_again_when_any_change(
    before: list[dict[str, object]], after: list[dict[str, object]]
) -> None:
    old = [_server(n, **fields) for n, fields in enumerate(before)]
    new = [_server(n, **fields) for n, fields in enumerate(after[: len(before)])]
    changed = [n for n in range(len(old)) if old[n] != new[n]]
    moved = recount(
        count_servers(old, health_checked=True),
        [old[n] for n in changed],
        [new[n] for n in changed],
        health_checked=True,
    )
    expected = count_servers(new, health_checked=True)
    assert moved.model_copy(update={"last_recovered_at": None}) == expected.model_copy(
        update={"last_recovered_at": None}
    )
