"""A recovery plan as a file: what ``export`` writes and ``import`` reads (YAML or JSON).

Its JSON Schema is served at ``GET /schemas/recovery-plan-file.json`` and committed as
``cfn/schemas/recovery-plan-file.schema.json``; regenerate that copy with
``python -m drs_orchestration.domain.models.plan_file > cfn/schemas/recovery-plan-file.schema.json``.

The file carries the plan's content only: protection groups are named by their ``name``, and no id,
version, timestamp or owner appears, so the same file describes the plan in any installation.
``formatVersion`` comes first; a reader refuses a format it does not know.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, JsonValue

from drs_orchestration.domain.models.actions import Action
from drs_orchestration.domain.models.base import (
    CamelModel,
    Description,
    Name,
    SourceServerId,
    WaveId,
)
from drs_orchestration.domain.models.recovery_plan import (
    MAX_ACTIONS_PER_PHASE,
    MAX_SERVERS_PER_PLAN,
    MAX_WAVES_PER_PLAN,
    HealthCheck,
    RecoveryPlan,
    WaveDependency,
)

__all__ = [
    "PLAN_FILE_FORMAT_VERSION",
    "ChangeAction",
    "FieldChange",
    "PlanChange",
    "PlanImportResult",
    "RecoveryPlanFile",
    "WaveFile",
    "plan_file_json_schema",
]

PLAN_FILE_FORMAT_VERSION = 1
"""The version of the file format; raised when a file of the previous format would read differently."""


class WaveFile(CamelModel):
    """A wave of the file: a plan's wave with its protection groups named, not referenced by id."""

    id: WaveId
    name: Name
    protection_groups: Annotated[
        list[Name],
        Field(min_length=1, max_length=100, description="The names of the wave's protection groups."),
    ]
    depends_on: Annotated[list[WaveDependency], Field(max_length=MAX_WAVES_PER_PLAN)] = []
    pre_actions: Annotated[list[Action], Field(max_length=MAX_ACTIONS_PER_PHASE)] = []
    post_actions: Annotated[list[Action], Field(max_length=MAX_ACTIONS_PER_PHASE)] = []
    health_check: HealthCheck | None = Field(
        default_factory=HealthCheck,
        description="The wave's health gate; absent: the product's own check, null: none.",
    )
    pause_before: bool = False
    optional_server_ids: Annotated[list[SourceServerId], Field(max_length=MAX_SERVERS_PER_PLAN)] = []
    timeout_minutes: Annotated[int, Field(ge=1, le=1440)] = 60


class RecoveryPlanFile(CamelModel):
    """A recovery plan as code (``GET /recovery-plans/{id}/export``, ``POST /recovery-plans/import``)."""

    format_version: Literal[1] = Field(description="The file format's version: 1.")
    name: Name
    description: Description = ""
    rto_target_minutes: Annotated[int, Field(ge=1, le=10_080)]
    drill_ttl_hours: Annotated[int, Field(ge=1, le=720)] | None = None
    waves: Annotated[list[WaveFile], Field(min_length=1, max_length=MAX_WAVES_PER_PLAN)]

    @classmethod
    def of(cls, plan: RecoveryPlan, group_names: dict[str, str]) -> RecoveryPlanFile:
        """The file of ``plan``, naming each group by ``group_names[id]`` (its id when it has none)."""
        waves = []
        for wave in plan.waves:
            fields = wave.model_dump(by_alias=False, exclude={"protection_group_ids"})
            named = [group_names.get(group_id, group_id) for group_id in wave.protection_group_ids]
            waves.append(WaveFile(**fields, protection_groups=named))
        return cls(
            format_version=PLAN_FILE_FORMAT_VERSION,
            name=plan.name,
            description=plan.description,
            rto_target_minutes=plan.rto_target_minutes,
            drill_ttl_hours=plan.drill_ttl_hours,
            waves=waves,
        )

    def to_document(self) -> dict[str, JsonValue]:
        """The file's JSON object, every field spelled out (defaults included, so a reader need not
        know them), ``formatVersion`` first."""
        document: dict[str, JsonValue] = self.model_dump(mode="json")
        return document


class ChangeAction(StrEnum):
    CREATE = "CREATE"
    UPDATE = "UPDATE"
    UNCHANGED = "UNCHANGED"


class FieldChange(CamelModel):
    """One field that differs: its path in the file (``waves[1].timeoutMinutes``), before and after
    (``null`` before: added; ``null`` after: removed)."""

    path: str
    before: JsonValue = None
    after: JsonValue = None


class PlanChange(CamelModel):
    """What an import does to one plan: create it, update the plan of that name, or nothing."""

    action: ChangeAction
    plan_name: str
    plan_id: str | None = Field(default=None, description="The plan updated or created (null: none yet).")
    version: int | None = Field(
        default=None, description="The version the file was compared with (null: a new plan)."
    )
    fields: list[FieldChange] = []


class PlanImportResult(CamelModel):
    """The answer of an import: the changes, and whether they were applied (not on a dry run)."""

    dry_run: bool
    changes: list[PlanChange]
    plan: RecoveryPlan | None = Field(default=None, description="The plan as stored after an applied import.")


def plan_file_json_schema() -> dict[str, JsonValue]:
    """The JSON Schema of a plan file (draft 2020-12), generated from :class:`RecoveryPlanFile`."""
    schema: dict[str, JsonValue] = RecoveryPlanFile.model_json_schema(by_alias=True, mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "DRS Orchestration recovery plan file",
        **{key: value for key, value in schema.items() if key != "title"},
    }


if __name__ == "__main__":
    import json
    import sys

    sys.stdout.write(json.dumps(plan_file_json_schema(), indent=2, sort_keys=True) + "\n")
