"""TransactWriteItems at scale for moto's DynamoDB.

Before it writes, moto backs up each table a transaction touches (to roll back on a failed condition)
with ``copy.deepcopy`` - once per **item** of the transaction, not once per table. A 100-item transaction
on a table of 20,000 items copies 2,000,000 items; a protection group of hundreds of servers (whose
per-server claims are written in transactions) then takes minutes and gigabytes to create. Installed,
this copies each table once per transaction: the same backup, since nothing is written before the
copies are taken.
"""

from __future__ import annotations

import copy
import functools
import threading
from collections.abc import Callable
from typing import Any

from moto.dynamodb import models as dynamodb_models
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.table import Table

from .moto_hooks import HookMissingError, Hooks, Patches, require_attributes

__all__ = ["LeanTransactions"]


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


class LeanTransactions(Hooks):
    """Install with ``installed()`` (or ``install()`` / ``uninstall()``)."""

    def __init__(self) -> None:
        self._patches = Patches()

    def _patch(self, patches: Patches) -> None:
        require_attributes([(dynamodb_models, "copy"), (DynamoDBBackend, "transact_write_items")])
        if getattr(dynamodb_models, "copy", None) is not copy:
            raise HookMissingError("moto's DynamoDB models no longer use the copy module")
        shim = _CopyOncePerTransaction()
        patches.set(dynamodb_models, "copy", shim)
        patches.set(
            DynamoDBBackend, "transact_write_items", shim.transaction(DynamoDBBackend.transact_write_items)
        )
