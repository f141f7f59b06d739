"""Measured RTO: run start to the last CRITICAL server recovered, against the plan's target."""

from __future__ import annotations

from datetime import datetime, timedelta

from drs_orchestration.domain.models.execution import ServerImpact, ServerState
from drs_orchestration.domain.rto import measure_rto
from tests.unit.domain.builders import T0, server_id


def _server(
    n: int,
    wave_id: str,
    *,
    launched: int | None = None,
    healthy: int | None = None,
    impact: ServerImpact = ServerImpact.CRITICAL,
) -> ServerState:
    def at(minutes: int | None) -> datetime | None:
        return None if minutes is None else T0 + timedelta(minutes=minutes)

    return ServerState(
        execution_id="ex-1",
        wave_id=wave_id,
        source_server_id=server_id(n),
        impact=impact,
        launched_at=at(launched),
        healthy_at=at(healthy),
    )


def test_rto_runs_to_last_critical_server_healthy_or_launched() -> None:
    # Given db has a health check and web does not, and an optional server that recovered late
    servers = [
        _server(1, "db", launched=10, healthy=25),
        _server(2, "web", launched=40),
        _server(3, "web", launched=90, impact=ServerImpact.OPTIONAL),
    ]
    # When the RTO is measured against a 45-minute target
    rto = measure_rto(target_minutes=45, started_at=T0, servers=servers, health_checked_waves={"db"})
    # Then it ends when web's server launched, and the target is met
    assert rto.recovered_at == T0 + timedelta(minutes=40)
    assert rto.measured_seconds == 2400
    assert rto.met is True
    assert (rto.critical_servers, rto.recovered_critical_servers) == (2, 2)


def test_rto_misses_target_when_recovery_took_longer() -> None:
    rto = measure_rto(
        target_minutes=30, started_at=T0, servers=[_server(1, "db", launched=31)], health_checked_waves=set()
    )
    assert rto.met is False


def test_launched_but_unhealthy_server_is_not_recovered_when_its_wave_checks_health() -> None:
    rto = measure_rto(
        target_minutes=60,
        started_at=T0,
        servers=[_server(1, "db", launched=5)],
        health_checked_waves={"db"},
        now=T0 + timedelta(minutes=20),
    )
    assert rto.measured_seconds is None
    assert rto.elapsed_seconds == 1200
    assert rto.met is None


def test_target_is_known_missed_before_recovery_ends_when_time_is_past_it() -> None:
    rto = measure_rto(
        target_minutes=10,
        started_at=T0,
        servers=[_server(1, "db")],
        health_checked_waves=set(),
        now=T0 + timedelta(minutes=11),
    )
    assert rto.met is False
    assert rto.recovered_at is None


def test_rto_is_unknown_before_the_run_starts() -> None:
    rto = measure_rto(
        target_minutes=10, started_at=None, servers=[_server(1, "db", launched=1)], health_checked_waves=set()
    )
    assert (rto.measured_seconds, rto.elapsed_seconds, rto.met) == (None, None, None)
