"""Plans as code: export a plan as a file, and import a file (a dry run's diff, or the change applied).

A file names protection groups by name; the import resolves each name to the one group of that name
and then applies every check the plan API applies, with the same messages, each problem named by its
path in the file (``waves[2].protectionGroups[0]``). The plan a file describes is the plan of the same
name: none creates it, one is updated under the version check, several are a conflict.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import JsonValue, ValidationError

from drs_orchestration.domain.errors import (
    Conflict,
    FieldError,
    StaleVersion,
    ValidationFailed,
    field_errors_from_pydantic,
)
from drs_orchestration.domain.models.plan_file import (
    ChangeAction,
    FieldChange,
    PlanChange,
    PlanImportResult,
    RecoveryPlanFile,
)
from drs_orchestration.domain.models.protection_group import ProtectionGroup
from drs_orchestration.domain.models.recovery_plan import RecoveryPlan, RecoveryPlanInput, RecoveryPlanUpdate
from drs_orchestration.domain.plan_validation import plan_problems
from drs_orchestration.domain.ports import iterate_pages
from drs_orchestration.domain.services.context import Request, Services
from drs_orchestration.domain.services.recovery_plans import (
    RESOURCE,
    create_recovery_plan,
    resolve_plan_groups,
    update_recovery_plan,
)

__all__ = ["ImportOptions", "diff_documents", "export_plan_file", "import_plan_file"]

_IDS, _NAMES = "protectionGroupIds", "protectionGroups"


@dataclass(frozen=True)
class ImportOptions:
    """``dry_run``: report the changes only. ``expected_version``: the version the plan of that name
    must be at (``None``: the version the import reads, checked again when it writes)."""

    dry_run: bool = False
    expected_version: int | None = None


def _all_groups(services: Services) -> list[ProtectionGroup]:
    return list(iterate_pages(lambda token: services.groups.list(next_token=token)))


def export_plan_file(services: Services, plan_id: str) -> RecoveryPlanFile:
    """The file of a plan. A group whose name another group shares could not be found again by name:
    that is a ``Conflict`` naming it."""
    plan = services.plans.get(plan_id)
    groups = _all_groups(services)
    names = {group.id: group.name for group in groups}
    shared = Counter(group.name for group in groups)
    for group_id in plan.protection_group_ids():
        if shared[names.get(group_id, "")] > 1:
            raise Conflict(
                f"{shared[names[group_id]]} protection groups are named {names[group_id]!r}; "
                "rename them apart to export a plan that names one of them"
            )
    return RecoveryPlanFile.of(plan, names)


def _resolve_names(
    document: Mapping[str, Any], groups: list[ProtectionGroup]
) -> tuple[dict[str, Any], list[FieldError], set[str]]:
    """The document as the plan API takes it (group ids for names, no ``formatVersion``), the names
    that resolve to no single group, and the paths of those names."""
    by_name: dict[str, list[str]] = {}
    for group in groups:
        by_name.setdefault(group.name, []).append(group.id)
    problems: list[FieldError] = []
    unresolved: set[str] = set()
    plan = {key: value for key, value in document.items() if key != "formatVersion"}
    waves = plan.get("waves")
    if isinstance(waves, list):
        plan["waves"] = [
            _wave_with_ids(index, wave, by_name, problems, unresolved) for index, wave in enumerate(waves)
        ]
    return plan, problems, unresolved


def _wave_with_ids(
    index: int,
    wave: Any,
    by_name: Mapping[str, list[str]],
    problems: list[FieldError],
    unresolved: set[str],
) -> Any:
    if not isinstance(wave, Mapping) or _NAMES not in wave:
        return wave
    names = wave[_NAMES]
    converted = {key: value for key, value in wave.items() if key != _NAMES}
    if not isinstance(names, list):
        converted[_IDS] = names
        return converted
    ids: list[Any] = []
    for k, name in enumerate(names):
        found = by_name.get(name.strip(), []) if isinstance(name, str) else None
        if found is not None and len(found) != 1:
            path = f"waves[{index}].{_IDS}[{k}]"
            unresolved.add(path)
            message = (
                f"unknown protection group {name!r}"
                if not found
                else f"{len(found)} protection groups are named {name!r}; rename them apart"
            )
            problems.append(FieldError(name=path, message=message))
        ids.append(found[0] if found and len(found) == 1 else name)
    converted[_IDS] = ids
    return converted


def _in_file_terms(problems: list[FieldError]) -> list[FieldError]:
    named = [
        FieldError(name=problem.name.replace(f".{_IDS}", f".{_NAMES}"), message=problem.message)
        for problem in problems
    ]
    return list({(problem.name, problem.message): problem for problem in named}.values())


def _group_ids(plan: Mapping[str, Any]) -> list[str]:
    waves = plan.get("waves")
    found: list[str] = []
    for wave in waves if isinstance(waves, list) else []:
        ids = wave.get(_IDS) if isinstance(wave, Mapping) else None
        found += [value for value in ids if isinstance(value, str)] if isinstance(ids, list) else []
    return found


def _file_problems(document: Mapping[str, Any]) -> list[FieldError]:
    """What the file model refuses that the plan model does not see (``formatVersion``, the names)."""
    try:
        RecoveryPlanFile.model_validate(document)
    except ValidationError as error:
        return [
            problem
            for problem in field_errors_from_pydantic(error)
            if problem.name == "formatVersion" or f".{_NAMES}" in problem.name
        ]
    return []


def _parse(
    services: Services, document: object
) -> tuple[RecoveryPlanFile, RecoveryPlanInput, dict[str, str]]:
    """The file, the plan it describes (group ids resolved) and every group's name by id; or
    ``ValidationFailed`` naming every problem, as the plan API would, by its path in the file."""
    if not isinstance(document, Mapping):
        raise ValidationFailed([FieldError(name="body", message="must be an object (a YAML mapping)")])
    groups = _all_groups(services)
    plan, problems, unresolved = _resolve_names(document, groups)
    known = {group.id for group in groups}  # never look up what a file gave as a name
    membership = resolve_plan_groups(services, [g for g in _group_ids(plan) if g in known]).membership
    found = plan_problems(plan, membership=membership)
    problems += [p for p in found if not any(p.name.startswith(path) for path in unresolved)]
    problems = _file_problems(document) + problems
    if problems:
        raise ValidationFailed(_in_file_terms(problems))
    names = {group.id: group.name for group in groups}
    return RecoveryPlanFile.model_validate(document), RecoveryPlanInput.model_validate(plan), names


def _plan_named(services: Services, name: str) -> RecoveryPlan | None:
    found = [
        plan
        for plan in iterate_pages(lambda token: services.plans.list(next_token=token))
        if plan.name == name
    ]
    if len(found) > 1:
        ids = ", ".join(plan.id for plan in found)
        raise Conflict(f"{len(found)} recovery plans are named {name!r} ({ids}); rename them apart to import")
    return found[0] if found else None


def diff_documents(before: JsonValue, after: JsonValue, path: str = "") -> list[FieldChange]:
    """Every leaf that differs between two JSON values, by path; lists compare item by item."""
    if isinstance(before, dict) and isinstance(after, dict):
        changes: list[FieldChange] = []
        for key in [*before, *(key for key in after if key not in before)]:
            where = f"{path}.{key}" if path else key
            changes += diff_documents(before.get(key), after.get(key), where)
        return changes
    if isinstance(before, list) and isinstance(after, list):
        changes = []
        for index in range(max(len(before), len(after))):
            old = before[index] if index < len(before) else None
            new = after[index] if index < len(after) else None
            changes += diff_documents(old, new, f"{path}[{index}]")
        return changes
    return [] if before == after else [FieldChange(path=path or "body", before=before, after=after)]


def _change(file: RecoveryPlanFile, existing: RecoveryPlan | None, names: dict[str, str]) -> PlanChange:
    if existing is None:
        return PlanChange(action=ChangeAction.CREATE, plan_name=file.name)
    fields = diff_documents(RecoveryPlanFile.of(existing, names).to_document(), file.to_document())
    return PlanChange(
        action=ChangeAction.UPDATE if fields else ChangeAction.UNCHANGED,
        plan_name=file.name,
        plan_id=existing.id,
        version=existing.version,
        fields=fields,
    )


def _check_version(name: str, existing: RecoveryPlan | None, expected: int | None) -> None:
    if expected is None:
        return
    if existing is None:
        raise Conflict(f"no recovery plan is named {name!r}: import it without a version to create it")
    if existing.version != expected:
        raise StaleVersion(RESOURCE, existing.id, expected_version=expected, current_version=existing.version)


def import_plan_file(
    services: Services, request: Request, document: object, options: ImportOptions
) -> PlanImportResult:
    """The changes the file makes; applied unless ``options.dry_run``. An update is written with the
    version it was compared with, so a plan changed in between is a ``StaleVersion``, not overwritten."""
    file, plan, names = _parse(services, document)
    existing = _plan_named(services, file.name)
    _check_version(file.name, existing, options.expected_version)
    change = _change(file, existing, names)
    if options.dry_run or change.action is ChangeAction.UNCHANGED:
        return PlanImportResult(
            dry_run=options.dry_run, changes=[change], plan=None if options.dry_run else existing
        )
    if existing is None:
        stored = create_recovery_plan(services, request, plan)
        change = change.model_copy(update={"plan_id": stored.id})
    else:
        update = RecoveryPlanUpdate(**plan.model_dump(by_alias=False), version=existing.version)
        stored = update_recovery_plan(services, request, existing.id, update)
    return PlanImportResult(dry_run=False, changes=[change], plan=stored)
