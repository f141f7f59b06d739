"""The sweeper, through the real state machine: a run whose execution was stopped from outside is
ended FAILED with the reason, its plan can run again, its drill instances go to the TTL clean-up; a
run whose execution still runs is left alone."""

from __future__ import annotations

from collections.abc import Callable

from drs_local.instance_health import InstanceBehaviour
from drs_orchestration.composition.engine import drs_gateways
from drs_orchestration.composition.store import executions
from drs_orchestration.domain.engine.sweeper import GRACE
from drs_orchestration.domain.models.drs import DrsTarget
from drs_orchestration.domain.models.execution import EventType
from tests.integration.engine.harness import ACCOUNT, HEALTH_CHECK_DOCUMENT, REGION, Engine, fleet, server_id

SCHEDULED = {"id": "sweep-1", "detail-type": "Scheduled Event", "source": "aws.events"}


def _drill_instances(engine: Engine) -> list[str]:
    gateway = drs_gateways(engine.product).for_target(DrsTarget(account_id=ACCOUNT, region=REGION))
    return sorted(i.recovery_instance_id for i in gateway.list_recovery_instances() if i.is_drill)


def _gated_plan(engine: Engine, name: str, servers: list[str]) -> str:
    group = engine.group(name, servers)
    health = {"documentName": HEALTH_CHECK_DOCUMENT, "timeoutSeconds": 7200}
    return engine.plan(
        [{"id": "a", "name": "A", "protectionGroupIds": [group], "healthCheck": health}], name=name
    )


def test_run_whose_execution_was_stopped_is_ended_by_the_sweeper_and_its_plan_runs_again(
    engine_factory: Callable[..., Engine],
) -> None:
    # Given two drills in their health gates, the second of them stopped in the Step Functions console
    engine = engine_factory(servers=fleet(3))
    engine.instances.default = InstanceBehaviour(command_seconds=3600)
    kept_plan, lost_plan = (
        _gated_plan(engine, "kept", [server_id(0)]),
        _gated_plan(engine, "lost", [server_id(1), server_id(2)]),
    )
    kept, lost = engine.start(kept_plan), engine.start(lost_plan)
    for run in (kept, lost):
        engine.run_until(run, lambda e: e["waves"][0]["status"] == "HEALTH_CHECK")
    header = executions(engine.product).get_header(lost)
    assert header.engine is not None
    engine.sfn.stop_execution(executionArn=header.engine.arn, error="Console.Stop", cause="stopped by hand")
    engine.run_for(60)
    assert (
        engine.api.post("/executions", {"planId": lost_plan, "mode": "DRILL"}, as_="Operator").status == 409
    )

    # When the sweeper runs
    ended = engine.invoke("SweeperFunction", SCHEDULED)["ended"]

    # Then it ended that run only, FAILED, saying why
    name = header.engine.arn.rsplit(":", 1)[-1]
    reason = f"its engine execution {name} ended ABORTED"
    assert ended == [{"executionId": lost, "reason": reason}]
    execution = engine.execution(lost)
    assert (execution["status"], execution["statusReason"]) == ("FAILED", f"the engine stopped: {reason}")
    types = [e.type for e in engine.timeline(lost)]
    assert types.index(EventType.ENGINE_LOST) < types.index(EventType.EXECUTION_FINISHED)
    finished = [m["body"] for m in engine.notifications() if m["body"]["kind"] == "FINISHED"]
    assert [(m["executionId"], m["status"]) for m in finished] == [(lost, "FAILED")]
    assert engine.execution(kept)["status"] == "RUNNING"
    assert engine.invoke("SweeperFunction", SCHEDULED) == {"ended": []}  # once only

    # and its drill instances (the plan has no TTL) go at the clean-up's next run
    lost_instances = set(_drill_instances(engine))
    terminated = engine.invoke("DrillCleanupFunction", {})["terminated"]
    assert set(terminated) == {lost}
    assert len(terminated[lost]) == 2
    assert set(terminated[lost]) < lost_instances

    # and the plan can run again
    response = engine.api.post("/executions", {"planId": lost_plan, "mode": "DRILL"}, as_="Operator")
    assert response.status == 202, response.text


def test_run_whose_successor_is_recorded_but_not_started_is_left_alone_within_the_grace(
    engine_factory: Callable[..., Engine],
) -> None:
    # Given a run whose header names a successor execution that was never started (its predecessor
    # stopped right after recording it)
    engine = engine_factory(servers=fleet(1))
    plan = _gated_plan(engine, "g", [server_id(0)])
    engine.instances.default = InstanceBehaviour(command_seconds=3600)
    run = engine.start(plan)
    engine.run_until(run, lambda e: e["waves"][0]["status"] == "HEALTH_CHECK")
    store = executions(engine.product)
    header = store.get_header(run)
    assert header.engine is not None
    engine.sfn.stop_execution(executionArn=header.engine.arn)
    successor = header.engine.model_copy(
        update={"arn": f"{header.engine.arn}-g1", "generation": 1, "since": engine.product.clock.now()}
    )
    store.update_header(header.model_copy(update={"engine": successor}), header.version)

    # Then the sweeper leaves it within the grace, and ends it after
    assert engine.invoke("SweeperFunction", SCHEDULED) == {"ended": []}
    engine.drs.simulator.clock.advance(GRACE.total_seconds() + 1)
    ended = engine.invoke("SweeperFunction", SCHEDULED)["ended"]
    assert [e["executionId"] for e in ended] == [run]
    assert ended[0]["reason"].endswith("-g1 was never started")
