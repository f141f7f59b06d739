"""Target accounts in DynamoDB, keyed by account id."""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING, Any

from drs_orchestration.adapters.dynamodb.documents import DocumentTable
from drs_orchestration.adapters.dynamodb.dynamodb_audit_repository import DynamoDBAuditRepository, audit_ops
from drs_orchestration.domain.models.account import TargetAccount
from drs_orchestration.domain.models.audit import AuditRecord
from drs_orchestration.domain.ports import DEFAULT_PAGE_SIZE, Page
from drs_orchestration.domain.services.paging import page_after

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

__all__ = ["DynamoDBAccountRepository"]


class DynamoDBAccountRepository:
    def __init__(self, client: DynamoDBClient, table_name: str, audit_table: str | None = None) -> None:
        self.documents = DocumentTable(
            client, table_name, model=TargetAccount, resource="account", key_name="accountId", kind=None
        )
        self.audit = DynamoDBAuditRepository(client, audit_table) if audit_table else None

    def get(self, account_id: str) -> TargetAccount:
        return self.documents.get(account_id)

    def list(self, *, limit: int = DEFAULT_PAGE_SIZE, next_token: str | None = None) -> Page[TargetAccount]:
        """Ordered by account id (a small table: read whole, then paged)."""
        accounts = [self.documents.load(item) for item in self._scan_all()]
        return page_after(
            accounts, lambda account: account.account_id, name="accountId", limit=limit, next_token=next_token
        )

    def _scan_all(self) -> builtins.list[dict[str, Any]]:
        client = self.documents.table.client
        arguments: dict[str, Any] = {"TableName": self.documents.table.table_name, "ConsistentRead": True}
        items: builtins.list[dict[str, Any]] = []
        while True:
            response = client.scan(**arguments)
            items.extend(response.get("Items", []))
            if "LastEvaluatedKey" not in response:
                return items
            arguments["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def create(self, account: TargetAccount, *, audit: AuditRecord | None = None) -> TargetAccount:
        """Create the account with its audit record, both or neither (likewise update and delete)."""
        return self.documents.create(account, account.account_id, audit_ops(self.audit, audit))

    def update(
        self, account: TargetAccount, expected_version: int, *, audit: AuditRecord | None = None
    ) -> TargetAccount:
        return self.documents.update(
            account, account.account_id, expected_version, audit_ops(self.audit, audit)
        )

    def delete(
        self, account_id: str, expected_version: int | None = None, *, audit: AuditRecord | None = None
    ) -> None:
        self.documents.delete(account_id, expected_version, extra=audit_ops(self.audit, audit))
