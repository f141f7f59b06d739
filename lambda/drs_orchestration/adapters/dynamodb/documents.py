"""A versioned document table: one entity per item, its JSON in ``doc``, listed by name.

Every write is one TransactWriteItems call, so what must change with it (an audit record, membership
claims) is written in the same transaction. Updates use an Update element (never a blind Put) so
attributes other writers own on the same item, such as a protection group's ``usedBy`` set of plans,
survive an edit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from drs_orchestration.adapters.dynamodb.table_access import (
    Item,
    RawPage,
    TableAccess,
    n,
    s,
    write_with,
)
from drs_orchestration.domain.errors import Conflict, NotFound, StaleVersion
from drs_orchestration.domain.models.base import Stamped

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import DeleteTypeDef, TransactWriteItemTypeDef

__all__ = ["DocumentTable"]

M = TypeVar("M", bound=Stamped)


class DocumentTable(Generic[M]):
    """CRUD with optimistic locking for one model type stored under key ``key_name``."""

    def __init__(
        self,
        client: DynamoDBClient,
        table_name: str,
        *,
        model: type[M],
        resource: str,
        key_name: str,
        kind: str | None,
        sort_name: Callable[[M], str] | None = None,
        index_attributes: Callable[[M], Mapping[str, str]] | None = None,
    ) -> None:
        self.table = TableAccess(client, table_name, resource, (key_name,))
        self.model = model
        self.resource = resource
        self.key_name = key_name
        self.kind = kind
        self._sort_name = sort_name
        self._index_attributes = index_attributes

    def key(self, entity_id: str) -> Item:
        return {self.key_name: s(entity_id)}

    def attributes(self, entity: M, entity_id: str) -> Item:
        """Every attribute of the item but the key: document, version and index attributes."""
        item: Item = {"doc": s(entity.model_dump_json(by_alias=True)), "version": n(entity.version)}
        if self.kind is not None:
            item["kind"] = s(self.kind)
        if self._sort_name is not None:
            item["sortName"] = s(f"{self._sort_name(entity).casefold()}#{entity_id}")
        for name, value in (self._index_attributes(entity) if self._index_attributes else {}).items():
            item[name] = s(value)
        return item

    def item(self, entity: M, entity_id: str) -> Item:
        return {**self.key(entity_id), **self.attributes(entity, entity_id)}

    def load(self, item: Mapping[str, Any]) -> M:
        return self.model.model_validate_json(item["doc"]["S"])

    def get(self, entity_id: str) -> M:
        found = self.table.get(self.key(entity_id))
        if found is None:
            raise NotFound(self.resource, entity_id)
        return self.load(found)

    def get_item(self, entity_id: str) -> Item | None:
        return self.table.get(self.key(entity_id))

    def page(
        self,
        *,
        limit: int,
        next_token: str | None,
        index: str,
        partition: tuple[str, str],
        keep: Callable[[Item], bool] | None = None,
        newest_first: bool = False,
        sort_key: str = "sortName",
    ) -> RawPage:
        name, value = partition
        return self.table.query_page(
            limit=limit,
            next_token=next_token,
            index_keys=(name, sort_key),
            keep=keep,
            pinned={name: value},
            IndexName=index,
            KeyConditionExpression="#p = :p",
            ExpressionAttributeNames={"#p": name},
            ExpressionAttributeValues={":p": s(value)},
            ScanIndexForward=not newest_first,
        )

    def create(
        self,
        entity: M,
        entity_id: str,
        extra: Sequence[TransactWriteItemTypeDef] = (),
        also: Mapping[str, Any] | None = None,
    ) -> M:
        """Create, with ``extra`` elements in the same transaction; a duplicate key is a conflict.

        ``also`` holds further raw attributes of the item (the repository's own bookkeeping).
        """
        write_with(
            self.table.client,
            self.table.put_new_op({**self.item(entity, entity_id), **(also or {})}),
            extra,
            lambda: Conflict(f"{self.resource} already exists"),
        )
        return entity

    def update(
        self,
        entity: M,
        entity_id: str,
        expected_version: int,
        extra: Sequence[TransactWriteItemTypeDef] = (),
        also: Mapping[str, Any] | None = None,
    ) -> M:
        """Update in place if still at ``expected_version``, with ``extra`` in the same transaction."""
        stored = entity.model_copy(update={"version": expected_version + 1})
        attributes = {**self.attributes(stored, entity_id), **(also or {})}
        names = {f"#a{i}": name for i, name in enumerate(attributes)}
        values: Item = {f":v{i}": value for i, value in enumerate(attributes.values())}
        assignments = ", ".join(f"#a{i} = :v{i}" for i in range(len(attributes)))
        update: TransactWriteItemTypeDef = {
            "Update": {
                "TableName": self.table.table_name,
                "Key": self.key(entity_id),
                "UpdateExpression": f"SET {assignments}",
                "ConditionExpression": "attribute_exists(#k) AND #version = :expected",
                "ExpressionAttributeNames": {**names, "#k": self.key_name, "#version": "version"},
                "ExpressionAttributeValues": {**values, ":expected": n(expected_version)},
            }
        }
        write_with(
            self.table.client,
            update,
            extra,
            lambda: self.table.stale_or_missing(entity_id, self.key(entity_id), expected_version),
        )
        return stored

    def delete(
        self,
        entity_id: str,
        expected_version: int | None,
        *,
        unused: bool = False,
        extra: Sequence[TransactWriteItemTypeDef] = (),
    ) -> None:
        """Delete (with ``extra`` in the same transaction); with ``unused`` only while no plan lists
        the item in its ``usedBy`` set."""
        conditions = ["attribute_exists(#k)"]
        values: Item = {}
        if expected_version is not None:
            conditions.append("version = :expected")
            values[":expected"] = n(expected_version)
        if unused:
            conditions.append("attribute_not_exists(usedBy)")
        delete: DeleteTypeDef = {
            "TableName": self.table.table_name,
            "Key": self.key(entity_id),
            "ConditionExpression": " AND ".join(conditions),
            "ExpressionAttributeNames": {"#k": self.key_name},
        }
        if values:
            delete["ExpressionAttributeValues"] = values
        write_with(
            self.table.client,
            {"Delete": delete},
            extra,
            lambda: self._refused_delete(entity_id, expected_version),
        )

    def _refused_delete(self, entity_id: str, expected_version: int | None) -> Exception:
        current = self.get_item(entity_id)
        if current is None:
            return NotFound(self.resource, entity_id)
        version = int(current["version"]["N"])
        if expected_version is not None and version != expected_version:
            return StaleVersion(
                self.resource, entity_id, expected_version=expected_version, current_version=version
            )
        users = sorted(current.get("usedBy", {}).get("SS", []))
        return Conflict(
            f"{self.resource} {entity_id} is used by recovery plan(s) {', '.join(users)}",
            current_version=version,
        )
