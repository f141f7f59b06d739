"""Readiness scan results in DynamoDB, in the readiness checks table under their own partition.

``checkId`` ``READINESS-SCANS`` (a check's id is ``rc-…``, so the two never meet); ``sk``
``DAY#<yyyy-mm-dd>`` holds the day's ``ScanDay`` (``doc``: score, when, its scan's id and how many
finding chunks it has; ``score`` again on its own, so the history reads nothing else);
``FINDINGS#<day>#<scanId>#<n>`` each a chunk of at most ``FINDING_CHUNK`` findings. A scan's chunks are
written before its day item names them, so a reader never sees a result without its findings; the chunks
of a result it replaced are deleted afterwards. Every item carries ``expiresAt`` (the table's
TTL attribute), ``RESULT_RETENTION`` after the scan.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from pydantic import TypeAdapter

from drs_orchestration.adapters.dynamodb.table_access import Item, TableAccess, n, s
from drs_orchestration.domain.models.base import CamelModel, Timestamp
from drs_orchestration.domain.readiness_programme import Finding, ReadinessResult, ScoreOnDay
from drs_orchestration.domain.readiness_scans import RESULT_RETENTION

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

__all__ = ["FINDING_CHUNK", "PARTITION", "DynamoDBReadinessScanRepository"]

PARTITION = "READINESS-SCANS"
FINDING_CHUNK = 500
"""Findings per item: one is well under 500 bytes, so a chunk stays far below DynamoDB's 400 KB."""
_FINDINGS: TypeAdapter[list[Finding]] = TypeAdapter(list[Finding])


class ScanDay(CamelModel):
    """A day's stored result without its findings, which are in the scan's chunks."""

    score: int
    checked_at: Timestamp
    scan_id: str
    chunks: int

    def chunk_key(self, index: int) -> str:
        return f"FINDINGS#{self.checked_at.date().isoformat()}#{self.scan_id}#{index:05d}"


class DynamoDBReadinessScanRepository:
    """The ``ReadinessScanRepository`` port on the readiness checks table."""

    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self.client = client
        self.table = TableAccess(client, table_name, "readiness scan", ("checkId", "sk"))

    def save(self, result: ReadinessResult) -> None:
        chunks = [
            result.findings[i : i + FINDING_CHUNK] for i in range(0, len(result.findings), FINDING_CHUNK)
        ]
        day = ScanDay(
            score=result.score,
            checked_at=result.checked_at,
            scan_id=result.checked_at.strftime("%Y%m%dT%H%M%S%f"),
            chunks=len(chunks),
        )
        expires = n(int((result.checked_at + RESULT_RETENTION).timestamp()))
        for index, chunk in enumerate(chunks):
            doc = _FINDINGS.dump_json(chunk, by_alias=True).decode()
            self._put({**self._key(day.chunk_key(index)), "doc": s(doc), "expiresAt": expires})
        day_key = self._key(f"DAY#{result.checked_at.date().isoformat()}")
        replaced = self.table.get(day_key)
        header = s(day.model_dump_json(by_alias=True))
        self._put({**day_key, "doc": header, "score": n(day.score), "expiresAt": expires})
        old = ScanDay.model_validate_json(replaced["doc"]["S"]) if replaced else None
        if old is not None and old.scan_id != day.scan_id:
            for index in range(old.chunks):
                self.client.delete_item(TableName=self.table.table_name, Key=self._key(old.chunk_key(index)))

    def latest(self) -> ReadinessResult | None:
        response = self.client.query(
            TableName=self.table.table_name,
            KeyConditionExpression="checkId = :p AND begins_with(sk, :day)",
            ExpressionAttributeValues={":p": s(PARTITION), ":day": s("DAY#")},
            ScanIndexForward=False,
            Limit=1,
            ConsistentRead=True,
        )
        items = response.get("Items", [])
        if not items:
            return None
        day = ScanDay.model_validate_json(items[0]["doc"]["S"])
        chunks = self.table.query_all(
            KeyConditionExpression="checkId = :p AND sk BETWEEN :first AND :last",
            ExpressionAttributeValues={
                ":p": s(PARTITION),
                ":first": s(day.chunk_key(0)),
                ":last": s(day.chunk_key(max(day.chunks - 1, 0))),
            },
            ConsistentRead=True,
        )
        findings = [
            f
            for item in sorted(chunks, key=lambda i: i["sk"]["S"])
            for f in _FINDINGS.validate_json(item["doc"]["S"])
        ]
        return ReadinessResult(score=day.score, checked_at=day.checked_at, findings=findings)

    def history(self, since: date) -> list[ScoreOnDay]:
        items = self.table.query_all(
            KeyConditionExpression="checkId = :p AND sk BETWEEN :from AND :to",
            ExpressionAttributeValues={
                ":p": s(PARTITION),
                ":from": s(f"DAY#{since.isoformat()}"),
                ":to": s("DAY#9999-12-31"),
            },
            ProjectionExpression="sk, score",
        )
        return [
            ScoreOnDay(date=date.fromisoformat(item["sk"]["S"][4:]), score=int(item["score"]["N"]))
            for item in sorted(items, key=lambda i: i["sk"]["S"])
        ]

    def _key(self, sk: str) -> Item:
        return {"checkId": s(PARTITION), "sk": s(sk)}

    def _put(self, item: Item) -> None:
        self.client.put_item(TableName=self.table.table_name, Item=item)
