"""Quota-aware launch batching (pure): which DRS jobs may start now without breaking a quota.

DRS quotas per account and region (``DrsQuotas``): at most 100 servers a job, 20 jobs running at
once, 500 servers in active jobs, and a server in one active job at a time. Given what is already
running, ``plan_launch_batches`` returns the jobs to start now; servers it leaves out are launched by
a later call, once running jobs finish. ``batches_that_fit`` does the same for batches formed earlier
(recorded, but refused by DRS or never sent), which keep their servers.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

from drs_orchestration.domain.models.base import CamelModel, SourceServerId, WaveId
from drs_orchestration.domain.models.drs import DEFAULT_QUOTAS, DrsQuotas

__all__ = ["LaunchBatchPlan", "batches_that_fit", "jobs_needed", "plan_launch_batches"]


class LaunchBatchPlan(CamelModel):
    """One StartRecovery to make now: servers of a single wave."""

    wave_id: WaveId
    source_server_ids: list[SourceServerId]


def jobs_needed(server_count: int, quotas: DrsQuotas = DEFAULT_QUOTAS) -> int:
    """How many DRS jobs launching ``server_count`` servers takes."""
    return -(-server_count // quotas.max_servers_per_job)


def plan_launch_batches(
    waiting: Iterable[tuple[str, Sequence[str]]],
    *,
    servers_in_active_jobs: Collection[str],
    active_job_count: int,
    quotas: DrsQuotas = DEFAULT_QUOTAS,
) -> list[LaunchBatchPlan]:
    """The batches that may start now, in the order of ``waiting`` (``(wave id, server ids)`` pairs).

    ``servers_in_active_jobs`` and ``active_job_count`` describe every active DRS job of the account
    and region, ours or not. A server already in an active job, or listed twice, is not batched
    again. Batches never mix waves.
    """
    _check(quotas)
    busy = set(servers_in_active_jobs)
    jobs_left = quotas.max_concurrent_jobs - active_job_count
    capacity = quotas.max_servers_in_active_jobs - len(busy)
    batches: list[LaunchBatchPlan] = []
    for wave_id, servers in waiting:
        queue = [server for server in dict.fromkeys(servers) if server not in busy]
        while queue and jobs_left > 0 and capacity > 0:
            size = min(quotas.max_servers_per_job, capacity, len(queue))
            batch, queue = queue[:size], queue[size:]
            busy.update(batch)
            capacity -= size
            jobs_left -= 1
            batches.append(LaunchBatchPlan(wave_id=wave_id, source_server_ids=batch))
    return batches


def batches_that_fit(
    batches: Sequence[Sequence[str]],
    *,
    servers_in_active_jobs: Collection[str],
    active_job_count: int,
    quotas: DrsQuotas = DEFAULT_QUOTAS,
) -> list[int]:
    """Which of the already formed ``batches`` may start now, by index, in order.

    A batch starts whole or waits: it waits while a server of it is in an active job, or while it
    would pass the concurrent-jobs or servers-in-active-jobs quota given what already runs and the
    batches before it that fit.
    """
    _check(quotas)
    busy = set(servers_in_active_jobs)
    jobs_left = quotas.max_concurrent_jobs - active_job_count
    capacity = quotas.max_servers_in_active_jobs - len(busy)
    fitting: list[int] = []
    for index, batch in enumerate(batches):
        members = set(batch)
        if jobs_left < 1 or len(members) > min(capacity, quotas.max_servers_per_job) or members & busy:
            continue
        busy |= members
        capacity -= len(members)
        jobs_left -= 1
        fitting.append(index)
    return fitting


def _check(quotas: DrsQuotas) -> None:
    if min(quotas.max_servers_per_job, quotas.max_concurrent_jobs, quotas.max_servers_in_active_jobs) < 1:
        raise ValueError(f"quotas must be positive: {quotas}")
