"""Models speak the canonical camelCase JSON, round-trip losslessly and reject bad input by field."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from drs_orchestration.domain.errors import ValidationFailed
from drs_orchestration.domain.models import (
    AuditRecord,
    DrsJob,
    JobLogItem,
    LastLaunch,
    LaunchBatch,
    ParticipatingServer,
    ProtectionGroupInput,
    RecoveryInstance,
    RecoveryPlan,
    RecoveryPlanInput,
    ServerState,
    SourceServer,
    StartExecutionRequest,
    WaveState,
)
from drs_orchestration.domain.models.base import CamelModel
from drs_orchestration.domain.models.execution import ExecutionEvent
from drs_orchestration.domain.ports import Page
from tests.unit.domain.builders import T0, group, header, plan, server_id, target_account, wave
from tests.unit.domain.strategies import events, plans, server_states, wave_states

ACTIONS: list[dict[str, Any]] = [
    {
        "type": "SSM_AUTOMATION",
        "name": "Fail over DNS",
        "documentName": "AWS-UpdateRoute53",
        "parameters": {},
    },
    {
        "type": "SSM_RUN_COMMAND",
        "name": "Warm cache",
        "documentName": "AWS-RunShellScript",
        "parameters": {"commands": ["echo ok"]},
    },
    {
        "type": "LAMBDA",
        "name": "Notify",
        "functionArn": "arn:aws:lambda:us-east-1:111122223333:function:notify",
        "payload": {"plan": "shop", "n": 1},
    },
    {"type": "APPROVAL", "name": "Go?", "message": "Proceed to the app tier?", "approverGroup": "Operators"},
    {"type": "WAIT", "name": "Settle", "seconds": 30},
]


def _keys(
    value: Any, skip: frozenset[str] = frozenset({"tags", "parameters", "payload", "details"})
) -> set[str]:
    """Every object key in a JSON document, not looking inside user-keyed maps."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            found.add(key)
            if key not in skip:
                found |= _keys(item, skip)
    elif isinstance(value, list):
        for item in value:
            found |= _keys(item, skip)
    return found


def _full_plan() -> RecoveryPlan:
    return plan(
        wave("network"),
        wave(
            "db",
            "network",
            pre_actions=ACTIONS[:3],
            post_actions=ACTIONS[3:],
            health_check={"document_name": "DRS-HealthCheck", "parameters": {"Port": "5432"}},
            optional_server_ids=[server_id(2)],
            pause_before=True,
        ),
        drill_ttl_hours=8,
    )


EXAMPLES: list[BaseModel] = [
    group("pg-web", tag_selector={"Application": ["shop"], "Tier": ["web", "api"]}),
    _full_plan(),
    header("ex-1", _full_plan(), started_at=T0, drill_expires_at=T0 + timedelta(hours=8)),
    WaveState(
        execution_id="ex-1",
        wave_id="db",
        name="Db",
        position=1,
        status="SKIPPED",
        reason="dependency 'network' failed",
        skip_cause="DEPENDENCY",
    ),
    ServerState(
        execution_id="ex-1",
        wave_id="db",
        source_server_id=server_id(1),
        job_id="drsjob-1",
        launch_status="LAUNCHED",
        launched_at=T0,
    ),
    LaunchBatch(
        execution_id="ex-1", batch_id="db-1", wave_id="db", source_server_ids=[server_id(1)], requested_at=T0
    ),
    ExecutionEvent(
        execution_id="ex-1",
        event_id="0001",
        at=T0,
        type="JOB_STARTED",
        message="job started",
        details={"jobId": "drsjob-1"},
    ),
    StartExecutionRequest(plan_id="rp-shop", mode="RECOVERY", confirm_plan_name="shop-dr"),
    target_account(),
    AuditRecord(
        id="au-1",
        at=T0,
        actor="admin",
        action="StartExecution",
        resource_type="Execution",
        resource_id="ex-1",
    ),
    SourceServer(
        source_server_id=server_id(1),
        hostname="db1",
        tags={"Tier": "db"},
        replication_state="CONTINUOUS",
        lag_seconds=3,
        last_launch=LastLaunch(launch_type="DRILL", status="LAUNCHED", initiated_at=T0),
        last_seen_at=T0,
    ),
    DrsJob(
        job_id="drsjob-1",
        status="STARTED",
        is_drill=True,
        created_at=T0,
        participating_servers=[
            ParticipatingServer(source_server_id=server_id(1), launch_status="IN_PROGRESS")
        ],
    ),
    JobLogItem(job_id="drsjob-1", event="LAUNCH_START", at=T0, source_server_id=server_id(1)),
    RecoveryInstance(
        recovery_instance_id="i-0123456789abcdef0", source_server_id=server_id(1), is_drill=True
    ),
]


@pytest.mark.parametrize("model", EXAMPLES, ids=lambda m: type(m).__name__)
def test_json_round_trip_is_lossless_and_camel_case_when_dumped(model: BaseModel) -> None:
    # Given a model, When it is dumped to JSON and parsed back
    document = model.model_dump(mode="json")
    again = type(model).model_validate_json(model.model_dump_json())
    # Then nothing is lost and every key is camelCase
    assert again == model
    assert type(model).model_validate(document) == model
    assert all("_" not in key for key in _keys(document)), sorted(k for k in _keys(document) if "_" in k)


def test_protection_group_dumps_the_canonical_shape() -> None:
    document = group("pg-web", tag_selector={"Application": ["shop"]}).to_json()
    assert set(document) == {
        "id",
        "name",
        "description",
        "accountId",
        "region",
        "sourceServerIds",
        "tagSelector",
        "version",
        "createdAt",
        "createdBy",
        "updatedAt",
        "updatedBy",
    }
    assert document["createdAt"] == "2026-01-01T12:00:00Z"


def test_timestamps_are_normalised_to_utc_when_given_an_offset() -> None:
    plus_two = datetime(2026, 1, 1, 14, 0, tzinfo=timezone(timedelta(hours=2)))
    assert group(created_at=plus_two).to_json()["createdAt"] == "2026-01-01T12:00:00Z"


def test_naive_timestamp_is_rejected_when_no_zone_is_given() -> None:
    with pytest.raises(ValidationError):
        group(created_at=datetime(2026, 1, 1))  # noqa: DTZ001


def _errors(model: type[BaseModel], document: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(document)
    return {item.name: item.message for item in ValidationFailed.from_pydantic(caught.value).fields}


def test_protection_group_needs_ids_or_selector_when_both_are_missing() -> None:
    errors = _errors(
        ProtectionGroupInput, {"name": "web", "accountId": "111122223333", "region": "us-east-1"}
    )
    assert errors == {"body": "give sourceServerIds, a tagSelector, or both"}


@pytest.mark.parametrize(
    ("field", "value", "path"),
    [
        ("accountId", "1234", "accountId"),
        ("region", "Mars", "region"),
        ("sourceServerIds", ["s-123"], "sourceServerIds[0]"),
        ("tagSelector", {"Tier": []}, "tagSelector.Tier"),
        ("surprise", 1, "surprise"),
    ],
)
def test_protection_group_names_the_field_when_it_is_invalid(field: str, value: Any, path: str) -> None:
    document = {
        "name": "web",
        "accountId": "111122223333",
        "region": "us-east-1",
        "sourceServerIds": [server_id(1)],
    }
    errors = _errors(ProtectionGroupInput, {**document, field: value})
    assert path in errors


def test_pattern_mismatch_says_what_the_value_should_look_like() -> None:
    document = {"name": "web", "accountId": "1234", "region": "us-east-1", "sourceServerIds": ["s-1"]}
    assert _errors(ProtectionGroupInput, document) == {
        "accountId": "must be a 12-digit AWS account id",
        "sourceServerIds[0]": "must be a DRS source server id: s- and 17 letters or digits",
    }


def test_protection_group_rejects_server_listed_twice() -> None:
    document = {
        "name": "w",
        "accountId": "111122223333",
        "region": "us-east-1",
        "sourceServerIds": [server_id(1)] * 2,
    }
    assert "more than once" in _errors(ProtectionGroupInput, document)["body"]


def test_recovery_needs_plan_name_confirmation_when_mode_is_recovery() -> None:
    errors = _errors(StartExecutionRequest, {"planId": "rp-shop", "mode": "RECOVERY"})
    assert "confirmPlanName" in errors["body"]
    assert (
        StartExecutionRequest.model_validate({"planId": "rp-shop", "mode": "DRILL"}).confirm_plan_name is None
    )


def test_actions_parse_by_type_and_take_a_lone_ssm_value_as_a_list() -> None:
    parsed = plan(
        wave(
            "db",
            post_actions=[
                *ACTIONS,
                {
                    "type": "SSM_RUN_COMMAND",
                    "name": "x",
                    "documentName": "AWS-RunShellScript",
                    "parameters": {"commands": "uptime"},
                },
            ],
        )
    )
    kinds = [type(action).__name__ for action in parsed.waves[0].post_actions]
    assert kinds == [
        "SsmAutomationAction",
        "SsmRunCommandAction",
        "LambdaAction",
        "ApprovalAction",
        "WaitAction",
        "SsmRunCommandAction",
    ]
    assert parsed.waves[0].post_actions[-1].model_dump()["parameters"] == {"commands": ["uptime"]}


@pytest.mark.parametrize(
    ("action", "path", "fragment"),
    [
        (
            {"type": "REBOOT", "name": "x"},
            "waves[0].postActions[0]",
            "does not match any of the expected tags",
        ),
        (
            {"type": "WAIT", "name": "x", "seconds": 90, "timeoutSeconds": 60},
            "waves[0].postActions[0].timeoutSeconds",
            "shorter than the wait itself",
        ),
        (
            {"type": "LAMBDA", "name": "x", "functionArn": "arn:aws:lambda:us-east-1:1:function:f"},
            "waves[0].postActions[0].functionArn",
            "must be a Lambda function ARN",
        ),
        (
            {
                "type": "LAMBDA",
                "name": "x",
                "functionArn": "arn:aws:lambda:us-east-1:111122223333:function:f",
                "payload": {"blob": "x" * 40_000},
            },
            "waves[0].postActions[0].payload",
            "bytes",
        ),
        (
            {
                "type": "LAMBDA",
                "name": "x",
                "functionArn": "arn:aws:lambda:us-east-1:111122223333:function:f",
                "timeoutSeconds": 901,
            },
            "waves[0].postActions[0].timeoutSeconds",
            "less than or equal to 900",
        ),
        ({"type": "APPROVAL", "name": "x", "message": ""}, "waves[0].postActions[0].message", "at least 1"),
        (
            {"type": "SSM_AUTOMATION", "name": "x", "documentName": "AWS-X", "parameters": {"a b": ["1"]}},
            "waves[0].postActions[0].parameters.a b",
            "must be a parameter name",
        ),
        (
            {
                "type": "SSM_RUN_COMMAND",
                "name": "x",
                "documentName": "AWS-RunShellScript",
                "onFailure": "IGNORE",
            },
            "waves[0].postActions[0].onFailure",
            "FAIL",
        ),
    ],
)
def test_malformed_action_is_named_by_path_when_plan_is_parsed(
    action: dict[str, Any], path: str, fragment: str
) -> None:
    document = {
        "name": "p",
        "rtoTargetMinutes": 60,
        "waves": [{"id": "db", "name": "Db", "protectionGroupIds": ["pg-db"], "postActions": [action]}],
    }
    errors = _errors(RecoveryPlanInput, document)
    assert path in errors, errors
    assert fragment in errors[path]


def test_skipped_wave_needs_reason_and_cause() -> None:
    with pytest.raises(ValidationError):
        WaveState(execution_id="ex-1", wave_id="db", name="Db", position=0, status="SKIPPED")


def test_page_omits_next_token_only_on_last_page() -> None:
    assert Page[int](items=[1]).to_json() == {"items": [1]}
    assert Page[int](items=[1], next_token="t").to_json() == {"items": [1], "nextToken": "t"}


tag_keys = st.text(st.sampled_from("abcXYZ-"), min_size=1, max_size=6)
tag_values = st.text(st.sampled_from("abc123 "), max_size=5)


@settings(max_examples=60)
@given(
    selector=st.dictionaries(tag_keys, st.lists(tag_values, min_size=1, max_size=3), min_size=1, max_size=3),
    ids=st.lists(st.integers(0, 10**6).map(server_id), max_size=5, unique=True),
    name=st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=20).filter(
        lambda s: s.strip()
    ),
    minutes=st.integers(0, 10**6),
)
def test_protection_group_round_trips_when_fields_vary(
    selector: dict[str, list[str]], ids: list[str], name: str, minutes: int
) -> None:
    at = datetime(2020, 1, 1, tzinfo=UTC) + timedelta(minutes=minutes)
    original = group("pg-x", name=name, tag_selector=selector, source_server_ids=ids, updated_at=at)
    assert type(original).model_validate_json(original.model_dump_json()) == original
    assert type(original).model_validate(original.to_json()) == original


def test_plan_lists_each_protection_group_once_in_plan_order() -> None:
    parsed = plan(wave("db", groups=("pg-b", "pg-a")), wave("app", groups=("pg-a", "pg-c")))
    assert parsed.protection_group_ids() == ["pg-b", "pg-a", "pg-c"]


def test_job_is_active_until_completed_and_execution_terminal_once_ended() -> None:
    assert DrsJob(job_id="j", status="PENDING").is_active
    assert not DrsJob(job_id="j", status="COMPLETED").is_active
    assert not header(status="PAUSED").is_terminal
    assert header(status="PARTIAL").is_terminal


@settings(max_examples=40)
@given(st.one_of(plans(), wave_states, server_states, events))
def test_generated_models_round_trip_through_camel_case_json(model: BaseModel) -> None:
    document = model.to_json() if isinstance(model, CamelModel) else {}
    assert type(model).model_validate(document) == model
    assert type(model).model_validate_json(model.model_dump_json()) == model
    assert all("_" not in key for key in _keys(document))
