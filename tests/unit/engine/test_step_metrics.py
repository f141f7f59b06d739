"""Each step counts what it did (waves moved, servers put in a StartRecovery, batches kept waiting
for quota), for the operator's metrics; the counts never reach the state machine."""

from __future__ import annotations

from datetime import timedelta

from drs_orchestration.domain.engine.context import TickMetrics
from drs_orchestration.domain.engine.engine import advance
from tests.unit.domain.builders import T0, server_id
from tests.unit.engine.test_launch_lease import TARGET, Account


def test_a_step_counts_waves_moved_and_servers_launched_when_a_wave_starts_and_launches() -> None:
    # Given a drill of one wave of 150 servers, initialized
    account = Account()
    run = account.run("ex-a", range(150))

    # When its first Advance runs
    step = advance(account.ports, account.config, run, T0)

    # Then the wave moved twice (PENDING -> PRE_ACTIONS -> LAUNCHING) and every server went to DRS
    assert step.metrics == TickMetrics(waves_moved=2, servers_launched=150, quota_waits=0)
    assert "metrics" not in step.to_json()
    # and a step with nothing to do counts nothing
    assert advance(account.ports, account.config, run, T0 + timedelta(seconds=5)).metrics == TickMetrics()


def test_a_step_counts_a_quota_wait_when_drs_refuses_a_batch() -> None:
    # Given someone launching one of the run's servers outside the product after the run read DRS
    account = Account()
    run = account.run("ex-a", range(10))
    account.once_after_read(lambda: account.drs.start(TARGET, [server_id(0)], is_drill=True, tags={}))

    step = advance(account.ports, account.config, run, T0)

    assert step.metrics == TickMetrics(waves_moved=2, servers_launched=0, quota_waits=1)
