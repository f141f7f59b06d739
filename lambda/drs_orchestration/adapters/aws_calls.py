"""Every AWS API call made through the product's client factory, counted by (service, operation).

The factory registers :func:`count_call` on each client it builds; a function's metrics read the
difference of :data:`CALLS` over one invocation.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from botocore.model import OperationModel

__all__ = ["CALLS", "calls_since", "count_call"]

CALLS: Counter[tuple[str, str]] = Counter()


def count_call(model: OperationModel, **_: Any) -> None:
    """botocore ``before-parameter-build`` handler: one more call of ``model``'s operation."""
    CALLS[(model.service_model.service_name, model.name)] += 1


def calls_since(before: Counter[tuple[str, str]]) -> Counter[tuple[str, str]]:
    """The calls made since ``before`` (a copy of :data:`CALLS`)."""
    return CALLS - before
