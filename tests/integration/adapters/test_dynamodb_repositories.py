"""The DynamoDB repositories against moto: conditional writes, transactions, cursors, small items."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from drs_orchestration.adapters.dynamodb.dynamodb_audit_repository import DynamoDBAuditRepository
from drs_orchestration.adapters.dynamodb.dynamodb_execution_repository import DynamoDBExecutionRepository
from drs_orchestration.adapters.dynamodb.dynamodb_protection_group_repository import (
    DynamoDBProtectionGroupRepository,
)
from drs_orchestration.adapters.dynamodb.dynamodb_recovery_plan_repository import (
    DynamoDBRecoveryPlanRepository,
)
from drs_orchestration.domain.errors import Conflict, NotFound, StaleVersion, ValidationFailed
from drs_orchestration.domain.models.audit import AuditRecord
from drs_orchestration.domain.models.execution import (
    ExecutionEvent,
    ExecutionHeader,
    ExecutionMode,
    ExecutionStatus,
    LaunchBatch,
    ServerState,
    WaveState,
)
from drs_orchestration.domain.models.protection_group import ProtectionGroup
from drs_orchestration.domain.models.recovery_plan import RecoveryPlan
from tests.integration.adapters.conftest import HOME, REGION, sid

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
STAMPS = {"created_at": NOW, "created_by": "t", "updated_at": NOW, "updated_by": "t"}


def group(n: int, *, account: str = HOME, region: str = REGION) -> ProtectionGroup:
    return ProtectionGroup(
        id=f"pg-{n:03d}",
        name=f"group {n:03d}",
        account_id=account,
        region=region,
        source_server_ids=[sid(n)],
        **STAMPS,
    )


def plan(plan_id: str, *group_ids: str) -> RecoveryPlan:
    return RecoveryPlan.model_validate(
        {
            "id": plan_id,
            "name": plan_id,
            "rtoTargetMinutes": 30,
            "waves": [{"id": "w", "name": "W", "protectionGroupIds": list(group_ids)}],
            "createdAt": NOW,
            "createdBy": "t",
            "updatedAt": NOW,
            "updatedBy": "t",
        }
    )


@pytest.fixture
def repos(dynamodb: Any, tables: dict[str, str]) -> dict[str, Any]:
    return {
        "groups": DynamoDBProtectionGroupRepository(dynamodb, tables["PROTECTION_GROUPS_TABLE"]),
        "plans": DynamoDBRecoveryPlanRepository(
            dynamodb, tables["RECOVERY_PLANS_TABLE"], tables["PROTECTION_GROUPS_TABLE"]
        ),
        "executions": DynamoDBExecutionRepository(dynamodb, tables["EXECUTIONS_TABLE"]),
        "audit": DynamoDBAuditRepository(dynamodb, tables["AUDIT_TABLE"]),
    }


def test_plan_write_is_refused_whole_when_a_named_group_does_not_exist(repos: dict[str, Any]) -> None:
    repos["groups"].create(group(1))
    with pytest.raises(Conflict, match="pg-404"):
        repos["plans"].create(plan("rp-a", "pg-001", "pg-404"))
    with pytest.raises(NotFound):
        repos["plans"].get("rp-a")
    repos["groups"].delete("pg-001")  # nothing marked it used


def test_group_cannot_be_deleted_while_a_stored_plan_names_it(repos: dict[str, Any]) -> None:
    repos["groups"].create(group(1))
    repos["groups"].create(group(2))
    repos["plans"].create(plan("rp-a", "pg-001"))
    with pytest.raises(Conflict, match="rp-a"):
        repos["groups"].delete("pg-001", 1)
    repos["plans"].update(plan("rp-a", "pg-002"), 1)
    repos["groups"].delete("pg-001", 1)
    with pytest.raises(Conflict):
        repos["groups"].delete("pg-002")
    repos["plans"].delete("rp-a", 2)
    repos["groups"].delete("pg-002")


def test_group_edit_keeps_the_plan_usage_and_bumps_the_version(repos: dict[str, Any]) -> None:
    repos["groups"].create(group(1))
    repos["plans"].create(plan("rp-a", "pg-001"))
    stored = repos["groups"].update(group(1).model_copy(update={"description": "edited"}), 1)
    assert stored.version == 2
    with pytest.raises(StaleVersion) as stale:
        repos["groups"].update(group(1), 1)
    assert stale.value.current_version == 2
    with pytest.raises(Conflict):
        repos["groups"].delete("pg-001")


def test_listing_token_from_another_scope_is_rejected_as_invalid_input(repos: dict[str, Any]) -> None:
    for n in range(3):
        repos["groups"].create(group(n))
    repos["groups"].create(group(9, region="us-west-2"))
    page = repos["groups"].list(limit=2, account_id=HOME, region=REGION)
    assert [g.id for g in page.items] == ["pg-000", "pg-001"]
    rest = repos["groups"].list(limit=2, account_id=HOME, region=REGION, next_token=page.next_token)
    assert [g.id for g in rest.items] == ["pg-002"]
    assert rest.next_token is None
    with pytest.raises(ValidationFailed):
        repos["groups"].list(limit=2, account_id=HOME, region="us-west-2", next_token=page.next_token)
    with pytest.raises(ValidationFailed):
        repos["groups"].list(next_token="!!not base64!!")


def _execution(execution_id: str, plan_id: str, at: datetime) -> ExecutionHeader:
    return ExecutionHeader(
        id=execution_id,
        plan_id=plan_id,
        plan_version=1,
        plan_name=plan_id,
        mode=ExecutionMode.DRILL,
        created_at=at,
        started_by="t",
        plan_snapshot=plan(plan_id, "pg-001"),
    )


def test_execution_is_stored_as_small_items_and_listed_newest_first(repos: dict[str, Any]) -> None:
    executions = repos["executions"]
    for n in range(3):
        header = _execution(f"ex-{n}", "rp-a", NOW + timedelta(minutes=n))
        waves = [
            WaveState(execution_id=header.id, wave_id=w, name=w, position=p)
            for p, w in enumerate(("db", "app"))
        ]
        servers = [
            ServerState(execution_id=header.id, wave_id="db", source_server_id=sid(k)) for k in range(30)
        ]
        executions.create(header, waves, servers)
    with pytest.raises(Conflict):
        executions.create(_execution("ex-0", "rp-a", NOW), [], [])
    assert [w.wave_id for w in executions.get_waves("ex-1")] == ["db", "app"]
    assert len(executions.get_servers("ex-1", "db")) == 30
    assert [h.id for h in executions.list_headers(plan_id="rp-a").items] == ["ex-2", "ex-1", "ex-0"]
    done = executions.get_header("ex-2").model_copy(update={"status": ExecutionStatus.SUCCEEDED})
    executions.update_header(done, 1)
    assert [h.id for h in executions.list_active("rp-a")] == ["ex-1", "ex-0"]
    assert [h.id for h in executions.list_headers(status=[ExecutionStatus.SUCCEEDED]).items] == ["ex-2"]
    with pytest.raises(StaleVersion):
        executions.update_header(done, 1)


def test_events_page_oldest_first_and_batches_round_trip(repos: dict[str, Any]) -> None:
    executions = repos["executions"]
    executions.create(_execution("ex-e", "rp-a", NOW), [], [])
    for n in range(5):
        executions.append_event(
            ExecutionEvent(execution_id="ex-e", event_id=f"{n:04d}", at=NOW, type="JOB_LOG", message=str(n))
        )
    first = executions.list_events("ex-e", limit=3)
    second = executions.list_events("ex-e", limit=3, next_token=first.next_token)
    assert [e.message for e in first.items + second.items] == ["0", "1", "2", "3", "4"]
    with pytest.raises(ValidationFailed):
        executions.list_events("ex-other", limit=3, next_token=first.next_token)
    batch = LaunchBatch(
        execution_id="ex-e", batch_id="b1", wave_id="w", source_server_ids=[sid(1)], requested_at=NOW
    )
    executions.put_batch(batch)
    assert executions.get_batches("ex-e") == [batch]


def test_audit_reads_newest_first_and_by_resource(repos: dict[str, Any]) -> None:
    for n in range(4):
        repos["audit"].append(
            AuditRecord(
                id=str(n),
                at=NOW + timedelta(seconds=n),
                actor="t",
                action="Act",
                resource_type="X",
                resource_id="a" if n % 2 else "b",
            )
        )
    assert [r.id for r in repos["audit"].list().items] == ["3", "2", "1", "0"]
    assert [r.id for r in repos["audit"].list(resource_id="a", limit=1).items] == ["3"]
