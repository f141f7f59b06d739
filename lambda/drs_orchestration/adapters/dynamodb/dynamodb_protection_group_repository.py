"""Protection groups in DynamoDB, listed by name, optionally within one account and Region.

One group per server is enforced by the table itself: each member server has a claim item
(``claim#<accountId>#<region>#<sourceServerId>`` -> ``groupId``). A write first claims the servers it
adds, in transactions of at most 100 conditional puts (condition: no claim yet), then writes the group
and its audit record in one transaction with as many releases of dropped servers as fit; the remaining
releases follow in chunks. Of two racing writes that want the same server, exactly one claims it; the
other answers 409 naming the server and its holder, after releasing what it claimed. A write whose
final transaction fails releases the claims it added.

The group item keeps the ids it holds (``claimed``): that list is the truth. A crash between the steps
can leave a claim whose holder does not list the server; such a claim is stale once it is older than
``CLAIM_LEASE`` (measured on the writes' own timestamps, ``updatedAt``) and is taken over with a
write conditional on the stale owner. Claim items carry no ``kind`` or ``scope``, so the listing
indexes never see them.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, TypeVar
from uuid import uuid4

from botocore.exceptions import ClientError

from drs_orchestration.adapters.dynamodb.documents import DocumentTable
from drs_orchestration.adapters.dynamodb.dynamodb_audit_repository import DynamoDBAuditRepository, audit_ops
from drs_orchestration.adapters.dynamodb.table_access import (
    Item,
    TransactionCancelled,
    is_conditional_failure,
    s,
    transact,
)
from drs_orchestration.domain.errors import Conflict, NotFound
from drs_orchestration.domain.models.audit import AuditRecord
from drs_orchestration.domain.models.protection_group import ProtectionGroup
from drs_orchestration.domain.ports import DEFAULT_PAGE_SIZE, Page
from drs_orchestration.domain.services.errors import membership_conflict

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

__all__ = ["CLAIM_LEASE", "DynamoDBProtectionGroupRepository"]

KIND = "PROTECTION_GROUP"
CHUNK = 100
"""Elements of one DynamoDB transaction."""
CLAIM_LEASE = timedelta(minutes=15)
"""How long a claim its holder does not list may still belong to a write in progress (longer than any
API call runs); after it the claim is stale and another group may take it over."""
ATTEMPTS = 3
"""Tries of one claim chunk cancelled for a reason other than a refused condition."""

T = TypeVar("T")


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
        """Claim ``members``, then create the group with ``audit``; nothing is left when it fails."""
        wanted = list(dict.fromkeys(members))
        return self._write(
            group,
            wanted,
            group,
            [],
            lambda releases: self.documents.create(
                group, group.id, [*releases, *audit_ops(self.audit, audit)], also=self._claimed(wanted)
            ),
        )

    def update(
        self,
        group: ProtectionGroup,
        expected_version: int,
        *,
        members: Sequence[str] = (),
        audit: AuditRecord | None = None,
    ) -> ProtectionGroup:
        """Claim the servers the group gains, update it, release those it drops."""
        stored = self.documents.get_item(group.id)
        before = self._claimed_ids(stored)
        wanted = list(dict.fromkeys(members))
        holder = group
        if stored is not None and self._scope_of(stored) != _scope(group.account_id, group.region):
            # A move to another account or Region releases every old claim and claims every member.
            holder = self.documents.load(stored)
            added, dropped = wanted, before
        else:
            added = [server for server in wanted if server not in before]
            dropped = [server for server in before if server not in wanted]
        return self._write(
            group,
            added,
            holder,
            dropped,
            lambda releases: self.documents.update(
                group,
                group.id,
                expected_version,
                [*releases, *audit_ops(self.audit, audit)],
                also=self._claimed(wanted),
            ),
        )

    def delete(
        self, group_id: str, expected_version: int | None = None, *, audit: AuditRecord | None = None
    ) -> None:
        """Refused with ``Conflict`` while a stored plan names the group (its ``usedBy`` set); deletes
        it with ``audit`` and releases its claims."""
        stored = self.documents.get_item(group_id)
        if stored is None:
            raise NotFound("protection group", group_id)
        version = int(stored["version"]["N"]) if expected_version is None else expected_version
        group = self.documents.load(stored)
        self._write(
            group,
            [],
            group,
            self._claimed_ids(stored),
            lambda releases: self.documents.delete(
                group_id, version, unused=True, extra=[*releases, *audit_ops(self.audit, audit)]
            ),
        )

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

    def _write(
        self,
        group: ProtectionGroup,
        added: Sequence[str],
        holder: ProtectionGroup,
        dropped: Sequence[str],
        final: Callable[[builtins.list[TransactWriteItemTypeDef]], T],
    ) -> T:
        """Claim ``added`` for ``group``, run ``final`` (the group and its audit record) with the
        releases of ``dropped`` (claims of ``holder``) that fit its transaction, then release the rest.
        When a claim is refused or ``final`` fails, the claims this write took are released."""
        write_id = uuid4().hex
        taken: builtins.list[str] = []
        room = CHUNK - 2  # the group and its audit record
        try:
            self._claim(group, sorted(added), write_id, taken)
            try:
                result = final(self._release_ops(holder, dropped[:room]))
            except TransactionCancelled as error:
                raise Conflict(f"protection group {group.id} changed meanwhile; try again") from error
        except BaseException:
            self._release_taken(group, taken, write_id)
            raise
        for start in range(room, len(dropped), CHUNK):
            self._apply(self._release_ops(holder, dropped[start : start + CHUNK]))
        return result

    def _claim(
        self, group: ProtectionGroup, servers: Sequence[str], write_id: str, taken: builtins.list[str]
    ) -> None:
        """Claim ``servers`` in transactions of conditional puts (no claim yet), appending each one
        claimed to ``taken``; a refused server is ours already, stale (taken over) or a ``Conflict``.
        Racing writes claim in the same (sorted) order, so they meet on their first shared server."""
        for start in range(0, len(servers), CHUNK):
            remaining = list(servers[start : start + CHUNK])
            attempts = 0
            while remaining:
                reasons = transact(
                    self.documents.table.client,
                    [self._claim_put(group, server, write_id) for server in remaining],
                )
                if reasons is None:
                    taken.extend(remaining)
                    break
                refused = [
                    server
                    for server, reason in zip(remaining, reasons, strict=False)
                    if reason == "ConditionalCheckFailed"
                ]
                if not refused:
                    attempts += 1
                    if attempts >= ATTEMPTS:
                        raise Conflict(f"protection group {group.id}: servers changed meanwhile; try again")
                settled = [server for server in refused if self._settle(group, server, write_id, taken)]
                remaining = [server for server in remaining if server not in settled]

    def _claim_put(self, group: ProtectionGroup, server: str, write_id: str) -> TransactWriteItemTypeDef:
        return {
            "Put": {
                "TableName": self.documents.table.table_name,
                "Item": self._claim_item(group, server, write_id),
                "ConditionExpression": "attribute_not_exists(id)",
            }
        }

    def _claim_item(self, group: ProtectionGroup, server: str, write_id: str) -> Item:
        return {
            **_claim_key(group, server),
            "groupId": s(group.id),
            "groupName": s(group.name),
            "writeId": s(write_id),
            "claimedAt": s(group.updated_at.isoformat()),
        }

    def _settle(self, group: ProtectionGroup, server: str, write_id: str, taken: builtins.list[str]) -> bool:
        """A claim put refused: True when the server is settled (ours already, or a stale claim taken
        over), False to try the put again (the claim is gone meanwhile); ``Conflict`` when another
        group holds it or a write of another group may still be claiming it."""
        claim = self.documents.table.get(_claim_key(group, server))
        if claim is None:
            return False
        owner_id = claim["groupId"]["S"]
        if owner_id == group.id:
            return True
        owner = self.documents.get_item(owner_id)
        listed = (
            owner is not None
            and self._scope_of(owner) == _scope(group.account_id, group.region)
            and server in self._claimed_ids(owner)
        )
        claimed_at = claim.get("claimedAt", {}).get("S")
        fresh = claimed_at is not None and group.updated_at - datetime.fromisoformat(claimed_at) < CLAIM_LEASE
        if listed or fresh:
            holder = self.documents.load(owner).name if owner is not None else None
            name = holder or claim.get("groupName", {}).get("S", owner_id)
            raise membership_conflict([(server, name)])
        try:
            self._take_over(group, server, write_id, claim)
        except ClientError as error:
            if is_conditional_failure(error):
                return False
            raise
        taken.append(server)
        return True

    def _take_over(self, group: ProtectionGroup, server: str, write_id: str, stale: Item) -> None:
        """Replace a stale claim, only while it is still the one read."""
        values: Item = {":owner": stale["groupId"]}
        condition = "groupId = :owner AND "
        if "writeId" in stale:
            condition += "writeId = :write"
            values[":write"] = stale["writeId"]
        else:
            condition += "attribute_not_exists(writeId)"
        self.documents.table.client.put_item(
            TableName=self.documents.table.table_name,
            Item=self._claim_item(group, server, write_id),
            ConditionExpression=condition,
            ExpressionAttributeValues=values,
        )

    def _release_taken(self, group: ProtectionGroup, taken: Sequence[str], write_id: str) -> None:
        """Undo this write's claims: each one still carrying its write id that the stored group does
        not list (a concurrent write of the same group may have committed it)."""
        stored = self.documents.get_item(group.id)
        listed = (
            set(self._claimed_ids(stored))
            if stored is not None and self._scope_of(stored) == _scope(group.account_id, group.region)
            else set()
        )
        for server in taken:
            if server in listed:
                continue
            try:
                self.documents.table.client.delete_item(
                    TableName=self.documents.table.table_name,
                    Key=_claim_key(group, server),
                    ConditionExpression="writeId = :write",
                    ExpressionAttributeValues={":write": s(write_id)},
                )
            except ClientError as error:
                if not is_conditional_failure(error):
                    raise

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

    def _apply(self, operations: Sequence[TransactWriteItemTypeDef]) -> None:
        """Releases after the group was written: a chunk refused (a claim another group took over
        meanwhile) is applied one release at a time, skipping the refused ones."""
        if not operations or transact(self.documents.table.client, operations) is None:
            return
        for operation in operations:
            transact(self.documents.table.client, [operation])
