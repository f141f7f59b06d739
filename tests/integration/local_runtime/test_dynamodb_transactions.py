"""moto's TransactWriteItems with the local runtime's lean backup: one copy per table, same outcome."""

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from drs_local.dynamodb_transactions import LeanTransactions
from tests.integration.accounts import use_fake_credentials


@pytest.fixture
def table(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    use_fake_credentials(monkeypatch)
    with mock_aws(), LeanTransactions().installed():
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
    with LeanTransactions().installed():
        assert models.copy is not copy
    assert models.copy is copy
    assert DynamoDBBackend.transact_write_items is before
