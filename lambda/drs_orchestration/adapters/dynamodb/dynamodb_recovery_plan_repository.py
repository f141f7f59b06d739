"""Recovery plans in DynamoDB, listed by name.

Each write also maintains the ``usedBy`` set on every protection group the plan names: the group must
exist at that moment, and a group in use cannot be deleted. The plan, the mark of every group it adds
and the change's audit record are one transaction, so a plan never points at a deleted group, whatever
runs concurrently. Dropping a mark only frees a group, so the marks of the groups an update drops go in
that transaction while they fit (100 items) and follow it otherwise, each batch only while the plan is
still at the version written (a later write of the plan decides for itself). A crash between the two
(the function stopped mid-update) leaves a group marked by a plan that no longer names it: deleting
that group is then refused, with a 409 naming the plan.
"""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING

from drs_orchestration.adapters.dynamodb.documents import DocumentTable
from drs_orchestration.adapters.dynamodb.dynamodb_audit_repository import DynamoDBAuditRepository, audit_ops
from drs_orchestration.adapters.dynamodb.table_access import n, s, transact
from drs_orchestration.domain.errors import Conflict, StaleVersion
from drs_orchestration.domain.models.audit import AuditRecord
from drs_orchestration.domain.models.recovery_plan import RecoveryPlan
from drs_orchestration.domain.ports import DEFAULT_PAGE_SIZE, Page

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

__all__ = ["DynamoDBRecoveryPlanRepository"]

KIND = "RECOVERY_PLAN"
TRANSACTION_ITEMS = 100
"""DynamoDB's most items in one transaction: the plan, the groups it adds (at most MAX_GROUPS_PER_PLAN,
the domain's cap, so that they always fit) and the audit record."""
_RELEASE_TRIES = 5


class DynamoDBRecoveryPlanRepository:
    def __init__(
        self,
        client: DynamoDBClient,
        table_name: str,
        protection_groups_table: str,
        audit_table: str | None = None,
    ) -> None:
        self.client = client
        self.audit = DynamoDBAuditRepository(client, audit_table) if audit_table else None
        self.groups_table = protection_groups_table
        self.documents = DocumentTable(
            client,
            table_name,
            model=RecoveryPlan,
            resource="recovery plan",
            key_name="id",
            kind=KIND,
            sort_name=lambda plan: plan.name,
        )

    def get(self, plan_id: str) -> RecoveryPlan:
        return self.documents.get(plan_id)

    def list(self, *, limit: int = DEFAULT_PAGE_SIZE, next_token: str | None = None) -> Page[RecoveryPlan]:
        raw = self.documents.page(
            limit=limit, next_token=next_token, index="ByName", partition=("kind", KIND)
        )
        return Page[RecoveryPlan](
            items=[self.documents.load(i) for i in raw.items], next_token=raw.next_token
        )

    def _group_use(self, plan_id: str, group_id: str, *, add: bool) -> TransactWriteItemTypeDef:
        return {
            "Update": {
                "TableName": self.groups_table,
                "Key": {"id": s(group_id)},
                "UpdateExpression": ("ADD" if add else "DELETE") + " usedBy :plan",
                "ConditionExpression": "attribute_exists(id)",
                "ExpressionAttributeValues": {":plan": {"SS": [plan_id]}},
            }
        }

    def _write(
        self,
        plan_id: str,
        first: TransactWriteItemTypeDef,
        added: builtins.list[str],
        dropped: builtins.list[str],
        audit: AuditRecord | None,
    ) -> bool:
        """Run the plan write with its group bookkeeping; False when the plan's own condition failed."""
        operations = [
            first,
            *(self._group_use(plan_id, group, add=True) for group in added),
            *(self._group_use(plan_id, group, add=False) for group in dropped),
            *audit_ops(self.audit, audit),
        ]
        reasons = transact(self.client, operations)
        if reasons is None:
            return True
        missing = [
            group
            for group, reason in zip(added, reasons[1:], strict=False)
            if reason == "ConditionalCheckFailed"
        ]
        if missing:
            raise Conflict(f"protection group(s) {', '.join(missing)} do not exist")
        return False

    def create(self, plan: RecoveryPlan, *, audit: AuditRecord | None = None) -> RecoveryPlan:
        put = self.documents.table.put_new_op(self.documents.item(plan, plan.id))
        if not self._write(plan.id, put, plan.protection_group_ids(), [], audit):
            raise Conflict(f"recovery plan {plan.id} already exists")
        return plan

    def update(
        self, plan: RecoveryPlan, expected_version: int, *, audit: AuditRecord | None = None
    ) -> RecoveryPlan:
        current = self.documents.get(plan.id)
        key = self.documents.key(plan.id)
        if current.version != expected_version:
            raise StaleVersion(
                "recovery plan", plan.id, expected_version=expected_version, current_version=current.version
            )
        stored = plan.model_copy(update={"version": expected_version + 1})
        before, after = set(current.protection_group_ids()), stored.protection_group_ids()
        added, dropped = [g for g in after if g not in before], sorted(before - set(after))
        room = max(0, TRANSACTION_ITEMS - 1 - len(added) - len(audit_ops(self.audit, audit)))
        put = self.documents.table.put_versioned_op(self.documents.item(stored, plan.id), expected_version)
        if not self._write(plan.id, put, added, dropped[:room], audit):
            raise self.documents.table.stale_or_missing(plan.id, key, expected_version)
        self._release(plan.id, dropped[room:], stored.version)
        return stored

    def _release(self, plan_id: str, group_ids: builtins.list[str], version: int) -> None:
        """Drop the plan's mark from ``group_ids`` while the plan is at ``version``. When a later write
        of the plan came first, from those of them it does not name (it dropped none of them itself);
        when the plan is gone, from all of them."""
        remaining: builtins.list[str] = list(group_ids)
        at: int | None = version
        tries = 0
        while remaining and tries < _RELEASE_TRIES:
            chunk, rest = remaining[: TRANSACTION_ITEMS - 1], remaining[TRANSACTION_ITEMS - 1 :]
            check = [] if at is None else [self._at_version(plan_id, at)]
            if (
                transact(self.client, [*check, *(self._group_use(plan_id, g, add=False) for g in chunk)])
                is None
            ):
                remaining = rest
                continue
            tries += 1
            remaining, at = self._not_named(plan_id, remaining)

    def _at_version(self, plan_id: str, version: int) -> TransactWriteItemTypeDef:
        return {
            "ConditionCheck": {
                "TableName": self.documents.table.table_name,
                "Key": self.documents.key(plan_id),
                "ConditionExpression": "version = :version",
                "ExpressionAttributeValues": {":version": n(version)},
            }
        }

    def _not_named(
        self, plan_id: str, group_ids: builtins.list[str]
    ) -> tuple[builtins.list[str], int | None]:
        """Those of ``group_ids`` the stored plan does not name, and its version (``None``: it is gone)."""
        stored = self.documents.get_item(plan_id)
        if stored is None:
            return group_ids, None
        current = self.documents.load(stored)
        named = set(current.protection_group_ids())
        return [group for group in group_ids if group not in named], current.version

    def delete(
        self, plan_id: str, expected_version: int | None = None, *, audit: AuditRecord | None = None
    ) -> None:
        current = self.documents.get(plan_id)
        version = current.version if expected_version is None else expected_version
        delete = self.documents.table.delete_versioned_op(self.documents.key(plan_id), version)
        reasons = transact(
            self.client,
            [
                delete,
                *(self._group_use(plan_id, g, add=False) for g in current.protection_group_ids()),
                *audit_ops(self.audit, audit),
            ],
        )
        if reasons is not None:
            raise self.documents.table.stale_or_missing(plan_id, self.documents.key(plan_id), version)
