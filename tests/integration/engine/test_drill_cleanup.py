"""Drill clean-up by the TTL schedule: on the engine's clock, in DRS-sized and quota-sized jobs."""

from collections.abc import Callable
from datetime import timedelta

from drs_orchestration.composition.engine import drs_gateways
from drs_orchestration.composition.store import executions
from drs_orchestration.domain.engine.cleanup import terminate_drill_instances
from drs_orchestration.domain.models.drs import DrsQuotas, DrsTarget
from drs_orchestration.domain.models.execution import EventType, ExecutionEvent
from drs_orchestration.domain.ports import iterate_pages
from tests.integration.engine.harness import ACCOUNT, HOUR, REGION, Engine, fleet, server_id


def _drill_instances(engine: Engine) -> set[str]:
    gateway = drs_gateways(engine.product).for_target(DrsTarget(account_id=ACCOUNT, region=REGION))
    return {i.recovery_instance_id for i in gateway.list_recovery_instances() if i.is_drill}


def _termination_events(engine: Engine, execution_id: str) -> list[ExecutionEvent]:
    events = iterate_pages(
        lambda token: executions(engine.product).list_events(execution_id, next_token=token)
    )
    return [event for event in events if event.type == EventType.INSTANCES_TERMINATED]


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
    early = engine.invoke("DrillCleanupFunction", {})

    # Then nothing is terminated yet; and once 8 hours have passed since the end, the drill's are
    assert early == {"terminated": {}}
    assert _drill_instances(engine) == instances
    sim_clock.advance((finished + timedelta(hours=8, seconds=1) - sim_clock.now()).total_seconds())
    assert set(engine.invoke("DrillCleanupFunction", {})["terminated"][execution_id]) == instances


def test_drill_instances_go_out_in_jobs_drs_accepts_when_more_than_one_call_takes(
    engine_factory: Callable[..., Engine],
) -> None:
    # Given a finished 250-server drill past its TTL
    engine, execution_id, instances = _finished_large_drill(engine_factory)
    engine.drs.simulator.clock.advance(9 * 3600)

    # When the schedule runs
    terminated = engine.invoke("DrillCleanupFunction", {})["terminated"][execution_id]

    # Then every instance went out, in three calls of at most 100 (the simulator's per-job quota;
    # it refuses a call over 200 ids or over a quota), and the drill is marked terminated once
    assert set(terminated) == instances
    counts = engine.drs.simulator.request_counts("TerminateRecoveryInstances")
    assert counts == {"TerminateRecoveryInstances": 3}
    assert executions(engine.product).get_header(execution_id).instances_terminated_at is not None
    assert engine.invoke("DrillCleanupFunction", {}) == {"terminated": {}}


def test_drill_instances_left_out_by_the_job_quota_go_out_on_a_later_run_when_slots_free_up(
    engine_factory: Callable[..., Engine],
) -> None:
    # Given a finished 250-server drill, and room for only two concurrent jobs
    engine, execution_id, instances = _finished_large_drill(engine_factory)
    two_jobs = DrsQuotas(max_concurrent_jobs=2)

    # When the clean-up runs
    product = engine.product
    header = executions(product).get_header(execution_id)
    first = terminate_drill_instances(
        executions(engine.product),
        drs_gateways(engine.product),
        header,
        now=engine.product.clock.now(),
        actor="test",
        why="now",
        quotas=two_jobs,
    )

    # Then it sends two jobs' worth, says how many wait, and leaves the drill open for the rest
    assert len(first.terminated_instance_ids) == 200
    assert first.remaining == 50
    assert executions(engine.product).get_header(execution_id).instances_terminated_at is None
    (event,) = _termination_events(engine, execution_id)
    assert event.message == "terminating 200 drill instance(s) now, 50 more once DRS quotas allow"

    # And once those jobs end, the next run sends the rest and closes the drill
    engine.drs.simulator.clock.advance(3 * 3600)
    header = executions(engine.product).get_header(execution_id)
    second = terminate_drill_instances(
        executions(engine.product),
        drs_gateways(engine.product),
        header,
        now=engine.product.clock.now(),
        actor="test",
        why="now",
        quotas=two_jobs,
    )
    assert sorted(first.terminated_instance_ids + second.terminated_instance_ids) == sorted(instances)
    assert second.remaining == 0
    assert engine.drs.simulator.request_counts("TerminateRecoveryInstances") == {
        "TerminateRecoveryInstances": 3
    }
    assert executions(engine.product).get_header(execution_id).instances_terminated_at is not None


def test_terminating_a_drill_leaves_a_later_drills_instances_of_the_same_servers_when_asked_through_the_api(
    engine_factory: Callable[..., Engine],
) -> None:
    # Given two drills of the same servers, the second replacing the first's instances (DRS cleans
    # up a server's previous instance when it launches a new one)
    engine = engine_factory(servers=fleet(2))
    first = _drill(engine, 2)
    assert engine.finish(first)["status"] == "SUCCEEDED"
    first_instances = _drill_instances(engine)
    second = engine.start(executions(engine.product).get_header(first).plan_id)
    assert engine.finish(second)["status"] == "SUCCEEDED"
    second_instances = _drill_instances(engine)
    assert len(second_instances) == 2
    assert not second_instances & first_instances

    # When an operator terminates the first drill's instances
    response = engine.api.post(f"/executions/{first}/terminate-instances", as_="Operator")

    # Then nothing of the second drill's is touched: DRS has none of the first's left, the run says so
    assert response.status == 409, response.text
    assert _drill_instances(engine) == second_instances
    assert engine.drs.simulator.request_counts("TerminateRecoveryInstances") == {
        "TerminateRecoveryInstances": 0
    }
    assert executions(engine.product).get_header(first).instances_terminated_at is not None
    (event,) = _termination_events(engine, first)
    assert event.message == "no drill instances left to terminate"

    # And the TTL clean-up, once due, skips the first drill and terminates the second's
    engine.drs.simulator.clock.advance(9 * 3600)
    terminated = engine.invoke("DrillCleanupFunction", {})["terminated"]
    assert terminated.keys() == {second}
    assert set(terminated[second]) == second_instances
