"""What a function's code needs, found statically from the source of the modules it imports.

- ``reachable_modules``: the handler module and every ``drs_orchestration`` module it imports,
  transitively (parent packages included, since importing a module runs them).
- ``aws_calls``: the boto3 services those modules create clients or resources for (string
  literals passed to ``.client(...)`` / ``.resource(...)``, or to the client factory's own
  ``client("<service>", ...)`` called by name) and the method names called in
  AWS-facing modules that are operations of those services (botocore's service model,
  ``xform_name``), plus paginators; a call inside a function or method that nothing in the
  modules references is not counted. Mapped to IAM actions through the service's signing name, with the few
  operations whose IAM action has another name listed in ``IAM_ACTION_OVERRIDES`` and the actions an
  operation depends on in ``DEPENDENT_ACTIONS``.
- ``required_environment``: variables read through ``os.environ[...]`` / ``os.getenv`` without a
  default, every required field of a pydantic ``BaseSettings`` model defined in those modules, and
  every settings field a part of the composition root declares it needs (``@part("executions_table")``)
  or reads as required (``settings.required("executions_table", ...)``).
"""

from __future__ import annotations

import ast
import importlib
import inspect
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import botocore.session
from botocore import xform_name
from pydantic import AliasChoices
from pydantic_settings import BaseSettings

from tests.infra.templates import LAMBDA_ROOT

PACKAGE = "drs_orchestration"

# Operations whose IAM action differs from the operation name (service authorization reference).
IAM_ACTION_OVERRIDES: dict[tuple[str, str], tuple[str, ...]] = {
    ("s3", "ListObjectsV2"): ("s3:ListBucket",),
    ("s3", "ListObjects"): ("s3:ListBucket",),
    ("s3", "ListObjectVersions"): ("s3:ListBucketVersions",),
    ("s3", "HeadBucket"): ("s3:ListBucket",),
    ("s3", "HeadObject"): ("s3:GetObject",),
    ("s3", "CopyObject"): ("s3:GetObject", "s3:PutObject"),
    ("s3", "DeleteObjects"): ("s3:DeleteObject",),
    ("lambda", "Invoke"): ("lambda:InvokeFunction",),
}
# Operations that also need other actions of the caller ("dependent actions" in the service
# authorization reference): DRS launches and terminates EC2 resources with the caller's permissions.
DEPENDENT_ACTIONS: dict[tuple[str, str], tuple[str, ...]] = {
    ("drs", "StartRecovery"): (
        "drs:CreateRecoveryInstanceForDrs",
        "drs:ListTagsForResource",
        "ec2:AttachVolume",
        "ec2:AuthorizeSecurityGroupEgress",
        "ec2:AuthorizeSecurityGroupIngress",
        "ec2:CreateLaunchTemplate",
        "ec2:CreateLaunchTemplateVersion",
        "ec2:CreateSnapshot",
        "ec2:CreateTags",
        "ec2:CreateVolume",
        "ec2:DeleteLaunchTemplateVersions",
        "ec2:DeleteSnapshot",
        "ec2:DeleteVolume",
        "ec2:DescribeAccountAttributes",
        "ec2:DescribeAvailabilityZones",
        "ec2:DescribeImages",
        "ec2:DescribeInstanceAttribute",
        "ec2:DescribeInstanceStatus",
        "ec2:DescribeInstanceTypes",
        "ec2:DescribeInstances",
        "ec2:DescribeLaunchTemplateVersions",
        "ec2:DescribeLaunchTemplates",
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeSnapshots",
        "ec2:DescribeSubnets",
        "ec2:DescribeVolumes",
        "ec2:DetachVolume",
        "ec2:ModifyInstanceAttribute",
        "ec2:ModifyLaunchTemplate",
        "ec2:RevokeSecurityGroupEgress",
        "ec2:RunInstances",
        "ec2:StartInstances",
        "ec2:StopInstances",
        "ec2:TerminateInstances",
        "iam:PassRole",
    ),
    # SSM runs an automation as the AutomationAssumeRole its parameters name: the caller passes it.
    ("ssm", "StartAutomationExecution"): ("iam:PassRole",),
    ("drs", "TerminateRecoveryInstances"): (
        "drs:DescribeSourceServers",
        "ec2:DeleteVolume",
        "ec2:DescribeInstances",
        "ec2:DescribeVolumes",
        "ec2:TerminateInstances",
    ),
}
# boto3 helpers that are not operations but make calls.
HELPER_OPERATIONS: dict[str, tuple[str, str]] = {
    "batch_writer": ("dynamodb", "BatchWriteItem"),
    "upload_file": ("s3", "PutObject"),
    "upload_fileobj": ("s3", "PutObject"),
    "download_file": ("s3", "GetObject"),
    "download_fileobj": ("s3", "GetObject"),
}


def module_file(module: str) -> Path | None:
    base = LAMBDA_ROOT.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


@cache
def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(), filename=str(path))


def _imported(module: str, tree: ast.Module, is_package: bool) -> set[str]:
    names: set[str] = set()
    package_parts = module.split(".") if is_package else module.split(".")[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(package_parts[: len(package_parts) - node.level + 1])
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            names.add(target)
            names.update(f"{target}.{alias.name}" for alias in node.names)
    return {name for name in names if name.split(".")[0] == PACKAGE and module_file(name)}


def reachable_modules(entry: str) -> set[str]:
    seen: set[str] = set()
    pending = [entry]
    while pending:
        module = pending.pop()
        if module in seen:
            continue
        path = module_file(module)
        if path is None:
            continue
        seen.add(module)
        parts = module.split(".")
        pending.extend(".".join(parts[:i]) for i in range(1, len(parts)))
        pending.extend(_imported(module, _tree(path), path.name == "__init__.py"))
    return seen


@dataclass(frozen=True)
class AwsCall:
    method: str
    module: str
    line: int
    actions: frozenset[frozenset[str]]
    """Alternatives (one per service that has the operation), each a set of IAM actions all needed."""


def _receiver_is_self(node: ast.Attribute) -> bool:
    return isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")


@cache
def _operations(service: str) -> tuple[str, dict[str, str]]:
    model = botocore.session.get_session().get_service_model(service)
    return model.signing_name or model.endpoint_prefix, {xform_name(op): op for op in model.operation_names}


def _iam_actions(service: str, operation: str) -> frozenset[str]:
    prefix, _ = _operations(service)
    own = IAM_ACTION_OVERRIDES.get((service, operation), (f"{prefix}:{operation}",))
    return frozenset((*own, *DEPENDENT_ACTIONS.get((service, operation), ())))


def _is_aws_facing(tree: ast.Module) -> bool:
    """Only modules that import boto3, botocore, their stubs or the client factory call AWS."""
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        if any(
            n.split(".")[0] in ("boto3", "botocore")
            or n.startswith(("mypy_boto3", f"{PACKAGE}.adapters.aws_clients"))
            for n in names
        ):
            return True
    return False


def _enclosing_functions(tree: ast.Module) -> dict[ast.AST, str]:
    """Each node's innermost enclosing function name."""
    owner: dict[ast.AST, str] = {}

    def visit(node: ast.AST, current: str | None) -> None:
        for child in ast.iter_child_nodes(node):
            name = child.name if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else current
            if name is not None:
                owner[child] = name
            visit(child, name)

    visit(tree, None)
    return owner


@dataclass(frozen=True)
class _CallSite:
    method: str
    module: str
    line: int
    node: ast.Call
    function: str | None


def _string_argument(node: ast.Call) -> str | None:
    first = node.args[0] if node.args else None
    return first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else None


def _scan_calls(module: str, tree: ast.Module, services: set[str], sites: list[_CallSite]) -> None:
    """Add the services the module makes clients of, and every method call on something else than self."""
    owners = _enclosing_functions(tree)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        literal = _string_argument(node)
        if isinstance(node.func, ast.Name) and node.func.id == "client" and literal:
            services.add(literal)
        if not isinstance(node.func, ast.Attribute):
            continue
        if node.func.attr in ("client", "resource") and literal:
            services.add(literal)
        elif node.func.attr in ("get_paginator", "can_paginate") and literal:
            sites.append(_CallSite(literal, module, node.lineno, node, owners.get(node)))
        elif not _receiver_is_self(node.func):
            sites.append(_CallSite(node.func.attr, module, node.lineno, node, owners.get(node)))


def _alternatives(method: str, services: set[str]) -> set[frozenset[str]]:
    """The IAM actions a call of ``method`` needs, one set per used service that has the operation."""
    alternatives: set[frozenset[str]] = set()
    if method in HELPER_OPERATIONS and HELPER_OPERATIONS[method][0] in services:
        alternatives.add(_iam_actions(*HELPER_OPERATIONS[method]))
    for service in services:
        operation = _operations(service)[1].get(method)
        if operation:
            alternatives.add(_iam_actions(service, operation))
    return alternatives


def _referenced_names(trees: Iterable[ast.Module], excluded: set[int]) -> set[str]:
    """Every name and attribute used in the trees, but the nodes ``excluded`` (by id)."""
    referenced: set[str] = set()
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and id(node) not in excluded:
                referenced.add(node.attr)
            elif isinstance(node, ast.Name):
                referenced.add(node.id)
    return referenced


def aws_calls(modules: set[str]) -> tuple[set[str], list[AwsCall]]:
    """The boto3 services the modules use, and every call of one of their operations.

    A call counts when it sits in an AWS-facing module and its enclosing function is referenced
    somewhere in the modules (so an adapter method nobody in this function calls is not counted).
    """
    services: set[str] = set()
    sites: list[_CallSite] = []
    trees = {module: _tree(module_file(module)) for module in sorted(modules)}  # type: ignore[arg-type]
    for module, tree in trees.items():
        if _is_aws_facing(tree):
            _scan_calls(module, tree, services, sites)
    candidates = [(site, _alternatives(site.method, services)) for site in sites]
    candidates = [(site, alternatives) for site, alternatives in candidates if alternatives]
    # A name counts as referenced anywhere but at the AWS call sites themselves.
    referenced = _referenced_names(trees.values(), {id(site.node.func) for site, _ in candidates})
    calls = [
        AwsCall(site.method, site.module, site.line, frozenset(alternatives))
        for site, alternatives in candidates
        if site.function is None or site.function in referenced
    ]
    return services, calls


def _environ_reads(tree: ast.Module) -> set[str]:
    """Variables read with os.environ["X"], or os.environ.get / os.getenv without a default."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Subscript)
            and isinstance(node.value, ast.Attribute)
            and node.value.attr == "environ"
            and isinstance(node.slice, ast.Constant)
            and isinstance(node.ctx, ast.Load)
        ):
            names.add(str(node.slice.value))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and len(node.args) == 1:
            target = node.func
            is_getenv = target.attr == "getenv"
            is_environ_get = (
                target.attr == "get"
                and isinstance(target.value, ast.Attribute)
                and (target.value.attr == "environ")
            )
            argument = node.args[0]
            if (is_getenv or is_environ_get) and isinstance(argument, ast.Constant) and not node.keywords:
                names.add(str(argument.value))
    return names


def _needed_fields(tree: ast.Module) -> set[str]:
    """Settings fields named by ``part("field", ...)`` declarations and ``.required("field", ...)`` calls."""
    fields: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        if isinstance(node.func, ast.Name) and node.func.id == "part":
            arguments = node.args
        elif isinstance(node.func, ast.Attribute) and node.func.attr == "required" and node.args:
            arguments = node.args[:1]
        else:
            continue
        fields.update(
            str(a.value) for a in arguments if isinstance(a, ast.Constant) and isinstance(a.value, str)
        )
    return fields


def _field_variables(fields: set[str]) -> set[str]:
    from drs_orchestration.config.settings import Settings, variable

    unknown = fields - set(Settings.model_fields)
    assert not unknown, f"parts need settings fields that do not exist: {sorted(unknown)}"
    return {variable(name) for name in fields}


def _settings_variables(model: type[BaseSettings]) -> set[str]:
    prefix = str(model.model_config.get("env_prefix", ""))
    names: set[str] = set()
    for field_name, field in model.model_fields.items():
        if not field.is_required():
            continue
        alias = field.validation_alias or field.alias
        if isinstance(alias, AliasChoices):
            choices = [choice for choice in alias.choices if isinstance(choice, str)]
            names.add(choices[0].upper())
        elif isinstance(alias, str):
            names.add(alias.upper())
        else:
            names.add(f"{prefix}{field_name}".upper())
    return names


def settings_models(modules: set[str]) -> list[type[BaseSettings]]:
    models: list[type[BaseSettings]] = []
    for module in sorted(modules):
        loaded = importlib.import_module(module)
        for _, value in inspect.getmembers(loaded, inspect.isclass):
            if issubclass(value, BaseSettings) and value is not BaseSettings and value.__module__ == module:
                models.append(value)
    return models


def required_environment(modules: set[str]) -> set[str]:
    names: set[str] = set()
    fields: set[str] = set()
    for module in modules:
        path = module_file(module)
        assert path is not None
        names |= _environ_reads(_tree(path))
        fields |= _needed_fields(_tree(path))
    names |= _field_variables(fields)
    for model in settings_models(modules):
        names |= _settings_variables(model)
    return names
