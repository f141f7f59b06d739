"""Where each server in flight is in its DRS job (cleanup, snapshot, conversion, launch) and since
when, from the job's log, for the live view's "DRS phase".

DescribeJobs does not show a server's phase (its launch status stays IN_PROGRESS from the job's
start to its launch), so the job log is read, but sparingly: one DescribeJobLogItems per job, on a
tick where one of its servers launched or failed (to record the phase it ended in), else at most
once per poll interval (``poll_seconds``) while it has servers in flight, however often the run is
woken. When it was last read is kept on the job's launch batch (one small write a read); a server
item is written only when its phase changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta

from drs_orchestration.domain.engine.context import Tick
from drs_orchestration.domain.models.drs import DrsPhase, DrsPhaseSince, DrsTarget, JobLogItem, LaunchStatus
from drs_orchestration.domain.models.execution import LaunchBatch, ServerState

__all__ = ["FollowedJob", "current_phases", "refresh_phases"]

_PHASE_STARTS = {
    "CLEANUP_START": DrsPhase.CLEANUP,
    "SNAPSHOT_START": DrsPhase.SNAPSHOT,
    "USING_PREVIOUS_SNAPSHOT": DrsPhase.SNAPSHOT,
    "CONVERSION_START": DrsPhase.CONVERSION,
    "LAUNCH_START": DrsPhase.LAUNCH,
}
_DONE = frozenset({LaunchStatus.LAUNCHED, LaunchStatus.FAILED, LaunchStatus.TERMINATED})


@dataclass(frozen=True)
class FollowedJob:
    """A job DescribeJobs reported this tick, and its servers that were in flight before it did."""

    target: DrsTarget
    server_ids: frozenset[str]


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


def _due(tick: Tick, batch: LaunchBatch, servers: list[ServerState]) -> bool:
    if any(server.launch_status in _DONE for server in servers):
        return True  # some finished this tick: record the phase they ended in
    interval = timedelta(seconds=tick.config.poll_seconds)
    return batch.log_read_at is None or tick.now - batch.log_read_at >= interval


def refresh_phases(tick: Tick, jobs: Mapping[str, FollowedJob], batches: Sequence[LaunchBatch]) -> None:
    """Read the log of each job in ``jobs`` whose servers finished this tick, or that still has
    servers in flight and was not read within the poll interval; record those servers' phase."""
    for batch in sorted(batches, key=lambda b: b.batch_id):
        job = jobs.get(batch.job_id or "")
        if batch.job_id is None or job is None:
            continue
        servers = [s for s in tick.wave_servers(batch.wave_id) if s.source_server_id in job.server_ids]
        if not servers or not _due(tick, batch, servers):
            continue
        phases = current_phases(tick.drs(job.target).describe_job_log_items(batch.job_id))
        for server in servers:
            phase = phases.get(server.source_server_id)
            if phase != server.drs_phase:
                tick.set_server(server, drs_phase=phase)
        tick.ports.executions.put_batch(batch.model_copy(update={"log_read_at": tick.now}))
