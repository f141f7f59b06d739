"""The in-memory repositories keep the repository contract: copies, optimistic locking, paging."""

from __future__ import annotations

from datetime import timedelta

import pytest

from drs_orchestration.adapters.memory import (
    InMemoryAccountRepository,
    InMemoryAuditRepository,
    InMemoryExecutionRepository,
    InMemoryProtectionGroupRepository,
    InMemoryRecoveryPlanRepository,
)
from drs_orchestration.domain.errors import Conflict, NotFound, StaleVersion, ValidationFailed
from drs_orchestration.domain.models.audit import AuditRecord
from drs_orchestration.domain.models.execution import (
    BatchStatus,
    ExecutionEvent,
    ExecutionStatus,
    LaunchBatch,
    ServerState,
    WaveState,
    WaveStatus,
)
from drs_orchestration.domain.ports import iterate_pages
from tests.unit.domain.builders import T0, group, header, plan, server_id, target_account, wave


def test_update_bumps_version_when_expected_version_is_current() -> None:
    # Given a stored group at version 1
    repo = InMemoryProtectionGroupRepository()
    repo.create(group("pg-a"))
    # When it is updated against version 1
    stored = repo.update(group("pg-a", description="new"), expected_version=1)
    # Then the stored copy is version 2 with the change
    assert stored.version == 2
    assert repo.get("pg-a").description == "new"


def test_update_raises_stale_version_with_current_version_when_version_is_old() -> None:
    repo = InMemoryProtectionGroupRepository()
    repo.create(group("pg-a"))
    repo.update(group("pg-a", description="first"), expected_version=1)
    with pytest.raises(StaleVersion) as caught:
        repo.update(group("pg-a", description="second"), expected_version=1)
    assert isinstance(caught.value, Conflict)
    assert caught.value.current_version == 2
    assert repo.get("pg-a").description == "first"


def test_create_raises_conflict_when_id_exists() -> None:
    repo = InMemoryProtectionGroupRepository()
    repo.create(group("pg-a"))
    with pytest.raises(Conflict):
        repo.create(group("pg-a", name="other"))


def test_get_and_delete_raise_not_found_when_missing() -> None:
    repo = InMemoryProtectionGroupRepository()
    with pytest.raises(NotFound):
        repo.get("pg-nope")
    with pytest.raises(NotFound):
        repo.delete("pg-nope")


def test_delete_refuses_stale_version_and_keeps_the_item() -> None:
    repo = InMemoryProtectionGroupRepository()
    repo.create(group("pg-a"))
    with pytest.raises(StaleVersion):
        repo.delete("pg-a", expected_version=7)
    repo.delete("pg-a", expected_version=1)
    with pytest.raises(NotFound):
        repo.get("pg-a")


def test_returned_items_are_copies_when_caller_mutates_them() -> None:
    repo = InMemoryProtectionGroupRepository()
    repo.create(group("pg-a"))
    fetched = repo.get("pg-a")
    fetched.source_server_ids.append(server_id(99))
    assert repo.get("pg-a").source_server_ids == [server_id(1)]


def test_list_pages_cover_every_item_once_when_paged() -> None:
    repo = InMemoryProtectionGroupRepository()
    for n in range(7):
        repo.create(group(f"pg-{n}"))
    first = repo.list(limit=3)
    assert len(first.items) == 3
    assert first.next_token is not None
    ids = [g.id for g in iterate_pages(lambda token: repo.list(limit=3, next_token=token))]
    assert ids == [f"pg-{n}" for n in range(7)]
    last = repo.list(limit=10)
    assert last.next_token is None
    assert "nextToken" not in last.to_json()


def test_list_rejects_token_when_it_was_not_issued() -> None:
    repo = InMemoryProtectionGroupRepository()
    repo.create(group("pg-a"))
    with pytest.raises(ValidationFailed) as caught:
        repo.list(next_token="bm90LWEta2V5")
    assert caught.value.fields[0].name == "nextToken"


def test_execution_items_are_stored_apart_when_execution_is_created() -> None:
    # Given an execution with one wave and two servers
    repo = InMemoryExecutionRepository()
    wave_state = WaveState(execution_id="ex-1", wave_id="db", name="Db", position=0)
    servers = [ServerState(execution_id="ex-1", wave_id="db", source_server_id=server_id(n)) for n in (1, 2)]
    repo.create(header("ex-1"), [wave_state], servers)
    # When the engine records progress item by item
    repo.update_wave(wave_state.model_copy(update={"status": WaveStatus.LAUNCHING}), expected_version=1)
    repo.put_servers([servers[0].model_copy(update={"job_id": "drsjob-1"})])
    current = repo.get_header("ex-1")
    repo.update_header(current.model_copy(update={"status": ExecutionStatus.RUNNING}), expected_version=1)
    # Then each item reflects its own change
    assert repo.get_waves("ex-1")[0].status is WaveStatus.LAUNCHING
    assert {s.source_server_id: s.job_id for s in repo.get_servers("ex-1")} == {
        server_id(1): "drsjob-1",
        server_id(2): None,
    }
    assert repo.get_header("ex-1").status is ExecutionStatus.RUNNING
    with pytest.raises(StaleVersion):
        repo.update_wave(wave_state, expected_version=1)


def test_events_list_oldest_first_and_refuse_duplicates() -> None:
    repo = InMemoryExecutionRepository()
    repo.create(header("ex-1"), [], [])
    for n in (2, 0, 1):
        repo.append_event(
            ExecutionEvent(
                execution_id="ex-1",
                event_id=f"{n:04d}",
                at=T0 + timedelta(seconds=n),
                type="WAVE_STATUS_CHANGED",
                message=f"event {n}",
            )
        )
    assert [e.event_id for e in repo.list_events("ex-1").items] == ["0000", "0001", "0002"]
    with pytest.raises(Conflict):
        repo.append_event(
            ExecutionEvent(execution_id="ex-1", event_id="0001", at=T0, type="JOB_LOG", message="again")
        )
    with pytest.raises(NotFound):
        repo.list_events("ex-2")


def test_headers_list_newest_first_filtered_by_plan() -> None:
    repo = InMemoryExecutionRepository()
    repo.create(header("ex-old", created_at=T0), [], [])
    repo.create(header("ex-new", created_at=T0 + timedelta(hours=1)), [], [])
    assert [h.id for h in repo.list_headers().items] == ["ex-new", "ex-old"]
    assert repo.list_headers(plan_id="rp-other").items == []


def test_audit_lists_newest_first_for_one_resource() -> None:
    repo = InMemoryAuditRepository()
    for n, resource in enumerate(["rp-a", "rp-b", "rp-a"]):
        repo.append(
            AuditRecord(
                id=f"au-{n}",
                at=T0 + timedelta(minutes=n),
                actor="admin",
                action="UpdateRecoveryPlan",
                resource_type="RecoveryPlan",
                resource_id=resource,
            )
        )
    assert [r.id for r in repo.list(resource_id="rp-a").items] == ["au-2", "au-0"]


def test_groups_list_filters_by_account_and_region() -> None:
    repo = InMemoryProtectionGroupRepository()
    repo.create(group("pg-east"))
    repo.create(group("pg-west", region="us-west-2"))
    repo.create(group("pg-other", account_id="444455556666"))
    assert [g.id for g in repo.list(region="us-west-2").items] == ["pg-west"]
    assert [g.id for g in repo.list(account_id="111122223333").items] == ["pg-east", "pg-west"]


def test_active_executions_are_those_not_yet_ended() -> None:
    repo = InMemoryExecutionRepository()
    repo.create(header("ex-run", status=ExecutionStatus.RUNNING), [], [])
    repo.create(header("ex-done", status=ExecutionStatus.SUCCEEDED), [], [])
    repo.create(header("ex-wait", status=ExecutionStatus.WAITING_APPROVAL, plan_id="rp-other"), [], [])
    assert sorted(h.id for h in repo.list_active()) == ["ex-run", "ex-wait"]
    assert [h.id for h in repo.list_active(plan_id="rp-other")] == ["ex-wait"]
    assert [h.id for h in repo.list_headers(status=[ExecutionStatus.SUCCEEDED]).items] == ["ex-done"]


def test_launch_batches_are_kept_per_execution() -> None:
    repo = InMemoryExecutionRepository()
    repo.create(header("ex-1"), [], [])
    batch = LaunchBatch(
        execution_id="ex-1", batch_id="db-1", wave_id="db", source_server_ids=[server_id(1)], requested_at=T0
    )
    repo.put_batch(batch)
    repo.put_batch(batch.model_copy(update={"status": BatchStatus.STARTED, "job_id": "drsjob-1"}))
    assert [(b.batch_id, b.status, b.job_id) for b in repo.get_batches("ex-1")] == [
        ("db-1", BatchStatus.STARTED, "drsjob-1")
    ]


def test_execution_create_writes_nothing_when_its_items_are_inconsistent() -> None:
    repo = InMemoryExecutionRepository()
    stray = WaveState(execution_id="ex-2", wave_id="db", name="Db", position=0)
    with pytest.raises(ValueError, match="another execution"):
        repo.create(header("ex-1"), [stray], [])
    twice = ServerState(execution_id="ex-1", wave_id="db", source_server_id=server_id(1))
    with pytest.raises(ValueError, match="listed twice"):
        repo.create(header("ex-1"), [], [twice, twice])
    wave_state = WaveState(execution_id="ex-1", wave_id="db", name="Db", position=0)
    with pytest.raises(Conflict):
        repo.create(header("ex-1"), [wave_state, wave_state], [])
    with pytest.raises(NotFound):
        repo.get_header("ex-1")


@pytest.mark.parametrize(("limit", "token"), [(0, None), (10, "***"), (10, "//8=")])
def test_list_rejects_bad_limit_or_token(limit: int, token: str | None) -> None:
    repo = InMemoryProtectionGroupRepository()
    with pytest.raises(ValidationFailed):
        repo.list(limit=limit, next_token=token)


def test_accounts_and_plans_share_the_versioned_contract() -> None:
    accounts = InMemoryAccountRepository()
    account = target_account()
    accounts.create(account)
    assert accounts.update(account, expected_version=1).version == 2
    plans = InMemoryRecoveryPlanRepository()
    plans.create(plan(wave("db")))
    with pytest.raises(StaleVersion):
        plans.delete("rp-shop", expected_version=2)
