"""DRS launches (``following`` follows the jobs once started): find intended jobs again
after a crash by their tags (one scan of a target's jobs for all its intended batches), and start
jobs within the account's quotas (other runs included): batches DRS has no job for and servers in
no batch yet, under one lease take and one listing of the active jobs.

Every run of the account and Region shares its quotas, so reading the active jobs and starting jobs
against what they leave happens under a launch lease (one item per account and Region, held a few
tens of seconds at most): two runs never both count on the same room. A tick that finds the lease
taken launches nothing there and looks again a few seconds later. DRS may still refuse a launch for
want of room (someone launched outside the product in the same second): the batch stays recorded as
intended, its servers wait, and a later tick starts it within the quotas. Waiting is a state. A
retried wave gives up its batches that never started (``FAILED_TO_START``), and a batch whose servers
no longer carry its id never starts: each server is in one StartRecovery per attempt.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial

from drs_orchestration.domain.batching import batches_that_fit, plan_launch_batches
from drs_orchestration.domain.engine.context import BATCH_TAG, EXECUTION_TAG, Tick, target_key, target_of
from drs_orchestration.domain.engine.failback_launch import launch_key, may_batch, start_job
from drs_orchestration.domain.engine.snapshots import choose_snapshots, snapshots_of
from drs_orchestration.domain.errors import DrsLaunchRefused
from drs_orchestration.domain.models.drs import DrsJob, DrsTarget, LaunchStatus
from drs_orchestration.domain.models.execution import (
    BatchStatus,
    EventType,
    LaunchBatch,
    WaveStatus,
)
from drs_orchestration.domain.ports import ACTIVE_JOB_HORIZON, JOB_CLOCK_SKEW
from drs_orchestration.domain.scheduling import wave_order

__all__ = ["launch_waiting_servers", "recover_intended_batches"]
LEASE_SECONDS = 60
"""How long a launch lease lasts from when it is taken or renewed, in real time (the lease store's
clock, not the tick's): longer than listing the jobs and starting one job, short enough that a
holder that crashed blocks the account's launches only briefly."""
LEASE_BUSY_WAIT_SECONDS = 3
"""How soon a tick that found the lease taken looks again."""


def _tags(tick: Tick, batch_id: str) -> dict[str, str]:
    return {EXECUTION_TAG: tick.header.id, BATCH_TAG: batch_id}


def _started(tick: Tick, batch: LaunchBatch, job: DrsJob) -> None:
    tick.put_batch(batch.model_copy(update={"status": BatchStatus.STARTED, "job_id": job.job_id}))
    members = set(batch.source_server_ids)
    for server in tick.servers_by_id(batch.wave_id, batch.source_server_ids):
        tick.set_server(server, job_id=job.job_id, launch_status=LaunchStatus.PENDING)
    tick.set_header(active_jobs={**tick.header.active_jobs, job.job_id: _batch_target(batch)})
    tick.event(
        EventType.JOB_STARTED,
        f"DRS job {job.job_id} started for {len(members)} server(s)",
        wave_id=batch.wave_id,
        jobId=job.job_id,
        batchId=batch.batch_id,
        servers=len(members),
    )


@contextmanager
def _launch_lease(tick: Tick, target: DrsTarget) -> Iterator[bool]:
    """Hold the account and Region's launch lease for the ``with`` block; ``False`` when another run
    has it (then this tick launches nothing there and looks again shortly)."""
    executions = tick.ports.executions
    held = executions.acquire_launch_lease(target, tick.header.id, seconds=LEASE_SECONDS)
    if not held:
        tick.wait(LEASE_BUSY_WAIT_SECONDS)
    try:
        yield held
    finally:
        if held:
            executions.release_launch_lease(target, tick.header.id)


def _still_held(tick: Tick, target: DrsTarget) -> bool:
    """Renew the lease before another StartRecovery; ``False`` when it expired and another run took it
    (what this tick read of the active jobs is then no longer its own to spend)."""
    if tick.ports.executions.acquire_launch_lease(target, tick.header.id, seconds=LEASE_SECONDS):
        return True
    tick.wait(LEASE_BUSY_WAIT_SECONDS)
    return False


def _room(tick: Tick, target: DrsTarget) -> tuple[set[str], int]:
    """The servers in active jobs of the account and Region, and how many jobs are active."""
    active = tick.drs(target).list_active_jobs(since=tick.now - ACTIVE_JOB_HORIZON)
    return {p.source_server_id for job in active for p in job.participating_servers}, len(active)


def _start(tick: Tick, target: DrsTarget, batch: LaunchBatch) -> bool:
    """StartRecovery for a batch recorded as intended; ``False`` when DRS refused it for want of room
    (the batch stays intended: a later tick starts it)."""
    try:
        job = start_job(
            tick,
            target,
            batch,
            _tags(tick, batch.batch_id),
            snapshots_of(tick.servers_by_id(batch.wave_id, batch.source_server_ids), batch.source_server_ids),
        )
    except DrsLaunchRefused as refusal:
        tick.event(
            EventType.JOB_WAITING_FOR_QUOTA,
            f"waiting for DRS quota: StartRecovery of {len(batch.source_server_ids)} server(s) refused "
            f"({refusal.reason}: {refusal.message}); the batch starts on a later tick",
            wave_id=batch.wave_id,
            batchId=batch.batch_id,
            reason=refusal.reason,
        )
        tick.wait(tick.config.poll_seconds)
        tick.metrics.quota_waits += 1
        return False
    _started(tick, batch, job)
    tick.metrics.servers_launched += len(batch.source_server_ids)
    return True


Queue = list[tuple[str, list[str]]]
"""Servers in no batch yet, as ``(wave id, server ids)`` in wave order."""


def _launch_target(tick: Tick, target: DrsTarget, intended: list[LaunchBatch], queue: Queue) -> None:
    """Launch what waits in one account and Region: batches formed earlier whose jobs DRS does not
    have (they start whole), then new batches of the servers in ``queue``. One lease take, one
    listing of the active jobs, then StartRecovery after StartRecovery within what they leave,
    renewing the lease before each but the first; a refusal stops the rest until a later tick."""
    with _launch_lease(tick, target) as held:
        if not held:
            return
        busy, jobs = _room(tick, target)
        quotas = tick.config.quotas
        fitting = [
            intended[index]
            for index in batches_that_fit(
                [b.source_server_ids for b in intended],
                servers_in_active_jobs=busy,
                active_job_count=jobs,
                quotas=quotas,
            )
        ]
        busy.update(server for batch in fitting for server in batch.source_server_ids)
        plans = plan_launch_batches(
            queue, servers_in_active_jobs=busy, active_job_count=jobs + len(fitting), quotas=quotas
        )
        planned = sum(len(plan.source_server_ids) for plan in plans)
        if len(fitting) < len(intended) or planned < sum(len(ids) for _, ids in queue):
            tick.wait(tick.config.poll_seconds)  # waiting for quota is a state: look again later
        starts: list[Callable[[], bool]] = [partial(_start, tick, target, batch) for batch in fitting]
        starts += [partial(_launch, tick, target, p.wave_id, p.source_server_ids) for p in plans]
        for count, start in enumerate(starts):
            if (count and not _still_held(tick, target)) or not start():
                return


def _waiting_servers(tick: Tick) -> dict[str, tuple[DrsTarget, Queue]]:
    """The servers of LAUNCHING waves in no batch yet, by target, in wave order."""
    by_target: dict[str, tuple[DrsTarget, Queue]] = {}
    for wave_id in wave_order(tick.header.plan_snapshot.waves):
        wave = tick.waves[wave_id]
        if wave.status is not WaveStatus.LAUNCHING:
            continue
        counts = wave.server_counts
        if counts is not None and not counts.waiting and wave_id not in tick.servers:
            continue  # every server is in a batch: no need to read them
        waiting: dict[str, list[str]] = defaultdict(list)
        targets: dict[str, DrsTarget] = {}
        for server in tick.wave_servers(wave_id):
            if server.batch_id is None and server.launch_status is None and may_batch(server):
                target = target_of(server)
                key = launch_key(server, target)
                waiting[key].append(server.source_server_id)
                targets[key] = target
        for key, ids in waiting.items():
            by_target.setdefault(key, (targets[key], []))[1].append((wave_id, ids))
    return by_target


def _claims_its_servers(tick: Tick, batch: LaunchBatch) -> bool:
    """Whether every server of ``batch`` still carries its batch id: a retried wave's servers were
    given up by their old batch, which must then never start (they launch in a new one)."""
    members = set(batch.source_server_ids)
    servers = tick.servers_by_id(batch.wave_id, batch.source_server_ids)
    return len(servers) == len(members) and all(s.batch_id == batch.batch_id for s in servers)


def recover_intended_batches(tick: Tick, batches: list[LaunchBatch]) -> list[LaunchBatch]:
    """Batches recorded as INTENDED but never marked STARTED: a crash hit between the intent and the
    record of the job, or DRS refused the launch for want of room. Find their jobs by their batch tag
    (one scan of each account and Region's jobs) and record them; returns those DRS has no job for,
    which ``launch_waiting_servers`` starts."""
    intended: dict[str, tuple[DrsTarget, list[LaunchBatch]]] = {}
    for batch in batches:
        if batch.status is not BatchStatus.INTENDED or not _may_start(tick, batch):
            continue
        target = _batch_target(batch)
        intended.setdefault(target_key(target), (target, []))[1].append(batch)
    unstarted: list[LaunchBatch] = []
    for target, recorded in intended.values():
        since = min(b.requested_at for b in recorded) - JOB_CLOCK_SKEW
        found = tick.drs(target).find_jobs_by_tag(BATCH_TAG, [b.batch_id for b in recorded], since=since)
        for batch in recorded:
            jobs = found.get(batch.batch_id)
            if jobs:
                _started(tick, batch, jobs[0])
            else:
                unstarted.append(batch)
    return unstarted


def _batch_target(batch: LaunchBatch) -> DrsTarget:
    return DrsTarget(account_id=batch.account_id or "", region=batch.region or "")


def _may_start(tick: Tick, batch: LaunchBatch) -> bool:
    return (
        bool(batch.account_id and batch.region)
        and tick.waves[batch.wave_id].status is WaveStatus.LAUNCHING
        and _claims_its_servers(tick, batch)
    )


def launch_waiting_servers(tick: Tick, unstarted: list[LaunchBatch]) -> None:
    """Start, within the quotas, the ``unstarted`` batches (whole) and then new batches for the servers
    of LAUNCHING waves that are in none yet: one lease take and one listing per target a tick."""
    waiting = _waiting_servers(tick)
    intended: dict[str, list[LaunchBatch]] = defaultdict(list)
    for batch in unstarted:
        if _may_start(tick, batch):
            target = _batch_target(batch)
            waiting.setdefault(target_key(target), (target, []))
            intended[target_key(target)].append(batch)
    for key, (target, queue) in waiting.items():
        _launch_target(tick, target, intended[key], queue)


def _launch(tick: Tick, target: DrsTarget, wave_id: str, server_ids: list[str]) -> bool:
    server_ids = choose_snapshots(tick, target, wave_id, server_ids)
    if not server_ids:
        return True  # none of them has a snapshot at the run's point in time: nothing to start
    batch = LaunchBatch(
        execution_id=tick.header.id,
        batch_id=f"{wave_id[:40]}-{uuid.uuid4().hex[:16]}",
        wave_id=wave_id,
        source_server_ids=server_ids,
        requested_at=tick.now,
        account_id=target.account_id,
        region=target.region,
    )
    # Intent first: the batch and its servers are recorded before StartRecovery, so a retry after a
    # crash finds the job by its tags instead of launching the same servers twice.
    members = set(server_ids)
    for server in tick.wave_servers(wave_id):
        if server.source_server_id in members:
            tick.set_server(server, batch_id=batch.batch_id, launch_requested_at=tick.now)
    tick.ports.executions.put_servers(
        [s for s in tick.changed_servers.values() if s.batch_id == batch.batch_id]
    )
    tick.put_batch(batch)
    return _start(tick, target, batch)
