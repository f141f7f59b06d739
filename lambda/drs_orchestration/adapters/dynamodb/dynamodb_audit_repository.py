"""The audit trail in DynamoDB: append-only, read newest first.

Repositories that change a record append its audit item in the same transaction (``append_op``).
"""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING

from drs_orchestration.adapters.dynamodb.table_access import Item, TableAccess, s
from drs_orchestration.domain.models.audit import AuditRecord
from drs_orchestration.domain.ports import DEFAULT_PAGE_SIZE, Page

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

__all__ = ["DynamoDBAuditRepository", "audit_ops"]

PARTITION = "AUDIT"


class DynamoDBAuditRepository:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self.table = TableAccess(client, table_name, "audit record", ("pk", "sk"))

    def append(self, record: AuditRecord) -> None:
        self.table.put_new(self._item(record))

    def append_op(self, record: AuditRecord) -> TransactWriteItemTypeDef:
        """The transaction element that appends ``record`` with the change it describes."""
        return self.table.put_new_op(self._item(record))

    @staticmethod
    def _item(record: AuditRecord) -> Item:
        at = record.at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        return {
            "pk": s(PARTITION),
            "sk": s(f"{at}#{record.id}"),
            "resourceId": s(record.resource_id),
            "doc": s(record.model_dump_json(by_alias=True)),
        }

    def list(
        self, *, resource_id: str | None = None, limit: int = DEFAULT_PAGE_SIZE, next_token: str | None = None
    ) -> Page[AuditRecord]:
        def keep(item: Item) -> bool:
            return resource_id is None or item["resourceId"]["S"] == resource_id

        raw = self.table.query_page(
            limit=limit,
            next_token=next_token,
            keep=keep,
            pinned={"pk": PARTITION},
            KeyConditionExpression="pk = :p",
            ExpressionAttributeValues={":p": s(PARTITION)},
            ScanIndexForward=False,
        )
        return Page[AuditRecord](
            items=[AuditRecord.model_validate_json(item["doc"]["S"]) for item in raw.items],
            next_token=raw.next_token,
        )


def audit_ops(
    audit: DynamoDBAuditRepository | None, record: AuditRecord | None
) -> builtins.list[TransactWriteItemTypeDef]:
    """The elements appending ``record`` (none without one) to a repository's transaction."""
    if record is None:
        return []
    if audit is None:
        raise RuntimeError("this repository was built without the audit table")
    return [audit.append_op(record)]
