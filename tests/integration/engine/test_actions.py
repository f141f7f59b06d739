"""Wave actions: Lambda invoke (through the state machine), Run Command, WAIT, APPROVAL."""

from collections.abc import Callable
from datetime import datetime

from drs_local.instance_health import InstanceBehaviour
from drs_local.ssm_emulation import AutomationOutcome
from drs_orchestration.composition.api import api_parts
from drs_orchestration.domain.models.execution import EventType, HealthStatus
from drs_orchestration.domain.services.context import Request
from drs_orchestration.domain.services.executions import steer_wave
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
    assert wave_b["reason"].startswith("pre action 'gate' failed: the function failed: ActionFailed: ")
    assert "refused b" in wave_b["reason"]  # the function's own message, from the failure's cause
    assert all(s["jobId"] is None for s in wave_b["servers"])


def test_approval_action_holds_the_wave_until_an_operator_approves_it_through_the_api_service(
    engine_factory: Callable[..., Engine],
) -> None:
    engine = engine_factory(servers=fleet(1))
    group = engine.group("g", [server_id(0)])
    approval = {"type": "APPROVAL", "name": "go", "message": "Is the network ready?"}
    plan = engine.plan(
        [{"id": "app", "name": "App", "protectionGroupIds": [group], "preActions": [approval]}]
    )
    execution_id = engine.start(plan)

    waiting = engine.run_until(execution_id, lambda e: e["status"] == "WAITING_APPROVAL")
    assert engine.wave(waiting, "app")["status"] == "PRE_ACTIONS"
    approval_notice = [m for m in engine.notifications() if m["body"]["kind"] == "APPROVAL_NEEDED"]
    assert approval_notice[0]["body"]["message"] == "Is the network ready?"

    # When an operator approves the wave through the API's service (it records the approval and wakes the run)
    request = Request(actor="carol", now=engine.product.clock.now())
    steer_wave(api_parts(engine.product).services, request, execution_id, "app", "approve")

    assert engine.finish(execution_id)["status"] == "SUCCEEDED"


def test_automation_actions_gate_the_launch_when_one_succeeds_and_the_other_fails(
    engine_factory: Callable[..., Engine],
) -> None:
    # Given two independent waves whose pre-action is an SSM Automation: one ends Success, one Failed
    engine = engine_factory(servers=fleet(2))
    engine.automation.set_outcome(
        "AWS-UpdateNetwork", AutomationOutcome(result="Success", duration_seconds=120)
    )
    engine.automation.set_outcome(
        "AWS-PrepareDatabase",
        AutomationOutcome(result="Failed", duration_seconds=60, failure_message="no quorum"),
    )
    first, second = engine.group("a", [server_id(0)]), engine.group("b", [server_id(1)])

    def automation(document: str) -> dict[str, object]:
        return {"type": "SSM_AUTOMATION", "name": document.lower(), "documentName": document}

    plan = engine.plan(
        [
            {
                "id": "a",
                "name": "A",
                "protectionGroupIds": [first],
                "preActions": [automation("AWS-UpdateNetwork")],
            },
            {
                "id": "b",
                "name": "B",
                "protectionGroupIds": [second],
                "preActions": [automation("AWS-PrepareDatabase")],
            },
        ]
    )

    execution = engine.finish(engine.start(plan))

    # Then the first wave launched after its automation finished; the second never launched
    wave_a, wave_b = engine.wave(execution, "a"), engine.wave(execution, "b")
    assert wave_a["status"] == "COMPLETED"
    assert wave_b["status"] == "FAILED"
    assert "ended Failed: no quorum" in wave_b["reason"]
    assert all(s["jobId"] is None for s in wave_b["servers"])
    started = next(e for e in engine.timeline(execution["id"]) if e.type == EventType.JOB_STARTED)
    assert (started.at - datetime.fromisoformat(wave_a["startedAt"])).total_seconds() >= 120


def test_wave_fails_with_the_check_output_when_the_health_check_command_fails_on_the_instances(
    engine_factory: Callable[..., Engine],
) -> None:
    # Given recovered instances on which the health check's disk check fails
    engine = engine_factory(servers=fleet(2))
    engine.instances.default = InstanceBehaviour(failing_checks=frozenset({"free_disk"}))
    group = engine.group("g", [server_id(0), server_id(1)])
    health = {"documentName": HEALTH_CHECK_DOCUMENT, "timeoutSeconds": 900}
    plan = engine.plan([{"id": "app", "name": "App", "protectionGroupIds": [group], "healthCheck": health}])

    execution = engine.finish(engine.start(plan))

    # Then the wave failed, and each server keeps the status checks and the command's output
    assert execution["status"] == "FAILED"
    unhealthy = f"2 critical server(s) unhealthy ({server_id(0)}, {server_id(1)})"
    assert execution["waves"][0]["reason"] == f"{unhealthy}: health check Failed"
    for server in engine.servers(execution["id"]):
        assert server.health is HealthStatus.UNHEALTHY
        command = server.health_evidence["command"]
        assert isinstance(command, dict)
        assert command["status"] == "Failed"
        assert '"status":"FAIL"' in str(command["output"]).replace(" ", "")
        ec2 = server.health_evidence["ec2"]
        assert isinstance(ec2, dict)
        assert ec2["state"] == "running"
