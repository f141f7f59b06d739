"""Load the CloudFormation templates and expand the SAM ones offline, as CloudFormation would."""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import boto3
from cfnlint.decode import cfn_yaml
from samtranslator.parser.parser import Parser
from samtranslator.translator.translator import Translator

ROOT = Path(__file__).resolve().parents[2]
CFN = ROOT / "cfn"
LAMBDA_ROOT = ROOT / "lambda"
TEMPLATES = sorted(CFN.glob("*.yaml"))
SAM_TRANSFORM = "AWS::Serverless-2016-10-31"
# Variables the Lambda runtime sets itself (a template may not set them).
RUNTIME_VARIABLES = frozenset(
    {
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_EXECUTION_ENV",
        "AWS_LAMBDA_FUNCTION_NAME",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
        "AWS_LAMBDA_FUNCTION_VERSION",
        "AWS_LAMBDA_LOG_GROUP_NAME",
        "AWS_LAMBDA_LOG_STREAM_NAME",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "_HANDLER",
        "_X_AMZN_TRACE_ID",
        "LAMBDA_TASK_ROOT",
        "LAMBDA_RUNTIME_DIR",
        "TZ",
    }
)


@cache
def _load(path: Path) -> dict[str, Any]:
    return json.loads(json.dumps(cfn_yaml.load(str(path))))


def load(path: Path) -> dict[str, Any]:
    """The template as plain JSON-like data, intrinsic functions in their long form."""
    return copy.deepcopy(_load(path))


def is_sam(template: dict[str, Any]) -> bool:
    declared = template.get("Transform", [])
    return SAM_TRANSFORM in ([declared] if isinstance(declared, str) else declared)


@cache
def _expanded(path: Path) -> dict[str, Any]:
    template = load(path)
    if not is_sam(template):
        return template
    # `aws cloudformation package` replaces local CodeUri paths with S3 locations before the transform.
    for resource in template["Resources"].values():
        if resource["Type"] == "AWS::Serverless::Function":
            resource["Properties"]["CodeUri"] = "s3://artifacts/code.zip"
    globals_function = template.get("Globals", {}).get("Function", {})
    if "CodeUri" in globals_function:
        globals_function["CodeUri"] = "s3://artifacts/code.zip"
    # Offline: a region for the pseudo parameters, and no AWS managed policy look-ups (our
    # functions name their own roles, so the translator never needs one).
    translator = Translator(None, Parser(), boto_session=boto3.session.Session(region_name="us-east-1"))
    return translator.translate(template, parameter_values={}, get_managed_policy_map=dict)


def expanded(path: Path) -> dict[str, Any]:
    """The template after the SAM transform (plain CloudFormation)."""
    return copy.deepcopy(_expanded(path))


@dataclass(frozen=True)
class Function:
    template: Path
    logical_id: str
    handler: str
    environment: dict[str, Any]
    role_logical_id: str
    resource: dict[str, Any]

    @property
    def name(self) -> str:
        return f"{self.template.name}:{self.logical_id}"


def functions() -> list[Function]:
    """Every Lambda function in every template, after the SAM transform."""
    found: list[Function] = []
    for path in TEMPLATES:
        resources = expanded(path).get("Resources", {})
        for logical_id, resource in resources.items():
            if resource["Type"] != "AWS::Lambda::Function":
                continue
            properties = resource["Properties"]
            role = properties["Role"]
            assert "Fn::GetAtt" in role, f"{logical_id}: Role must be a role of the same template"
            found.append(
                Function(
                    template=path,
                    logical_id=logical_id,
                    handler=properties["Handler"],
                    environment=dict(properties.get("Environment", {}).get("Variables", {})),
                    role_logical_id=role["Fn::GetAtt"][0],
                    resource=resource,
                )
            )
    return found


PSEUDO_PARAMETERS = {"AWS::AccountId": "123456789012", "AWS::Region": "us-east-1", "AWS::Partition": "aws"}


def sample_environment(function: Function) -> dict[str, str]:
    """The function's variables with plausible values: literals as written, parameters at their
    defaults, pseudo parameters at sample values, anything else (a parameter whose default is empty
    is one the master template always passes) a placeholder naming the variable."""
    parameters = expanded(function.template).get("Parameters", {})
    values: dict[str, str] = {}
    for name, value in function.environment.items():
        if isinstance(value, dict) and "Fn::If" in value:
            # Set only under a condition: a cold start must not depend on it.
            continue
        reference = value.get("Ref") if isinstance(value, dict) else None
        if isinstance(value, str | int | float):
            values[name] = str(value)
        elif reference in PSEUDO_PARAMETERS:
            values[name] = PSEUDO_PARAMETERS[reference]
        elif reference in parameters and parameters[reference].get("Default") not in (None, ""):
            values[name] = str(parameters[reference]["Default"])
        else:
            values[name] = f"sample-{name.lower().replace('_', '-')}"
    return values


def _statements(document: dict[str, Any]) -> list[dict[str, Any]]:
    """The statements of a policy document; a top-level Fn::If counts with both its branches."""
    raw = document.get("Statement", [])
    found: list[dict[str, Any]] = []
    for statement in [raw] if isinstance(raw, dict) else raw:
        if isinstance(statement, dict) and "Fn::If" in statement:
            found.extend(b for b in statement["Fn::If"][1:] if b != {"Ref": "AWS::NoValue"})
        else:
            found.append(statement)
    return found


def _allowed(documents: list[dict[str, Any]]) -> list[str]:
    actions: list[str] = []
    for document in documents:
        for statement in _statements(document):
            if statement.get("Effect") == "Allow":
                granted = statement.get("Action", [])
                actions.extend([granted] if isinstance(granted, str) else granted)
    return actions


def policy_documents(template: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Every role's policy documents (inline and attached), keyed by the role's logical id."""
    resources = template.get("Resources", {})
    documents: dict[str, list[dict[str, Any]]] = {}
    for logical_id, resource in resources.items():
        if resource["Type"] == "AWS::IAM::Role":
            inline = resource["Properties"].get("Policies", [])
            documents.setdefault(logical_id, []).extend(policy["PolicyDocument"] for policy in inline)
    for resource in resources.values():
        if resource["Type"] in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
            for role in resource["Properties"].get("Roles", []):
                if isinstance(role, dict) and role.get("Ref") in documents:
                    documents[role["Ref"]].append(resource["Properties"]["PolicyDocument"])
    return documents


def role_actions(template: dict[str, Any]) -> dict[str, list[str]]:
    """The actions every role in the template is allowed, keyed by the role's logical id."""
    return {role: _allowed(documents) for role, documents in policy_documents(template).items()}


def allowed_actions(function: Function) -> list[str]:
    """The actions the function's role allows (every condition branch counted)."""
    return role_actions(expanded(function.template))[function.role_logical_id]


def role_statements(template: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Every role's policy statements (inline and attached; both branches of a top-level Fn::If)."""
    return {
        role: [statement for document in documents for statement in _statements(document)]
        for role, documents in policy_documents(template).items()
    }


def resolve(value: Any, template: dict[str, Any]) -> str:
    """A string value with pseudo parameters at their sample values and parameters at their
    defaults (Ref or Fn::Sub); a resource's attribute becomes ``<LogicalId>``."""
    parameters = template.get("Parameters", {})

    def lookup(name: str) -> str:
        if name in PSEUDO_PARAMETERS:
            return PSEUDO_PARAMETERS[name]
        if name in parameters and "Default" in parameters[name]:
            return str(parameters[name]["Default"])
        return f"<{name}>"

    if isinstance(value, str):
        return value
    if isinstance(value, dict) and "Ref" in value:
        return lookup(value["Ref"])
    if isinstance(value, dict) and isinstance(value.get("Fn::Sub"), str):
        return re.sub(r"\$\{([A-Za-z0-9:.]+)\}", lambda match: lookup(match.group(1)), value["Fn::Sub"])
    raise AssertionError(f"cannot resolve {value!r}")
