"""Local AWS is built from the templates themselves: what they declare is what local mode creates."""

from __future__ import annotations

import json

import boto3
import pytest

from drs_local.mode.aws_stack import LocalAws, rate_seconds
from drs_local.mode.cfn import load_template
from drs_local.step_functions import resolve_handler
from tests.e2e.components.conftest import ACCOUNT, ORIGIN, REGION, ROOT


def test_every_table_has_the_key_schema_and_indexes_of_the_data_template(local_aws: LocalAws) -> None:
    template = load_template(ROOT / "cfn" / "data-stack.yaml")
    declared = dict(template.resources("AWS::DynamoDB::Table"))
    assert declared.keys() == local_aws.tables.keys()
    assert len(declared) >= 5
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    for logical_id, resource in declared.items():
        table = dynamodb.describe_table(TableName=local_aws.tables[logical_id])["Table"]
        assert table["KeySchema"] == resource["Properties"]["KeySchema"]
        indexes = {
            index["IndexName"]: index["KeySchema"] for index in table.get("GlobalSecondaryIndexes", [])
        }
        expected = {
            index["IndexName"]: index["KeySchema"]
            for index in resource["Properties"].get("GlobalSecondaryIndexes", [])
        }
        assert indexes == expected


def test_functions_get_the_environment_the_templates_give_them_with_local_values(local_aws: LocalAws) -> None:
    environment = local_aws.environment
    assert environment["EXECUTIONS_TABLE"] == local_aws.tables["ExecutionsTable"]
    assert environment["AUDIT_TABLE"] == local_aws.tables["AuditTable"]
    assert environment["NOTIFICATIONS_TOPIC_ARN"] == local_aws.topic_arn
    assert environment["EVENT_BUS_NAME"] == local_aws.event_bus_name
    assert environment["STATE_MACHINE_ARN"] == local_aws.state_machine_arn
    assert environment["HOME_ACCOUNT_ID"] == ACCOUNT
    assert environment["CONSOLE_URL"] == ORIGIN


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
    # and local mode knows each function's name, to run it as the product's handler
    names = {lam.get_function(FunctionName=arn)["Configuration"]["FunctionName"] for arn in arns}
    assert names <= set(local_aws.function_names.values())
    assert local_aws.function_names.keys() == local_aws.functions.keys()


def test_function_the_api_invokes_by_name_exists_with_its_template_handler(local_aws: LocalAws) -> None:
    # The API starts the readiness worker asynchronously by the name its environment gives
    name = local_aws.environment["READINESS_WORKER_FUNCTION"]
    configuration = boto3.client("lambda", region_name=REGION).get_function(FunctionName=name)[
        "Configuration"
    ]

    assert configuration["Handler"] == "drs_orchestration.handlers.readiness_worker.lambda_handler"
    assert configuration["Timeout"] == 900
    assert local_aws.functions["ReadinessWorkerFunction"] == configuration["Handler"]
    assert local_aws.function_names["ReadinessWorkerFunction"] == name
    assert local_aws.environment["READINESS_CHECKS_TABLE"] == local_aws.tables["ReadinessChecksTable"]


def test_api_handler_is_the_one_the_api_template_gives_its_function(local_aws: LocalAws) -> None:
    api = load_template(ROOT / "cfn" / "api-stack.yaml")
    (function,) = (
        resource
        for _, resource in api.resources("AWS::Serverless::Function")
        if any(event["Type"] == "Api" for event in resource["Properties"].get("Events", {}).values())
    )
    assert local_aws.api_handler == function["Properties"]["Handler"]


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
