"""What every DynamoDB repository shares: conditional writes, transactions, pages with opaque cursors.

Writes are conditional; a stale version surfaces as ``StaleVersion`` carrying the stored version, a
missing item as ``NotFound``. Pagination cursors are
base64url JSON of the last returned item's key; a cursor that does not decode to exactly the key this
listing uses is rejected as invalid input on ``nextToken`` (never a 500).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from drs_orchestration.domain.errors import Conflict, NotFound, StaleVersion
from drs_orchestration.domain.services.paging import decode_cursor, encode_cursor, invalid_token

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

__all__ = [
    "Item",
    "RawPage",
    "TableAccess",
    "TransactionCancelled",
    "is_conditional_failure",
    "n",
    "s",
    "transact",
    "write_with",
]

Item = dict[str, Any]
"""A low-level DynamoDB item (``{"attr": {"S": "..."}}``)."""


def s(value: str) -> dict[str, str]:
    return {"S": value}


def n(value: int) -> dict[str, str]:
    return {"N": str(value)}


@dataclass(frozen=True)
class RawPage:
    items: list[Item]
    next_token: str | None


def is_conditional_failure(error: ClientError) -> bool:
    return error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException"


def _stored_version(item: Mapping[str, Any] | None) -> int | None:
    if not item or "version" not in item:
        return None
    return int(item["version"]["N"])


class TableAccess:
    """One table: documents in, documents out, every write conditional."""

    def __init__(
        self, client: DynamoDBClient, table_name: str, resource: str, key_names: Sequence[str]
    ) -> None:
        self.client = client
        self.table_name = table_name
        self.resource = resource
        self.key_names = tuple(key_names)

    # -- reads -------------------------------------------------------------------------------
    def get(self, key: Item, *, consistent: bool = True) -> Item | None:
        response = self.client.get_item(TableName=self.table_name, Key=key, ConsistentRead=consistent)
        return response.get("Item")

    def query_page(
        self,
        *,
        limit: int,
        next_token: str | None,
        index_keys: Sequence[str] = (),
        keep: Callable[[Item], bool] | None = None,
        pinned: Mapping[str, str] | None = None,
        **query: Any,
    ) -> RawPage:
        """One page of at most ``limit`` items; the token is absent on the last page.

        ``pinned`` names key attributes whose value a resumed token must keep (the partition
        queried), so a token from another listing is rejected instead of reaching DynamoDB.
        ``keep`` filters in Python (the items a DynamoDB filter expression would drop) while still
        filling the page; the cursor is the key of the last item returned, so nothing is skipped.
        """
        cursor_keys = frozenset((*self.key_names, *index_keys))
        start = decode_cursor(next_token, cursor_keys) if next_token is not None else None
        if start is not None and any(start[name] != s(value) for name, value in (pinned or {}).items()):
            raise invalid_token()
        wanted = limit + 1
        found: list[Item] = []
        for item in self._query_items(start, wanted, query):
            if keep is None or keep(item):
                found.append(item)
                if len(found) == wanted:
                    break
        if len(found) <= limit:
            return RawPage(found, None)
        last = found[limit - 1]
        return RawPage(found[:limit], encode_cursor({name: last[name] for name in cursor_keys}))

    def _query_items(self, start: Item | None, batch: int, query: Mapping[str, Any]) -> Iterator[Item]:
        arguments: dict[str, Any] = {"TableName": self.table_name, "Limit": max(batch, 10), **query}
        if start is not None:
            arguments["ExclusiveStartKey"] = start
        while True:
            response = self.client.query(**arguments)
            yield from response.get("Items", [])
            last_key = response.get("LastEvaluatedKey")
            if not last_key:
                return
            arguments["ExclusiveStartKey"] = last_key

    def query_all(self, **query: Any) -> list[Item]:
        return list(self._query_items(None, 1000, query))

    # -- writes ------------------------------------------------------------------------------
    def put_new(self, item: Item) -> None:
        """Create; a duplicate key is a conflict, never an overwrite."""
        try:
            self.client.put_item(
                TableName=self.table_name,
                Item=item,
                ConditionExpression=f"attribute_not_exists({self.key_names[0]})",
            )
        except ClientError as error:
            if is_conditional_failure(error):
                raise Conflict(f"{self.resource} already exists") from error
            raise

    def put_versioned_op(self, item: Item, expected_version: int) -> TransactWriteItemTypeDef:
        """A transaction element replacing the item if it is still at ``expected_version``."""
        return {
            "Put": {
                "TableName": self.table_name,
                "Item": item,
                "ConditionExpression": "version = :expected",
                "ExpressionAttributeValues": {":expected": n(expected_version)},
            }
        }

    def put_new_op(self, item: Item) -> TransactWriteItemTypeDef:
        return {
            "Put": {
                "TableName": self.table_name,
                "Item": item,
                "ConditionExpression": f"attribute_not_exists({self.key_names[0]})",
            }
        }

    def delete_versioned_op(self, key: Item, expected_version: int) -> TransactWriteItemTypeDef:
        return {
            "Delete": {
                "TableName": self.table_name,
                "Key": key,
                "ConditionExpression": "version = :expected",
                "ExpressionAttributeValues": {":expected": n(expected_version)},
            }
        }

    def stale_or_missing(self, resource_id: str, key: Item, expected_version: int) -> Exception:
        """The error a failed versioned write means: the record moved on, or it is gone."""
        current = _stored_version(self.get(key))
        if current is None:
            return NotFound(self.resource, resource_id)
        return StaleVersion(
            self.resource, resource_id, expected_version=expected_version, current_version=current
        )


class TransactionCancelled(Exception):
    """A transaction failed on an element after the first; ``reasons`` holds the codes of those elements."""

    def __init__(self, reasons: Sequence[str]) -> None:
        super().__init__(", ".join(reasons))
        self.reasons = list(reasons)


def write_with(
    client: DynamoDBClient,
    first: TransactWriteItemTypeDef,
    extra: Sequence[TransactWriteItemTypeDef],
    first_failed: Callable[[], Exception],
) -> None:
    """Write ``first`` and ``extra`` together or not at all.

    When ``first``'s own condition failed, raise ``first_failed()``; when another element was refused,
    raise ``TransactionCancelled`` with the codes of the other elements (in order).
    """
    reasons = transact(client, [first, *extra])
    if reasons is None:
        return
    if reasons[0] == "ConditionalCheckFailed":
        raise first_failed()
    raise TransactionCancelled(reasons[1:])


def transact(client: DynamoDBClient, operations: Sequence[TransactWriteItemTypeDef]) -> list[str] | None:
    """Write every operation or none; the per-operation cancellation codes when it was cancelled."""
    try:
        client.transact_write_items(TransactItems=list(operations))
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") != "TransactionCanceledException":
            raise
        reasons = error.response.get("CancellationReasons", [])
        return [str(reason.get("Code", "None")) for reason in reasons] or ["Unknown"]
    return None
