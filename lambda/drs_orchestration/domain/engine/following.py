"""Following the run's DRS jobs: one DescribeJobs per target a tick, server items read only for a job
that shows something new.

Each launch batch keeps the job as the engine last applied it (``jobSeen``: whether it runs, each
server's launch status). A tick describes the jobs of the batches it follows (those of LAUNCHING
waves and of waves with servers still in a job) and reads a batch's servers, by key, only when
DescribeJobs shows its job differently: a job that merely goes on costs no server read. Waiting for
100 servers' jobs costs the same reads as waiting for one's.

Success is per server, from ``participatingServers[].launchStatus``, never from the job's status.
"""

from __future__ import annotations

from collections.abc import Sequence

from drs_orchestration.domain.engine.context import Tick, target_key
from drs_orchestration.domain.engine.failback_launch import launched_changes, participant_id
from drs_orchestration.domain.engine.job_phases import FollowedJob, refresh_phases
from drs_orchestration.domain.models.drs import DrsJob, DrsTarget, LaunchStatus
from drs_orchestration.domain.models.execution import (
    BatchStatus,
    EventType,
    JobSeen,
    LaunchBatch,
    ServerState,
    WaveStatus,
)
from drs_orchestration.domain.scheduling import wave_order

__all__ = ["FINISHED", "followed_batches", "refresh_jobs"]

FINISHED = frozenset({LaunchStatus.LAUNCHED, LaunchStatus.FAILED, LaunchStatus.TERMINATED})


def _in_flight(server: ServerState) -> bool:
    return server.job_id is not None and server.launch_status not in FINISHED


def _followed_waves(tick: Tick) -> list[str]:
    """LAUNCHING waves, and waves whose counts show servers in a DRS job that has not said how they
    ended (a wave timed out, a cancelled run); a wave a previous release counted not is followed."""
    followed = []
    for wave_id in wave_order(tick.header.plan_snapshot.waves):
        wave = tick.waves[wave_id]
        counts = wave.server_counts
        if wave.status is WaveStatus.LAUNCHING or counts is None or counts.in_flight:
            followed.append(wave_id)
    return followed


def followed_batches(tick: Tick) -> list[LaunchBatch]:
    """The batches of the followed waves; every batch of the run when a job the run still follows is
    in none of them (a count a crash left behind)."""
    waves = _followed_waves(tick)
    batches = [batch for wave_id in waves for batch in tick.wave_batches(wave_id)]
    if set(tick.header.active_jobs) - {b.job_id for b in batches}:
        return tick.ports.executions.get_batches(tick.header.id)
    return batches


def _apply_job(tick: Tick, job: DrsJob, servers: list[ServerState]) -> None:
    statuses = {p.source_server_id: p for p in job.participating_servers}
    for server in servers:
        participant = statuses.get(participant_id(server))
        status = participant.launch_status if participant else None
        if status is LaunchStatus.LAUNCHED:
            tick.set_server(
                server,
                launch_status=status,
                recovery_instance_id=participant.recovery_instance_id if participant else None,
                launched_at=tick.now,
                **launched_changes(tick, server),
            )
        elif status in (LaunchStatus.FAILED, LaunchStatus.TERMINATED) or (
            not job.is_active and status not in FINISHED
        ):
            error = "DRS reported the launch FAILED" if status else "the job ended without launching it"
            tick.set_server(server, launch_status=LaunchStatus.FAILED, error=error, ended_at=tick.now)
            tick.event(
                EventType.SERVER_FAILED,
                f"{server.source_server_id}: {error} (job {job.job_id})",
                wave_id=server.wave_id,
                source_server_id=server.source_server_id,
                jobId=job.job_id,
            )
        elif status is not None and status is not server.launch_status:
            tick.set_server(server, launch_status=status)


def _seen(job: DrsJob) -> JobSeen:
    return JobSeen(
        active=job.is_active,
        launch={p.source_server_id: p.launch_status for p in job.participating_servers if p.launch_status},
    )


def _follow(tick: Tick, target: DrsTarget, batch: LaunchBatch, job: DrsJob) -> FollowedJob:
    """Apply what DescribeJobs shows of the batch's job, reading its servers only if that is new."""
    before = batch.job_seen
    flying = [x for x in batch.source_server_ids if before is None or before.launch.get(x) not in FINISHED]
    seen = _seen(job)
    if seen == before:
        return FollowedJob(target, frozenset(flying), batch, finished=False)
    servers = [
        s
        for s in tick.servers_by_id(batch.wave_id, batch.source_server_ids)
        if s.job_id == job.job_id and _in_flight(s)
    ]
    _apply_job(tick, job, servers)
    batch = tick.set_batch(batch, job_seen=seen)
    finished = any(seen.launch.get(x) in FINISHED for x in flying) or not seen.active
    return FollowedJob(target, frozenset(s.source_server_id for s in servers), batch, finished=finished)


def refresh_jobs(tick: Tick, batches: Sequence[LaunchBatch]) -> None:
    """Bring the servers in the batches' DRS jobs up to date (one DescribeJobs per target); record
    which jobs still run. The DRS phase of the servers in flight is read from the jobs' logs when due."""
    by_target: dict[str, tuple[DrsTarget, dict[str, LaunchBatch]]] = {}
    for batch in batches:
        if batch.status is BatchStatus.STARTED and batch.job_id in tick.header.active_jobs:
            target = tick.header.active_jobs[batch.job_id]
            by_target.setdefault(target_key(target), (target, {}))[1][batch.job_id] = batch
    active: dict[str, DrsTarget] = {}
    described: dict[str, FollowedJob] = {}
    for target, jobs in by_target.values():
        for job in tick.drs(target).describe_jobs(sorted(jobs)):
            if job.job_id not in jobs:
                continue
            batch = jobs.pop(job.job_id)
            described[job.job_id] = _follow(tick, target, batch, job)
            if job.is_active:
                active[job.job_id] = target
        for job_id in jobs:  # DRS no longer knows the job: keep following it until the wave times out
            active[job_id] = target
    refresh_phases(tick, described)
    if active != tick.header.active_jobs:
        tick.set_header(active_jobs=active)
