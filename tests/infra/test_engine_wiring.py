"""The master template gives the execution engine what it needs, hands its state machine to the API
without a dependency cycle between nested stacks, and monitoring watches the engine."""

from __future__ import annotations

import json
import re
from graphlib import TopologicalSorter
from pathlib import Path
from typing import Any

import pytest
from cfnlint.api import lint_file

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


def _state_machine() -> dict[str, Any]:
    resources = load(CFN / "orchestration-stack.yaml")["Resources"]
    return dict(resources["ExecutionEngineStateMachine"]["Properties"])


def _definition() -> dict[str, Any]:
    return dict(json.loads((CFN / _state_machine()["DefinitionS3Location"]).read_text()))


def _targets(state: dict[str, Any]) -> set[str]:
    targets = {state[key] for key in ("Next", "Default") if key in state}
    targets |= {choice["Next"] for choice in state.get("Choices", [])}
    return targets | {catcher["Next"] for catcher in state.get("Catch", [])}


def _lint_inline(definition: dict[str, Any], tmp_path: Path) -> list[str]:
    """cfn-lint validates a definition written into the template, not the file a template points at."""
    substitutions = dict.fromkeys(
        _state_machine()["DefinitionSubstitutions"], "arn:aws:lambda:us-east-1:123456789012:function:f"
    )
    template = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Resources": {
            "Engine": {
                "Type": "AWS::StepFunctions::StateMachine",
                "Properties": {
                    "RoleArn": "arn:aws:iam::123456789012:role/engine",
                    "Definition": definition,
                    "DefinitionSubstitutions": substitutions,
                },
            }
        },
    }
    path = tmp_path / "engine.json"
    path.write_text(json.dumps(template))
    return [str(match) for match in lint_file(path)]


def test_state_machine_definition_is_cfn_lint_clean_when_inlined(tmp_path: Path) -> None:
    assert _lint_inline(_definition(), tmp_path) == []


def test_inlined_lint_reports_a_state_with_neither_next_nor_end(tmp_path: Path) -> None:
    definition = _definition()
    del definition["States"]["Finalize"]["End"]

    assert any("E3601" in finding for finding in _lint_inline(definition, tmp_path))


def test_every_state_is_reached_and_every_transition_lands_on_a_state() -> None:
    states = _definition()["States"]
    reached, pending = set(), [_definition()["StartAt"]]
    while pending:
        name = pending.pop()
        if name not in reached:
            reached.add(name)
            pending.extend(_targets(states[name]))

    assert reached == set(states)
    assert all(
        states[name].get("End") or states[name]["Type"] in ("Fail", "Succeed") or _targets(states[name])
        for name in states
    )


def test_definition_substitutes_exactly_the_functions_the_template_passes() -> None:
    used = set(re.findall(r"\$\{(\w+)\}", (CFN / _state_machine()["DefinitionS3Location"]).read_text()))

    assert used == set(_state_machine()["DefinitionSubstitutions"])


@pytest.mark.parametrize("name", ["Initialize", "Advance", "WaitForChange", "InvokeAction", "Finalize"])
def test_every_task_has_a_catch_so_no_failure_ends_the_run_unhandled(name: str) -> None:
    state = _definition()["States"][name]

    assert state["Type"] == "Task"
    assert any(catcher["ErrorEquals"] == ["States.ALL"] for catcher in state["Catch"])
