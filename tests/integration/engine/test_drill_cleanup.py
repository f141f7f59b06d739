"""Drill clean-up by the TTL schedule: on the engine's clock, in DRS-sized and quota-sized jobs."""

from collections.abc import Callable
from datetime import timedelta

from drs_orchestration.domain.engine.cleanup import terminate_drill_instances
from drs_orchestration.domain.models.drs import DrsQuotas, DrsTarget
from drs_orchestration.handlers.engine import clock, drill_cleanup, store
from drs_orchestration.handlers.engine.dependencies import drs_gateways
from tests.integration.engine.harness import ACCOUNT, HOUR, REGION, Engine, fleet, server_id


def _drill_instances(engine: Engine) -> set[str]:
    gateway = drs_gateways().for_target(DrsTarget(account_id=ACCOUNT, region=REGION))
    return {i.recovery_instance_id for i in gateway.list_recovery_instances() if i.is_drill}


def _drill(engine: Engine, servers: int) -> str:
    group = engine.group("all", [server_id(n) for n in range(servers)])
    plan = engine.plan(
        [
            {
                "id": "all",
                "name": "All",
                "protectionGroupIds": [group],
                "timeoutMinutes": 600,
                "healthCheck": None,
            }
        ],
        drillTtlHours=8,
    )
    return engine.start(plan)


def _finished_large_drill(engine_factory: Callable[..., Engine]) -> tuple[Engine, str, set[str]]:
    """A 250-server drill run to its end (no EC2 mirror or events: polling finds the job ends)."""
    engine = engine_factory(servers=fleet(250), ec2=False, events=False)
    execution_id = _drill(engine, 250)
    assert engine.finish(execution_id, limit=12 * HOUR)["status"] == "SUCCEEDED"
    instances = _drill_instances(engine)
    assert len(instances) == 250
    return engine, execution_id, instances


def test_drill_instances_live_the_whole_ttl_on_the_runs_clock_when_that_clock_is_ahead_of_wall_time(
    engine_factory: Callable[..., Engine],
) -> None:
    # Given a run whose clock (the simulator's, as in local mode) is a day ahead of wall time
    engine = engine_factory(servers=fleet(2))
    sim_clock = engine.drs.simulator.clock
    sim_clock.advance(24 * 3600)
    before_start = sim_clock.now()
    execution_id = _drill(engine, 2)
    assert engine.finish(execution_id)["status"] == "SUCCEEDED"
    finished = sim_clock.now()
    instances = _drill_instances(engine)
    assert len(instances) == 2

    # When the schedule runs ten minutes before 8 hours of the run's clock have passed since the start
    sim_clock.advance((before_start + timedelta(hours=8, minutes=-10) - sim_clock.now()).total_seconds())
    early = drill_cleanup.lambda_handler({}, None)

    # Then nothing is terminated yet; and once 8 hours have passed since the end, the drill's are
    assert early == {"terminated": {}}
    assert _drill_instances(engine) == instances
    sim_clock.advance((finished + timedelta(hours=8, seconds=1) - sim_clock.now()).total_seconds())
    assert set(drill_cleanup.lambda_handler({}, None)["terminated"][execution_id]) == instances


def test_drill_instances_go_out_in_jobs_drs_accepts_when_more_than_one_call_takes(
    engine_factory: Callable[..., Engine],
) -> None:
    # Given a finished 250-server drill past its TTL
    engine, execution_id, instances = _finished_large_drill(engine_factory)
    engine.drs.simulator.clock.advance(9 * 3600)

    # When the schedule runs
    terminated = drill_cleanup.lambda_handler({}, None)["terminated"][execution_id]

    # Then every instance went out, in three calls of at most 100 (the simulator's per-job quota;
    # it refuses a call over 200 ids or over a quota), and the drill is marked terminated once
    assert set(terminated) == instances
    counts = engine.drs.simulator.request_counts("TerminateRecoveryInstances")
    assert counts == {"TerminateRecoveryInstances": 3}
    assert store.executions().get_header(execution_id).instances_terminated_at is not None
    assert drill_cleanup.lambda_handler({}, None) == {"terminated": {}}


def test_drill_instances_left_out_by_the_job_quota_go_out_on_a_later_run_when_slots_free_up(
    engine_factory: Callable[..., Engine],
) -> None:
    # Given a finished 250-server drill, and room for only two concurrent jobs
    engine, execution_id, instances = _finished_large_drill(engine_factory)
    two_jobs = DrsQuotas(max_concurrent_jobs=2)

    # When the clean-up runs
    header = store.executions().get_header(execution_id)
    first = terminate_drill_instances(
        store.executions(), drs_gateways(), header, clock.now(), "test", two_jobs
    )

    # Then it sends two jobs' worth and leaves the drill open for the rest
    assert len(first) == 200
    assert store.executions().get_header(execution_id).instances_terminated_at is None

    # And once those jobs end, the next run sends the rest and closes the drill
    engine.drs.simulator.clock.advance(3 * 3600)
    header = store.executions().get_header(execution_id)
    second = terminate_drill_instances(
        store.executions(), drs_gateways(), header, clock.now(), "test", two_jobs
    )
    assert sorted(first + second) == sorted(instances)
    assert engine.drs.simulator.request_counts("TerminateRecoveryInstances") == {
        "TerminateRecoveryInstances": 3
    }
    assert store.executions().get_header(execution_id).instances_terminated_at is not None
