"""The engine comes from the templates: the state machine's tasks run the handlers its template names,
the DRS rule and the schedules (drill clean-up, sweeper, readiness scan) are the template's own."""

from __future__ import annotations

import json

import boto3

from drs_local.mode.aws_stack import LocalAws
from drs_local.mode.cfn import load_template
from drs_local.step_functions import resolve_handler
from tests.e2e.components.conftest import REGION, ROOT

ORCHESTRATION = ROOT / "cfn" / "orchestration-stack.yaml"
API = ROOT / "cfn" / "api-stack.yaml"


def _declared_handlers() -> dict[str, str]:
    """Every function's handler, from the templates local mode creates functions from."""
    return {
        logical_id: resource["Properties"]["Handler"]
        for path in (ORCHESTRATION, API)
        for logical_id, resource in load_template(path).body["Resources"].items()
        if resource["Type"] == "AWS::Serverless::Function"
    }


def test_state_machine_tasks_run_the_handlers_the_template_names(local_aws: LocalAws) -> None:
    declared = _declared_handlers()
    assert local_aws.functions
    assert {logical_id: declared[logical_id] for logical_id in local_aws.functions} == local_aws.functions
    sfn = boto3.client("stepfunctions", region_name=REGION)
    definition = json.loads(
        sfn.describe_state_machine(stateMachineArn=local_aws.state_machine_arn)["definition"]
    )
    lam = boto3.client("lambda", region_name=REGION)
    for state in definition["States"].values():
        if "FunctionName" in state.get("Parameters", {}):
            configuration = lam.get_function(FunctionName=state["Parameters"]["FunctionName"])[
                "Configuration"
            ]
            assert configuration["Handler"] in declared.values()
            assert callable(resolve_handler(configuration["Handler"]))


def test_drs_rule_and_schedule_are_the_templates_own(local_aws: LocalAws) -> None:
    declared = _declared_handlers()
    (rule,) = local_aws.rules
    assert rule.handler == declared["DrsEventsFunction"]
    assert rule.event_pattern == {"source": ["aws.drs"], "detail-type": ["DRS Source Server Launch Result"]}
    template = load_template(ORCHESTRATION)
    assert (template.parameter("DrillCleanupSchedule"), template.parameter("SweepSchedule")) == (
        "rate(15 minutes)",
        "rate(5 minutes)",
    )
    assert load_template(API).parameter("ReadinessScanSchedule") == "rate(1 day)"
    schedules = {schedule.handler: schedule.every_seconds for schedule in local_aws.schedules}
    assert schedules == {
        declared["DrillCleanupFunction"]: 900,
        declared["SweeperFunction"]: 300,
        declared["ReadinessScanFunction"]: 86400,
    }
