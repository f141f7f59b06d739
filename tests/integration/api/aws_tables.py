"""Create the data stack's tables under moto from the template itself, so tests and template cannot drift."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import boto3
import pytest
from cfnlint.decode import cfn_yaml
from moto import mock_aws

TEMPLATE = Path(__file__).resolve().parents[3] / "cfn" / "data-stack.yaml"

TABLE_ENV = {
    "ProtectionGroupsTable": "PROTECTION_GROUPS_TABLE",
    "RecoveryPlansTable": "RECOVERY_PLANS_TABLE",
    "ExecutionsTable": "EXECUTIONS_TABLE",
    "AccountsTable": "ACCOUNTS_TABLE",
    "AuditTable": "AUDIT_TABLE",
    "ReadinessChecksTable": "READINESS_CHECKS_TABLE",
}


@cache
def table_definitions() -> dict[str, dict[str, Any]]:
    """Logical id -> the table's Properties, as the template declares them."""
    template = cfn_yaml.load(str(TEMPLATE))
    return {
        logical_id: resource["Properties"]
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] == "AWS::DynamoDB::Table"
    }


def create_tables(client: Any, prefix: str = "test") -> dict[str, str]:
    """Create every missing table (key schema and indexes from the template); env variable -> table name.

    Safe to call again: another test's ``mock_aws`` resets moto's backends, and this puts them back.
    """
    existing = set(client.list_tables()["TableNames"])
    names: dict[str, str] = {}
    for logical_id, properties in table_definitions().items():
        name = f"{prefix}-{logical_id}"
        names[TABLE_ENV[logical_id]] = name
        if name in existing:
            continue
        arguments: dict[str, Any] = {
            "TableName": name,
            "BillingMode": properties["BillingMode"],
            "AttributeDefinitions": properties["AttributeDefinitions"],
            "KeySchema": properties["KeySchema"],
        }
        if "GlobalSecondaryIndexes" in properties:
            arguments["GlobalSecondaryIndexes"] = properties["GlobalSecondaryIndexes"]
        client.create_table(**arguments)
    return names


def empty_tables(client: Any, names: dict[str, str]) -> None:
    """Delete every item of the tables (cheaper than recreating them between tests)."""
    for logical_id, properties in table_definitions().items():
        name = names[TABLE_ENV[logical_id]]
        keys = [key["AttributeName"] for key in properties["KeySchema"]]
        projection = {
            "ProjectionExpression": ", ".join(f"#k{i}" for i in range(len(keys))),
            "ExpressionAttributeNames": {f"#k{i}": key for i, key in enumerate(keys)},
        }
        for page in client.get_paginator("scan").paginate(TableName=name, **projection):
            for item in page["Items"]:
                client.delete_item(TableName=name, Key=item)


FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
}

_MOTO = mock_aws()
"""One mock for these suites. Its data is kept from test to test (emptied, not rebuilt), but it is
active only during a test of ours: another suite's own ``mock_aws`` still starts from a clean moto."""


@contextmanager
def moto_with_tables(monkeypatch: pytest.MonkeyPatch, region: str, prefix: str) -> Iterator[dict[str, str]]:
    """moto active for one test, fake credentials set, the template's tables present; env name -> table."""
    for key, value in FAKE_CREDENTIALS.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("AWS_DEFAULT_REGION", region)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    _MOTO.start(reset=False)
    try:
        client = boto3.client("dynamodb", region_name=region)
        names = create_tables(client, prefix)
        yield names
        empty_tables(client, names)
    finally:
        _MOTO.stop(remove_data=False)
