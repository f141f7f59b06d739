"""Recovery plan validation: every problem at once, each named by its field path.

Structure (types, bounds, action parameters) is pydantic's; this module adds what needs the whole
plan: duplicate wave ids and names, self and unknown dependencies, cycles (printed as
``cycle: app -> db -> app``), unknown protection groups, a server in two waves, the per-plan server
limit and optional servers that are not in their wave. The graph checks run on the raw document
as well, so a plan with a malformed action still hears about its cycle in the same answer.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from drs_orchestration.domain.errors import FieldError, ValidationFailed, field_errors_from_pydantic
from drs_orchestration.domain.graph import find_cycles
from drs_orchestration.domain.models.recovery_plan import (
    MAX_GROUPS_PER_PLAN,
    MAX_SERVERS_PER_PLAN,
    RecoveryPlanInput,
)

__all__ = ["Membership", "parse_plan", "plan_problems"]

Membership = Mapping[str, Collection[str]]
"""Resolved membership: protection group id -> the source server ids it holds now."""

P = TypeVar("P", bound=RecoveryPlanInput)

_EXAMPLES_SHOWN = 3


@dataclass
class _WaveView:
    """What the graph checks need of one wave, read leniently from a raw or parsed document."""

    index: int
    id: str | None
    name: str | None
    depends_on: list[tuple[int, str]] = field(default_factory=list)
    groups: list[tuple[int, str]] = field(default_factory=list)
    optional: list[tuple[int, str]] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.id or f"waves[{self.index}]"


def _get(item: Mapping[str, Any], camel: str, snake: str) -> Any:
    return item.get(camel, item.get(snake))


def _strings(value: Any, key: str | None = None) -> list[tuple[int, str]]:
    """``(index, text)`` of each string in a list (or of ``item[key]`` for dict items)."""
    if not isinstance(value, list):
        return []
    found: list[tuple[int, str]] = []
    for i, item in enumerate(value):
        text = item.get(key) if key is not None and isinstance(item, Mapping) else item
        if isinstance(text, str):
            found.append((i, text))
    return found


def _wave_views(document: Mapping[str, Any]) -> list[_WaveView]:
    waves = document.get("waves")
    views: list[_WaveView] = []
    for index, raw in enumerate(waves if isinstance(waves, list) else []):
        if not isinstance(raw, Mapping):
            continue
        wave_id, name = raw.get("id"), raw.get("name")
        views.append(
            _WaveView(
                index=index,
                id=wave_id if isinstance(wave_id, str) else None,
                name=name.strip() if isinstance(name, str) else None,
                depends_on=_strings(_get(raw, "dependsOn", "depends_on"), "waveId"),
                groups=_strings(_get(raw, "protectionGroupIds", "protection_group_ids")),
                optional=_strings(_get(raw, "optionalServerIds", "optional_server_ids")),
            )
        )
    return views


def _sample(ids: Sequence[str]) -> str:
    shown = ", ".join(ids[:_EXAMPLES_SHOWN])
    return shown + (f" (+{len(ids) - _EXAMPLES_SHOWN} more)" if len(ids) > _EXAMPLES_SHOWN else "")


def _duplicates(views: Sequence[_WaveView]) -> list[FieldError]:
    problems: list[FieldError] = []
    first_id: dict[str, int] = {}
    first_name: dict[str, int] = {}
    for view in views:
        if view.id is not None:
            if view.id in first_id:
                problems.append(
                    FieldError(
                        name=f"waves[{view.index}].id",
                        message=f"duplicate wave id '{view.id}' (also waves[{first_id[view.id]}].id)",
                    )
                )
            first_id.setdefault(view.id, view.index)
        if view.name:
            key = view.name.casefold()
            if key in first_name:
                problems.append(
                    FieldError(
                        name=f"waves[{view.index}].name",
                        message=f"duplicate wave name '{view.name}' (also waves[{first_name[key]}].name)",
                    )
                )
            first_name.setdefault(key, view.index)
    return problems


def _dependencies(views: Sequence[_WaveView]) -> list[FieldError]:
    problems: list[FieldError] = []
    known = {view.id for view in views if view.id is not None}
    for view in views:
        seen: set[str] = set()
        for k, target in view.depends_on:
            path = f"waves[{view.index}].dependsOn[{k}].waveId"
            if target == view.id:
                problems.append(FieldError(name=path, message=f"wave '{target}' depends on itself"))
            elif target not in known:
                problems.append(FieldError(name=path, message=f"unknown wave '{target}'"))
            elif target in seen:
                problems.append(FieldError(name=path, message=f"dependency on '{target}' is listed twice"))
            seen.add(target)
    return problems


def _cycles(views: Sequence[_WaveView]) -> list[FieldError]:
    first: dict[str, _WaveView] = {}
    for view in views:
        if view.id is not None:
            first.setdefault(view.id, view)
    edges = {
        wave_id: [target for _, target in view.depends_on if target != wave_id]
        for wave_id, view in first.items()
    }
    return [
        FieldError(name=f"waves[{first[cycle[0]].index}].dependsOn", message="cycle: " + " -> ".join(cycle))
        for cycle in find_cycles(list(first), edges)
    ]


def _groups(views: Sequence[_WaveView], membership: Membership) -> list[FieldError]:
    problems: list[FieldError] = []
    group_wave: dict[str, _WaveView] = {}
    server_wave: dict[str, _WaveView] = {}
    for view in views:
        wave_servers: set[str] = set()
        for k, group_id in view.groups:
            path = f"waves[{view.index}].protectionGroupIds[{k}]"
            if group_id not in membership:
                problems.append(FieldError(name=path, message=f"unknown protection group {group_id}"))
                continue
            earlier = group_wave.setdefault(group_id, view)
            if earlier is not view:
                message = f"protection group {group_id} is already in wave '{earlier.label}'"
                problems.append(FieldError(name=path, message=message))
                continue
            clashes: dict[int, list[str]] = {}
            for server in sorted(membership[group_id]):
                owner = server_wave.setdefault(server, view)
                if owner is not view:
                    clashes.setdefault(owner.index, []).append(server)
                wave_servers.add(server)
            for owner_index, servers in sorted(clashes.items()):
                owner_label = next(v.label for v in views if v.index == owner_index)
                message = f"servers {_sample(servers)} of {group_id} are already in wave '{owner_label}'"
                problems.append(FieldError(name=path, message=message))
        if all(group_id in membership for _, group_id in view.groups):
            problems += [
                FieldError(
                    name=f"waves[{view.index}].optionalServerIds[{k}]",
                    message=f"server {server} is not in the protection groups of wave '{view.label}'",
                )
                for k, server in view.optional
                if server not in wave_servers
            ]
    if len(server_wave) > MAX_SERVERS_PER_PLAN:
        message = f"the plan holds {len(server_wave):,} servers; at most {MAX_SERVERS_PER_PLAN:,} are allowed"
        problems.append(FieldError(name="waves", message=message))
    return problems


def _group_count(views: list[_WaveView]) -> list[FieldError]:
    groups = {group_id for view in views for _, group_id in view.groups}
    if len(groups) <= MAX_GROUPS_PER_PLAN:
        return []
    message = f"the plan names {len(groups)} protection groups; at most {MAX_GROUPS_PER_PLAN} are allowed"
    return [FieldError(name="waves", message=message)]


def _document(plan: Mapping[str, Any] | BaseModel) -> tuple[Mapping[str, Any], list[FieldError]]:
    if isinstance(plan, BaseModel):
        return plan.model_dump(mode="json", by_alias=True), []
    if not isinstance(plan, Mapping):
        return {}, [FieldError(name="body", message="must be a JSON object")]
    return plan, []


def _check(
    plan: Mapping[str, Any] | RecoveryPlanInput, membership: Membership | None, model: type[P]
) -> tuple[P | None, list[FieldError]]:
    parsed: P | None = None
    document, problems = _document(plan)
    if isinstance(plan, model):
        parsed = plan
    elif not problems:
        try:
            parsed = model.model_validate(document)
        except ValidationError as error:
            problems.extend(field_errors_from_pydantic(error))
    views = _wave_views(document)
    problems += _duplicates(views) + _dependencies(views) + _cycles(views) + _group_count(views)
    if membership is not None:
        problems += _groups(views, membership)
    return parsed, list({(p.name, p.message): p for p in problems}.values())


def plan_problems(
    plan: Mapping[str, Any] | RecoveryPlanInput,
    *,
    membership: Membership | None = None,
    model: type[RecoveryPlanInput] = RecoveryPlanInput,
) -> list[FieldError]:
    """Every problem of a plan (raw JSON object or parsed), in a stable order; empty when valid.

    ``membership`` (protection group id -> its servers) enables the checks that need groups: unknown
    groups, a server in two waves, the server limit and optional servers. Without it they are skipped.
    """
    return _check(plan, membership, model)[1]


def parse_plan(document: Mapping[str, Any], model: type[P], *, membership: Membership | None = None) -> P:
    """The parsed plan, or ``ValidationFailed`` naming every problem found."""
    parsed, problems = _check(document, membership, model)
    if problems or parsed is None:
        raise ValidationFailed(problems)
    return parsed
