"""Operator control through the REST API: pause/resume, cancel, approve, retry, skip, drill clean-up."""

from collections.abc import Callable
from typing import Any

from drs_orchestration.composition.engine import drs_gateways
from drs_orchestration.composition.store import executions
from drs_orchestration.domain.models.drs import DrsTarget
from tests.integration.engine.harness import ACCOUNT, REGION, Engine, fleet, server_id


def _two_waves(engine: Engine, **first: Any) -> str:
    a = engine.group("a", [server_id(0), server_id(1)])
    b = engine.group("b", [server_id(2), server_id(3)])
    return engine.plan(
        [
            {"id": "a", "name": "A", "protectionGroupIds": [a], **first},
            {"id": "b", "name": "B", "protectionGroupIds": [b], "dependsOn": [{"waveId": "a"}]},
        ],
        drillTtlHours=8,
    )


def _status(engine: Engine, execution: dict[str, Any], wave_id: str) -> str:
    return str(engine.wave(execution, wave_id)["status"])


def test_paused_run_starts_no_wave_until_resumed_when_an_operator_pauses_it(
    engine_factory: Callable[..., Engine],
) -> None:
    engine = engine_factory(servers=fleet(4))
    execution_id = engine.start(_two_waves(engine))
    engine.run_until(execution_id, lambda e: _status(engine, e, "a") == "LAUNCHING")

    assert engine.api.post(f"/executions/{execution_id}/pause", as_="Operator").status == 202
    paused = engine.run_until(
        execution_id, lambda e: e["status"] == "PAUSED" and _status(engine, e, "a") == "LAUNCHED"
    )
    engine.run_for(1800)  # half an hour paused: wave b must still not start
    still = engine.run_until(execution_id, lambda e: e["status"] == "PAUSED")
    assert _status(engine, paused, "b") == _status(engine, still, "b") == "PENDING"

    assert engine.api.post(f"/executions/{execution_id}/resume", as_="Operator").status == 202
    assert engine.finish(execution_id)["status"] == "SUCCEEDED"
    types = [e.type for e in engine.timeline(execution_id)]
    assert types.index("EXECUTION_PAUSED") < types.index("EXECUTION_RESUMED")


def test_cancelled_run_follows_running_jobs_and_starts_nothing_new_when_cancelled(
    engine_factory: Callable[..., Engine],
) -> None:
    # Wave a's conversion is slowed so that its job is surely still running when the cancel arrives
    # (otherwise, on a busy machine, wave a could finish and b launch before the request is read).
    engine = engine_factory(servers=fleet(4), faults={"slow_factors": {"conversion": 10}})
    execution_id = engine.start(_two_waves(engine))
    engine.run_until(
        execution_id,
        lambda e: _status(engine, e, "a") == "LAUNCHING" and e["waves"][0]["servers"][0]["jobId"],
    )

    assert engine.api.post(f"/executions/{execution_id}/cancel", as_="Operator").status == 202
    execution = engine.finish(execution_id)

    assert execution["status"] == "CANCELLED"
    assert execution["statusReason"] == "cancelled by alice@example.com"
    assert _status(engine, execution, "b") == "SKIPPED"
    assert all(s["jobId"] is None for s in engine.wave(execution, "b")["servers"])
    assert engine.drs.simulator.request_counts("StartRecovery") == {"StartRecovery": 1}
    jobs = engine.drs.drs_client().describe_jobs(filters={})["items"]
    assert [job["status"] for job in jobs] == ["COMPLETED"]


def test_wave_waits_for_approval_and_runs_once_approved_when_paused_before(
    engine_factory: Callable[..., Engine],
) -> None:
    engine = engine_factory(servers=fleet(4))
    a = engine.group("a", [server_id(0), server_id(1)])
    plan = engine.plan([{"id": "a", "name": "A", "protectionGroupIds": [a], "pauseBefore": True}])
    execution_id = engine.start(plan)

    waiting = engine.run_until(execution_id, lambda e: e["status"] == "WAITING_APPROVAL")
    assert _status(engine, waiting, "a") == "PENDING"
    assert any(m["body"]["kind"] == "APPROVAL_NEEDED" for m in engine.notifications())

    assert engine.api.post(f"/executions/{execution_id}/waves/a/approve", as_="Operator").status == 202
    assert engine.finish(execution_id)["status"] == "SUCCEEDED"


def test_retry_relaunches_only_the_failed_servers_when_a_wave_failed(
    engine_factory: Callable[..., Engine],
) -> None:
    # Given server 1 fails on its first launch only
    engine = engine_factory(servers=fleet(4), faults={"fail_on_attempt": {server_id(1): [1]}})
    execution_id = engine.start(_two_waves(engine))
    failed = engine.finish(execution_id)
    assert failed["status"] == "FAILED"
    assert _status(engine, failed, "b") == "SKIPPED"

    # When the operator retries wave a
    assert engine.api.post(f"/executions/{execution_id}/waves/a/retry", as_="Operator").status == 202
    execution = engine.run_until(
        execution_id, lambda e: e["status"] == "SUCCEEDED" and not engine.engine_running()
    )

    # Then only server 1 was launched again, and the dependant wave ran
    batches = sorted(executions(engine.product).get_batches(execution_id), key=lambda b: b.requested_at)
    assert [b.source_server_ids for b in batches if b.wave_id == "a"][-1] == [server_id(1)]
    assert _status(engine, execution, "b") == "COMPLETED"


def test_skipped_wave_lets_its_dependants_run_when_an_operator_skips_it(
    engine_factory: Callable[..., Engine],
) -> None:
    engine = engine_factory(servers=fleet(4), faults={"fail_servers": {server_id(0): "launch"}})
    execution_id = engine.start(_two_waves(engine))
    assert engine.finish(execution_id)["status"] == "FAILED"

    assert engine.api.post(f"/executions/{execution_id}/waves/a/skip", as_="Operator").status == 202
    execution = engine.run_until(
        execution_id, lambda e: e["status"] == "PARTIAL" and not engine.engine_running()
    )

    assert _status(engine, execution, "a") == "SKIPPED"
    assert execution["statusReason"] == "wave A skipped: skipped by alice@example.com"
    assert engine.wave(execution, "a")["skipCause"] == "OPERATOR"
    assert _status(engine, execution, "b") == "COMPLETED"


def _drill_instances(engine: Engine) -> list[str]:
    gateway = drs_gateways(engine.product).for_target(DrsTarget(account_id=ACCOUNT, region=REGION))
    return sorted(i.recovery_instance_id for i in gateway.list_recovery_instances() if i.is_drill)


def test_drill_instances_are_terminated_after_the_ttl_and_never_a_recoverys_when_the_schedule_runs(
    engine_factory: Callable[..., Engine],
) -> None:
    engine = engine_factory(servers=fleet(4))
    drill = engine.start(_two_waves(engine))
    assert engine.finish(drill)["status"] == "SUCCEEDED"
    instances = _drill_instances(engine)
    assert len(instances) == 4

    # Before the TTL nothing is terminated
    assert engine.invoke("DrillCleanupFunction", {}) == {"terminated": {}}
    # After it, the drill's instances are
    engine.drs.simulator.clock.advance(9 * 3600)
    terminated = engine.invoke("DrillCleanupFunction", {})["terminated"]
    assert sorted(terminated[drill]) == instances
    assert engine.invoke("DrillCleanupFunction", {}) == {"terminated": {}}  # once only
    header = executions(engine.product).get_header(drill)
    assert header.instances_terminated_at is not None


def test_drill_refuses_servers_whose_instance_came_from_a_real_recovery_when_started(
    engine_factory: Callable[..., Engine],
) -> None:
    engine = engine_factory(servers=fleet(4))
    a = engine.group("a", [server_id(0), server_id(1)])
    plan = engine.plan(
        [{"id": "a", "name": "a-plan", "protectionGroupIds": [a], "optionalServerIds": [server_id(0)]}],
        name="p",
    )
    real = engine.api.post("/executions", {"planId": plan, "mode": "RECOVERY", "confirmPlanName": "p"})
    assert real.status == 202, real.text
    assert engine.finish(real.json["executionId"])["status"] == "SUCCEEDED"

    execution = engine.finish(engine.start(plan))

    assert execution["status"] == "FAILED"
    errors = {s["sourceServerId"]: s["error"] for s in execution["waves"][0]["servers"]}
    assert all("real recovery" in (error or "") for error in errors.values())
    assert engine.drs.simulator.request_counts("StartRecovery") == {"StartRecovery": 1}
    assert engine.invoke("DrillCleanupFunction", {}) == {"terminated": {}}
