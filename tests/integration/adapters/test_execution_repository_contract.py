"""The execution repository's contract, run against the in-memory adapter and the DynamoDB one under
moto: a run as many small items, headers listed newest first, versions, events and batches."""

from __future__ import annotations

import pytest

from drs_orchestration.domain.errors import Conflict, NotFound, StaleVersion, ValidationFailed
from drs_orchestration.domain.models.execution import (
    BatchStatus,
    EventType,
    ExecutionEvent,
    ExecutionStatus,
    LaunchBatch,
    ServerState,
    WaveState,
    WaveStatus,
)
from drs_orchestration.domain.ports import iterate_pages
from tests.integration.adapters.contract import NOW, Repositories, header, sid


def _waves(execution_id: str, *wave_ids: str) -> list[WaveState]:
    return [
        WaveState(execution_id=execution_id, wave_id=wave_id, name=wave_id.title(), position=position)
        for position, wave_id in enumerate(wave_ids)
    ]


def _server(execution_id: str, wave_id: str, n: int, **fields: object) -> ServerState:
    return ServerState(execution_id=execution_id, wave_id=wave_id, source_server_id=sid(n), **fields)


def _event(execution_id: str, event_id: str, message: str = "") -> ExecutionEvent:
    return ExecutionEvent(
        execution_id=execution_id, event_id=event_id, at=NOW, type=EventType.JOB_LOG, message=message
    )


def test_a_run_is_stored_as_waves_in_plan_order_and_servers_by_wave_when_created(
    repositories: Repositories,
) -> None:
    executions = repositories.executions
    servers = [_server("ex-1", "db", n) for n in (3, 1, 2)] + [_server("ex-1", "app", n) for n in (9, 8)]
    executions.create(header("ex-1"), _waves("ex-1", "db", "app"), servers)

    assert executions.get_header("ex-1") == header("ex-1")
    assert [w.wave_id for w in executions.get_waves("ex-1")] == ["db", "app"]
    assert [s.source_server_id for s in executions.get_servers("ex-1", "db")] == [sid(1), sid(2), sid(3)]
    assert [(s.wave_id, s.source_server_id) for s in executions.get_servers("ex-1")] == [
        ("app", sid(8)),
        ("app", sid(9)),
        ("db", sid(1)),
        ("db", sid(2)),
        ("db", sid(3)),
    ]
    with pytest.raises(Conflict):
        executions.create(header("ex-1"), [], [])


@pytest.mark.parametrize(
    ("waves", "servers", "complaint"),
    [
        (_waves("ex-2", "db"), [], "another execution"),
        ([], [_server("ex-2", "db", 1)], "another execution"),
        ([], [_server("ex-1", "db", 1), _server("ex-1", "db", 1)], "server is listed twice"),
        (_waves("ex-1", "db") * 2, [], "wave is listed twice"),
    ],
    ids=["wave-of-another-run", "server-of-another-run", "server-twice", "wave-twice"],
)
def test_create_writes_nothing_when_the_runs_items_are_inconsistent(
    repositories: Repositories, waves: list[WaveState], servers: list[ServerState], complaint: str
) -> None:
    with pytest.raises(ValueError, match=complaint):
        repositories.executions.create(header("ex-1"), waves, servers)
    with pytest.raises(NotFound):
        repositories.executions.get_header("ex-1")
    assert repositories.executions.get_waves("ex-2") == []
    assert repositories.executions.get_servers("ex-2") == []


def test_reading_an_unknown_run_finds_no_header_and_no_items(repositories: Repositories) -> None:
    executions = repositories.executions
    with pytest.raises(NotFound):
        executions.get_header("ex-404")
    assert executions.get_waves("ex-404") == []
    assert executions.get_servers("ex-404") == []
    assert executions.get_batches("ex-404") == []
    assert executions.list_events("ex-404").items == []


def test_each_item_changes_on_its_own_and_stale_versions_are_refused(repositories: Repositories) -> None:
    executions = repositories.executions
    (wave,) = _waves("ex-1", "db")
    executions.create(header("ex-1"), [wave], [_server("ex-1", "db", n) for n in (1, 2)])

    launching = executions.update_wave(wave.model_copy(update={"status": WaveStatus.LAUNCHING}), 1)
    executions.put_servers([_server("ex-1", "db", 1, job_id="drsjob-1")])
    running = executions.update_header(header("ex-1", status=ExecutionStatus.RUNNING), 1)

    assert (launching.version, running.version) == (2, 2)
    assert executions.get_waves("ex-1") == [launching]
    assert {s.source_server_id: s.job_id for s in executions.get_servers("ex-1")} == {
        sid(1): "drsjob-1",
        sid(2): None,
    }
    assert executions.get_header("ex-1") == running
    with pytest.raises(StaleVersion) as stale:
        executions.update_wave(wave, 1)
    assert stale.value.current_version == 2
    with pytest.raises(StaleVersion):
        executions.update_header(header("ex-1"), 1)
    with pytest.raises(NotFound):
        executions.update_header(header("ex-404"), 1)
    assert executions.get_header("ex-1") == running


def test_headers_list_newest_first_by_plan_and_status_and_active_runs_are_those_not_ended(
    repositories: Repositories,
) -> None:
    executions = repositories.executions
    statuses = [ExecutionStatus.SUCCEEDED, ExecutionStatus.RUNNING, ExecutionStatus.WAITING_APPROVAL]
    for n, status in enumerate(statuses):
        executions.create(header(f"ex-{n}", minutes=n, status=status), [], [])
    executions.create(header("ex-other", plan_id="rp-b", minutes=10, status=ExecutionStatus.RUNNING), [], [])

    assert [h.id for h in executions.list_headers().items] == ["ex-other", "ex-2", "ex-1", "ex-0"]
    assert [h.id for h in executions.list_headers(plan_id="rp-a").items] == ["ex-2", "ex-1", "ex-0"]
    assert executions.list_headers(plan_id="rp-none").items == []
    succeeded = executions.list_headers(status=[ExecutionStatus.SUCCEEDED])
    assert [h.id for h in succeeded.items] == ["ex-0"]
    assert [h.id for h in executions.list_active()] == ["ex-other", "ex-2", "ex-1"]
    assert [h.id for h in executions.list_active("rp-a")] == ["ex-2", "ex-1"]

    ended = executions.get_header("ex-2").model_copy(update={"status": ExecutionStatus.CANCELLED})
    executions.update_header(ended, 1)
    assert [h.id for h in executions.list_active("rp-a")] == ["ex-1"]


def test_header_pages_cover_every_run_once_and_a_token_of_another_plan_is_invalid(
    repositories: Repositories,
) -> None:
    executions = repositories.executions
    for n in range(5):
        executions.create(header(f"ex-{n}", minutes=n), [], [])
    executions.create(header("ex-b", plan_id="rp-b"), [], [])
    listed = iterate_pages(lambda token: executions.list_headers(plan_id="rp-a", limit=2, next_token=token))
    assert [h.id for h in listed] == ["ex-4", "ex-3", "ex-2", "ex-1", "ex-0"]
    first = executions.list_headers(plan_id="rp-a", limit=2)
    with pytest.raises(ValidationFailed):
        executions.list_headers(plan_id="rp-b", limit=2, next_token=first.next_token)


def test_events_page_oldest_first_and_a_second_event_of_the_same_id_is_a_conflict(
    repositories: Repositories,
) -> None:
    executions = repositories.executions
    executions.create(header("ex-e"), [], [])
    executions.create(header("ex-other"), [], [])
    for n in (2, 0, 4, 1, 3):
        executions.append_event(_event("ex-e", f"{n:04d}", str(n)))

    first = executions.list_events("ex-e", limit=3)
    second = executions.list_events("ex-e", limit=3, next_token=first.next_token)
    assert [e.message for e in first.items + second.items] == ["0", "1", "2", "3", "4"]
    assert second.next_token is None
    with pytest.raises(ValidationFailed):
        executions.list_events("ex-other", limit=3, next_token=first.next_token)
    with pytest.raises(Conflict):
        executions.append_event(_event("ex-e", "0001", "again"))
    assert executions.list_events("ex-e").items[1].message == "1"


def test_events_after_an_event_id_are_only_the_later_ones_and_page_from_there(
    repositories: Repositories,
) -> None:
    executions = repositories.executions
    executions.create(header("ex-e"), [], [])
    executions.create(header("ex-f"), [], [])
    for n in (2, 0, 4, 1, 3, 5):
        executions.append_event(_event("ex-e", f"{n:04d}", str(n)))
    executions.append_event(_event("ex-f", "0009", "other run"))

    first = executions.list_events("ex-e", after="0001", limit=2)
    second = executions.list_events("ex-e", after="0001", limit=2, next_token=first.next_token)
    assert [e.message for e in first.items + second.items] == ["2", "3", "4", "5"]
    assert second.next_token is None
    # a cursor between two ids, and one past the newest
    assert [e.message for e in executions.list_events("ex-e", after="0003x").items] == ["4", "5"]
    assert executions.list_events("ex-e", after="0005").items == []


def test_launch_batches_are_kept_per_run_by_id_and_replaced_when_written_again(
    repositories: Repositories,
) -> None:
    executions = repositories.executions
    executions.create(header("ex-1"), [], [])
    executions.create(header("ex-2"), [], [])
    batches = [
        LaunchBatch(
            execution_id="ex-1",
            batch_id=f"db-{n}",
            wave_id="db",
            source_server_ids=[sid(n)],
            requested_at=NOW,
        )
        for n in (2, 1)
    ]
    for batch in batches:
        executions.put_batch(batch)
    started = batches[0].model_copy(update={"status": BatchStatus.STARTED, "job_id": "drsjob-1"})
    executions.put_batch(started)

    assert executions.get_batches("ex-1") == [batches[1], started]
    assert executions.get_batches("ex-2") == []
