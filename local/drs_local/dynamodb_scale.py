"""moto's DynamoDB at the scale of thousands of servers: Query and TransactWriteItems.

Query: moto answers a Query on a table's own key by listing and sorting **every item of the table**
(``Table.all_items()``), then keeping those of the asked partition, so each Query costs O(table) and
the engine's per-tick Queries grow with every run's items. Installed, a Query on the table's own key
(no index) lists only the asked partition; a Query on an index lists the items whose index hash key
equals the asked one, found by comparing stored strings (no sort of the whole table, no ``DynamoType``
comparisons); moto filters and sorts them as before.

TransactWriteItems: before it writes, moto backs up each table a transaction touches (to roll back on a
failed condition) with ``copy.deepcopy`` - once per **item** of the transaction, not once per table. A
100-item transaction on a table of 20,000 items copies 2,000,000 items; a protection group of hundreds of
servers (whose per-server claims are written in transactions) then takes minutes and gigabytes to create.
Installed, this copies each table once per transaction: the same backup, since nothing is written before
the copies are taken.
"""

from __future__ import annotations

import copy
import functools
import inspect
import threading
from collections.abc import Callable
from typing import Any

from moto.dynamodb import models as dynamodb_models
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.table import Table

from .moto_hooks import HookMissingError, Hooks, Patches, require_attributes

__all__ = ["LeanDynamoDB"]


class _CopyOncePerTransaction:
    """Stands in for the ``copy`` module inside moto's DynamoDB models: inside a transaction, a table is
    deep-copied once; everything else is copied as ``copy`` would."""

    copy = staticmethod(copy.copy)

    def __init__(self) -> None:
        self._local = threading.local()

    def deepcopy(self, value: Any, memo: dict[int, Any] | None = None) -> Any:
        backups: dict[int, Table] | None = getattr(self._local, "backups", None)
        if backups is None or not isinstance(value, Table):
            return copy.deepcopy(value, memo)
        if id(value) not in backups:
            backups[id(value)] = copy.deepcopy(value, memo)
        return backups[id(value)]

    def transaction(self, original: Callable[..., None]) -> Callable[..., None]:
        @functools.wraps(original)
        def transact_write_items(backend: DynamoDBBackend, *args: Any, **kwargs: Any) -> None:
            self._local.backups = {}
            try:
                original(backend, *args, **kwargs)
            finally:
                self._local.backups = None

        return transact_write_items


def _query(original: Callable[..., Any]) -> Callable[..., Any]:
    signature = inspect.signature(original)

    @functools.wraps(original)
    def query(table: Table, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
        arguments = signature.bind(table, hash_key, *args, **kwargs).arguments
        index_name = arguments.get("index_name")
        if index_name:
            narrowed = _index_candidates(table, hash_key, index_name, arguments.get("hash_key_conditions"))
        elif table.range_key_attr and hash_key is not None:
            narrowed = list((table.items.get(hash_key) or {}).values())
        else:
            narrowed = None
        if narrowed is None:
            return original(table, hash_key, *args, **kwargs)
        table.all_items = lambda: narrowed  # type: ignore[method-assign]
        try:
            return original(table, hash_key, *args, **kwargs)
        finally:
            del table.all_items

    return query


def _index_candidates(table: Table, hash_key: Any, index_name: str, conditions: Any) -> list[Any] | None:
    """The items whose index hash key(s) equal the Query's, found by comparing the stored strings
    (``None``: a condition on another type, left to moto). moto still checks and sorts them."""
    wanted = [(name, value.type, value.value) for name, value in conditions or []]
    if not wanted:
        index = next((i for i in table.all_indexes() if i.name == index_name), None)
        names = [key["AttributeName"] for key in index.schema if key["KeyType"] == "HASH"] if index else []
        if hash_key is None or len(names) != 1:
            return None
        wanted = [(names[0], hash_key.type, hash_key.value)]
    if any(kind not in ("S", "B") for _, kind, _ in wanted):
        return None
    rows: Any = table.items.values()
    items: list[Any] = [item for row in rows for item in row.values()] if table.range_key_attr else list(rows)
    return [item for item in items if _matches(item.attrs, wanted)]


def _matches(attrs: dict[str, Any], wanted: list[tuple[str, str, Any]]) -> bool:
    for name, kind, value in wanted:
        found = attrs.get(name)
        if found is None or found.type != kind or found.value != value:
            return False
    return True


class LeanDynamoDB(Hooks):
    """Install with ``installed()`` (or ``install()`` / ``uninstall()``). Requests into moto must be
    serialized (``SerializedBackends``): a Query narrows its table's ``all_items`` while it runs."""

    def __init__(self) -> None:
        self._patches = Patches()

    def _patch(self, patches: Patches) -> None:
        require_attributes(
            [(dynamodb_models, "copy"), (DynamoDBBackend, "transact_write_items"), (Table, "query")]
        )
        if list(inspect.signature(Table.query).parameters)[:2] != ["self", "hash_key"]:
            raise HookMissingError("moto's Table.query no longer takes the hash key first")
        if getattr(dynamodb_models, "copy", None) is not copy:
            raise HookMissingError("moto's DynamoDB models no longer use the copy module")
        shim = _CopyOncePerTransaction()
        patches.set(dynamodb_models, "copy", shim)
        patches.set(
            DynamoDBBackend, "transact_write_items", shim.transaction(DynamoDBBackend.transact_write_items)
        )
        patches.set(Table, "query", _query(Table.query))
