"""Create the product's AWS resources in local AWS (moto in server mode) from the CloudFormation
templates themselves, so local mode and a deployment cannot drift apart.

* every ``AWS::DynamoDB::Table`` of ``data-stack.yaml`` (key schema, indexes, billing mode);
* the user pool, app client and groups of ``auth-stack.yaml``;
* the S3 buckets of ``frontend-stack.yaml``, versioned as the template says (the API writes large
  report exports to its reports bucket, evidence packs to its evidence bucket);
* the KMS key, notifications topic, event bus and SSM documents of ``orchestration-stack.yaml`` (each
  document's content from the file its ``AWS::Include`` names);
* the execution engine's state machine: the ASL from ``cfn/statemachine/`` with its
  ``DefinitionSubstitutions`` resolved to local Lambda functions whose ``Handler`` is the template's;
* the functions another function invokes by name (the readiness worker), with the template's
  ``Handler``, dispatched in-process like the state machine's tasks;
* the EventBridge Scheduler schedule groups and the role Scheduler invokes their target with (the
  runtime fires the groups' schedules on its clock, see :mod:`drs_local.scheduler_firing`), and the
  functions a function names by ARN (the scheduled-drill function);
* the EventBridge rule for DRS events (its own event pattern), whose target's ``Handler`` the local
  runtime drains into through SQS (see :mod:`drs_local.event_bridge`), and the scheduled rules
  (``rate(...)``), which it runs on the scaled clock.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3

from .cfn import Template, load_template

__all__ = [
    "LocalAws",
    "RuleTarget",
    "ScheduledTarget",
    "create_local_aws",
    "rate_seconds",
]

_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}
_USER_POOL_PROPERTIES = (
    "AdminCreateUserConfig",
    "UsernameAttributes",
    "AutoVerifiedAttributes",
    "UsernameConfiguration",
    "AccountRecoverySetting",
    "MfaConfiguration",
    "DeletionProtection",
    "Policies",
    "Schema",
)
_CLIENT_PROPERTIES = (
    "GenerateSecret",
    "ExplicitAuthFlows",
    "PreventUserExistenceErrors",
    "EnableTokenRevocation",
    "SupportedIdentityProviders",
    "AccessTokenValidity",
    "IdTokenValidity",
    "RefreshTokenValidity",
    "TokenValidityUnits",
)


@dataclass(frozen=True)
class RuleTarget:
    """An EventBridge rule of the templates and the handler of the function it targets."""

    name: str
    event_pattern: dict[str, Any]
    handler: str


@dataclass(frozen=True)
class ScheduledTarget:
    """A scheduled rule of the templates (``rate(...)`` only) and the handler it runs."""

    name: str
    every_seconds: float
    handler: str


_RATE = re.compile(r"^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$")
_UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}


def rate_seconds(expression: str) -> float | None:
    """Seconds between runs of ``rate(N unit)``; ``None`` for anything else (``cron(...)``)."""
    match = _RATE.match(expression.strip())
    if match is None:
        return None
    return int(match.group(1)) * _UNIT_SECONDS[match.group(2).rstrip("s")]


@dataclass
class LocalAws:
    """What was created: names and ARNs the runtime, the seed and ``endpoints.json`` need."""

    endpoint: str
    region: str
    account: str
    stack_name: str
    tables: dict[str, str] = field(default_factory=dict)
    buckets: dict[str, str] = field(default_factory=dict)
    """Logical id -> bucket name."""
    environment: dict[str, str] = field(default_factory=dict)
    """Every function's environment variables as the templates set them (local values)."""
    user_pool_id: str = ""
    user_pool_client_id: str = ""
    groups: list[str] = field(default_factory=list)
    topic_arn: str = ""
    event_bus_name: str = ""
    documents: dict[str, str] = field(default_factory=dict)
    state_machine_arn: str = ""
    functions: dict[str, str] = field(default_factory=dict)
    """The state machine's functions: logical id -> the ``Handler`` the template gives it."""
    function_names: dict[str, str] = field(default_factory=dict)
    """The state machine's functions: logical id -> the name local mode created it under."""
    api_handler: str = ""
    """The ``Handler`` of the function behind the REST API (the one with SAM ``Api`` events)."""
    rules: list[RuleTarget] = field(default_factory=list)
    schedules: list[ScheduledTarget] = field(default_factory=list)
    schedule_groups: list[str] = field(default_factory=list)
    """EventBridge Scheduler groups (drill schedules): the runtime fires their schedules."""
    cors: dict[str, str] = field(default_factory=dict)


def _handler(template: Template, logical_id: str) -> str | None:
    """The ``Handler`` of function ``logical_id`` (SAM ``Globals`` included), if it is one."""
    resource = (template.body.get("Resources") or {}).get(logical_id) or {}
    if resource.get("Type") not in ("AWS::Serverless::Function", "AWS::Lambda::Function"):
        return None
    globals_ = (template.body.get("Globals") or {}).get("Function") or {}
    handler = (resource.get("Properties") or {}).get("Handler") or globals_.get("Handler")
    return str(handler) if handler else None


def _evaluated(template: Template, properties: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    """``keys`` of ``properties`` evaluated against the template's parameters (the rest left out)."""
    return {key: template.evaluate(properties[key]) for key in keys if key in properties}


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "handler.py", "# the local runtime dispatches to the template's Handler in-process\n"
        )
    return buffer.getvalue()


class _Builder:
    def __init__(self, root: Path, endpoint: str, region: str, account: str, stack_name: str) -> None:
        self.cfn = root / "cfn"
        self.pseudo = {
            "AWS::Region": region,
            "AWS::AccountId": account,
            "AWS::StackName": stack_name,
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
        }
        self.out = LocalAws(endpoint, region, account, stack_name)
        self._clients: dict[str, Any] = {}
        self._session = boto3.session.Session()  # one session: each service model is loaded once
        self.refs: dict[str, Any] = {}
        """``Ref`` / ``GetAtt`` values of what was created, by logical id (``Id`` and ``Id.Attribute``)."""
        self.outputs: dict[str, str] = {}
        """Every stack's outputs: the values nested stacks receive as parameters of the same name."""
        self._role_arn = ""

    def client(self, service: str) -> Any:
        if service not in self._clients:
            self._clients[service] = self._session.client(
                service,  # type: ignore[call-overload]  # the service is chosen at run time
                region_name=self.out.region,
                endpoint_url=self.out.endpoint or None,
            )
        return self._clients[service]

    def template(self, name: str, parameters: dict[str, str] | None = None) -> Template:
        return load_template(self.cfn / name, {**self.outputs, **(parameters or {})}, self.pseudo)

    def record_outputs(self, template: Template) -> None:
        for name, output in (template.body.get("Outputs") or {}).items():
            try:
                self.outputs[name] = str(template.evaluate(output["Value"], self.refs))
            except KeyError:  # an output of something local mode does not create
                continue

    def physical_name(self, logical_id: str) -> str:
        return f"{self.out.stack_name}-{logical_id}"

    # ---- data ---------------------------------------------------------------------------------
    def tables(self) -> None:
        data = self.template("data-stack.yaml", {"DeletionProtection": "false"})
        dynamodb = self.client("dynamodb")
        for logical_id, resource in data.resources("AWS::DynamoDB::Table"):
            properties = data.evaluate(resource["Properties"])
            name = self.physical_name(logical_id)
            arguments: dict[str, Any] = {
                "TableName": name,
                "AttributeDefinitions": properties["AttributeDefinitions"],
                "KeySchema": properties["KeySchema"],
                "BillingMode": properties.get("BillingMode", "PAY_PER_REQUEST"),
            }
            if properties.get("GlobalSecondaryIndexes"):
                arguments["GlobalSecondaryIndexes"] = properties["GlobalSecondaryIndexes"]
            table = dynamodb.create_table(**arguments)["TableDescription"]
            self.out.tables[logical_id] = name
            self.refs[logical_id], self.refs[f"{logical_id}.Arn"] = name, table["TableArn"]
        self.record_outputs(data)

    # ---- storage ------------------------------------------------------------------------------
    def buckets(self) -> None:
        stack = self.template("frontend-stack.yaml")
        s3 = self.client("s3")
        region = self.out.region
        location = (
            {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
        )
        for logical_id, resource in stack.resources("AWS::S3::Bucket"):
            name = self.physical_name(logical_id).lower()
            s3.create_bucket(Bucket=name, **location)
            versioning = (resource.get("Properties") or {}).get("VersioningConfiguration")
            if versioning:
                s3.put_bucket_versioning(Bucket=name, VersioningConfiguration=versioning)
            self.out.buckets[logical_id] = name
            self.refs[logical_id], self.refs[f"{logical_id}.Arn"] = name, f"arn:aws:s3:::{name}"
        self.record_outputs(stack)

    # ---- auth ---------------------------------------------------------------------------------
    def auth(self) -> None:
        auth = self.template("auth-stack.yaml", {"DeletionProtection": "false"})
        cognito = self.client("cognito-idp")
        refs = self.refs
        for logical_id, resource in auth.resources("AWS::Cognito::UserPool"):
            properties = auth.evaluate(resource["Properties"])
            pool = cognito.create_user_pool(
                PoolName=self.physical_name(logical_id),
                **{key: properties[key] for key in _USER_POOL_PROPERTIES if key in properties},
            )["UserPool"]
            refs[logical_id] = self.out.user_pool_id = pool["Id"]
            refs[f"{logical_id}.Arn"] = pool["Arn"]
            refs[f"{logical_id}.ProviderURL"] = f"cognito-idp.{self.out.region}.amazonaws.com/{pool['Id']}"
        for logical_id, resource in auth.resources("AWS::Cognito::UserPoolClient"):
            properties = auth.evaluate(resource["Properties"], refs)
            client = cognito.create_user_pool_client(
                UserPoolId=properties["UserPoolId"],
                ClientName=logical_id,
                **{key: properties[key] for key in _CLIENT_PROPERTIES if key in properties},
            )["UserPoolClient"]
            refs[logical_id] = self.out.user_pool_client_id = client["ClientId"]
        for logical_id, resource in auth.resources("AWS::Cognito::UserPoolGroup"):
            properties = auth.evaluate(resource["Properties"], refs)
            cognito.create_group(**properties)
            self.out.groups.append(properties["GroupName"])
            refs[logical_id] = properties["GroupName"]
        self.record_outputs(auth)

    # ---- orchestration ------------------------------------------------------------------------
    def orchestration(self) -> None:
        stack = self.template("orchestration-stack.yaml")
        refs = self.refs
        for logical_id, resource in stack.resources("AWS::KMS::Key"):
            key = self.client("kms").create_key(Description=resource["Properties"].get("Description", ""))
            refs[logical_id] = key["KeyMetadata"]["KeyId"]
            refs[f"{logical_id}.Arn"] = key["KeyMetadata"]["Arn"]
        for logical_id, resource in stack.resources("AWS::SNS::Topic"):
            properties = stack.evaluate(resource.get("Properties") or {}, refs)
            attributes = (
                {"KmsMasterKeyId": properties["KmsMasterKeyId"]} if "KmsMasterKeyId" in properties else {}
            )
            arn = self.client("sns").create_topic(Name=self.physical_name(logical_id), Attributes=attributes)[
                "TopicArn"
            ]
            refs[logical_id] = self.out.topic_arn = arn
            refs[f"{logical_id}.TopicName"] = arn.rsplit(":", 1)[-1]
        for logical_id, resource in stack.resources("AWS::Events::EventBus"):
            name = stack.evaluate(resource["Properties"]["Name"], refs)
            bus = self.client("events").create_event_bus(Name=name)
            refs[logical_id] = refs[f"{logical_id}.Name"] = self.out.event_bus_name = name
            refs[f"{logical_id}.Arn"] = bus["EventBusArn"]
        for logical_id, resource in stack.resources("AWS::SSM::Document"):
            properties = resource["Properties"]
            include = properties["Content"]["Fn::Transform"]["Parameters"]["Location"]
            name = self.physical_name(logical_id.removesuffix("Document"))
            arguments = {
                "Name": name,
                "Content": (self.cfn / include).resolve().read_text(),
                "DocumentType": properties.get("DocumentType", "Command"),
                "DocumentFormat": "YAML",
            }
            if "TargetType" in properties:
                arguments["TargetType"] = properties["TargetType"]
            self.client("ssm").create_document(**arguments)
            self.out.documents[logical_id] = refs[logical_id] = name
        self.record_outputs(stack)

    # ---- engine -------------------------------------------------------------------------------
    def role(self) -> str:
        if not self._role_arn:
            self._role_arn = self.client("iam").create_role(
                RoleName=self.physical_name("EngineRole"), AssumeRolePolicyDocument=json.dumps(_TRUST)
            )["Role"]["Arn"]
        return self._role_arn

    def function(self, logical_id: str, handler: str, timeout: int, memory: int = 128) -> str:
        arn: str = self.client("lambda").create_function(
            FunctionName=self.physical_name(logical_id),
            Runtime="python3.12",
            Role=self.role(),
            Handler=handler,
            Code={"ZipFile": _zip()},
            Timeout=timeout,
            MemorySize=memory,
        )["FunctionArn"]
        self.out.functions[logical_id] = handler
        self.out.function_names[logical_id] = self.physical_name(logical_id)
        self.refs[logical_id], self.refs[f"{logical_id}.Arn"] = self.physical_name(logical_id), arn
        return arn

    def templates(self) -> list[Template]:
        return [self.template(path.name) for path in sorted(self.cfn.glob("*-stack.yaml"))]

    def state_machine(self) -> None:
        for template in self.templates():
            for kind in ("AWS::Serverless::StateMachine", "AWS::StepFunctions::StateMachine"):
                for logical_id, resource in template.resources(kind):
                    properties = resource["Properties"]
                    uri = properties.get("DefinitionUri") or properties.get("DefinitionS3Location")
                    if not isinstance(uri, str):
                        continue
                    substitutions = {
                        key: self._function_for(template, key, value)
                        for key, value in (properties.get("DefinitionSubstitutions") or {}).items()
                    }
                    self._create_machine(logical_id, (self.cfn / uri).resolve(), substitutions)
                    return
        raise ValueError("no template in cfn/ declares the execution engine's state machine")

    def _function_for(self, template: Template, key: str, value: Any) -> str:
        """A substitution's local value: a function (created once, with the template's ``Handler``) for
        ``!GetAtt Fn.Arn`` / ``!Ref Fn``; anything else from what local mode created."""
        target = value.get("Fn::GetAtt", value.get("Ref")) if isinstance(value, dict) else None
        logical_id = target[0] if isinstance(target, list) else str(target).split(".")[0]
        handler = _handler(template, logical_id)
        if handler is None:
            try:
                return str(template.evaluate(value, self.refs))
            except KeyError as error:
                raise ValueError(f"{template.path.name}: local mode cannot resolve {key}: {error}") from error
        if logical_id in self.out.functions:
            return str(self.refs[f"{logical_id}.Arn"])
        globals_ = (template.body.get("Globals") or {}).get("Function") or {}
        properties = {
            **globals_,
            **((template.body.get("Resources") or {})[logical_id].get("Properties") or {}),
        }
        timeout, memory = int(properties.get("Timeout", 3)), int(properties.get("MemorySize", 128))
        return self.function(logical_id, handler, timeout, memory)

    def _create_machine(self, logical_id: str, path: Path, substitutions: dict[str, str]) -> None:
        definition = path.read_text()
        for key, value in substitutions.items():
            definition = definition.replace("${" + key + "}", value)
        self.out.state_machine_arn = self.client("stepfunctions").create_state_machine(
            name=self.physical_name(logical_id), definition=definition, roleArn=self.role()
        )["stateMachineArn"]
        self.refs[logical_id] = self.refs[f"{logical_id}.Arn"] = self.out.state_machine_arn
        self.outputs["StateMachineArn"] = self.out.state_machine_arn

    def invoked_functions(self) -> None:
        """Functions another function invokes by the name its environment gives (``!Ref Fn``), such
        as the readiness worker the API starts asynchronously: created with the template's
        ``Handler``, so the local runtime runs them in-process like the state machine's."""
        for template in self.templates():
            for kind in ("AWS::Serverless::Function", "AWS::Lambda::Function"):
                for _, resource in template.resources(kind):
                    variables = ((resource.get("Properties") or {}).get("Environment") or {}).get("Variables")
                    for key, value in (variables or {}).items():
                        target = (
                            (value.get("Fn::GetAtt") or [value.get("Ref")])[0]
                            if isinstance(value, dict)
                            else None
                        )
                        if isinstance(target, str) and _handler(template, target):
                            self._function_for(template, key, value)

    def scheduler(self) -> None:
        """EventBridge Scheduler's schedule groups, and the roles Scheduler assumes to invoke targets."""
        for template in self.templates():
            for logical_id, _ in template.resources("AWS::Scheduler::ScheduleGroup"):
                name = self.physical_name(logical_id)
                self.client("scheduler").create_schedule_group(Name=name)
                self.refs[logical_id] = name
                self.out.schedule_groups.append(name)
            for logical_id, resource in template.resources("AWS::IAM::Role"):
                trust = template.evaluate(resource["Properties"]["AssumeRolePolicyDocument"], self.refs)
                services = [s.get("Principal", {}).get("Service") for s in trust.get("Statement", [])]
                if "scheduler.amazonaws.com" in services:
                    role = self.client("iam").create_role(
                        RoleName=self.physical_name(logical_id), AssumeRolePolicyDocument=json.dumps(trust)
                    )["Role"]
                    self.refs[logical_id], self.refs[f"{logical_id}.Arn"] = role["RoleName"], role["Arn"]

    def environment(self, console_origin: str) -> None:
        """The union of every function's ``Environment.Variables``, evaluated as CloudFormation would
        with local values (the handlers all run in this one process)."""
        local = {"ConsoleUrl": console_origin, "StateMachineArn": self.out.state_machine_arn}
        for path in sorted(self.cfn.glob("*-stack.yaml")):
            template = self.template(path.name, local)
            for kind in ("AWS::Serverless::Function", "AWS::Lambda::Function"):
                for logical_id, resource in template.resources(kind):
                    variables = ((resource.get("Properties") or {}).get("Environment") or {}).get("Variables")
                    try:
                        evaluated = template.evaluate(variables or {}, self.refs)
                    except KeyError as error:
                        raise ValueError(f"{path.name}: {logical_id}'s environment needs {error}") from error
                    self.out.environment.update({name: str(value) for name, value in evaluated.items()})

    def _targets(self) -> Iterator[tuple[str, dict[str, Any], str, dict[str, Any]]]:
        """``(name, kind, handler, source)`` of every rule or SAM event that runs a function: ``kind`` is
        ``{"Type": "Rule"}`` with the rule's properties as ``source``, or the SAM event with its
        ``Properties``; pattern and schedule values are evaluated."""
        for template in self.templates():
            for logical_id, resource in template.resources("AWS::Events::Rule"):
                properties = resource["Properties"]
                for target in properties.get("Targets") or []:
                    reference = target.get("Arn") or {}
                    target_id = (reference.get("Fn::GetAtt") or [reference.get("Ref")])[0]
                    handler = _handler(template, str(target_id))
                    if handler:
                        yield (
                            self.physical_name(logical_id),
                            {"Type": "Rule"},
                            handler,
                            _evaluated(template, properties, ("EventPattern", "ScheduleExpression")),
                        )
            for logical_id, resource in template.resources("AWS::Serverless::Function"):
                handler = _handler(template, logical_id)
                for event_id, event in ((resource.get("Properties") or {}).get("Events") or {}).items():
                    if handler:
                        name = self.physical_name(f"{logical_id}{event_id}")
                        source = _evaluated(template, event.get("Properties") or {}, ("Pattern", "Schedule"))
                        yield name, event, handler, source

    def drs_rules(self) -> None:
        """Rules (or SAM EventBridge events) whose pattern takes DRS events to a function."""
        for name, kind, handler, source in self._targets():
            pattern = source.get("EventPattern") if kind["Type"] == "Rule" else source.get("Pattern")
            if (
                kind["Type"] in ("Rule", "EventBridgeRule", "CloudWatchEvent")
                and isinstance(pattern, dict)
                and "aws.drs" in (pattern.get("source") or [])
            ):
                self.out.rules.append(RuleTarget(name, pattern, handler))

    def schedules(self) -> None:
        """Scheduled rules and SAM ``Schedule`` events (``rate(...)``) that run a function."""
        for name, kind, handler, source in self._targets():
            expression = (
                source.get("ScheduleExpression") if kind["Type"] == "Rule" else source.get("Schedule")
            )
            every = (
                rate_seconds(str(expression)) if kind["Type"] in ("Rule", "Schedule") and expression else None
            )
            if every:
                self.out.schedules.append(ScheduledTarget(name, every, handler))

    def api(self) -> None:
        """The function the REST API proxies to: the one whose SAM events are ``Api`` events."""
        for _, kind, handler, _ in self._targets():
            if kind["Type"] == "Api":
                self.out.api_handler = handler
                return
        raise ValueError(f"no template in {self.cfn} declares a function behind the REST API")

    def cors(self, console_origin: str) -> None:
        api = self.template("api-stack.yaml", {"AllowedOrigin": console_origin})
        for _, resource in api.resources("AWS::Serverless::Api"):
            cors = api.evaluate((resource.get("Properties") or {}).get("Cors") or {})
            self.out.cors = {key: str(value).strip("'") for key, value in cors.items()}


def create_local_aws(
    root: Path,
    *,
    endpoint: str,
    region: str,
    account: str,
    console_origin: str,
    stack_name: str = "drs-orchestration-local",
) -> LocalAws:
    """Create every resource local mode needs in the AWS endpoint ``endpoint``, from the templates."""
    builder = _Builder(root, endpoint, region, account, stack_name)
    builder.tables()
    builder.buckets()
    builder.auth()
    builder.orchestration()
    builder.state_machine()
    builder.drs_rules()
    builder.schedules()
    builder.api()
    builder.scheduler()
    builder.invoked_functions()
    builder.environment(console_origin)
    builder.cors(console_origin)
    return builder.out
