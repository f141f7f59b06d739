"""Wave actions: Lambda invoke (through the state machine), Run Command, WAIT, APPROVAL."""

from collections.abc import Callable
from datetime import UTC, datetime

from drs_orchestration.domain.models.execution import EventType
from drs_orchestration.domain.ports import RunnerSignal
from drs_orchestration.domain.services.context import Request
from drs_orchestration.domain.services.executions import record_event
from drs_orchestration.handlers.api.dependencies import get_services
from tests.integration.engine import action_functions
from tests.integration.engine.harness import HEALTH_CHECK_DOCUMENT, Engine, fleet, server_id


def test_actions_run_in_order_around_the_launch_when_a_wave_has_them(
    engine_factory: Callable[..., Engine],
) -> None:
    # Given a wave with a Lambda pre-action and Run Command + WAIT post-actions
    engine = engine_factory(servers=fleet(2))
    action_functions.received.clear()
    function_arn = engine.lambda_function("record", "tests.integration.engine.action_functions.record")
    group = engine.group("g", [server_id(0), server_id(1)])
    plan = engine.plan(
        [
            {
                "id": "app",
                "name": "App",
                "protectionGroupIds": [group],
                "preActions": [
                    {
                        "type": "LAMBDA",
                        "name": "announce",
                        "functionArn": function_arn,
                        "payload": {"team": "ops"},
                    }
                ],
                "postActions": [
                    {"type": "SSM_RUN_COMMAND", "name": "smoke", "documentName": HEALTH_CHECK_DOCUMENT},
                    {"type": "WAIT", "name": "soak", "seconds": 300},
                ],
            }
        ]
    )

    execution_id = engine.start(plan)
    execution = engine.finish(execution_id)

    # Then the function got the plan's payload with the run's ids, and every action succeeded in order
    assert execution["status"] == "SUCCEEDED"
    assert action_functions.received == [
        {"team": "ops", "executionId": execution_id, "planId": plan, "waveId": "app", "mode": "DRILL"}
    ]
    succeeded = [e.message for e in engine.timeline(execution_id) if e.type == EventType.ACTION_SUCCEEDED]
    assert [m.split("'")[1] for m in succeeded] == ["announce", "smoke", "soak"]
    wave = engine.wave(execution, "app")
    assert (
        datetime.fromisoformat(wave["endedAt"]) - datetime.fromisoformat(wave["startedAt"])
    ).total_seconds() > 300


def test_failed_action_fails_the_wave_unless_it_may_continue_when_the_function_raises(
    engine_factory: Callable[..., Engine],
) -> None:
    engine = engine_factory(servers=fleet(2))
    function_arn = engine.lambda_function("fail", "tests.integration.engine.action_functions.fail")
    first, second = engine.group("a", [server_id(0)]), engine.group("b", [server_id(1)])
    action = {"type": "LAMBDA", "name": "gate", "functionArn": function_arn}
    plan = engine.plan(
        [
            {
                "id": "a",
                "name": "A",
                "protectionGroupIds": [first],
                "preActions": [{**action, "onFailure": "CONTINUE"}],
            },
            {"id": "b", "name": "B", "protectionGroupIds": [second], "preActions": [action]},
        ]
    )

    execution = engine.finish(engine.start(plan))

    assert engine.wave(execution, "a")["status"] == "COMPLETED"
    wave_b = engine.wave(execution, "b")
    assert wave_b["status"] == "FAILED"
    assert "pre action 'gate' failed" in wave_b["reason"]
    assert "ActionFailed" in wave_b["reason"]
    assert all(s["jobId"] is None for s in wave_b["servers"])


def test_approval_action_holds_the_wave_until_an_operator_approves_it_through_the_runner(
    engine_factory: Callable[..., Engine],
) -> None:
    # (The API approves only waves PENDING behind pauseBefore; an APPROVAL action is approved
    # here through the same domain service and runner port the API uses.)
    engine = engine_factory(servers=fleet(1))
    group = engine.group("g", [server_id(0)])
    approval = {"type": "APPROVAL", "name": "go", "message": "Is the network ready?"}
    plan = engine.plan(
        [{"id": "app", "name": "App", "protectionGroupIds": [group], "preActions": [approval]}]
    )
    execution_id = engine.start(plan)

    waiting = engine.wait_until(execution_id, lambda e: e["status"] == "WAITING_APPROVAL")
    assert engine.wave(waiting, "app")["status"] == "PRE_ACTIONS"
    approval_notice = [m for m in engine.notifications() if m["body"]["kind"] == "APPROVAL_NEEDED"]
    assert approval_notice[0]["body"]["message"] == "Is the network ready?"

    services = get_services()
    request = Request(actor="carol", now=datetime.now(UTC))
    record_event(services, request, execution_id, EventType.APPROVAL_GRANTED, "approve", wave_id="app")
    assert services.runner is not None
    services.runner.signal(execution_id, RunnerSignal.WAKE)

    assert engine.finish(execution_id)["status"] == "SUCCEEDED"
