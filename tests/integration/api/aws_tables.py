"""Create the data stack's tables under moto from the template itself, so tests and template cannot drift."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from cfnlint.decode import cfn_yaml

TEMPLATE = Path(__file__).resolve().parents[3] / "cfn" / "data-stack.yaml"

TABLE_ENV = {
    "ProtectionGroupsTable": "PROTECTION_GROUPS_TABLE",
    "RecoveryPlansTable": "RECOVERY_PLANS_TABLE",
    "ExecutionsTable": "EXECUTIONS_TABLE",
    "AccountsTable": "ACCOUNTS_TABLE",
    "AuditTable": "AUDIT_TABLE",
}


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


def empty_tables(client: Any, names: Iterable[str]) -> None:
    """Delete every item of the tables (cheaper than recreating them between tests)."""
    for name in names:
        key_names = [k["AttributeName"] for k in client.describe_table(TableName=name)["Table"]["KeySchema"]]
        for page in client.get_paginator("scan").paginate(
            TableName=name,
            ProjectionExpression=", ".join(f"#k{i}" for i in range(len(key_names))),
            ExpressionAttributeNames={f"#k{i}": key for i, key in enumerate(key_names)},
        ):
            for item in page["Items"]:
                client.delete_item(TableName=name, Key=item)
