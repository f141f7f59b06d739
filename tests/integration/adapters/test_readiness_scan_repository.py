"""Readiness scan results in DynamoDB (table from the template, under moto) and in memory, one contract:
a result larger than one item comes back whole, a later scan of the day replaces the day's result (its
old findings gone), history is one score a day, oldest first, from the day asked for."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import boto3
import pytest

from drs_orchestration.adapters.dynamodb.dynamodb_readiness_scan_repository import (
    FINDING_CHUNK,
    PARTITION,
    DynamoDBReadinessScanRepository,
)
from drs_orchestration.adapters.memory.readiness_scans import InMemoryReadinessScanRepository
from drs_orchestration.domain.readiness_programme import (
    Finding,
    FindingCode,
    FindingSeverity,
    ReadinessResult,
)
from drs_orchestration.domain.readiness_scans import RESULT_RETENTION, ReadinessScanRepository
from tests.integration.adapters.contract import REGION

T0 = datetime(2026, 12, 4, 3, 0, tzinfo=UTC)


@pytest.fixture(params=["dynamodb", "memory"])
def store(request: pytest.FixtureRequest, tables: dict[str, str]) -> ReadinessScanRepository:
    if request.param == "memory":
        return InMemoryReadinessScanRepository()
    client = boto3.client("dynamodb", region_name=REGION)
    return DynamoDBReadinessScanRepository(client, tables["READINESS_CHECKS_TABLE"])


def result(at: datetime, findings: int, score: int) -> ReadinessResult:
    return ReadinessResult(
        score=score,
        checked_at=at,
        findings=[
            Finding(
                code=FindingCode.UNPROTECTED_SERVER,
                severity=FindingSeverity.MEDIUM,
                resource_id=f"s-{n:017d}",
                message=f"host-{n} is in DRS but in no protection group",
            )
            for n in range(findings)
        ],
    )


def test_result_larger_than_one_item_comes_back_whole_when_read(store: ReadinessScanRepository) -> None:
    big = result(T0, 2 * FINDING_CHUNK + 7, score=0)

    store.save(big)

    assert store.latest() == big


def test_later_scan_of_the_day_replaces_its_result_when_saved(store: ReadinessScanRepository) -> None:
    store.save(result(T0 - timedelta(days=1), 3, score=85))
    store.save(result(T0, FINDING_CHUNK + 1, score=0))
    later = result(T0 + timedelta(hours=2), 2, score=90)

    store.save(later)

    assert store.latest() == later
    assert [(d.date, d.score) for d in store.history(T0.date() - timedelta(days=1))] == [
        ((T0 - timedelta(days=1)).date(), 85),
        (T0.date(), 90),
    ]
    assert [d.date for d in store.history(T0.date())] == [T0.date()]


def test_nothing_is_read_before_the_first_scan(store: ReadinessScanRepository) -> None:
    assert store.latest() is None
    assert store.history(T0.date() - timedelta(days=90)) == []


def test_stored_items_expire_and_replaced_findings_are_deleted_when_written_to_dynamodb(
    tables: dict[str, str],
) -> None:
    client = boto3.client("dynamodb", region_name=REGION)
    store = DynamoDBReadinessScanRepository(client, tables["READINESS_CHECKS_TABLE"])
    store.save(result(T0, FINDING_CHUNK + 1, score=0))
    store.save(result(T0 + timedelta(hours=1), 1, score=95))

    items = client.query(
        TableName=tables["READINESS_CHECKS_TABLE"],
        KeyConditionExpression="checkId = :p",
        ExpressionAttributeValues={":p": {"S": PARTITION}},
    )["Items"]

    assert sorted(item["sk"]["S"].split("#")[0] for item in items) == ["DAY", "FINDINGS"]
    expires = int((T0 + timedelta(hours=1) + RESULT_RETENTION).timestamp())
    assert {int(item["expiresAt"]["N"]) for item in items} == {expires}
