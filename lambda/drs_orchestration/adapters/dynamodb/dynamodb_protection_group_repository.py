"""Protection groups in DynamoDB, listed by name, optionally within one account and Region.

One group per server is enforced by the table itself: each member server has a claim item
(``claim#<accountId>#<region>#<sourceServerId>`` -> ``groupId``) written in the same transaction as
the group (condition: absent, or already this group's), released when the group drops the server or
is deleted. Of two racing writes that want the same server, exactly one commits. The group item keeps
the ids it claimed (``claimed``), so an update writes and releases only the difference. Claim items
carry no ``kind`` or ``scope``, so the listing indexes never see them.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from drs_orchestration.adapters.dynamodb.documents import DocumentTable
from drs_orchestration.adapters.dynamodb.dynamodb_audit_repository import DynamoDBAuditRepository, audit_ops
from drs_orchestration.adapters.dynamodb.table_access import Item, TransactionCancelled, s
from drs_orchestration.domain.errors import Conflict, FieldError, NotFound, ValidationFailed
from drs_orchestration.domain.models.audit import AuditRecord
from drs_orchestration.domain.models.protection_group import ProtectionGroup
from drs_orchestration.domain.ports import DEFAULT_PAGE_SIZE, Page
from drs_orchestration.domain.services.errors import membership_conflict

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

__all__ = ["MAX_CLAIM_CHANGES", "DynamoDBProtectionGroupRepository"]

KIND = "PROTECTION_GROUP"
MAX_CLAIM_CHANGES = 98
"""Claims one write may take or release: with the group and its audit record, one transaction (100)."""


def _scope(account_id: str, region: str) -> str:
    return f"{account_id}#{region}"


def _claim_key(group: ProtectionGroup, server_id: str) -> Item:
    return {"id": s(f"claim#{group.account_id}#{group.region}#{server_id}")}


class DynamoDBProtectionGroupRepository:
    def __init__(self, client: DynamoDBClient, table_name: str, audit_table: str | None = None) -> None:
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
        self.audit = DynamoDBAuditRepository(client, audit_table) if audit_table else None

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

    def create(
        self, group: ProtectionGroup, *, members: Sequence[str] = (), audit: AuditRecord | None = None
    ) -> ProtectionGroup:
        """Create the group, claim ``members`` and append ``audit``, all or nothing."""
        wanted = list(dict.fromkeys(members))
        claims = self._claim_ops(group, wanted, [])
        self._claiming(
            group,
            wanted,
            lambda: self.documents.create(
                group, group.id, [*claims, *audit_ops(self.audit, audit)], also=self._claimed(wanted)
            ),
        )
        return group

    def update(
        self,
        group: ProtectionGroup,
        expected_version: int,
        *,
        members: Sequence[str] = (),
        audit: AuditRecord | None = None,
    ) -> ProtectionGroup:
        """Update the group; claim the servers it gains and release those it drops, all or nothing."""
        stored = self.documents.get_item(group.id)
        before = self._claimed_ids(stored)
        wanted = list(dict.fromkeys(members))
        if stored is not None and self._scope_of(stored) != _scope(group.account_id, group.region):
            # A move to another account or Region releases every old claim and claims every member.
            added = wanted
            self._check_size(len(wanted) + len(before))
            claims = [
                *self._claim_ops(group, wanted, []),
                *self._release_ops(self.documents.load(stored), before),
            ]
        else:
            added = [server for server in wanted if server not in before]
            claims = self._claim_ops(group, added, [server for server in before if server not in wanted])
        return self._claiming(
            group,
            added,
            lambda: self.documents.update(
                group,
                group.id,
                expected_version,
                [*claims, *audit_ops(self.audit, audit)],
                also=self._claimed(wanted),
            ),
        )

    def delete(
        self, group_id: str, expected_version: int | None = None, *, audit: AuditRecord | None = None
    ) -> None:
        """Refused with ``Conflict`` while a stored plan names the group (its ``usedBy`` set); releases
        the group's claims and appends ``audit`` in the same transaction."""
        stored = self.documents.get_item(group_id)
        if stored is None:
            raise NotFound("protection group", group_id)
        version = int(stored["version"]["N"]) if expected_version is None else expected_version
        releases = self._release_ops(self.documents.load(stored), self._claimed_ids(stored))
        self._check_size(len(releases))
        try:
            self.documents.delete(
                group_id, version, unused=True, extra=[*releases, *audit_ops(self.audit, audit)]
            )
        except TransactionCancelled as error:
            raise Conflict(f"protection group {group_id} changed meanwhile; read it again") from error

    # -- claims ------------------------------------------------------------------------------
    @staticmethod
    def _claimed(members: Sequence[str]) -> Item:
        return {"claimed": {"L": [s(server) for server in members]}}

    @staticmethod
    def _claimed_ids(item: Item | None) -> builtins.list[str]:
        return [value["S"] for value in (item or {}).get("claimed", {}).get("L", [])]

    @staticmethod
    def _scope_of(item: Item) -> str:
        return str(item["scope"]["S"])

    def _claim_ops(
        self, group: ProtectionGroup, claim: Sequence[str], release: Sequence[str]
    ) -> builtins.list[TransactWriteItemTypeDef]:
        self._check_size(len(claim) + len(release))
        table = self.documents.table.table_name
        puts: builtins.list[TransactWriteItemTypeDef] = [
            {
                "Put": {
                    "TableName": table,
                    "Item": {**_claim_key(group, server), "groupId": s(group.id)},
                    "ConditionExpression": "attribute_not_exists(id) OR groupId = :me",
                    "ExpressionAttributeValues": {":me": s(group.id)},
                }
            }
            for server in claim
        ]
        return [*puts, *self._release_ops(group, release)]

    def _release_ops(
        self, group: ProtectionGroup, servers: Sequence[str]
    ) -> builtins.list[TransactWriteItemTypeDef]:
        return [
            {
                "Delete": {
                    "TableName": self.documents.table.table_name,
                    "Key": _claim_key(group, server),
                    "ConditionExpression": "attribute_not_exists(id) OR groupId = :me",
                    "ExpressionAttributeValues": {":me": s(group.id)},
                }
            }
            for server in servers
        ]

    @staticmethod
    def _check_size(changes: int) -> None:
        if changes > MAX_CLAIM_CHANGES:
            message = (
                f"one change may add or remove at most {MAX_CLAIM_CHANGES} servers (this one: {changes});"
                " make it in smaller steps"
            )
            raise ValidationFailed([FieldError(name="sourceServerIds", message=message)])

    def _claiming(
        self, group: ProtectionGroup, claimed: Sequence[str], write: Callable[[], ProtectionGroup]
    ) -> ProtectionGroup:
        """Run ``write``; when a claim was refused, a ``Conflict`` naming each server and its group."""
        try:
            return write()
        except TransactionCancelled as error:
            refused = [
                server
                for server, reason in zip(claimed, error.reasons, strict=False)
                if reason == "ConditionalCheckFailed"
            ]
            if not refused:
                raise Conflict(f"protection group {group.id} changed meanwhile; try again") from error
            named = [(server, self._owner(group, server)) for server in refused[:5]]
            raise membership_conflict(named, len(refused)) from error

    def _owner(self, group: ProtectionGroup, server: str) -> str:
        claim = self.documents.table.get(_claim_key(group, server))
        if claim is None:
            return "a group deleted meanwhile"
        owner_id = claim["groupId"]["S"]
        owner = self.documents.get_item(owner_id)
        return self.documents.load(owner).name if owner is not None else owner_id
