"""The master template gives the execution engine what it needs, hands its state machine to the API
without a dependency cycle between nested stacks, and monitoring watches the engine."""

from __future__ import annotations

from graphlib import TopologicalSorter
from typing import Any

from tests.infra.templates import CFN, load

MASTER = CFN / "master-template.yaml"


def _nested_refs(value: Any) -> set[tuple[str, str]]:
    """Every ``(stack, output)`` a value reads through ``Fn::GetAtt <Stack>.Outputs.<Name>``."""
    found: set[tuple[str, str]] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "Fn::GetAtt":
                parts = item.split(".") if isinstance(item, str) else [item[0], *str(item[1]).split(".")]
                if len(parts) == 3 and parts[1] == "Outputs":
                    found.add((parts[0], parts[2]))
            else:
                found |= _nested_refs(item)
    elif isinstance(value, list):
        for item in value:
            found |= _nested_refs(item)
    return found


def _stack_parameters(logical_id: str) -> dict[str, Any]:
    return dict(load(MASTER)["Resources"][logical_id]["Properties"]["Parameters"])


def test_engine_is_created_with_every_table_when_the_master_deploys_the_orchestration_stack() -> None:
    parameters = _stack_parameters("OrchestrationStack")
    condition = load(CFN / "orchestration-stack.yaml")["Conditions"]["EngineEnabled"]
    joined = condition["Fn::Not"][0]["Fn::Equals"][0]["Fn::Join"][1]

    # Every table the engine's condition joins is passed, from the data stack's outputs
    for reference in joined:
        name = reference["Ref"]
        assert _nested_refs(parameters[name]) == {("DataStack", name)}, name
    for name in ("ProtectionGroupsTableArn", "ExecutionsTableArn", "AccountsTableArn"):
        assert _nested_refs(parameters[name]) == {("DataStack", name)}, name
    for name in ("TablesKmsKeyArn", "TargetRolePath", "LogLevel", "LogRetentionDays"):
        assert parameters[name] == {"Ref": name}, name
    assert ("FrontendStack", "ConsoleUrl") in _nested_refs(parameters["ConsoleUrl"])


def test_api_starts_runs_on_the_engines_state_machine_when_wired() -> None:
    assert _nested_refs(_stack_parameters("ApiStack")["StateMachineArn"]) == {
        ("OrchestrationStack", "StateMachineArn")
    }


def test_nested_stacks_have_no_dependency_cycle_when_outputs_flow_into_parameters() -> None:
    resources = load(MASTER)["Resources"]
    graph = {
        logical_id: {stack for stack, _ in _nested_refs(resource["Properties"])}
        | set(resource.get("DependsOn", []))
        for logical_id, resource in resources.items()
    }

    order = list(TopologicalSorter(graph).static_order())  # raises CycleError on a cycle

    assert order.index("FrontendStack") < order.index("OrchestrationStack") < order.index("ApiStack")


def test_engine_failures_timeouts_errors_and_dead_letters_raise_alarms_when_monitored() -> None:
    resources = load(CFN / "monitoring-stack.yaml")["Resources"]
    alarms = [r["Properties"] for r in resources.values() if r["Type"] == "AWS::CloudWatch::Alarm"]
    state_machine = [a for a in alarms if a.get("Namespace") == "AWS/States"]
    engine_functions = load(CFN / "orchestration-stack.yaml")["Outputs"]["EngineFunctionNames"]["Value"]
    functions = [
        m["MetricStat"]["Metric"]["Dimensions"][0]["Value"]
        for a in alarms
        for m in a.get("Metrics", [])
        if "MetricStat" in m and m["MetricStat"]["Metric"]["MetricName"] == "Errors"
    ]
    queues = [a["Dimensions"][0]["Value"] for a in alarms if a.get("Namespace") == "AWS/SQS"]

    assert {a["MetricName"] for a in state_machine} == {"ExecutionsFailed", "ExecutionsTimedOut"}
    assert all(
        a["Dimensions"] == [{"Name": "StateMachineArn", "Value": {"Ref": "StateMachineArn"}}]
        for a in state_machine
    )
    every_engine_function = [
        {"Fn::Select": [index, {"Ref": "EngineFunctionNames"}]}
        for index in range(len(engine_functions["Fn::Join"][1]))
    ]
    assert all(function in functions for function in every_engine_function)
    assert {"Ref": "EngineDeadLetterQueueName"} in queues
    assert all(a["AlarmActions"] == [{"Ref": "NotificationsTopicArn"}] for a in alarms)
