"""Protection groups in DynamoDB, listed by name, optionally within one account and Region."""

from __future__ import annotations

from typing import TYPE_CHECKING

from drs_orchestration.adapters.dynamodb.documents import DocumentTable
from drs_orchestration.adapters.dynamodb.table_access import Item
from drs_orchestration.domain.models.protection_group import ProtectionGroup
from drs_orchestration.domain.ports import DEFAULT_PAGE_SIZE, Page

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

__all__ = ["DynamoDBProtectionGroupRepository"]

KIND = "PROTECTION_GROUP"


def _scope(account_id: str, region: str) -> str:
    return f"{account_id}#{region}"


class DynamoDBProtectionGroupRepository:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self.documents = DocumentTable(
            client,
            table_name,
            model=ProtectionGroup,
            resource="protection group",
            key_name="id",
            kind=KIND,
            sort_name=lambda group: group.name,
            index_attributes=lambda group: {"scope": _scope(group.account_id, group.region)},
        )

    def get(self, group_id: str) -> ProtectionGroup:
        return self.documents.get(group_id)

    def list(
        self,
        *,
        limit: int = DEFAULT_PAGE_SIZE,
        next_token: str | None = None,
        account_id: str | None = None,
        region: str | None = None,
    ) -> Page[ProtectionGroup]:
        """By name; within one account and Region (or matching either) when they are given."""
        if account_id is not None and region is not None:
            raw = self.documents.page(
                limit=limit,
                next_token=next_token,
                index="ByScope",
                partition=("scope", _scope(account_id, region)),
            )
        else:

            def keep(item: Item) -> bool:
                scope_account, _, scope_region = item["scope"]["S"].partition("#")
                return (account_id is None or scope_account == account_id) and (
                    region is None or scope_region == region
                )

            raw = self.documents.page(
                limit=limit, next_token=next_token, index="ByName", partition=("kind", KIND), keep=keep
            )
        return Page[ProtectionGroup](
            items=[self.documents.load(i) for i in raw.items], next_token=raw.next_token
        )

    def create(self, group: ProtectionGroup) -> ProtectionGroup:
        return self.documents.create(group, group.id)

    def update(self, group: ProtectionGroup, expected_version: int) -> ProtectionGroup:
        return self.documents.update(group, group.id, expected_version)

    def delete(self, group_id: str, expected_version: int | None = None) -> None:
        """Refused with ``Conflict`` while a stored plan names the group (its ``usedBy`` set)."""
        self.documents.delete(group_id, expected_version, unused=True)
