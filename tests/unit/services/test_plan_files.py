"""Plans as code against the in-memory repositories: the file model mirrors the plan's, its schema is the
committed one, the diff names each field, and an import never overwrites a plan changed after it read it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from drs_orchestration.adapters.memory import (
    InMemoryAccountRepository,
    InMemoryAuditRepository,
    InMemoryExecutionRepository,
    InMemoryProtectionGroupRepository,
    InMemoryRecoveryPlanRepository,
)
from drs_orchestration.adapters.memory.drs import InMemoryDrs
from drs_orchestration.domain.errors import StaleVersion, ValidationFailed
from drs_orchestration.domain.models.plan_file import (
    ChangeAction,
    FieldChange,
    RecoveryPlanFile,
    WaveFile,
    plan_file_json_schema,
)
from drs_orchestration.domain.models.recovery_plan import RecoveryPlan, Wave
from drs_orchestration.domain.ports import DEFAULT_PAGE_SIZE, Page
from drs_orchestration.domain.services.context import Request, Services
from drs_orchestration.domain.services.plan_files import (
    ImportOptions,
    diff_documents,
    export_plan_file,
    import_plan_file,
)
from tests.unit.domain.builders import ACCOUNT, T0, group, plan, server_id, wave

SCHEMA_FILE = Path(__file__).resolve().parents[3] / "cfn" / "schemas" / "recovery-plan-file.schema.json"
REQUEST = Request(actor="admin", now=T0)


class PlansChangedAfterListing(InMemoryRecoveryPlanRepository):
    """Another writer updates every plan right after the import lists them (once)."""

    changed = False

    def list(self, *, limit: int = DEFAULT_PAGE_SIZE, next_token: str | None = None) -> Page[RecoveryPlan]:
        page = super().list(limit=limit, next_token=next_token)
        if not self.changed:
            self.changed = True
            for item in page.items:
                self.update(item.model_copy(update={"description": "theirs"}), item.version)
        return page


def services(plans: InMemoryRecoveryPlanRepository | None = None) -> Services:
    groups = InMemoryProtectionGroupRepository()
    groups.create(group("pg-db", name="shop-db", source_server_ids=[server_id(1)]))
    groups.create(group("pg-web", name="shop-web", source_server_ids=[server_id(2)]))
    plans = plans or InMemoryRecoveryPlanRepository()
    plans.create(plan(wave("db"), wave("web", "db", optional_server_ids=[server_id(2)])))
    return Services(
        groups=groups,
        plans=plans,
        executions=InMemoryExecutionRepository(),
        accounts=InMemoryAccountRepository(),
        audit=InMemoryAuditRepository(),
        drs=InMemoryDrs(),
        runner=None,
        home_account_id=ACCOUNT,
    )


def _field(model: type[Any], name: str) -> tuple[Any, ...]:
    info = model.model_fields[name]
    return (info.annotation, info.metadata, info.default, info.default_factory, info.is_required())


def test_a_wave_of_the_file_says_what_a_plans_wave_says_with_groups_by_name() -> None:
    plan_fields = set(Wave.model_fields) - {"protection_group_ids"}

    assert set(WaveFile.model_fields) - {"protection_groups"} == plan_fields
    for name in plan_fields:
        assert _field(WaveFile, name) == _field(Wave, name), name
    assert (
        WaveFile.model_fields["protection_groups"].metadata
        == Wave.model_fields["protection_group_ids"].metadata
    )


def test_the_committed_schema_is_the_one_generated_from_the_model() -> None:
    committed = json.loads(SCHEMA_FILE.read_text())

    assert committed == plan_file_json_schema(), (
        "regenerate it: python -m drs_orchestration.domain.models.plan_file > " + str(SCHEMA_FILE)
    )


def test_an_exported_file_is_valid_under_the_schema_and_a_wrong_format_version_is_not() -> None:
    document = export_plan_file(services(), "rp-shop").to_document()
    validator = jsonschema.Draft202012Validator(plan_file_json_schema())

    validator.validate(document)
    assert not validator.is_valid(document | {"formatVersion": 2})
    assert not validator.is_valid(document | {"id": "rp-shop"})


def test_export_names_each_group_and_reads_back_to_the_same_file() -> None:
    exported = export_plan_file(services(), "rp-shop")

    assert [wave.protection_groups for wave in exported.waves] == [["shop-db"], ["shop-web"]]
    assert RecoveryPlanFile.model_validate(exported.to_document()) == exported


def test_diff_names_each_changed_leaf_and_what_was_added_or_removed() -> None:
    before = {"a": 1, "waves": [{"id": "x", "groups": ["g"]}], "gone": True}
    after = {"a": 2, "waves": [{"id": "x", "groups": ["g", "h"]}, {"id": "y"}], "new": None}

    assert diff_documents(before, after) == [
        FieldChange(path="a", before=1, after=2),
        FieldChange(path="waves[0].groups[1]", before=None, after="h"),
        FieldChange(path="waves[1]", before=None, after={"id": "y"}),
        FieldChange(path="gone", before=True, after=None),
    ]
    assert diff_documents(before, before) == []


def test_an_update_is_refused_when_the_plan_changed_after_the_import_compared_it() -> None:
    ports = services(PlansChangedAfterListing())
    document = export_plan_file(ports, "rp-shop").to_document() | {"rtoTargetMinutes": 15}

    with pytest.raises(StaleVersion) as refused:
        import_plan_file(ports, REQUEST, document, ImportOptions())

    assert refused.value.current_version == 2
    stored = ports.plans.get("rp-shop")
    assert (stored.rto_target_minutes, stored.description) == (60, "theirs")


def test_a_dry_run_reports_the_version_it_compared_and_writes_nothing() -> None:
    ports = services()
    document = export_plan_file(ports, "rp-shop").to_document() | {"rtoTargetMinutes": 15}

    result = import_plan_file(ports, REQUEST, document, ImportOptions(dry_run=True))

    [change] = result.changes
    assert (change.action, change.plan_id, change.version) == (ChangeAction.UPDATE, "rp-shop", 1)
    assert change.fields == [FieldChange(path="rtoTargetMinutes", before=60, after=15)]
    assert ports.plans.get("rp-shop").version == 1


def test_an_unknown_name_hides_only_its_own_problems_not_those_of_a_later_index() -> None:
    ports = services()
    names = ["shop-db", "nope", *["shop-db"] * 8, "shop-web"]  # [1] unknown, [10] already in wave b

    with pytest.raises(ValidationFailed) as refused:
        import_plan_file(
            ports,
            REQUEST,
            {
                "formatVersion": 1,
                "name": "x",
                "rtoTargetMinutes": 5,
                "waves": [
                    {"id": "b", "name": "B", "protectionGroups": ["shop-web"]},
                    {"id": "a", "name": "A", "protectionGroups": names},
                ],
            },
            ImportOptions(dry_run=True),
        )

    assert [(field.name, field.message) for field in refused.value.fields] == [
        ("waves[1].protectionGroups[1]", "unknown protection group 'nope'"),
        ("waves[1].protectionGroups[10]", "protection group pg-web is already in wave 'b'"),
    ]
