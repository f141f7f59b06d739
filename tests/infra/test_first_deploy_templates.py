"""What a first real deploy (and its deletion) depends on, read from the templates as
CloudFormation, IAM, Lambda and API Gateway document their behaviour: permissions exist before the
functions that need them, every role that assumes a recovery account's role is trusted there, DRS
and SSM permissions hold in every Region, logs have a retention and a deletion order that works,
and custom resources give up in minutes rather than an hour."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

import pytest

from tests.infra.code_scan import aws_calls, reachable_modules
from tests.infra.graph import dependencies, policies_granting
from tests.infra.templates import (
    CFN,
    ROOT,
    TEMPLATES,
    Function,
    expanded,
    functions,
    load,
    resolve,
    role_statements,
)

MASTER = CFN / "master-template.yaml"
TARGET_ROLE = CFN / "target-account-role.yaml"
FUNCTIONS = functions()
OTHER_REGION = "eu-west-3"
ACCOUNT = "123456789012"


def by_name(function: Function) -> str:
    return function.name


def calling(method: str) -> list[Function]:
    """The functions whose code makes this boto3 call."""
    found = []
    for function in FUNCTIONS:
        _, calls = aws_calls(reachable_modules(function.handler.rpartition(".")[0]))
        if any(call.method == method for call in calls):
            found.append(function)
    return found


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def granting(template: dict[str, Any], role: str, action: str) -> list[dict[str, Any]]:
    """The role's Allow statements whose actions include ``action``."""
    return [
        statement
        for statement in role_statements(template)[role]
        if statement.get("Effect") == "Allow"
        and any(fnmatchcase(action.lower(), granted.lower()) for granted in _as_list(statement["Action"]))
    ]


def allows(statements: Iterable[dict[str, Any]], template: dict[str, Any], arn: str) -> bool:
    return any(
        fnmatchcase(arn, resolve(resource, template))
        for statement in statements
        for resource in _as_list(statement["Resource"])
    )


# ---------- 3.1: permissions exist before the function ----------


def missing_before(template: dict[str, Any], function_id: str) -> set[str]:
    """Policies granting the function's role that CloudFormation may create after the function."""
    role = template["Resources"][function_id]["Properties"]["Role"]["Fn::GetAtt"][0]
    return policies_granting(template, role) - dependencies(template, function_id)


@pytest.mark.parametrize("function", FUNCTIONS, ids=by_name)
def test_every_policy_of_a_functions_role_exists_before_the_function_when_the_stack_is_created(
    function: Function,
) -> None:
    assert missing_before(expanded(function.template), function.logical_id) == set()


def test_the_order_check_finds_a_policy_attached_beside_the_function_when_nothing_orders_them() -> None:
    # Given a traced function whose X-Ray permission sits in a managed policy attached to its role
    template = {
        "Resources": {
            "StepRole": {"Type": "AWS::IAM::Role", "Properties": {}},
            "StepPolicy": {"Type": "AWS::IAM::ManagedPolicy", "Properties": {"Roles": [{"Ref": "StepRole"}]}},
            "StepFunction": {
                "Type": "AWS::Lambda::Function",
                "Properties": {
                    "Role": {"Fn::GetAtt": ["StepRole", "Arn"]},
                    "TracingConfig": {"Mode": "Active"},
                },
            },
        }
    }

    # Then the policy may come after the function, until the function depends on it
    assert missing_before(template, "StepFunction") == {"StepPolicy"}
    template["Resources"]["StepFunction"]["DependsOn"] = "StepPolicy"
    assert missing_before(template, "StepFunction") == set()


def test_the_engine_steps_depend_on_the_policy_that_lets_them_write_traces_when_created() -> None:
    template = expanded(CFN / "orchestration-stack.yaml")

    for step in ("InitializeFunction", "AdvanceFunction", "FinalizeFunction"):
        role = template["Resources"][step]["Properties"]["Role"]["Fn::GetAtt"][0]
        assert granting(template, role, "xray:PutTraceSegments"), step
        assert "EngineStepsPolicy" in dependencies(template, step)


# ---------- 3.3: every role that assumes a recovery account's role is trusted there ----------


def _nested_template(logical_id: str) -> dict[str, Any]:
    return expanded(CFN / load(MASTER)["Resources"][logical_id]["Properties"]["TemplateURL"])


def roles_in(value: Any, template_name: str, template: dict[str, Any]) -> set[tuple[str, str]]:
    """The (template, role) pairs whose ARNs a value lists, following nested stack outputs."""
    if isinstance(value, list):
        return {pair for item in value for pair in roles_in(item, template_name, template)}
    if not isinstance(value, dict):
        return set()
    if "Fn::Join" in value:
        return roles_in(value["Fn::Join"][1], template_name, template)
    target = value.get("Fn::GetAtt")
    if target is None:
        return set()
    parts = target.split(".") if isinstance(target, str) else [target[0], *target[1].split(".")]
    if parts[1:] == ["Arn"]:
        assert template["Resources"][parts[0]]["Type"] == "AWS::IAM::Role"
        return {(template_name, parts[0])}
    assert parts[1] == "Outputs", value
    stack = load(MASTER)["Resources"][parts[0]]["Properties"]["TemplateURL"]
    nested = _nested_template(parts[0])
    return roles_in(nested["Outputs"][parts[2]]["Value"], stack, nested)


def test_every_role_whose_code_assumes_a_target_role_is_trusted_by_it_when_deployed_as_documented() -> None:
    # Given the roles whose functions' code calls sts:AssumeRole (the cross-account client factory)
    assuming = {(function.template.name, function.role_logical_id) for function in calling("assume_role")}
    assert {("api-stack.yaml", "ApiFunctionRole"), ("orchestration-stack.yaml", "AdvanceRole")} <= assuming

    # When a recovery account deploys the target role with the master output the README names
    output = load(MASTER)["Outputs"]["OrchestrationRoleArns"]["Value"]
    trusted = roles_in(output, MASTER.name, load(MASTER))
    target_role = load(TARGET_ROLE)["Resources"]["OrchestrationAccessRole"]["Properties"]
    trust = target_role["AssumeRolePolicyDocument"]
    readme = (ROOT / "README.md").read_text()

    # Then the role trusts exactly those roles, and each of them may assume it
    (statement,) = trust["Statement"]
    assert statement["Principal"] == {"AWS": {"Ref": "OrchestrationRoleArns"}}
    assert "OutputKey=='OrchestrationRoleArns'" in readme, "the README reads the output"
    assert re.search(r'"OrchestrationRoleArns=\$\w+"', readme), "and passes it to the target role"
    assert trusted == assuming
    for template_name, role in trusted:
        template = expanded(CFN / template_name)
        target = f"arn:aws:iam::210987654321:role/drs-orchestration/{role}-target"
        assert allows(granting(template, role, "sts:AssumeRole"), template, target), role


# ---------- 3.8 and 3.9: DRS and SSM in every Region, automation roles passed to SSM ----------

HOME_TEMPLATES = [CFN / "api-stack.yaml", CFN / "orchestration-stack.yaml", TARGET_ROLE]


@pytest.mark.parametrize("path", HOME_TEMPLATES, ids=lambda path: path.name)
def test_no_drs_permission_is_pinned_to_the_stacks_region_when_servers_recover_elsewhere(path: Path) -> None:
    template = expanded(path)
    pinned = [
        f"{role}:{statement.get('Sid')}:{arn}"
        for role, statements in role_statements(template).items()
        for statement in statements
        if any(str(action).startswith("drs:") for action in _as_list(statement["Action"]))
        for arn in (resolve(resource, template) for resource in _as_list(statement["Resource"]))
        if arn != "*" and arn.split(":")[3] != "*"
    ]

    assert pinned == []


def test_drill_instances_in_another_region_can_be_terminated_when_the_api_or_cleanup_asks() -> None:
    terminating = calling("terminate_recovery_instances")
    assert {function.logical_id for function in terminating} >= {"ApiFunction", "DrillCleanupFunction"}

    for function in terminating:
        template = expanded(function.template)
        statements = granting(template, function.role_logical_id, "drs:TerminateRecoveryInstances")
        instance = f"arn:aws:drs:{OTHER_REGION}:{ACCOUNT}:recovery-instance/i-0123456789abcdef0"
        assert allows(statements, template, instance), function.name


def pass_role_to_ssm(template: dict[str, Any], role: str) -> list[dict[str, Any]]:
    return [
        statement
        for statement in granting(template, role, "iam:PassRole")
        if statement.get("Condition") == {"StringEquals": {"iam:PassedToService": "ssm.amazonaws.com"}}
    ]


def automation_runners() -> list[tuple[dict[str, Any], str]]:
    """(template, role) of every role that starts SSM Automation: engine roles and the target role."""
    runners = [
        (expanded(function.template), function.role_logical_id)
        for function in calling("start_automation_execution")
    ]
    return [*runners, (expanded(TARGET_ROLE), "OrchestrationAccessRole")]


def test_automation_roles_can_be_passed_to_ssm_only_when_on_the_automation_path() -> None:
    runners = automation_runners()
    assert len(runners) >= 2

    for template, role in runners:
        statements = pass_role_to_ssm(template, role)
        path = template["Parameters"]["AutomationRolePath"]["Default"]
        assert statements, f"{role} cannot pass an AutomationAssumeRole to SSM"
        assert allows(statements, template, f"arn:aws:iam::{ACCOUNT}:role{path}RestartWebTier"), role
        assert not allows(statements, template, f"arn:aws:iam::{ACCOUNT}:role/Administrator"), role
        assert not allows(statements, template, f"arn:aws:iam::210987654321:role{path}Foreign"), role


def test_every_iam_pass_role_grant_names_the_service_it_passes_to_when_read() -> None:
    unconditioned = [
        f"{path.name}:{role}:{statement.get('Sid')}"
        for path in TEMPLATES
        for role, statements in role_statements(expanded(path)).items()
        for statement in statements
        if statement.get("Effect") == "Allow"
        and "iam:PassRole" in _as_list(statement["Action"])
        and "iam:PassedToService" not in statement.get("Condition", {}).get("StringEquals", {})
    ]

    assert unconditioned == []


def test_automation_role_path_reaches_the_engine_when_the_master_deploys_it() -> None:
    parameters = load(MASTER)["Resources"]["OrchestrationStack"]["Properties"]["Parameters"]

    assert parameters["AutomationRolePath"] == {"Ref": "AutomationRolePath"}
    assert (
        load(MASTER)["Parameters"]["AutomationRolePath"]["Default"]
        == load(TARGET_ROLE)["Parameters"]["AutomationRolePath"]["Default"]
    )


# ---------- 3.10: logs and custom resources ----------


def test_api_execution_logs_go_to_a_stack_log_group_with_retention_created_before_the_stage() -> None:
    template = expanded(CFN / "api-stack.yaml")
    resources = template["Resources"]
    (stage_id,) = [k for k, r in resources.items() if r["Type"] == "AWS::ApiGateway::Stage"]
    stage = resources[stage_id]["Properties"]
    (rest_api,) = [k for k, r in resources.items() if r["Type"] == "AWS::ApiGateway::RestApi"]
    groups = {
        logical_id: resource["Properties"]
        for logical_id, resource in resources.items()
        if resource["Type"] == "AWS::Logs::LogGroup"
        and resource["Properties"].get("LogGroupName")
        == {"Fn::Sub": f"API-Gateway-Execution-Logs_${{{rest_api}}}/{stage['StageName']}"}
    }

    assert {setting["LoggingLevel"] for setting in stage["MethodSettings"]} == {"ERROR"}
    assert len(groups) == 1, "no log group under the name API Gateway writes execution logs to"
    ((group_id, group),) = groups.items()
    assert group["RetentionInDays"] == {"Ref": "LogRetentionDays"}
    assert group_id in dependencies(template, stage_id)
    # The stage names it in a stage variable, whose values API Gateway restricts to this alphabet
    assert {"Ref": group_id} in stage.get("Variables", {}).values()
    sample = f"API-Gateway-Execution-Logs_a1b2c3d4e5/{stage['StageName']}"
    assert re.fullmatch(r"[A-Za-z0-9\-._~:/?#&=,]+", sample)


def _emptier_of(template: dict[str, Any], bucket: str) -> str:
    (emptier,) = [
        logical_id
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] == "Custom::EmptyBuckets" and {"Ref": bucket} in resource["Properties"]["Buckets"]
    ]
    return emptier


def _log_writers(template: dict[str, Any], logs_bucket: str) -> set[str]:
    """Resources that deliver logs into the bucket: distributions logging to it, and bucket
    policies letting a logging service write to it."""
    writers: set[str] = set()
    for logical_id, resource in template["Resources"].items():
        properties = resource["Properties"]
        if resource["Type"] == "AWS::CloudFront::Distribution":
            logging = properties["DistributionConfig"].get("Logging", {})
            if logging.get("Bucket") == {"Fn::GetAtt": [logs_bucket, "RegionalDomainName"]}:
                writers.add(logical_id)
        if resource["Type"] == "AWS::S3::BucketPolicy" and properties["Bucket"] == {"Ref": logs_bucket}:
            statements = properties["PolicyDocument"]["Statement"]
            services = [
                str(s["Principal"].get("Service", "")) for s in statements if s.get("Effect") == "Allow"
            ]
            if any(service.startswith("logging.") for service in services):
                writers.add(logical_id)
    return writers


def test_the_logs_bucket_is_emptied_only_after_everything_that_writes_logs_into_it_is_gone() -> None:
    template = expanded(CFN / "frontend-stack.yaml")
    logs_emptier = _emptier_of(template, "LogsBucket")
    console_emptier = _emptier_of(template, "ConsoleBucket")
    writers = _log_writers(template, "LogsBucket")

    # On delete a resource goes before everything it depends on: each writer, and the emptying of
    # the console bucket (which S3 logs), must depend on the logs bucket's emptier.
    assert {"Distribution", "LogsBucketPolicy"} <= writers
    for writer in writers | {console_emptier}:
        assert logs_emptier in dependencies(template, writer), writer
    # And the console bucket is emptied while its access logs may still be delivered (then emptied)
    assert "LogsBucketPolicy" in dependencies(template, console_emptier)
    assert "ConsoleBucket" in {
        logical_id
        for logical_id, resource in template["Resources"].items()
        if resource["Properties"].get("LoggingConfiguration", {}).get("DestinationBucketName")
        == {"Ref": "LogsBucket"}
    }


def _function_timeout(template_path: Path, token: Any) -> int:
    """The timeout of the function a custom resource's ServiceToken names (through the master
    stack when the token is a parameter)."""
    template = expanded(template_path)
    if "Ref" in token:
        master = load(MASTER)["Resources"]
        (stack,) = [r for r in master.values() if r["Properties"]["TemplateURL"] == template_path.name]
        source, attribute = stack["Properties"]["Parameters"][token["Ref"]]["Fn::GetAtt"]
        output = attribute.removeprefix("Outputs.")
        origin = CFN / master[source]["Properties"]["TemplateURL"]
        return _function_timeout(origin, expanded(origin)["Outputs"][output]["Value"])
    function = template["Resources"][token["Fn::GetAtt"][0]]
    return int(function["Properties"]["Timeout"])


def test_every_custom_resource_times_out_after_its_function_and_well_before_an_hour_when_it_hangs() -> None:
    custom = [
        (path, logical_id, resource["Properties"])
        for path in TEMPLATES
        for logical_id, resource in expanded(path).get("Resources", {}).items()
        if resource["Type"].startswith("Custom::")
        or resource["Type"] == "AWS::CloudFormation::CustomResource"
    ]

    assert len(custom) >= 3
    for path, logical_id, properties in custom:
        timeout = properties.get("ServiceTimeout")
        assert isinstance(timeout, int), f"{path.name}:{logical_id} has no ServiceTimeout"
        assert _function_timeout(path, properties["ServiceToken"]) < timeout <= 1800, logical_id


def test_trust_policy_fits_iams_size_quota_with_every_role_and_the_longest_external_id_when_deployed() -> (
    None
):
    # IAM refuses a role trust policy over 2,048 characters (whitespace not counted).
    trusted = roles_in(load(MASTER)["Outputs"]["OrchestrationRoleArns"]["Value"], MASTER.name, load(MASTER))
    parameters = load(TARGET_ROLE)["Parameters"]
    longest_role_arn = f"arn:aws:iam::{ACCOUNT}:role/{'r' * 64}"  # generated role names have at most 64
    statement = {
        "Effect": "Allow",
        "Principal": {"AWS": [longest_role_arn] * len(trusted)},
        "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"sts:ExternalId": "x" * int(parameters["ExternalId"]["MaxLength"])}},
    }
    document = {"Version": "2012-10-17", "Statement": [statement]}

    assert len(json.dumps(document, separators=(",", ":"))) <= 2048


# ---------- 3.2: a first create that fails can roll back ----------

PROTECTION_PROPERTIES = ("DeletionProtectionEnabled", "DeletionProtection")


def test_every_deletion_protection_follows_the_master_parameter_deploy_sh_turns_off_on_first_create() -> None:
    # deploy.sh creates a new stack with DeletionProtection=false and turns it on afterwards, so a
    # failed create can delete everything; that holds only if no resource is protected regardless.
    master = load(MASTER)
    protected: list[str] = []
    for logical_id, stack in master["Resources"].items():
        template = load(CFN / stack["Properties"]["TemplateURL"])
        conditions = template.get("Conditions", {})
        for resource_id, resource in template["Resources"].items():
            for name in PROTECTION_PROPERTIES:
                if name not in resource.get("Properties", {}):
                    continue
                protected.append(f"{logical_id}.{resource_id}")
                value = resource["Properties"][name]
                condition = value["Fn::If"][0]
                assert conditions[condition] == {"Fn::Equals": [{"Ref": "DeletionProtection"}, "true"]}
                assert stack["Properties"]["Parameters"]["DeletionProtection"] == {
                    "Ref": "DeletionProtection"
                }

    assert {"DataStack.ExecutionsTable", "AuthStack.UserPool"} <= set(protected)
