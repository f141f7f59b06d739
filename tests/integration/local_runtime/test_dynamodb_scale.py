"""moto's TransactWriteItems with the local runtime's lean backup: one copy per table, same outcome."""

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from drs_local.dynamodb_scale import LeanDynamoDB
from tests.integration.accounts import use_fake_credentials


@pytest.fixture
def table(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    use_fake_credentials(monkeypatch)
    with mock_aws(), LeanDynamoDB().installed():
        client = boto3.client("dynamodb")
        client.create_table(
            TableName="t",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        for n in range(50):
            client.put_item(TableName="t", Item={"pk": {"S": f"old-{n}"}})
        yield client


def _put(key: str, *, new: bool = True) -> dict[str, Any]:
    put: dict[str, Any] = {"TableName": "t", "Item": {"pk": {"S": key}}}
    if new:
        put["ConditionExpression"] = "attribute_not_exists(pk)"
    return {"Put": put}


def _keys(client: Any) -> set[str]:
    return {item["pk"]["S"] for item in client.scan(TableName="t")["Items"]}


def test_every_item_is_written_when_the_transaction_holds(table: Any) -> None:
    table.transact_write_items(TransactItems=[_put(f"new-{n}") for n in range(100)])

    assert _keys(table) == {f"old-{n}" for n in range(50)} | {f"new-{n}" for n in range(100)}


def test_nothing_is_written_when_one_condition_fails(table: Any) -> None:
    items = [_put(f"new-{n}") for n in range(99)] + [_put("old-7")]

    with pytest.raises(table.exceptions.TransactionCanceledException):
        table.transact_write_items(TransactItems=items)

    assert _keys(table) == {f"old-{n}" for n in range(50)}


def test_moto_internals_are_restored_when_uninstalled(monkeypatch: pytest.MonkeyPatch) -> None:
    import copy

    from moto.dynamodb import models
    from moto.dynamodb.models import DynamoDBBackend

    before = DynamoDBBackend.transact_write_items
    with LeanDynamoDB().installed():
        assert models.copy is not copy
    assert models.copy is copy
    assert DynamoDBBackend.transact_write_items is before


@pytest.fixture
def ranged(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    use_fake_credentials(monkeypatch)
    with mock_aws(), LeanDynamoDB().installed():
        client = boto3.client("dynamodb")
        client.create_table(
            TableName="r",
            KeySchema=[
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"},
            ],
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "S"},
                {"AttributeName": "g", "AttributeType": "S"},
            ],
            GlobalSecondaryIndexes=[
                {
                    "IndexName": "by-g",
                    "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                    "Projection": {"ProjectionType": "ALL"},
                }
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        for p in ("a", "b", "c"):
            for n in range(30):
                item = {"pk": {"S": p}, "sk": {"S": f"item#{n:03d}"}, "g": {"S": f"g{n % 2}"}}
                client.put_item(TableName="r", Item=item)
        yield client


def test_query_returns_the_partition_in_key_order_when_the_table_has_other_partitions(ranged: Any) -> None:
    found = ranged.query(
        TableName="r",
        KeyConditionExpression="pk = :p AND begins_with(sk, :s)",
        ExpressionAttributeValues={":p": {"S": "b"}, ":s": {"S": "item#01"}},
    )["Items"]

    assert [i["sk"]["S"] for i in found] == [f"item#{n:03d}" for n in range(10, 20)]
    assert {i["pk"]["S"] for i in found} == {"b"}


def test_query_pages_and_reverses_within_the_partition(ranged: Any) -> None:
    first = ranged.query(
        TableName="r",
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": {"S": "c"}},
        Limit=20,
        ScanIndexForward=False,
    )
    rest = ranged.query(
        TableName="r",
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": {"S": "c"}},
        ScanIndexForward=False,
        ExclusiveStartKey=first["LastEvaluatedKey"],
    )

    keys = [i["sk"]["S"] for i in first["Items"] + rest["Items"]]
    assert keys == [f"item#{n:03d}" for n in reversed(range(30))]


def test_index_queries_and_missing_partitions_answer_as_before(ranged: Any) -> None:
    on_index = ranged.query(
        TableName="r",
        IndexName="by-g",
        KeyConditionExpression="g = :g",
        ExpressionAttributeValues={":g": {"S": "g1"}},
    )["Items"]
    missing = ranged.query(
        TableName="r", KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "zzz"}}
    )

    assert len(on_index) == 45
    assert missing["Items"] == []
    assert missing["Count"] == 0
    assert ranged.scan(TableName="r")["Count"] == 90  # no partition was added by the missing one
