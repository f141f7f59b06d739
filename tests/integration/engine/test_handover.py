"""Continue-as-new through the real state machine: a run hands itself over to a fresh execution after
its ticks, and operator requests, approvals and the run's outcome carry across every handover.

These tests hand over after a few ticks (``handover_ticks``) so that a short run crosses many
handovers; ``test_long_runs`` runs days on the product's own setting.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from drs_local.instance_health import InstanceBehaviour
from drs_orchestration.composition.store import executions
from drs_orchestration.domain.models.execution import EventType
from tests.integration.engine.harness import HEALTH_CHECK_DOCUMENT, Engine, fleet, server_id

TICKS = 6


def _engine(engine_factory: Callable[..., Engine], servers: int = 2) -> Engine:
    return engine_factory(servers=fleet(servers), settings={"handover_ticks": TICKS})


def _handed_over(engine: Engine, execution_id: str) -> int:
    return sum(1 for e in engine.timeline(execution_id) if e.type is EventType.ENGINE_HANDED_OVER)


def _assert_one_execution_at_a_time(engine: Engine, execution_id: str) -> list[dict[str, Any]]:
    """Every execution but the last ended at its handover; the header names the last one."""
    runs = engine.engine_executions()
    assert [r["status"] for r in runs] == ["SUCCEEDED"] * len(runs)
    assert [r["name"] for r in runs] == [execution_id] + [f"{execution_id}-g{n}" for n in range(1, len(runs))]
    header = executions(engine.product).get_header(execution_id)
    assert header.engine is not None
    assert header.engine.arn.endswith(f":{runs[-1]['name']}")
    assert header.engine.generation == len(runs) - 1 == _handed_over(engine, execution_id)
    return runs


def test_approval_granted_after_several_handovers_lets_the_run_succeed(
    engine_factory: Callable[..., Engine],
) -> None:
    # Given a run waiting for an approval, ticking every 300 s and handing over every 6 ticks
    engine = _engine(engine_factory)
    group = engine.group("g", [server_id(0), server_id(1)])
    approval = {"type": "APPROVAL", "name": "go", "message": "Go?", "timeoutSeconds": 86_400}
    plan = engine.plan([{"id": "a", "name": "A", "protectionGroupIds": [group], "preActions": [approval]}])
    execution_id = engine.start(plan)
    engine.run_until(execution_id, lambda e: e["status"] == "WAITING_APPROVAL")
    engine.run_for(4 * 3600)
    assert _handed_over(engine, execution_id) >= 5

    # When an operator approves it
    response = engine.api.post(f"/executions/{execution_id}/waves/a/approve", as_="Operator")
    assert response.status == 202, response.text

    # Then the execution that drives the run now acts on it, and the run succeeds
    assert engine.finish(execution_id)["status"] == "SUCCEEDED"
    runs = _assert_one_execution_at_a_time(engine, execution_id)
    assert all(r["events"] <= TICKS * 14 + 40 for r in runs)


def test_pause_resume_and_cancel_act_across_handovers_while_health_gates_poll(
    engine_factory: Callable[..., Engine],
) -> None:
    # Given two waves whose health gates poll every 10 s for an hour (a handover a minute)
    engine = _engine(engine_factory, servers=4)
    engine.instances.default = InstanceBehaviour(command_seconds=3600)
    first, second = (
        engine.group("a", [server_id(0), server_id(1)]),
        engine.group("b", [server_id(2), server_id(3)]),
    )
    health = {"documentName": HEALTH_CHECK_DOCUMENT, "timeoutSeconds": 7200}
    plan = engine.plan(
        [
            {"id": "a", "name": "A", "protectionGroupIds": [first], "healthCheck": health},
            {
                "id": "b",
                "name": "B",
                "protectionGroupIds": [second],
                "healthCheck": health,
                "dependsOn": [{"waveId": "a"}],
            },
        ]
    )
    execution_id = engine.start(plan)
    engine.run_until(execution_id, lambda e: engine.wave(e, "a")["status"] == "HEALTH_CHECK")

    # When an operator pauses it mid-gate, for an hour, then resumes it
    assert engine.api.post(f"/executions/{execution_id}/pause", as_="Operator").status == 202
    engine.run_until(execution_id, lambda e: e["status"] == "PAUSED", limit=600)
    before = _handed_over(engine, execution_id)
    engine.run_for(3600)
    paused = engine.run_until(execution_id, lambda e: e["status"] == "PAUSED")
    assert engine.wave(paused, "b")["status"] == "PENDING"
    assert engine.api.post(f"/executions/{execution_id}/resume", as_="Operator").status == 202

    # and cancels it once wave b's gate polls
    engine.run_until(execution_id, lambda e: engine.wave(e, "b")["status"] == "HEALTH_CHECK")
    assert engine.api.post(f"/executions/{execution_id}/cancel", as_="Operator").status == 202

    # Then each request was acted on by whichever execution drove the run at the time
    execution = engine.finish(execution_id)
    assert execution["status"] == "CANCELLED"
    assert _handed_over(engine, execution_id) > before > 0
    _assert_one_execution_at_a_time(engine, execution_id)
    types = [e.type for e in engine.timeline(execution_id)]
    assert types.index(EventType.EXECUTION_PAUSED) < types.index(EventType.EXECUTION_RESUMED)
    assert types.index(EventType.EXECUTION_RESUMED) < types.index(EventType.EXECUTION_CANCELLING)


def test_an_execution_that_does_not_drive_the_run_ends_without_touching_it(
    engine_factory: Callable[..., Engine],
) -> None:
    # Given a run waiting for an approval
    engine = _engine(engine_factory)
    group = engine.group("g", [server_id(0)])
    approval = {"type": "APPROVAL", "name": "go", "message": "Go?"}
    plan = engine.plan([{"id": "a", "name": "A", "protectionGroupIds": [group], "preActions": [approval]}])
    execution_id = engine.start(plan)
    engine.run_until(execution_id, lambda e: e["status"] == "WAITING_APPROVAL")
    header = executions(engine.product).get_header(execution_id)

    # When a second execution of the engine is started for it (by hand, or a duplicate start)
    stray = engine.sfn.start_execution(
        stateMachineArn=engine.machine_arn, name="stray", input=f'{{"executionId": "{execution_id}"}}'
    )["executionArn"]
    engine.run_for(60)

    # Then it ends at once, and the run is still driven by its own execution, unchanged
    described = engine.sfn.describe_execution(executionArn=stray)
    assert described["status"] == "SUCCEEDED"
    assert '"handedOver": true' in described["output"]
    after = executions(engine.product).get_header(execution_id)
    assert after.engine == header.engine
    assert after.status == header.status
