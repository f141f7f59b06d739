"""Local AWS is built from the templates themselves: what they declare is what local mode creates."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from drs_local.mode.aws_stack import LocalAws, create_local_aws, environment_name, rate_seconds
from drs_local.mode.cfn import load_template
from drs_local.step_functions import resolve_handler

ROOT = Path(__file__).resolve().parents[3]
REGION = "us-east-1"
ACCOUNT = "111122223333"
ORIGIN = "http://127.0.0.1:8000"


@pytest.fixture(scope="module")
def local_aws() -> Iterator[LocalAws]:
    with pytest.MonkeyPatch.context() as patch:
        for name, value in {
            "AWS_ACCESS_KEY_ID": ACCOUNT,
            "AWS_SECRET_ACCESS_KEY": "local",
            "AWS_DEFAULT_REGION": REGION,
            "MOTO_ACCOUNT_ID": ACCOUNT,
        }.items():
            patch.setenv(name, value)
        patch.delenv("AWS_ENDPOINT_URL", raising=False)
        with mock_aws():
            yield create_local_aws(ROOT, endpoint="", region=REGION, account=ACCOUNT, console_origin=ORIGIN)


def test_every_table_has_the_key_schema_and_indexes_of_the_data_template(local_aws: LocalAws) -> None:
    template = load_template(ROOT / "cfn" / "data-stack.yaml")
    declared = dict(template.resources("AWS::DynamoDB::Table"))
    assert len(declared) == len(local_aws.environment) >= 5
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    for logical_id, resource in declared.items():
        table = dynamodb.describe_table(TableName=local_aws.environment[environment_name(logical_id)])[
            "Table"
        ]
        assert table["KeySchema"] == resource["Properties"]["KeySchema"]
        indexes = {
            index["IndexName"]: index["KeySchema"] for index in table.get("GlobalSecondaryIndexes", [])
        }
        expected = {
            index["IndexName"]: index["KeySchema"]
            for index in resource["Properties"].get("GlobalSecondaryIndexes", [])
        }
        assert indexes == expected


def test_table_variables_are_the_ones_the_api_settings_read_when_derived_from_logical_ids(
    local_aws: LocalAws,
) -> None:
    assert {
        "PROTECTION_GROUPS_TABLE",
        "RECOVERY_PLANS_TABLE",
        "EXECUTIONS_TABLE",
        "ACCOUNTS_TABLE",
        "AUDIT_TABLE",
    } <= local_aws.environment.keys()


def test_user_pool_client_and_groups_follow_the_auth_template_when_created(local_aws: LocalAws) -> None:
    cognito = boto3.client("cognito-idp", region_name=REGION)
    pool = cognito.describe_user_pool(UserPoolId=local_aws.user_pool_id)["UserPool"]
    assert pool["Policies"]["PasswordPolicy"]["MinimumLength"] == 14
    assert pool["UsernameAttributes"] == ["email"]
    client = cognito.describe_user_pool_client(
        UserPoolId=local_aws.user_pool_id, ClientId=local_aws.user_pool_client_id
    )["UserPoolClient"]
    assert "ALLOW_USER_SRP_AUTH" in client["ExplicitAuthFlows"]
    groups = cognito.list_groups(UserPoolId=local_aws.user_pool_id)["Groups"]
    assert sorted(group["GroupName"] for group in groups) == ["Admin", "Operator", "Viewer"]


def test_topic_bus_and_documents_follow_the_orchestration_template_when_created(local_aws: LocalAws) -> None:
    assert local_aws.topic_arn.startswith(f"arn:aws:sns:{REGION}:{ACCOUNT}:")
    assert local_aws.event_bus_name == "drs-orchestration-local-events"
    ssm = boto3.client("ssm", region_name=REGION)
    for name in local_aws.documents.values():
        content = ssm.get_document(Name=name, DocumentFormat="YAML")["Content"]
        assert content == (ROOT / "ssm-documents" / "post-launch-health-check.yaml").read_text()


def test_state_machine_runs_the_statemachine_file_with_each_task_on_a_real_handler(
    local_aws: LocalAws,
) -> None:
    sfn = boto3.client("stepfunctions", region_name=REGION)
    definition = json.loads(
        sfn.describe_state_machine(stateMachineArn=local_aws.state_machine_arn)["definition"]
    )
    original = json.loads((ROOT / "cfn" / "statemachine" / "execution-engine.asl.json").read_text())
    assert definition.keys() == original.keys()
    assert definition["States"].keys() == original["States"].keys()
    assert "${" not in json.dumps(definition)
    lam = boto3.client("lambda", region_name=REGION)
    arns = {
        state["Parameters"]["FunctionName"]
        for state in definition["States"].values()
        if "FunctionName" in state.get("Parameters", {})
    }
    assert len(arns) == 4
    for arn in arns:
        handler = lam.get_function(FunctionName=arn)["Configuration"]["Handler"]
        assert callable(resolve_handler(handler))


def test_drs_rule_routes_launch_results_to_a_real_handler_when_created(local_aws: LocalAws) -> None:
    (rule,) = local_aws.rules
    assert rule.event_pattern["source"] == ["aws.drs"]
    assert "DRS Source Server Launch Result" in rule.event_pattern["detail-type"]
    assert callable(resolve_handler(rule.handler))


def test_cors_follows_the_api_template_with_the_local_console_origin(local_aws: LocalAws) -> None:
    assert local_aws.cors["AllowOrigin"] == ORIGIN
    assert "Authorization" in local_aws.cors["AllowHeaders"]


def test_template_conditions_decide_which_resources_exist_when_parameters_change() -> None:
    orchestration = ROOT / "cfn" / "orchestration-stack.yaml"
    without = load_template(orchestration)
    with_email = load_template(orchestration, {"NotificationEmail": "ops@example.com"})
    assert list(without.resources("AWS::SNS::Subscription")) == []
    assert len(list(with_email.resources("AWS::SNS::Subscription"))) == 1


@pytest.mark.parametrize(
    ("expression", "seconds"),
    [("rate(15 minutes)", 900), ("rate(1 minute)", 60), ("rate(2 hours)", 7200), ("rate(1 day)", 86400)],
)
def test_rate_expressions_become_intervals_when_scheduled(expression: str, seconds: float) -> None:
    assert rate_seconds(expression) == seconds


def test_cron_expressions_are_not_run_when_scheduled() -> None:
    assert rate_seconds("cron(0 3 * * ? *)") is None
