"""Read the product's CloudFormation templates: intrinsic functions in their long form, and the small
part of CloudFormation's evaluation local mode needs (``Ref``, ``Fn::GetAtt``, ``Fn::If``, ``Fn::Sub``,
``Fn::Join`` and the condition functions) so resources are created from the same definitions that
deploy to AWS."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped]  # PyYAML ships no type information

__all__ = ["NO_VALUE", "Template", "load_template"]

NO_VALUE = object()
"""What ``!Ref AWS::NoValue`` evaluates to: the property is left out."""

_SHORT_FORMS = (
    "Base64",
    "Cidr",
    "Equals",
    "FindInMap",
    "GetAZs",
    "GetAtt",
    "If",
    "ImportValue",
    "Join",
    "Not",
    "And",
    "Or",
    "Select",
    "Split",
    "Sub",
    "Transform",
    "Condition",
)


class _Loader(yaml.SafeLoader):  # type: ignore[misc]  # untyped base class
    """A YAML loader that understands CloudFormation's short-form tags."""


def _construct(tag: str) -> Any:
    name = "Ref" if tag == "Ref" else "Condition" if tag == "Condition" else f"Fn::{tag}"

    def construct(loader: _Loader, node: yaml.Node) -> dict[str, Any]:
        if isinstance(node, yaml.ScalarNode):
            value: Any = loader.construct_scalar(node)
            if tag == "GetAtt" and isinstance(value, str):
                value = value.split(".", 1)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)
        return {name: value}

    return construct


for _tag in (*_SHORT_FORMS, "Ref"):
    _Loader.add_constructor(f"!{_tag}", _construct(_tag))


@dataclass(frozen=True)
class Template:
    """One template with parameter values and pseudo parameters to evaluate its properties."""

    path: Path
    body: Mapping[str, Any]
    parameters: Mapping[str, str] = field(default_factory=dict)
    pseudo: Mapping[str, str] = field(default_factory=dict)

    def resources(self, kind: str) -> Iterator[tuple[str, dict[str, Any]]]:
        """``(logical id, resource)`` of every resource of type ``kind`` whose condition holds."""
        for logical_id, resource in (self.body.get("Resources") or {}).items():
            if resource.get("Type") != kind:
                continue
            condition = resource.get("Condition")
            if condition is None or self.condition(condition):
                yield logical_id, resource

    def parameter(self, name: str) -> str:
        if name in self.parameters:
            return self.parameters[name]
        if name in self.pseudo:
            return self.pseudo[name]
        declared = (self.body.get("Parameters") or {}).get(name)
        if declared is None or "Default" not in declared:
            raise KeyError(f"{self.path.name}: no value for parameter {name}")
        return str(declared["Default"])

    def condition(self, name: str) -> bool:
        return bool(self.evaluate((self.body.get("Conditions") or {})[name]))

    def evaluate(self, value: Any, refs: Mapping[str, Any] | None = None) -> Any:
        """``value`` with intrinsic functions on parameters evaluated; ``refs`` resolves ``Ref``/``GetAtt``
        of resources (the names and ARNs local mode created). ``NO_VALUE`` entries are dropped."""
        refs = refs or {}
        if isinstance(value, list):
            items = [self.evaluate(item, refs) for item in value]
            return [item for item in items if item is not NO_VALUE]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((key, argument),) = value.items()
            intrinsic = _INTRINSICS.get(key)
            if intrinsic is not None:
                return intrinsic(self, argument, refs)
        return self._mapping(value, refs)

    def _mapping(self, value: Mapping[str, Any], refs: Mapping[str, Any]) -> dict[str, Any]:
        evaluated = {key: self.evaluate(item, refs) for key, item in value.items()}
        return {key: item for key, item in evaluated.items() if item is not NO_VALUE}

    def _ref(self, argument: Any, refs: Mapping[str, Any]) -> Any:
        if argument == "AWS::NoValue":
            return NO_VALUE
        return refs[argument] if argument in refs else self.parameter(argument)

    def _get_att(self, argument: Any, refs: Mapping[str, Any]) -> Any:
        return refs[".".join(argument) if isinstance(argument, list) else argument]

    def _if(self, argument: Any, refs: Mapping[str, Any]) -> Any:
        name, when_true, when_false = argument
        return self.evaluate(when_true if self.condition(name) else when_false, refs)

    def _equals(self, argument: Any, refs: Mapping[str, Any]) -> bool:
        left, right = (self.evaluate(item, refs) for item in argument)
        return str(left) == str(right)

    def _not(self, argument: Any, refs: Mapping[str, Any]) -> bool:
        return not self.evaluate(argument[0], refs)

    def _and(self, argument: Any, refs: Mapping[str, Any]) -> bool:
        return all(self.evaluate(item, refs) for item in argument)

    def _or(self, argument: Any, refs: Mapping[str, Any]) -> bool:
        return any(self.evaluate(item, refs) for item in argument)

    def _condition(self, argument: Any, refs: Mapping[str, Any]) -> bool:
        return self.condition(argument)

    def _join(self, argument: Any, refs: Mapping[str, Any]) -> str:
        separator, items = argument
        return str(separator).join(str(item) for item in self.evaluate(items, refs))

    def _sub(self, argument: Any, refs: Mapping[str, Any]) -> Any:
        if not isinstance(argument, str):  # the list form is not needed locally: left as it is
            return self._mapping({"Fn::Sub": argument}, refs)
        return re.sub(r"\$\{([^}!]+)\}", lambda m: str(self._ref(m.group(1), refs)), argument)


_INTRINSICS: dict[str, Callable[[Template, Any, Mapping[str, Any]], Any]] = {
    "Ref": Template._ref,
    "Fn::GetAtt": Template._get_att,
    "Fn::If": Template._if,
    "Fn::Equals": Template._equals,
    "Fn::Not": Template._not,
    "Fn::And": Template._and,
    "Fn::Or": Template._or,
    "Condition": Template._condition,
    "Fn::Join": Template._join,
    "Fn::Sub": Template._sub,
}
"""The intrinsic functions local mode evaluates; any other is evaluated as a plain mapping."""


@cache
def _read(path: Path) -> Mapping[str, Any]:
    loaded: Mapping[str, Any] = yaml.load(path.read_text(), Loader=_Loader)  # noqa: S506 - SafeLoader subclass
    return loaded


def load_template(
    path: Path, parameters: Mapping[str, str] | None = None, pseudo: Mapping[str, str] | None = None
) -> Template:
    return Template(path, _read(path), dict(parameters or {}), dict(pseudo or {}))
