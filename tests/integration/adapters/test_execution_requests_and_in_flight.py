"""Operator requests and in-flight work, the same contract from the DynamoDB and the in-memory adapter:
requests numbered in the order they were stored and read after a cursor, each with its timeline
event (both or neither); a wave's in-flight work round-trips typed (a map attribute in DynamoDB)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from drs_orchestration.adapters.dynamodb.dynamodb_execution_repository import DynamoDBExecutionRepository
from drs_orchestration.adapters.memory.repositories import InMemoryExecutionRepository
from drs_orchestration.domain.errors import Conflict, NotFound
from drs_orchestration.domain.models.drs import DrsTarget
from drs_orchestration.domain.models.execution import EventType, ExecutionEvent, WaveState
from drs_orchestration.domain.models.in_flight import (
    AutomationWork,
    CommandPart,
    InFlight,
    RunCommandWork,
    WaitWork,
)
from drs_orchestration.domain.models.operator_requests import OperatorRequest, RequestType
from drs_orchestration.domain.ports import ExecutionRepository
from tests.integration.adapters.conftest import HOME, REGION, TARGET
from tests.unit.domain.builders import T0, header

HOME_TARGET = DrsTarget(account_id=HOME, region=REGION)


@pytest.fixture(params=["dynamodb", "memory"])
def executions(request: pytest.FixtureRequest) -> ExecutionRepository:
    if request.param == "memory":
        return InMemoryExecutionRepository()
    tables: dict[str, str] = request.getfixturevalue("tables")
    return DynamoDBExecutionRepository(request.getfixturevalue("dynamodb"), tables["EXECUTIONS_TABLE"])


def _run(executions: ExecutionRepository, execution_id: str = "ex-1") -> WaveState:
    wave = WaveState(execution_id=execution_id, wave_id="db", name="Db", position=0)
    executions.create(header(execution_id), [wave], [])
    return wave


def _request(
    n: int, request_type: RequestType = RequestType.PAUSE, execution_id: str = "ex-1"
) -> OperatorRequest:
    return OperatorRequest(
        execution_id=execution_id, type=request_type, at=T0 + timedelta(seconds=n), actor=f"user-{n}"
    )


def _event(event_id: str, execution_id: str = "ex-1") -> ExecutionEvent:
    return ExecutionEvent(
        execution_id=execution_id,
        event_id=event_id,
        at=T0,
        type=EventType.PAUSE_REQUESTED,
        message="pause requested",
        actor="user",
    )


def test_requests_are_numbered_in_order_and_read_after_the_cursor_when_stored(
    executions: ExecutionRepository,
) -> None:
    _run(executions)
    stored = [executions.add_request(_request(n), _event(f"e{n}")) for n in range(3)]

    assert [r.sequence for r in stored] == [1, 2, 3]
    assert [r.event_id for r in stored] == ["e0", "e1", "e2"]
    assert executions.list_requests("ex-1") == stored
    assert [r.sequence for r in executions.list_requests("ex-1", after=2)] == [3]
    assert executions.list_requests("ex-1", after=3) == []
    assert [e.event_id for e in executions.list_events("ex-1").items] == ["e0", "e1", "e2"]


def test_no_request_is_stored_when_its_event_id_is_taken(executions: ExecutionRepository) -> None:
    _run(executions)
    executions.add_request(_request(0), _event("e0"))

    with pytest.raises(Conflict):
        executions.add_request(_request(1, RequestType.CANCEL), _event("e0"))

    assert [r.type for r in executions.list_requests("ex-1")] == [RequestType.PAUSE]
    assert executions.add_request(_request(2), _event("e2")).sequence == 2


def test_a_request_is_refused_when_the_run_does_not_exist(executions: ExecutionRepository) -> None:
    with pytest.raises(NotFound):
        executions.add_request(_request(0, execution_id="ex-none"), _event("e0", "ex-none"))


def test_requests_stored_at_once_each_get_their_own_number_when_concurrent_in_memory() -> None:
    executions = InMemoryExecutionRepository()
    _run(executions)
    threads = [
        threading.Thread(target=executions.add_request, args=(_request(n), _event(f"e{n}"))) for n in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    requests = executions.list_requests("ex-1")
    assert [r.sequence for r in requests] == [1, 2, 3, 4]
    assert sorted(r.actor for r in requests) == [f"user-{n}" for n in range(4)]


class _InterleavingClient:
    """A DynamoDB client on which another request is stored between reading the request counter
    and writing this request's transaction (the race two API calls at once run)."""

    def __init__(self, client: Any, interleave: Callable[[], object]) -> None:
        self._client = client
        self._interleave: Callable[[], object] | None = interleave

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def transact_write_items(self, **arguments: Any) -> Any:
        if self._interleave is not None:
            interleave, self._interleave = self._interleave, None
            interleave()
        return self._client.transact_write_items(**arguments)


def test_a_request_takes_the_next_number_when_another_was_stored_since_it_read_the_counter(
    tables: dict[str, str], dynamodb: Any
) -> None:
    # Given another API call storing its request after this one read the counter
    other = DynamoDBExecutionRepository(dynamodb, tables["EXECUTIONS_TABLE"])
    _run(other)
    racing = _InterleavingClient(dynamodb, lambda: other.add_request(_request(1), _event("e1")))
    executions = DynamoDBExecutionRepository(racing, tables["EXECUTIONS_TABLE"])  # type: ignore[arg-type]

    # When this one stores its request
    stored = executions.add_request(_request(2, RequestType.CANCEL), _event("e2"))

    # Then neither overwrote the other: the later commit got the later number
    assert stored.sequence == 2
    requests = executions.list_requests("ex-1")
    assert [(r.sequence, r.type, r.event_id) for r in requests] == [
        (1, RequestType.PAUSE, "e1"),
        (2, RequestType.CANCEL, "e2"),
    ]


@pytest.mark.parametrize(
    "work",
    [
        WaitWork(),
        AutomationWork(target=DrsTarget(account_id=TARGET, region=REGION), automation_id="auto-1"),
        RunCommandWork(
            parts=[
                CommandPart(target=HOME_TARGET, command_id="cmd-1", first_instance=0),
                CommandPart(target=HOME_TARGET, first_instance=50),
            ]
        ),
    ],
)
def test_in_flight_work_reads_back_typed_when_a_wave_is_updated(
    executions: ExecutionRepository, work: InFlight
) -> None:
    wave = _run(executions)

    stored = executions.update_wave(wave.model_copy(update={"in_flight": work}), wave.version)

    assert executions.get_waves("ex-1") == [stored]
    assert stored.in_flight == work
    cleared = executions.update_wave(stored.model_copy(update={"in_flight": None}), stored.version)
    assert executions.get_waves("ex-1")[0].in_flight is None
    assert cleared.version == 3


def test_in_flight_work_is_a_map_attribute_beside_the_document_when_stored_in_dynamodb(
    tables: dict[str, str], dynamodb: Any
) -> None:
    executions = DynamoDBExecutionRepository(dynamodb, tables["EXECUTIONS_TABLE"])
    wave = _run(executions)
    work = RunCommandWork(parts=[CommandPart(target=HOME_TARGET, command_id="cmd-1", first_instance=0)])

    executions.update_wave(wave.model_copy(update={"in_flight": work}), wave.version)

    item = dynamodb.get_item(
        TableName=tables["EXECUTIONS_TABLE"], Key={"pk": {"S": "ex-1"}, "sk": {"S": "WAVE#0000#db"}}
    )["Item"]
    assert item["inFlight"] == {
        "M": {
            "kind": {"S": "SSM_RUN_COMMAND"},
            "parts": {
                "L": [
                    {
                        "M": {
                            "target": {"M": {"accountId": {"S": HOME}, "region": {"S": REGION}}},
                            "commandId": {"S": "cmd-1"},
                            "firstInstance": {"N": "0"},
                        }
                    }
                ]
            },
        }
    }
    assert "inFlight" not in item["doc"]["S"]
