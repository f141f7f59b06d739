"""Every AWS API call made through the product's client factory, counted by (service, operation),
and the DynamoDB items those calls read.

The factory registers :func:`count_call` and :func:`count_items_read` on each client it builds; a
function's metrics read the difference of :data:`CALLS` (or :data:`ITEMS_READ`) over one invocation.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from botocore.model import OperationModel

__all__ = ["CALLS", "ITEMS_READ", "calls_since", "count_call", "count_items_read"]

CALLS: Counter[tuple[str, str]] = Counter()
ITEMS_READ: Counter[tuple[str, str]] = Counter()
"""DynamoDB items returned, by (service, operation): GetItem, Query, Scan, BatchGetItem."""


def count_call(model: OperationModel, **_: Any) -> None:
    """botocore ``before-parameter-build`` handler: one more call of ``model``'s operation."""
    CALLS[(model.service_model.service_name, model.name)] += 1


def count_items_read(parsed: dict[str, Any], model: OperationModel, **_: Any) -> None:
    """botocore ``after-call.dynamodb`` handler: the items the call returned."""
    if "Item" in parsed:
        items = 1
    elif "Items" in parsed:
        items = len(parsed["Items"])
    elif "Responses" in parsed and isinstance(parsed["Responses"], dict):
        items = sum(len(found) for found in parsed["Responses"].values())
    else:
        return
    ITEMS_READ[(model.service_model.service_name, model.name)] += items


def calls_since(before: Counter[tuple[str, str]]) -> Counter[tuple[str, str]]:
    """The calls made since ``before`` (a copy of :data:`CALLS`)."""
    return CALLS - before
