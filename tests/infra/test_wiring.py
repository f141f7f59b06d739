"""The templates and the code agree: handlers exist, every variable the code reads is set, every
AWS call the code makes is allowed by its function's role, and no role allows `*` actions."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from fnmatch import fnmatchcase

import pytest

from tests.infra.code_scan import aws_calls, reachable_modules, required_environment
from tests.infra.templates import (
    LAMBDA_ROOT,
    RUNTIME_VARIABLES,
    TEMPLATES,
    Function,
    allowed_actions,
    expanded,
    functions,
    role_actions,
    sample_environment,
)

FUNCTIONS = functions()


def by_name(function: Function) -> str:
    return function.name


def handler_module(function: Function) -> tuple[str, str]:
    module, _, attribute = function.handler.rpartition(".")
    return module, attribute


def test_templates_declare_the_functions_when_loaded() -> None:
    handlers = {function.handler for function in FUNCTIONS}

    assert "drs_orchestration.handlers.api.app.lambda_handler" in handlers
    assert "drs_orchestration.handlers.custom_resources.console_deployer.lambda_handler" in handlers
    assert "drs_orchestration.handlers.custom_resources.bucket_emptier.lambda_handler" in handlers


IMPORT_HANDLER = """
import importlib, sys
module = importlib.import_module(sys.argv[1])
handler = getattr(module, sys.argv[2], None)
sys.exit(0 if callable(handler) else 3)
"""


@pytest.mark.parametrize("function", FUNCTIONS, ids=by_name)
def test_handler_imports_and_is_callable_when_cold_started_with_its_template_environment(
    function: Function,
) -> None:
    # Given only what Lambda gives the function: its package, the template's variables, the runtime's own
    environment = {
        **sample_environment(function),
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(LAMBDA_ROOT),
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_LAMBDA_FUNCTION_NAME": function.logical_id,
    }
    module_name, attribute = handler_module(function)

    # When a fresh interpreter imports the handler, as a cold start does
    result = subprocess.run(
        [sys.executable, "-c", IMPORT_HANDLER, module_name, attribute],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    # Then the import succeeds and the handler is callable
    assert result.returncode == 0, f"{function.handler}: exit {result.returncode}\n{result.stderr[-3000:]}"


@pytest.mark.parametrize("function", FUNCTIONS, ids=by_name)
def test_every_variable_the_code_reads_is_set_when_the_template_configures_the_function(
    function: Function,
) -> None:
    modules = reachable_modules(handler_module(function)[0])

    missing = required_environment(modules) - set(function.environment) - RUNTIME_VARIABLES

    assert missing == set(), f"{function.name} reads {sorted(missing)} but its template does not set them"


@pytest.mark.parametrize("function", FUNCTIONS, ids=by_name)
def test_every_aws_call_is_allowed_by_the_role_when_the_function_runs(function: Function) -> None:
    allowed = allowed_actions(function)
    _, calls = aws_calls(reachable_modules(handler_module(function)[0]))

    def granted(action: str) -> bool:
        return any(fnmatchcase(action.lower(), pattern.lower()) for pattern in allowed)

    denied = [
        f"{call.module}:{call.line} {call.method} needs one of {sorted(sorted(a) for a in call.actions)}"
        for call in calls
        if not any(all(granted(action) for action in alternative) for alternative in call.actions)
    ]
    assert denied == []


def test_the_scan_finds_the_calls_when_a_function_uses_aws() -> None:
    # Guards the scan itself: the console deployer's calls must be found, or the check above is empty.
    services, calls = aws_calls(
        reachable_modules("drs_orchestration.handlers.custom_resources.console_deployer")
    )

    assert services == {"s3", "cloudfront"}
    assert {call.method for call in calls} >= {
        "copy_object",
        "put_object",
        "create_invalidation",
        "list_objects_v2",
    }


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: path.name)
def test_no_role_allows_wildcard_actions_when_policies_are_read(template: object) -> None:
    offending = {
        role: [action for action in actions if action == "*" or action.endswith(":*")]
        for role, actions in role_actions(expanded(template)).items()  # type: ignore[arg-type]
    }

    assert {role: actions for role, actions in offending.items() if actions} == {}


#: Roles two functions share, and why: each role that may assume the recovery accounts' role is
#: listed in that role's trust policy, which IAM caps at 2,048 characters.
SHARED_ROLES = {
    ("orchestration-stack.yaml", "FinalizeRole"): {"FinalizeFunction", "SweeperFunction"},
    # a scheduled drill starts as POST /executions does (see the template for why it shares the role)
    ("api-stack.yaml", "ApiFunctionRole"): {"ApiFunction", "ScheduledDrillFunction"},
    # the readiness scan reads what the worker reads, in the same recovery accounts (their trust policy)
    ("api-stack.yaml", "ReadinessWorkerRole"): {"ReadinessWorkerFunction", "ReadinessScanFunction"},
}


@pytest.mark.parametrize("function", FUNCTIONS, ids=by_name)
def test_each_function_has_a_role_of_its_own_when_deployed(function: Function) -> None:
    sharing = {
        other.logical_id
        for other in FUNCTIONS
        if other is not function
        and other.template == function.template
        and other.role_logical_id == function.role_logical_id
    }
    shared = SHARED_ROLES.get((function.template.name, function.role_logical_id), set())

    assert sharing <= shared - {function.logical_id}


@pytest.mark.parametrize("function", FUNCTIONS, ids=by_name)
def test_function_is_traced_and_configured_for_powertools_when_deployed(function: Function) -> None:
    properties = function.resource["Properties"]

    assert properties["TracingConfig"] == {"Mode": "Active"}
    assert {"POWERTOOLS_SERVICE_NAME", "POWERTOOLS_METRICS_NAMESPACE", "LOG_LEVEL"} <= set(
        function.environment
    )
    assert properties["Runtime"] == "python3.12"


def _service_tokens() -> set[tuple[str, str]]:
    tokens: set[tuple[str, str]] = set()
    for path in TEMPLATES:
        for resource in expanded(path).get("Resources", {}).values():
            token = resource.get("Properties", {}).get("ServiceToken")
            if resource["Type"].startswith("Custom::") and isinstance(token, dict) and "Fn::GetAtt" in token:
                tokens.add((path.name, token["Fn::GetAtt"][0]))
    return tokens


def test_custom_resource_functions_have_a_dead_letter_queue_when_invoked_asynchronously() -> None:
    # CloudFormation invokes custom resources asynchronously.
    asynchronous = _service_tokens()
    by_id = {(function.template.name, function.logical_id): function for function in FUNCTIONS}

    assert asynchronous, "no custom resource found"
    for key in asynchronous:
        assert "DeadLetterConfig" in by_id[key].resource["Properties"], f"{key} has no dead-letter queue"


NAME_PROPERTIES = re.compile(
    r"^(BucketName|TableName|FunctionName|RoleName|TopicName|QueueName|UserPoolName|LogGroupName|"
    r"StateMachineName|DashboardName|AlarmName|KeyAlias|AliasName|PolicyName|ManagedPolicyName|Name)$"
)
RESOURCES_WHOSE_NAME_IS_LOCAL = {"AWS::IAM::Role", "AWS::IAM::Policy"}  # PolicyName is per role


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: path.name)
def test_no_resource_has_a_fixed_physical_name_when_two_copies_are_deployed(template: object) -> None:
    fixed = [
        f"{logical_id}.{key}={value}"
        for logical_id, resource in expanded(template).get("Resources", {}).items()  # type: ignore[arg-type]
        if resource["Type"] not in RESOURCES_WHOSE_NAME_IS_LOCAL
        and not resource["Type"].startswith("AWS::ApiGateway")
        for key, value in resource.get("Properties", {}).items()
        if NAME_PROPERTIES.match(key) and isinstance(value, str)
    ]

    assert fixed == []


def test_the_scan_finds_the_settings_a_part_needs_when_a_function_builds_it() -> None:
    # Guards the scan itself: the settings fields parts declare must be found, or the check above is empty.
    waiting = required_environment(reachable_modules("drs_orchestration.handlers.engine.wait_for_change"))
    api = required_environment(reachable_modules("drs_orchestration.handlers.api.app"))

    assert "EXECUTIONS_TABLE" in waiting
    assert "PROTECTION_GROUPS_TABLE" not in waiting
    assert {"PROTECTION_GROUPS_TABLE", "RECOVERY_PLANS_TABLE", "AUDIT_TABLE", "HOME_ACCOUNT_ID"} <= api
