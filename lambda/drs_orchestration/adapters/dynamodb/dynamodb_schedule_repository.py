"""Drill schedules in DynamoDB: items of the recovery plans table, listed per plan.

A schedule is a document keyed by its id, its ``kind`` partitioning the ``ByName`` index per plan
(``SCHEDULE#<planId>``, sorted by creation), so a plan's schedules are one query. It is created only
while its plan exists (a condition check on the plan in the same transaction). Two attributes beside
the versioned document belong to the firings, so a firing never makes an operator's edit stale:
``firedFor``, the scheduled time of the latest firing claimed (a firing is claimed by a conditional
write that needs it to be later than that), and ``lastResult``, the JSON of the last firing's result.
"""

from __future__ import annotations

import builtins
from datetime import datetime
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from drs_orchestration.adapters.dynamodb.documents import DocumentTable
from drs_orchestration.adapters.dynamodb.dynamodb_audit_repository import DynamoDBAuditRepository, audit_ops
from drs_orchestration.adapters.dynamodb.table_access import TransactionCancelled, is_conditional_failure, s
from drs_orchestration.domain.errors import NotFound
from drs_orchestration.domain.models.audit import AuditRecord
from drs_orchestration.domain.models.schedule import ScheduleResult, StoredSchedule

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

__all__ = ["DynamoDBScheduleRepository"]

PLAN_KIND = "RECOVERY_PLAN"


def _kind(plan_id: str) -> str:
    return f"SCHEDULE#{plan_id}"


def _instant(moment: datetime) -> str:
    """A fixed-width UTC form, so that later instants compare greater as strings."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class DynamoDBScheduleRepository:
    def __init__(self, client: DynamoDBClient, plans_table: str, audit_table: str | None = None) -> None:
        self.client = client
        self.table_name = plans_table
        self.audit = DynamoDBAuditRepository(client, audit_table) if audit_table else None
        self.documents = DocumentTable(
            client,
            plans_table,
            model=StoredSchedule,
            resource="schedule",
            key_name="id",
            kind=None,
            sort_name=lambda schedule: _instant(schedule.created_at),
            index_attributes=lambda schedule: {"kind": _kind(schedule.plan_id)},
        )

    def get(self, schedule_id: str) -> StoredSchedule:
        return self.documents.get(schedule_id)

    def list_for_plan(self, plan_id: str) -> builtins.list[StoredSchedule]:
        items = self.documents.table.query_all(
            IndexName="ByName",
            KeyConditionExpression="#p = :p",
            ExpressionAttributeNames={"#p": "kind"},
            ExpressionAttributeValues={":p": s(_kind(plan_id))},
        )
        return [self.documents.load(item) for item in items]

    def create(self, schedule: StoredSchedule, *, audit: AuditRecord | None = None) -> StoredSchedule:
        plan_exists: TransactWriteItemTypeDef = {
            "ConditionCheck": {
                "TableName": self.table_name,
                "Key": {"id": s(schedule.plan_id)},
                "ConditionExpression": "attribute_exists(id) AND #kind = :plan",
                "ExpressionAttributeNames": {"#kind": "kind"},
                "ExpressionAttributeValues": {":plan": s(PLAN_KIND)},
            }
        }
        try:
            return self.documents.create(schedule, schedule.id, [plan_exists, *audit_ops(self.audit, audit)])
        except TransactionCancelled as cancelled:
            if cancelled.reasons[:1] == ["ConditionalCheckFailed"]:
                raise NotFound("recovery plan", schedule.plan_id) from cancelled
            raise

    def update(
        self, schedule: StoredSchedule, expected_version: int, *, audit: AuditRecord | None = None
    ) -> StoredSchedule:
        return self.documents.update(schedule, schedule.id, expected_version, audit_ops(self.audit, audit))

    def delete(
        self, schedule_id: str, expected_version: int | None = None, *, audit: AuditRecord | None = None
    ) -> None:
        self.documents.delete(schedule_id, expected_version, extra=audit_ops(self.audit, audit))

    def last_result(self, schedule_id: str) -> ScheduleResult | None:
        item = self.documents.get_item(schedule_id)
        if item is None or "lastResult" not in item:
            return None
        return ScheduleResult.model_validate_json(item["lastResult"]["S"])

    def record_result(self, schedule_id: str, result: ScheduleResult) -> None:
        self._conditional_update(
            schedule_id,
            "SET lastResult = :result",
            "attribute_exists(id)",
            {":result": s(result.model_dump_json(by_alias=True))},
        )

    def claim_firing(self, schedule_id: str, scheduled_time: datetime) -> bool:
        return self._conditional_update(
            schedule_id,
            "SET firedFor = :at",
            "attribute_exists(id) AND (attribute_not_exists(firedFor) OR firedFor < :at)",
            {":at": s(_instant(scheduled_time))},
        )

    def release_firing(self, schedule_id: str, scheduled_time: datetime) -> None:
        self._conditional_update(
            schedule_id, "REMOVE firedFor", "firedFor = :at", {":at": s(_instant(scheduled_time))}
        )

    def _conditional_update(
        self, schedule_id: str, update: str, condition: str, values: dict[str, dict[str, str]]
    ) -> bool:
        try:
            self.client.update_item(
                TableName=self.table_name,
                Key=self.documents.key(schedule_id),
                UpdateExpression=update,
                ConditionExpression=condition,
                ExpressionAttributeValues=values,
            )
        except ClientError as error:
            if is_conditional_failure(error):
                return False
            raise
        return True
