"""Bounded concurrency for per-server DRS calls: DRS has no batch form of some calls (one
DescribeRecoverySnapshots, ReverseReplication, StopFailback, ... per server), and a burst of them meets
DRS's read and write throttles. At most ``DRS_CALLS_PER_TARGET`` are in flight at once for one account
and Region, as for the readiness check's GetLaunchConfiguration calls."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

__all__ = ["DRS_CALLS_PER_TARGET", "bounded_map"]

DRS_CALLS_PER_TARGET = 8
"""Fewer than botocore's 10 pooled connections per client (the same bound as the readiness check)."""

T = TypeVar("T")
R = TypeVar("R")


def bounded_map(
    call: Callable[[T], R], items: Iterable[T], *, workers: int = DRS_CALLS_PER_TARGET
) -> list[R]:
    """``[call(item) for item in items]`` in that order, with at most ``workers`` calls at once; the
    first exception raised by a call is raised once every call has ended."""
    todo = list(items)
    if len(todo) <= 1 or workers <= 1:
        return [call(item) for item in todo]
    with ThreadPoolExecutor(max_workers=min(workers, len(todo))) as pool:
        return list(pool.map(call, todo))
