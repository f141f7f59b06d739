"""Where each server in flight is in its DRS job (cleanup, snapshot, conversion, launch) and since
when, from the job's log, for the live view's "DRS phase".

DescribeJobs does not show a server's phase (its launch status stays IN_PROGRESS from the job's
start to its launch), so the job log is read, but sparingly: one DescribeJobLogItems per job, on a
tick where one of its servers launched or failed (to record the phase it ended in), else at most
once per poll interval (``poll_seconds``) while it has servers in flight, however often the run is
woken. When it was last read, and the phases it showed, are kept on the job's launch batch (one
small write a read); a server item is read and written only when its phase changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta

from drs_orchestration.domain.engine.context import Tick
from drs_orchestration.domain.models.drs import DrsPhase, DrsPhaseSince, DrsTarget, JobLogItem
from drs_orchestration.domain.models.execution import LaunchBatch

__all__ = ["FollowedJob", "current_phases", "refresh_phases"]

_PHASE_STARTS = {
    "CLEANUP_START": DrsPhase.CLEANUP,
    "SNAPSHOT_START": DrsPhase.SNAPSHOT,
    "USING_PREVIOUS_SNAPSHOT": DrsPhase.SNAPSHOT,
    "CONVERSION_START": DrsPhase.CONVERSION,
    "LAUNCH_START": DrsPhase.LAUNCH,
}


@dataclass(frozen=True)
class FollowedJob:
    """A job DescribeJobs reported this tick: where it runs, its servers that were in flight before
    it did, its batch (as the tick left it), and whether one of those servers ended this tick."""

    target: DrsTarget
    server_ids: frozenset[str]
    batch: LaunchBatch
    finished: bool


def current_phases(items: Iterable[JobLogItem]) -> dict[str, DrsPhaseSince]:
    """Each server's latest phase in the log (in log order) and when it entered it; a phase started
    again (a retried attempt) keeps the time it was first entered."""
    phases: dict[str, DrsPhaseSince] = {}
    for item in items:
        phase = _PHASE_STARTS.get(item.event)
        if phase is None or item.source_server_id is None or item.at is None:
            continue
        current = phases.get(item.source_server_id)
        if current is None or current.phase is not phase:
            phases[item.source_server_id] = DrsPhaseSince(phase=phase, since=item.at)
    return phases


def _due(tick: Tick, job: FollowedJob) -> bool:
    if job.finished:
        return True  # some ended this tick: record the phase they ended in
    interval = timedelta(seconds=tick.config.poll_seconds)
    return job.batch.log_read_at is None or tick.now - job.batch.log_read_at >= interval


def refresh_phases(tick: Tick, jobs: Mapping[str, FollowedJob]) -> None:
    """Read the log of each job in ``jobs`` whose servers finished this tick, or that still has
    servers in flight and was not read within the poll interval; record the phase of those whose
    phase the log shows changed (their batch keeps what the log last showed, so a server item is
    read only for a change)."""
    for job_id in sorted(jobs, key=lambda j: jobs[j].batch.batch_id):
        job = jobs[job_id]
        if not job.server_ids or not _due(tick, job):
            continue
        batch = job.batch
        phases = current_phases(tick.drs(job.target).describe_job_log_items(job_id))
        news = {
            x: phase
            for x in sorted(job.server_ids)
            if (phase := phases.get(x)) is not None and batch.phases_seen.get(x) != phase
        }
        for server in tick.servers_by_id(batch.wave_id, news):
            phase = news[server.source_server_id]
            if phase != server.drs_phase:
                tick.set_server(server, drs_phase=phase)
        tick.set_batch(batch, log_read_at=tick.now, phases_seen={**batch.phases_seen, **news})
