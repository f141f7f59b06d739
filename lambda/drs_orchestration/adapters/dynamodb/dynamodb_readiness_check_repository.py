"""Readiness checks in DynamoDB: one partition per check (``checkId``), never one growing item.

``sk`` ``HEADER`` holds the check without its report's waves (``doc``), its ``status`` and the
``checkedServers`` progress (``progressAt``: when the worker last told it); ``WAVE#<n>`` each wave
without its servers; ``SERVERS#<n>#<m>`` a chunk of at most ``SERVER_CHUNK`` of wave ``n``'s servers.
Every item carries ``expiresAt`` (epoch seconds, the table's TTL attribute). A report's parts are
written before the header says COMPLETED, so a reader never sees a completed check without them.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError
from pydantic import TypeAdapter

from drs_orchestration.adapters.dynamodb.table_access import Item, TableAccess, is_conditional_failure, n, s
from drs_orchestration.domain.errors import Conflict, NotFound
from drs_orchestration.domain.readiness import ServerReadiness, WaveReadiness
from drs_orchestration.domain.readiness_checks import (
    CompletedReadinessCheck,
    FailedReadinessCheck,
    ReadinessCheck,
    ReadinessCheckStatus,
)

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

__all__ = ["SERVER_CHUNK", "DynamoDBReadinessCheckRepository"]

SERVER_CHUNK = 100
"""Servers per item: a server's readiness is well under 2 KB, so a chunk stays far below 400 KB."""
_BATCH = 25
_BATCH_ATTEMPTS = 8
_HEADER = "HEADER"
_RESOURCE = "readiness check"
_CHECK: TypeAdapter[ReadinessCheck] = TypeAdapter(ReadinessCheck)
_SERVERS: TypeAdapter[list[ServerReadiness]] = TypeAdapter(list[ServerReadiness])


def _header_doc(check: ReadinessCheck) -> str:
    if isinstance(check, CompletedReadinessCheck):
        return check.model_copy(
            update={"report": check.report.model_copy(update={"waves": []})}
        ).model_dump_json()
    return check.model_dump_json()


def _parts(check: ReadinessCheck, expires: dict[str, str]) -> Iterator[Item]:
    if not isinstance(check, CompletedReadinessCheck):
        return
    for index, wave in enumerate(check.report.waves):
        yield {
            "checkId": s(check.id),
            "sk": s(f"WAVE#{index:05d}"),
            "doc": s(wave.model_copy(update={"servers": []}).model_dump_json()),
            "expiresAt": expires,
        }
        for start in range(0, len(wave.servers), SERVER_CHUNK):
            chunk = wave.servers[start : start + SERVER_CHUNK]
            yield {
                "checkId": s(check.id),
                "sk": s(f"SERVERS#{index:05d}#{start // SERVER_CHUNK:05d}"),
                "doc": s(_SERVERS.dump_json(chunk, by_alias=True).decode()),
                "expiresAt": expires,
            }


class DynamoDBReadinessCheckRepository:
    """The ``ReadinessCheckRepository`` port on the readiness checks table."""

    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self.client = client
        self.table = TableAccess(client, table_name, _RESOURCE, ("checkId", "sk"))

    def create(self, check: ReadinessCheck) -> None:
        expires = n(int(check.expires_at.timestamp()))
        self._write_all(list(_parts(check, expires)))
        self.table.put_new(self._header(check, expires))

    def get(self, check_id: str) -> ReadinessCheck:
        items = self.table.query_all(
            KeyConditionExpression="checkId = :id",
            ExpressionAttributeValues={":id": s(check_id)},
            ConsistentRead=True,
        )
        by_key = {item["sk"]["S"]: item for item in items}
        header = by_key.pop(_HEADER, None)
        if header is None:
            raise NotFound(_RESOURCE, check_id)
        data = json.loads(header["doc"]["S"])
        if data["status"] == ReadinessCheckStatus.RUNNING:
            data["progress"]["checkedServers"] = int(header["checkedServers"]["N"])
            if "progressAt" in header:
                data["progress"]["updatedAt"] = header["progressAt"]["S"]
        check = _CHECK.validate_python(data)
        if isinstance(check, CompletedReadinessCheck):
            report = check.report.model_copy(update={"waves": _waves(by_key)})
            return check.model_copy(update={"report": report})
        return check

    def record_progress(self, check_id: str, checked_servers: int, at: datetime) -> None:
        try:
            self.client.update_item(
                TableName=self.table.table_name,
                Key={"checkId": s(check_id), "sk": s(_HEADER)},
                UpdateExpression="SET checkedServers = :checked, progressAt = :at",
                ConditionExpression="#status = :running",
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues={
                    ":checked": n(checked_servers),
                    ":at": s(at.isoformat()),
                    ":running": s(ReadinessCheckStatus.RUNNING),
                },
            )
        except ClientError as error:
            if not is_conditional_failure(error):
                raise

    def finish(self, check: CompletedReadinessCheck | FailedReadinessCheck) -> None:
        expires = n(int(check.expires_at.timestamp()))
        self._write_all(list(_parts(check, expires)))
        try:
            self.client.put_item(
                TableName=self.table.table_name,
                Item=self._header(check, expires),
                ConditionExpression="#status = :running",
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues={":running": s(ReadinessCheckStatus.RUNNING)},
            )
        except ClientError as error:
            if is_conditional_failure(error):
                raise Conflict(f"{_RESOURCE} {check.id} is not running") from error
            raise

    def _header(self, check: ReadinessCheck, expires: dict[str, str]) -> Item:
        return {
            "checkId": s(check.id),
            "sk": s(_HEADER),
            "status": s(check.status),
            "checkedServers": n(check.progress.checked_servers),
            "doc": s(_header_doc(check)),
            "expiresAt": expires,
        }

    def _write_all(self, items: Sequence[Item]) -> None:
        """Every item, 25 a BatchWriteItem call, unprocessed ones sent again (bounded)."""
        for start in range(0, len(items), _BATCH):
            pending: list[Any] = [{"PutRequest": {"Item": item}} for item in items[start : start + _BATCH]]
            for attempt in range(_BATCH_ATTEMPTS):
                if attempt:
                    time.sleep(min(0.05 * 2**attempt, 2.0))  # DynamoDB's advice for unprocessed items
                response = self.client.batch_write_item(RequestItems={self.table.table_name: pending})
                pending = list(response.get("UnprocessedItems", {}).get(self.table.table_name, []))
                if not pending:
                    break
            else:
                raise RuntimeError(f"DynamoDB left {len(pending)} {_RESOURCE} items unwritten")


def _waves(parts: dict[str, Item]) -> list[WaveReadiness]:
    waves: dict[str, WaveReadiness] = {}
    servers: dict[str, list[ServerReadiness]] = {}
    for key in sorted(parts):
        kind, _, rest = key.partition("#")
        doc = parts[key]["doc"]["S"]
        if kind == "WAVE":
            waves[rest] = WaveReadiness.model_validate_json(doc)
        elif kind == "SERVERS":
            servers.setdefault(rest.partition("#")[0], []).extend(_SERVERS.validate_json(doc))
    return [wave.model_copy(update={"servers": servers.get(index, [])}) for index, wave in waves.items()]
