"""Executions in DynamoDB: one partition per run, many small items, never one growing record.

Sort keys: ``HEADER``; ``WAVE#<position>#<waveId>``; ``SERVER#<waveId>#<serverId>``;
``BATCH#<batchId>`` (a batch id starts with its wave's id); ``GATE#<waveId>#<index>`` (what a
wave's health gate still waits for, in chunks); ``EVENT#<eventId>``; ``REQUEST#<sequence>``
(operator requests, numbered by the ``REQUESTS`` counter item in the same transaction, so they are
stored in number order). A wave's in-flight work is a map attribute (``inFlight``) beside its
document. Only the header carries the index attributes (``planId``, ``kind``, ``startedAt`` = when
the run was requested, and ``active`` while it is not finished).
Beside the runs, one launch lease per account and Region (``pk`` ``LAUNCH-LEASE#<account>#<region>``,
``sk`` ``LEASE``): its holder (an execution id) and when it expires (epoch milliseconds), on this
adapter's clock (real UTC time unless a test gives it one), read when the lease is taken or renewed.
A new execution's child items are written before its header: until the header exists nobody can
see the run, so a crash mid-way never leaves a half-written execution visible.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError
from pydantic import JsonValue

from drs_orchestration.adapters.dynamodb.table_access import (
    Item,
    TableAccess,
    is_conditional_failure,
    n,
    s,
    transact,
)
from drs_orchestration.adapters.execution_items import check_new_execution
from drs_orchestration.domain.errors import Conflict, NotFound, StaleVersion
from drs_orchestration.domain.models.drs import DrsTarget
from drs_orchestration.domain.models.execution import (
    ExecutionEvent,
    ExecutionHeader,
    ExecutionStatus,
    LaunchBatch,
    ServerState,
    WaveState,
)
from drs_orchestration.domain.models.health_gate import HealthGateChunk
from drs_orchestration.domain.models.operator_requests import OperatorRequest
from drs_orchestration.domain.models.server_listing import ServerFilter
from drs_orchestration.domain.ports import DEFAULT_PAGE_SIZE, Page

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

__all__ = ["DynamoDBExecutionRepository"]

KIND = "EXECUTION"
HEADER = "HEADER"
REQUESTS = "REQUESTS"
REQUEST = "REQUEST#"
_REQUEST_ATTEMPTS = 8
_BATCH_WRITE = 25
_BATCH_GET = 100
LEASE = "LEASE"


def _timestamp(header: ExecutionHeader) -> str:
    return header.created_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _epoch_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _utc_now() -> datetime:
    return datetime.now(UTC)


def to_attribute(value: JsonValue) -> Item:
    """A JSON value as a DynamoDB attribute value (objects become maps)."""
    if value is None:
        return {"NULL": True}
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, int | float):
        return {"N": str(value)}
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, list):
        return {"L": [to_attribute(v) for v in value]}
    return {"M": {k: to_attribute(v) for k, v in value.items()}}


def from_attribute(attribute: Item) -> JsonValue:
    """The JSON value of a DynamoDB attribute value written by ``to_attribute``."""
    kind, value = next(iter(attribute.items()))
    if kind == "N":
        return int(value) if value.lstrip("-").isdigit() else float(value)
    if kind == "L":
        return [from_attribute(v) for v in value]
    if kind == "M":
        return {k: from_attribute(v) for k, v in value.items()}
    return None if kind == "NULL" else value


def _request_sk(sequence: int) -> str:
    return f"{REQUEST}{sequence:010d}"


def _lease_key(target: DrsTarget) -> Item:
    return {"pk": s(f"LAUNCH-LEASE#{target.account_id}#{target.region}"), "sk": s(LEASE)}


class DynamoDBExecutionRepository:
    def __init__(
        self, client: DynamoDBClient, table_name: str, *, clock: Callable[[], datetime] = _utc_now
    ) -> None:
        self.client = client
        self.clock = clock
        """What time it is for the launch lease (the only item whose meaning depends on the time)."""
        self.table_name = table_name
        self.table = TableAccess(client, table_name, "execution", ("pk", "sk"))

    # -- items -------------------------------------------------------------------------------
    def _header_item(self, header: ExecutionHeader) -> Item:
        item: Item = {
            "pk": s(header.id),
            "sk": s(HEADER),
            "kind": s(KIND),
            "planId": s(header.plan_id),
            "startedAt": s(_timestamp(header)),
            "status": s(header.status.value),
            "version": n(header.version),
            "doc": s(header.model_dump_json(by_alias=True)),
        }
        if not header.is_terminal:
            item["active"] = s("ACTIVE")
        return item

    @staticmethod
    def _wave_sk(wave: WaveState) -> str:
        return f"WAVE#{wave.position:04d}#{wave.wave_id}"

    def _wave_item(self, wave: WaveState) -> Item:
        item: Item = {
            "pk": s(wave.execution_id),
            "sk": s(self._wave_sk(wave)),
            "version": n(wave.version),
            "doc": s(wave.model_dump_json(by_alias=True, exclude={"in_flight"})),
        }
        if wave.in_flight is not None:
            item["inFlight"] = to_attribute(wave.in_flight.model_dump(mode="json"))
        return item

    @staticmethod
    def _wave(item: Item) -> WaveState:
        """A wave from its item; a previous release's item has its in-flight work in the document."""
        document = json.loads(item["doc"]["S"])
        if "inFlight" in item:
            document["inFlight"] = from_attribute(item["inFlight"])
        return WaveState.model_validate(document)

    @staticmethod
    def _child(execution_id: str, sort_key: str, document: str) -> Item:
        return {"pk": s(execution_id), "sk": s(sort_key), "doc": s(document)}

    def _server_item(self, server: ServerState) -> Item:
        return self._child(
            server.execution_id,
            f"SERVER#{server.wave_id}#{server.source_server_id}",
            server.model_dump_json(by_alias=True),
        )

    def _children(self, execution_id: str, prefix: str) -> list[Item]:
        return self.table.query_all(
            KeyConditionExpression="pk = :pk AND begins_with(sk, :prefix)",
            ExpressionAttributeValues={":pk": s(execution_id), ":prefix": s(prefix)},
            ConsistentRead=True,
        )

    def _batch_put(self, items: Sequence[Item]) -> None:
        for start in range(0, len(items), _BATCH_WRITE):
            requests = [{"PutRequest": {"Item": item}} for item in items[start : start + _BATCH_WRITE]]
            while requests:
                response = self.client.batch_write_item(RequestItems={self.table_name: requests})  # type: ignore[dict-item]
                requests = list(response.get("UnprocessedItems", {}).get(self.table_name, []))  # type: ignore[arg-type]

    # -- header ------------------------------------------------------------------------------
    def create(
        self, header: ExecutionHeader, waves: Sequence[WaveState], servers: Sequence[ServerState]
    ) -> None:
        check_new_execution(header, waves, servers)
        key = {"pk": s(header.id), "sk": s(HEADER)}
        if self.table.get(key) is not None:
            raise Conflict(f"execution {header.id} already exists")
        self._batch_put([*(self._wave_item(w) for w in waves), *(self._server_item(x) for x in servers)])
        self.table.put_new(self._header_item(header))

    def get_header(self, execution_id: str) -> ExecutionHeader:
        item = self.table.get({"pk": s(execution_id), "sk": s(HEADER)})
        if item is None:
            raise NotFound("execution", execution_id)
        return ExecutionHeader.model_validate_json(item["doc"]["S"])

    def list_headers(
        self,
        *,
        plan_id: str | None = None,
        status: Sequence[ExecutionStatus] = (),
        limit: int = DEFAULT_PAGE_SIZE,
        next_token: str | None = None,
    ) -> Page[ExecutionHeader]:
        """Newest first; one plan's when ``plan_id`` is given; only ``status`` ones when given."""
        wanted = {value.value for value in status}
        index, partition = ("ByPlan", ("planId", plan_id)) if plan_id else ("ByStart", ("kind", KIND))
        raw = self.table.query_page(
            limit=limit,
            next_token=next_token,
            index_keys=(partition[0], "startedAt"),
            keep=(lambda item: item["status"]["S"] in wanted) if wanted else None,
            pinned={partition[0]: partition[1]},
            IndexName=index,
            KeyConditionExpression="#p = :p",
            ExpressionAttributeNames={"#p": partition[0]},
            ExpressionAttributeValues={":p": s(partition[1])},
            ScanIndexForward=False,
        )
        headers = [ExecutionHeader.model_validate_json(item["doc"]["S"]) for item in raw.items]
        return Page[ExecutionHeader](items=headers, next_token=raw.next_token)

    def list_active(self, plan_id: str | None = None) -> list[ExecutionHeader]:
        """Every run not yet finished (the sparse ``Active`` index), newest first."""
        items = self.table.query_all(
            IndexName="Active",
            KeyConditionExpression="active = :a",
            ExpressionAttributeValues={":a": s("ACTIVE")},
            ScanIndexForward=False,
        )
        headers = [ExecutionHeader.model_validate_json(item["doc"]["S"]) for item in items]
        return [header for header in headers if plan_id is None or header.plan_id == plan_id]

    def _put_versioned(self, item: Item, resource_id: str, expected_version: int) -> None:
        try:
            self.client.put_item(
                TableName=self.table_name,
                Item=item,
                ConditionExpression="version = :expected",
                ExpressionAttributeValues={":expected": n(expected_version)},
            )
        except ClientError as error:
            if not is_conditional_failure(error):
                raise
            current = self.table.get({"pk": item["pk"], "sk": item["sk"]})
            if current is None:
                raise NotFound("execution", resource_id) from error
            raise StaleVersion(
                "execution",
                resource_id,
                expected_version=expected_version,
                current_version=int(current["version"]["N"]),
            ) from error

    def update_header(self, header: ExecutionHeader, expected_version: int) -> ExecutionHeader:
        stored = header.model_copy(update={"version": expected_version + 1})
        self._put_versioned(self._header_item(stored), header.id, expected_version)
        return stored

    # -- waves, servers, batches, events -----------------------------------------------------
    def get_waves(self, execution_id: str) -> list[WaveState]:
        return [self._wave(i) for i in self._children(execution_id, "WAVE#")]

    def update_wave(self, wave: WaveState, expected_version: int) -> WaveState:
        stored = wave.model_copy(update={"version": expected_version + 1})
        self._put_versioned(self._wave_item(stored), f"{wave.execution_id}/{wave.wave_id}", expected_version)
        return stored

    def get_servers(self, execution_id: str, wave_id: str | None = None) -> list[ServerState]:
        prefix = f"SERVER#{wave_id}#" if wave_id else "SERVER#"
        return [ServerState.model_validate_json(i["doc"]["S"]) for i in self._children(execution_id, prefix)]

    def get_servers_by_id(self, execution_id: str, keys: Sequence[tuple[str, str]]) -> list[ServerState]:
        """The servers named ``(wave id, server id)`` that exist, by key (BatchGetItem, consistent)."""
        wanted = [{"pk": s(execution_id), "sk": s(f"SERVER#{w}#{x}")} for w, x in dict.fromkeys(keys)]
        found: list[ServerState] = []
        for start in range(0, len(wanted), _BATCH_GET):
            request: dict[str, object] = {
                self.table_name: {"Keys": wanted[start : start + _BATCH_GET], "ConsistentRead": True}
            }
            while request:
                response = self.client.batch_get_item(RequestItems=request)  # type: ignore[arg-type]
                items = response.get("Responses", {}).get(self.table_name, [])
                found += [ServerState.model_validate_json(i["doc"]["S"]) for i in items]
                request = dict(response.get("UnprocessedKeys", {}))
        return sorted(found, key=lambda server: (server.wave_id, server.source_server_id))

    def list_servers(
        self,
        execution_id: str,
        where: ServerFilter,
        *,
        limit: int = DEFAULT_PAGE_SIZE,
        next_token: str | None = None,
    ) -> Page[ServerState]:
        """By wave id, then server id; a key range of one wave when ``where`` names it."""
        prefix = f"SERVER#{where.wave_id}#" if where.wave_id else "SERVER#"
        raw = self.table.query_page(
            limit=limit,
            next_token=next_token,
            pinned={"pk": execution_id},
            keep=lambda item: where.matches(ServerState.model_validate_json(item["doc"]["S"])),
            KeyConditionExpression="pk = :pk AND begins_with(sk, :prefix)",
            ExpressionAttributeValues={":pk": s(execution_id), ":prefix": s(prefix)},
        )
        servers = [ServerState.model_validate_json(item["doc"]["S"]) for item in raw.items]
        return Page[ServerState](items=servers, next_token=raw.next_token)

    def put_servers(self, servers: Sequence[ServerState]) -> None:
        self._batch_put([self._server_item(server) for server in servers])

    def put_batch(self, batch: LaunchBatch) -> None:
        item = self._child(
            batch.execution_id, f"BATCH#{batch.batch_id}", batch.model_dump_json(by_alias=True)
        )
        self.client.put_item(TableName=self.table_name, Item=item)

    def get_batches(self, execution_id: str, wave_id: str | None = None) -> list[LaunchBatch]:
        """Every batch of the run, or of one wave (a key range: a batch id starts with its wave's)."""
        prefix = f"BATCH#{wave_id[:40]}-" if wave_id else "BATCH#"
        batches = [
            LaunchBatch.model_validate_json(i["doc"]["S"]) for i in self._children(execution_id, prefix)
        ]
        return [b for b in batches if wave_id in (None, b.wave_id)]

    def get_gate(self, execution_id: str, wave_id: str) -> list[HealthGateChunk]:
        items = self._children(execution_id, f"GATE#{wave_id}#")
        chunks = [HealthGateChunk.model_validate_json(i["doc"]["S"]) for i in items]
        return sorted(chunks, key=lambda chunk: chunk.index)

    def put_gate(self, chunks: Sequence[HealthGateChunk]) -> None:
        self._batch_put(
            [
                self._child(
                    c.execution_id, f"GATE#{c.wave_id}#{c.index:05d}", c.model_dump_json(by_alias=True)
                )
                for c in chunks
            ]
        )

    def append_event(self, event: ExecutionEvent) -> None:
        self.table.put_new(
            self._child(event.execution_id, f"EVENT#{event.event_id}", event.model_dump_json(by_alias=True))
        )

    def list_events(
        self,
        execution_id: str,
        *,
        limit: int = DEFAULT_PAGE_SIZE,
        next_token: str | None = None,
        after: str | None = None,
    ) -> Page[ExecutionEvent]:
        # "EVENT$" sorts right after every "EVENT#..." key; BETWEEN is inclusive, so the event named
        # ``after`` itself is dropped while the page fills
        low = f"EVENT#{after}" if after is not None else "EVENT#"
        raw = self.table.query_page(
            limit=limit,
            next_token=next_token,
            pinned={"pk": execution_id},
            keep=None if after is None else (lambda item: item["sk"]["S"] != low),
            KeyConditionExpression="pk = :pk AND sk BETWEEN :low AND :high",
            ExpressionAttributeValues={":pk": s(execution_id), ":low": s(low), ":high": s("EVENT$")},
        )
        events = [ExecutionEvent.model_validate_json(item["doc"]["S"]) for item in raw.items]
        return Page[ExecutionEvent](items=events, next_token=raw.next_token)

    # -- operator requests -------------------------------------------------------------------
    def add_request(self, request: OperatorRequest, event: ExecutionEvent) -> OperatorRequest:
        counter_key = {"pk": s(request.execution_id), "sk": s(REQUESTS)}
        for _ in range(_REQUEST_ATTEMPTS):
            if self.table.get({"pk": s(request.execution_id), "sk": s(HEADER)}) is None:
                raise NotFound("execution", request.execution_id)
            counter = self.table.get(counter_key)
            last = int(counter["count"]["N"]) if counter else 0
            stored = request.model_copy(update={"sequence": last + 1, "event_id": event.event_id})
            reasons = transact(
                self.client,
                [
                    self._count_op(counter_key, last),
                    self.table.put_new_op(
                        self._child(
                            stored.execution_id, _request_sk(stored.sequence), stored.model_dump_json()
                        )
                    ),
                    self.table.put_new_op(
                        self._child(event.execution_id, f"EVENT#{event.event_id}", event.model_dump_json())
                    ),
                ],
            )
            if reasons is None:
                return stored
            if reasons[2] == "ConditionalCheckFailed":
                raise Conflict(f"event {event.event_id} of execution {event.execution_id} already exists")
        raise Conflict(f"execution {request.execution_id} is taking too many requests at once; try again")

    def _count_op(self, key: Item, last: int) -> TransactWriteItemTypeDef:
        """Move the request counter from ``last`` to ``last + 1``, or fail if another request took it."""
        condition = "attribute_not_exists(#c)" if last == 0 else "#c = :last"
        values: Item = {":next": n(last + 1)}
        if last:
            values[":last"] = n(last)
        return {
            "Update": {
                "TableName": self.table_name,
                "Key": key,
                "UpdateExpression": "SET #c = :next",
                "ConditionExpression": condition,
                "ExpressionAttributeNames": {"#c": "count"},
                "ExpressionAttributeValues": values,
            }
        }

    def list_requests(self, execution_id: str, *, after: int = 0) -> list[OperatorRequest]:
        """The counter item says whether there is any: the range is queried only when there is."""
        counter = self.table.get({"pk": s(execution_id), "sk": s(REQUESTS)})
        if counter is None or int(counter["count"]["N"]) <= after:
            return []
        items = self.table.query_all(
            KeyConditionExpression="pk = :pk AND sk BETWEEN :from AND :to",
            ExpressionAttributeValues={
                ":pk": s(execution_id),
                ":from": s(_request_sk(after + 1)),
                ":to": s(_request_sk(10**10 - 1)),
            },
            ConsistentRead=True,
        )
        return [OperatorRequest.model_validate_json(item["doc"]["S"]) for item in items]

    # -- launch lease ------------------------------------------------------------------------
    def acquire_launch_lease(self, target: DrsTarget, holder: str, *, seconds: float) -> bool:
        now = self.clock()
        expires = now + timedelta(seconds=seconds)
        item = {
            **_lease_key(target),
            "holder": s(holder),
            "expiresAt": n(_epoch_ms(expires)),
            "expires": s(expires.strftime("%Y-%m-%dT%H:%M:%S.%fZ")),
        }
        try:
            self.client.put_item(
                TableName=self.table_name,
                Item=item,
                ConditionExpression="attribute_not_exists(pk) OR holder = :holder OR expiresAt <= :now",
                ExpressionAttributeValues={":holder": s(holder), ":now": n(_epoch_ms(now))},
            )
        except ClientError as error:
            if is_conditional_failure(error):
                return False
            raise
        return True

    def release_launch_lease(self, target: DrsTarget, holder: str) -> None:
        # An expired lease, not a deleted item: the engine's roles write this table, never delete.
        try:
            self.client.put_item(
                TableName=self.table_name,
                Item={**_lease_key(target), "holder": s(""), "expiresAt": n(0)},
                ConditionExpression="holder = :holder",
                ExpressionAttributeValues={":holder": s(holder)},
            )
        except ClientError as error:
            if not is_conditional_failure(error):
                raise
