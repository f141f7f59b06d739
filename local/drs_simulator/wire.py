"""DRS rest-json wire protocol, driven by botocore's own service model.

Routing (method + request URI), parameter binding (URI, query string, JSON body), request validation
(required members, types, min/max lengths and values, enums, patterns) and success status codes all
come from ``botocore.session.get_session().get_service_model("drs")`` — nothing is hand-written per
field, so the simulator follows the model when botocore updates it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import parse_qs, unquote

import botocore.session
from botocore.model import ListShape, MapShape, OperationModel, ServiceModel, Shape, StructureShape

from .errors import DrsError, validation

#: At most this many field errors are reported in one ValidationException.
MAX_FIELD_ERRORS = 20


@cache
def service_model() -> ServiceModel:
    return botocore.session.get_session().get_service_model("drs")


@dataclass(frozen=True)
class Route:
    operation: OperationModel
    method: str
    pattern: re.Pattern[str]
    labels: tuple[str, ...]


@cache
def routes() -> tuple[Route, ...]:
    out = []
    for name in service_model().operation_names:
        operation = service_model().operation_model(name)
        uri = operation.http["requestUri"].split("?")[0]
        labels = tuple(re.findall(r"\{(\w+)\+?\}", uri))
        regex = re.sub(r"\\\{(\w+)(?:\\\+)?\\\}", r"([^/]+)", re.escape(uri))
        out.append(Route(operation, operation.http["method"], re.compile(f"^{regex}$"), labels))
    return tuple(out)


def match_route(method: str, path: str) -> tuple[OperationModel, dict[str, str]] | None:
    for route in routes():
        if route.method != method:
            continue
        found = route.pattern.match(path)
        if found:
            return route.operation, {
                label: unquote(value) for label, value in zip(route.labels, found.groups(), strict=True)
            }
    return None


def parse_request(
    operation: OperationModel, uri_params: dict[str, str], query: str, body: bytes
) -> dict[str, Any]:
    """Bind URI labels, query string and JSON body into one parameter dict, then validate it."""
    params: dict[str, Any] = {}
    if body.strip():
        try:
            decoded = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise validation(f"Could not parse request body: {exc}", reason="cannotParse") from exc
        if not isinstance(decoded, dict):
            raise validation("Request body must be a JSON object", reason="cannotParse")
        params.update(decoded)
    shape = operation.input_shape
    if shape is None:
        return {}
    queries = parse_qs(query, keep_blank_values=True)
    errors: list[dict[str, str]] = []
    for member_name, member in shape.members.items():
        location = member.serialization.get("location")
        wire_name = member.serialization.get("name", member_name)
        if location == "uri" and wire_name in uri_params:
            params[member_name] = uri_params[wire_name]
        elif location == "querystring" and wire_name in queries:
            params[member_name] = _from_query(member, queries[wire_name], member_name, errors)
    _validate(shape, params, "", errors)
    if errors:
        detail = "; ".join(f"{e['name']}: {e['message']}" for e in errors[:3])
        raise validation(f"Invalid request: {detail}", fields=errors[:MAX_FIELD_ERRORS])
    return params


def _from_query(member: Shape, values: list[str], name: str, errors: list[dict[str, str]]) -> Any:
    if member.type_name == "list":
        return values
    if member.type_name in ("integer", "long"):
        try:
            return int(values[0])
        except ValueError:
            errors.append({"name": name, "message": "Member must be an integer"})
            return None
    return values[0]


@cache
def _compiled(pattern: str) -> re.Pattern[str] | None:
    try:
        return re.compile(pattern)
    except re.error:
        return None


_TYPE_CHECKS: dict[str, tuple[tuple[type, ...], str]] = {
    "string": ((str,), "a string"),
    "blob": ((str,), "a string"),
    "boolean": ((bool,), "a boolean"),
    "integer": ((int,), "an integer"),
    "long": ((int,), "an integer"),
    "float": ((int, float), "a number"),
    "double": ((int, float), "a number"),
    "timestamp": ((str, int, float), "a timestamp"),
    "structure": ((dict,), "an object"),
    "map": ((dict,), "an object"),
    "list": ((list,), "a list"),
}


def _validate(shape: Shape, value: Any, path: str, errors: list[dict[str, str]]) -> None:
    """Check ``value`` against ``shape`` and append ``{name, message}`` for every violation."""
    if len(errors) >= MAX_FIELD_ERRORS or value is None:
        return
    name = path or shape.name
    kinds, described = _TYPE_CHECKS.get(shape.type_name, ((object,), "a value"))
    if not isinstance(value, kinds) or (isinstance(value, bool) and shape.type_name != "boolean"):
        errors.append({"name": name, "message": f"Member must be {described}"})
        return
    messages = [*_bounds(shape, value), *_string_rules(shape, value)]
    errors.extend({"name": name, "message": message} for message in messages)
    _validate_members(shape, value, path, errors)


def _bounds(shape: Shape, value: Any) -> list[str]:
    """Length limits of strings, lists and maps; value limits of numbers (never of timestamps)."""
    meta = shape.metadata
    size: float
    if shape.type_name == "timestamp":
        return []
    if isinstance(value, str | list | dict):
        size, limited = len(value), "have length "
    elif isinstance(value, int | float) and not isinstance(value, bool):
        size, limited = value, "be "
    else:
        return []
    messages = []
    if "min" in meta and size < meta["min"]:
        messages.append(f"Member must {limited}>= {meta['min']}")
    if "max" in meta and size > meta["max"]:
        messages.append(f"Member must {limited}<= {meta['max']}")
    return messages


def _string_rules(shape: Shape, value: Any) -> list[str]:
    """A string's enum and pattern."""
    if not isinstance(value, str) or shape.type_name != "string":
        return []
    messages = []
    enum = getattr(shape, "enum", None)
    if enum and value not in enum:
        messages.append(f"Member must be one of {', '.join(enum)}")
    pattern = shape.metadata.get("pattern")
    regex = _compiled(pattern) if pattern is not None else None
    if regex is not None and not regex.fullmatch(value):
        messages.append(f"Member must match pattern {pattern}")
    return messages


def _validate_members(shape: Shape, value: Any, path: str, errors: list[dict[str, str]]) -> None:
    """Required members of a structure, then every member, list item, map key and map value."""
    name = path or shape.name
    if isinstance(shape, StructureShape):
        for required in shape.required_members:
            if value.get(required) is None:
                errors.append({"name": _join(path, required), "message": "Member is required"})
        for key, item in value.items():
            if key in shape.members:
                _validate(shape.members[key], item, _join(path, key), errors)
    elif isinstance(shape, ListShape):
        for index, item in enumerate(value):
            _validate(shape.member, item, f"{name}[{index}]", errors)
    elif isinstance(shape, MapShape):
        for key, item in value.items():
            _validate(shape.key, key, f"{name}.key", errors)
            _validate(shape.value, item, f"{name}[{key}]", errors)


def shape_errors(shape: Shape, value: Any) -> list[dict[str, str]]:
    """Every violation of ``shape`` by ``value`` (used to check the simulator's own responses)."""
    errors: list[dict[str, str]] = []
    _validate(shape, value, "", errors)
    return errors


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def success_status(operation: OperationModel) -> int:
    return int(operation.http.get("responseCode", 200))


def modeled_errors(operation: OperationModel) -> set[str]:
    return {shape.name for shape in operation.error_shapes}


def error_response(error: DrsError) -> tuple[int, dict[str, str], bytes]:
    headers = {"x-amzn-ErrorType": error.error_type, "Content-Type": "application/json"}
    if error.retry_after is not None:
        headers["Retry-After"] = str(error.retry_after)
    return error.status, headers, json.dumps(error.body()).encode()


def unknown_operation(method: str, path: str) -> DrsError:
    return validation(f"Unknown operation: {method} {path}", reason="unknownOperation")
