"""Readiness scan results in DynamoDB, in the readiness checks table under their own partition.

``checkId`` ``READINESS-SCANS`` (a check's id is ``rc-…``, so the two never meet); ``sk``
``DAY#<yyyy-mm-dd>`` holds a day's score, ``checkedAt``, its ``scanId`` and how many finding chunks it
has; ``FINDINGS#<day>#<scanId>#<n>`` each a chunk of at most ``FINDING_CHUNK`` findings. A scan's chunks
are written before its day item names them, so a reader never sees a result without its findings; the
chunks of a result it replaced are deleted afterwards. Every item carries ``expiresAt`` (the table's
TTL attribute), ``RESULT_RETENTION`` after the scan.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from pydantic import TypeAdapter

from drs_orchestration.adapters.dynamodb.table_access import Item, TableAccess, n, s
from drs_orchestration.domain.readiness_programme import Finding, ReadinessResult, ScoreOnDay
from drs_orchestration.domain.readiness_scans import RESULT_RETENTION

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

__all__ = ["FINDING_CHUNK", "PARTITION", "DynamoDBReadinessScanRepository"]

PARTITION = "READINESS-SCANS"
FINDING_CHUNK = 500
"""Findings per item: one is well under 500 bytes, so a chunk stays far below DynamoDB's 400 KB."""
_FINDINGS: TypeAdapter[list[Finding]] = TypeAdapter(list[Finding])


class DynamoDBReadinessScanRepository:
    """The ``ReadinessScanRepository`` port on the readiness checks table."""

    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self.client = client
        self.table = TableAccess(client, table_name, "readiness scan", ("checkId", "sk"))

    def save(self, result: ReadinessResult) -> None:
        day = result.checked_at.date().isoformat()
        scan_id = result.checked_at.strftime("%Y%m%dT%H%M%S%f")
        expires = n(int((result.checked_at + RESULT_RETENTION).timestamp()))
        chunks = [
            result.findings[i : i + FINDING_CHUNK] for i in range(0, len(result.findings), FINDING_CHUNK)
        ]
        for index, chunk in enumerate(chunks):
            doc = _FINDINGS.dump_json(chunk, by_alias=True).decode()
            self._put(
                {**self._key(f"FINDINGS#{day}#{scan_id}#{index:05d}"), "doc": s(doc), "expiresAt": expires}
            )
        replaced = self.table.get(self._key(f"DAY#{day}"))
        self._put(
            {
                **self._key(f"DAY#{day}"),
                "score": n(result.score),
                "checkedAt": s(result.checked_at.isoformat()),
                "scanId": s(scan_id),
                "chunks": n(len(chunks)),
                "expiresAt": expires,
            }
        )
        if replaced is not None and replaced["scanId"]["S"] != scan_id:
            for index in range(int(replaced["chunks"]["N"])):
                key = self._key(f"FINDINGS#{day}#{replaced['scanId']['S']}#{index:05d}")
                self.client.delete_item(TableName=self.table.table_name, Key=key)

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
        header = items[0]
        prefix = f"FINDINGS#{header['sk']['S'][4:]}#{header['scanId']['S']}#"
        chunks = self.table.query_all(
            KeyConditionExpression="checkId = :p AND begins_with(sk, :prefix)",
            ExpressionAttributeValues={":p": s(PARTITION), ":prefix": s(prefix)},
            ConsistentRead=True,
        )
        findings = [
            f
            for item in sorted(chunks, key=lambda i: i["sk"]["S"])
            for f in _FINDINGS.validate_json(item["doc"]["S"])
        ]
        return ReadinessResult(
            score=int(header["score"]["N"]), checked_at=header["checkedAt"]["S"], findings=findings
        )

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
