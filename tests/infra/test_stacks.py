"""The master template wires the nested stacks correctly, the API is protected as designed, and
parameters.json and ssm-documents/ agree with the templates."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.infra.templates import CFN, ROOT, TEMPLATES, expanded, is_sam, load

MASTER = CFN / "master-template.yaml"
DEPLOY_SCRIPT_PARAMETERS = {"ArtifactsBucket", "ConsoleSourcePrefix"}


SAM_TEMPLATES = [path for path in TEMPLATES if is_sam(load(path))]


@pytest.mark.parametrize("template", SAM_TEMPLATES, ids=lambda path: path.name)
def test_sam_template_expands_to_plain_cloudformation_when_transformed_offline(template: Path) -> None:
    resources = expanded(template)["Resources"]

    assert [r["Type"] for r in resources.values() if r["Type"].startswith("AWS::Serverless::")] == []
    assert any(r["Type"] == "AWS::Lambda::Function" for r in resources.values())


def nested_stacks() -> dict[str, dict[str, Any]]:
    return {
        logical_id: resource
        for logical_id, resource in load(MASTER)["Resources"].items()
        if resource["Type"] == "AWS::CloudFormation::Stack"
    }


def child(resource: dict[str, Any]) -> dict[str, Any]:
    return load(CFN / resource["Properties"]["TemplateURL"])


def test_master_holds_only_parameters_nested_stacks_and_outputs_when_read() -> None:
    master = load(MASTER)

    assert set(master) <= {
        "AWSTemplateFormatVersion",
        "Description",
        "Metadata",
        "Parameters",
        "Rules",
        "Conditions",
        "Resources",
        "Outputs",
    }
    assert {resource["Type"] for resource in master["Resources"].values()} == {"AWS::CloudFormation::Stack"}


def test_every_nested_template_is_deployed_when_the_master_is_deployed() -> None:
    referenced = {resource["Properties"]["TemplateURL"] for resource in nested_stacks().values()}
    on_disk = {path.name for path in CFN.glob("*-stack.yaml")}

    assert referenced == on_disk


@pytest.mark.parametrize("logical_id", sorted(nested_stacks()))
def test_nested_stack_gets_exactly_the_parameters_it_declares_when_wired(logical_id: str) -> None:
    resource = nested_stacks()[logical_id]
    declared = child(resource).get("Parameters", {})
    passed = set(resource["Properties"].get("Parameters", {}))
    required = {name for name, spec in declared.items() if "Default" not in spec}

    assert passed - set(declared) == set(), "passes parameters the nested stack does not declare"
    assert required - passed == set(), "leaves required parameters unset"


def _get_atts(value: Any) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    if isinstance(value, dict):
        if "Fn::GetAtt" in value:
            target = value["Fn::GetAtt"]
            found.append((target[0], target[1]) if isinstance(target, list) else tuple(target.split(".", 1)))
        for inner in value.values():
            found.extend(_get_atts(inner))
    elif isinstance(value, list):
        for inner in value:
            found.extend(_get_atts(inner))
    elif isinstance(value, str):
        found.extend(
            (name, attribute)
            for name, attribute in re.findall(r"\$\{(\w+Stack)\.(Outputs\.\w+)\}", value)  # in Fn::Sub
        )
    return found


def test_every_output_the_master_reads_exists_in_its_nested_stack_when_wired() -> None:
    stacks = nested_stacks()
    missing = [
        f"{stack}.{attribute}"
        for stack, attribute in _get_atts(load(MASTER))
        if stack in stacks
        and attribute.removeprefix("Outputs.") not in child(stacks[stack]).get("Outputs", {})
    ]

    assert missing == []


def test_cloudfront_web_acl_is_refused_outside_us_east_1_when_requested() -> None:
    rule = load(MASTER)["Rules"]["CloudFrontWebAclNeedsUsEast1"]

    assert rule["RuleCondition"] == {"Fn::Equals": [{"Ref": "WafScope"}, "API_AND_CLOUDFRONT"]}
    assert rule["Assertions"][0]["Assert"] == {"Fn::Equals": [{"Ref": "AWS::Region"}, "us-east-1"]}


def _api_paths() -> dict[str, Any]:
    resources = expanded(CFN / "api-stack.yaml")["Resources"]
    (rest_api,) = [r for r in resources.values() if r["Type"] == "AWS::ApiGateway::RestApi"]
    return rest_api["Properties"]["Body"]["paths"]


def test_every_api_method_requires_a_cognito_token_except_cors_preflight_when_deployed() -> None:
    paths = _api_paths()
    methods = [
        (path, method, spec) for path, operations in paths.items() for method, spec in operations.items()
    ]

    assert {path for path, _, _ in methods} == {"/", "/{proxy+}"}
    for path, method, spec in methods:
        if method == "options":
            assert not spec.get("security"), f"OPTIONS {path} must stay open for browsers' preflight"
        else:
            assert spec.get("security") == [{"CognitoAuthorizer": []}], f"{method} {path} is not authorised"


def test_cors_allows_only_the_console_origin_when_a_browser_asks() -> None:
    for operations in _api_paths().values():
        headers = operations["options"]["x-amazon-apigateway-integration"]["responses"]["default"][
            "responseParameters"
        ]
        origin = headers["method.response.header.Access-Control-Allow-Origin"]
        assert origin == {"Fn::Sub": "'${AllowedOrigin}'"}


def test_stage_is_throttled_logged_and_traced_when_deployed() -> None:
    resources = expanded(CFN / "api-stack.yaml")["Resources"]
    (stage,) = [r["Properties"] for r in resources.values() if r["Type"] == "AWS::ApiGateway::Stage"]

    (settings,) = stage["MethodSettings"]
    assert settings["ThrottlingRateLimit"] == {"Ref": "ThrottleRateLimit"}
    assert settings["ThrottlingBurstLimit"] == {"Ref": "ThrottleBurstLimit"}
    assert stage["AccessLogSetting"]["DestinationArn"] == {"Fn::GetAtt": ["ApiAccessLogGroup", "Arn"]}
    assert stage["TracingEnabled"] is True


def test_console_is_private_and_served_only_through_cloudfront_when_deployed() -> None:
    resources = load(CFN / "frontend-stack.yaml")["Resources"]
    bucket = resources["ConsoleBucket"]["Properties"]
    distribution = resources["Distribution"]["Properties"]["DistributionConfig"]
    statements = resources["ConsoleBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]

    assert all(bucket["PublicAccessBlockConfiguration"].values())
    assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert {"Effect": "Deny", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}.items() <= statements[
        0
    ].items()
    assert statements[1]["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert distribution["Origins"][0]["OriginAccessControlId"] == {
        "Fn::GetAtt": ["OriginAccessControl", "Id"]
    }
    assert {(e["ErrorCode"], e["ResponsePagePath"]) for e in distribution["CustomErrorResponses"]} == {
        (403, "/index.html"),
        (404, "/index.html"),
    }
    assert distribution["DefaultCacheBehavior"]["ResponseHeadersPolicyId"] == {"Ref": "SecurityHeadersPolicy"}


def test_console_config_carries_what_a_client_needs_to_sign_in_when_released() -> None:
    release = load(CFN / "console-stack.yaml")["Resources"]["ConsoleRelease"]["Properties"]

    assert {"Region", "UserPoolId", "UserPoolClientId", "ApiUrl", "ConsoleBucket"} <= set(release)


def test_every_ssm_document_is_installed_when_the_orchestration_stack_is_deployed() -> None:
    documents = sorted(
        p.name for p in (ROOT / "ssm-documents").iterdir() if p.suffix in (".yaml", ".yml", ".json")
    )
    text = (CFN / "orchestration-stack.yaml").read_text()
    installed = set(re.findall(r"Location:\s*\.\./ssm-documents/(\S+)", text))

    assert documents, "ssm-documents/ is empty"
    assert set(documents) == installed


PARAMETERS_FILE = ROOT / "parameters.json"


def test_parameters_file_documents_valid_values_for_master_parameters_when_read() -> None:
    declared = load(MASTER)["Parameters"]
    entries = json.loads(PARAMETERS_FILE.read_text())["Parameters"]

    assert set(entries) == set(declared) - DEPLOY_SCRIPT_PARAMETERS
    for name, entry in entries.items():
        spec = declared[name]
        value = entry["Value"]
        assert entry["Description"].strip(), f"{name} has no description"
        assert isinstance(value, str), f"{name}: values are strings, as CloudFormation takes them"
        if "AllowedValues" in spec:
            assert value in [str(allowed) for allowed in spec["AllowedValues"]], name
        if "AllowedPattern" in spec:
            assert re.fullmatch(spec["AllowedPattern"], value), name
        if spec["Type"] == "Number":
            assert (
                float(spec.get("MinValue", float("-inf")))
                <= float(value)
                <= float(spec.get("MaxValue", "inf"))
            )


def test_target_account_role_trusts_only_the_orchestrator_with_the_external_id_when_assumed() -> None:
    role = load(CFN / "target-account-role.yaml")["Resources"]["OrchestrationAccessRole"]["Properties"]
    (trust,) = role["AssumeRolePolicyDocument"]["Statement"]

    assert trust["Principal"] == {"AWS": {"Ref": "OrchestrationRoleArns"}}
    assert trust["Condition"] == {"StringEquals": {"sts:ExternalId": {"Ref": "ExternalId"}}}
    assert role["Path"] == {"Ref": "RolePath"}


def test_alarms_notify_the_topic_when_they_fire() -> None:
    resources = load(CFN / "monitoring-stack.yaml")["Resources"]
    alarms = {k: r["Properties"] for k, r in resources.items() if r["Type"] == "AWS::CloudWatch::Alarm"}

    assert {
        "ApiFunctionErrorsAlarm",
        "ApiFunctionThrottlesAlarm",
        "DeadLetterQueueAlarm",
        "Api5xxAlarm",
    } <= set(alarms)
    for name, alarm in alarms.items():
        assert alarm["AlarmActions"] == [{"Ref": "NotificationsTopicArn"}], name
