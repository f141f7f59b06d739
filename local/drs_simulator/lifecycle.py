"""Job lifecycles on the simulated clock: LAUNCH (drill, recovery, failback) and TERMINATE jobs.

A job goes PENDING -> STARTED -> COMPLETED (there is no failed job status). Each participating server
runs its own pipeline of phases, each logging DRS's job-log events:

* recovery / drill: cleanup (previous instance) -> snapshot (on demand) or use_previous_snapshot (PIT)
  -> conversion -> launch; the server ends LAUNCHED or FAILED. There is no LAUNCH_END event.
* failback: conversion (on the failback client) -> launch.
* terminate: cleanup of the recovery instance; the server ends TERMINATED or FAILED.

Faults decide per server at job start which phase fails (rate, fixed servers, attempt numbers), which
phase is slow or stuck, and whether the launched instance fails to boot.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any

from .clock import iso
from .context import SimContext
from .errors import conflict, quota_exceeded
from .events import FAILBACK_STATE, LAUNCH_RESULT
from .records import GIB, Job, JobLog, Participant, Partition, RecoveryInstance, SourceServer
from .replication import recoverable, set_state
from .snapshots import Snapshot

TERMINAL = ("LAUNCHED", "FAILED", "TERMINATED")

#: phase -> (event logged at start, event logged on success, event logged on failure)
PHASE_EVENTS: dict[str, tuple[str, str | None, str]] = {
    "cleanup": ("CLEANUP_START", "CLEANUP_END", "CLEANUP_FAIL"),
    "snapshot": ("SNAPSHOT_START", "SNAPSHOT_END", "SNAPSHOT_FAIL"),
    "use_previous_snapshot": ("USING_PREVIOUS_SNAPSHOT", None, "USING_PREVIOUS_SNAPSHOT_FAILED"),
    "conversion": ("CONVERSION_START", "CONVERSION_END", "CONVERSION_FAIL"),
    "launch": ("LAUNCH_START", None, "LAUNCH_FAILED"),
    "terminate": ("CLEANUP_START", "CLEANUP_END", "CLEANUP_FAIL"),
}


@dataclass
class ServerRun:
    job: Job
    participant: Participant
    server: SourceServer
    phases: list[str]
    fail_phase: str | None = None
    fail_reason: str = ""
    snapshot: Snapshot | None = None
    snapshot_missing: bool = False
    instance: RecoveryInstance | None = None
    boot_fails: bool = False
    point_in_time: datetime | None = None
    conversion_server: str = ""
    slow: dict[str, float] = field(default_factory=dict)
    stuck: str | None = None
    retries: int = 0
    retry_phase: str = ""


def start_job(sim: SimContext, part: Partition, job: Job, runs: list[ServerRun]) -> None:
    """Fix each server's slow/stuck/retry faults, then schedule the job's pickup (PENDING -> STARTED)
    unless the job_stuck_pending fault holds it."""
    faults = sim.faults
    for run in runs:
        run.slow = dict(faults.slow_factors)
        run.stuck = faults.stuck_phase.get(run.server.source_server_id, faults.stuck_phase.get("*"))
        run.retries, run.retry_phase = min(faults.transient_retry_count, 8), faults.launch_failure_phase
    if faults.job_stuck_pending:
        return
    sim.after(
        sim.draw(part, sim.config.timings.pending_to_started), lambda: _job_started(sim, part, job, runs)
    )


def _job_started(sim: SimContext, part: Partition, job: Job, runs: list[ServerRun]) -> None:
    job.status = "STARTED"
    job.log.append(JobLog(sim.now, "JOB_START"))
    for run in runs:
        run.participant.launch_status = "IN_PROGRESS"
        if job.type == "LAUNCH" and job.initiated_by != "FAILBACK" and run.server.last_launch:
            run.server.last_launch["status"] = "IN_PROGRESS"
        delay = sim.draw(part, sim.config.timings.server_jitter)
        sim.after(delay, partial(_begin_phase, sim, part, run, 0, 1))
    if not runs:
        _maybe_complete(sim, part, job)


def _log(sim: SimContext, run: ServerRun, event: str, **data: Any) -> None:
    run.job.log.append(JobLog(sim.now, event, {"sourceServerID": run.server.source_server_id, **data}))


def _duration(sim: SimContext, part: Partition, run: ServerRun, phase: str) -> float:
    timings = sim.config.timings
    if phase == "cleanup":
        span = (
            timings.cleanup_with_instance
            if _previous_instance(sim, part, run)
            else timings.cleanup_without_instance
        )
    elif phase == "conversion":
        fast = run.server.origin == "AWS" or run.server.launch_configuration.get("recoveryMode") == "FAST"
        span = (
            timings.conversion_fast
            if fast
            else (
                timings.conversion_windows if run.server.os_family == "WINDOWS" else timings.conversion_linux
            )
        )
    else:
        span = getattr(timings, phase)
    return sim.draw(part, span, run.slow.get(phase, 1.0))


def _begin_phase(sim: SimContext, part: Partition, run: ServerRun, index: int, attempt: int) -> None:
    if index >= len(run.phases):
        _launch_finished(sim, part, run)
        return
    phase = run.phases[index]
    start_event = PHASE_EVENTS[phase][0]
    retries = run.retries if phase == run.retry_phase else 0
    attempts = {"attemptCount": attempt, "maxAttemptsCount": retries + 1} if retries else {}
    if phase == "snapshot" and not recoverable(sim, run.server):
        reason = (
            f"Source server is not ready for recovery: data replication state {run.server.replication_state}"
        )
        if sim.config.behaviour.not_ready_handling == "skip":
            _log(sim, run, "SERVER_SKIPPED", rawError=reason)
        else:
            _log(sim, run, "SNAPSHOT_START")
            _log(sim, run, "SNAPSHOT_FAIL", rawError=reason)
        _server_done(sim, part, run, "FAILED")
        return
    if phase == "use_previous_snapshot" and run.snapshot_missing:
        _log(
            sim, run, "USING_PREVIOUS_SNAPSHOT_FAILED", rawError="Recovery snapshot not found for this server"
        )
        _server_done(sim, part, run, "FAILED")
        return
    if phase == "launch" and attempt == 1:
        _create_instance(sim, part, run)
    _log(sim, run, start_event, **attempts, **_start_data(run, phase))
    if phase == "snapshot":
        run.point_in_time = sim.now
    if run.stuck == phase:
        return
    duration = _duration(sim, part, run, phase)
    if attempt <= retries:
        sim.after(duration, lambda: _begin_phase(sim, part, run, index, attempt + 1))
    else:
        sim.after(duration, lambda: _end_phase(sim, part, run, index))


def _start_data(run: ServerRun, phase: str) -> dict[str, Any]:
    if phase == "conversion":
        return {"conversionServerID": run.conversion_server}
    if phase == "launch" and run.participant.recovery_instance_id:
        return {"targetInstanceID": run.participant.recovery_instance_id}
    return {}


def _end_phase(sim: SimContext, part: Partition, run: ServerRun, index: int) -> None:
    phase = run.phases[index]
    if run.fail_phase == phase:
        _fail_phase(sim, part, run, phase)
        return
    if phase == "cleanup":
        previous = _previous_instance(sim, part, run)
        if previous is not None:
            sim.remove_instance(part, previous, terminate_ec2=True)
    _log_phase_end(sim, run, phase)
    if phase == "terminate":
        _instance_terminated(sim, part, run)
        return
    _begin_phase(sim, part, run, index + 1, 1)


def _fail_phase(sim: SimContext, part: Partition, run: ServerRun, phase: str) -> None:
    reason = run.fail_reason or f"Simulated failure in {phase} phase"
    _log(sim, run, PHASE_EVENTS[phase][2], rawError=reason, **_start_data(run, phase))
    if phase == "launch" and run.instance is not None:
        sim.remove_instance(part, run.instance, terminate_ec2=True)
        run.participant.recovery_instance_id = None
    if phase == "terminate" and run.instance is not None:
        run.instance.ec2_state = "RUNNING"
    _server_done(sim, part, run, "FAILED")


def _log_phase_end(sim: SimContext, run: ServerRun, phase: str) -> None:
    end_event = PHASE_EVENTS[phase][1]
    if end_event == "CONVERSION_END":
        _log(
            sim,
            run,
            end_event,
            conversionServerID=run.conversion_server,
            conversionProperties=_conversion(run),
        )
    elif end_event:
        _log(sim, run, end_event)


def _instance_terminated(sim: SimContext, part: Partition, run: ServerRun) -> None:
    if run.instance is not None:
        run.instance.ec2_state = "TERMINATED"
        sim.remove_instance(part, run.instance, terminate_ec2=True)
        if run.server.last_launch:
            run.server.last_launch["status"] = "TERMINATED"
    _server_done(sim, part, run, "TERMINATED")


def _conversion(run: ServerRun) -> dict[str, Any]:
    devices = [f"/dev/xvd{chr(ord('a') + i)}" for i in range(len(run.server.disks_gib))]
    return {
        "rootVolumeName": devices[0] if devices else "/dev/xvda",
        "forceUefi": False,
        "dataTimestamp": iso(run.point_in_time) if run.point_in_time else None,
        "volumeToConversionMap": {},
        "volumeToVolumeSize": {d: size * GIB for d, size in zip(devices, run.server.disks_gib, strict=True)},
    }


def _previous_instance(sim: SimContext, part: Partition, run: ServerRun) -> RecoveryInstance | None:
    behaviour = sim.config.behaviour
    previous = part.instances.get(run.server.recovery_instance_id or "")
    if previous is None or not behaviour.cleanup_previous_instance_on_launch:
        return None
    if run.job.is_drill and not previous.is_drill and not behaviour.drill_cleans_recovery_instances:
        return None
    return previous


def _create_instance(sim: SimContext, part: Partition, run: ServerRun) -> None:
    if run.job.initiated_by == "FAILBACK":
        return
    instance_id = sim.new_instance_id(part, run.server, run.job.job_id, run.job.is_drill)
    run.instance = RecoveryInstance(
        seq=part.next_seq(),
        recovery_instance_id=instance_id,
        arn=part.arn("recovery-instance", instance_id),
        source_server_id=run.server.source_server_id,
        job_id=run.job.job_id,
        is_drill=run.job.is_drill,
        point_in_time=run.snapshot.taken if run.snapshot else (run.point_in_time or sim.now),
        recovery_snapshot_id=run.snapshot.snapshot_id if run.snapshot else None,
        origin=run.server.origin,
        server=run.server,
        tags=dict(run.server.tags) if run.server.launch_configuration.get("copyTags") else {},
    )
    part.instances[instance_id] = run.instance
    run.participant.recovery_instance_id = instance_id
    run.server.recovery_instance_id = instance_id


def _launch_finished(sim: SimContext, part: Partition, run: ServerRun) -> None:
    """All phases done: the server is LAUNCHED (unless a post-launch action fails), then it boots."""
    if run.fail_phase == "post_launch":
        run.participant.launch_actions = {
            "ssmAgentDiscoveryDatetime": iso(sim.now),
            "runs": [
                {
                    "runId": "00000000-0000-4000-8000-" + part.new_id("", 12),
                    "status": "FAILED",
                    "failureReason": "Simulated post-launch action failure",
                }
            ],
        }
        _server_done(sim, part, run, "FAILED")
        return
    _server_done(sim, part, run, "LAUNCHED")
    instance = run.instance
    if instance is None or run.job.initiated_by == "FAILBACK":
        return
    if run.server.launch_configuration.get("launchDisposition") == "STOPPED":
        instance.ec2_state = "STOPPED"
        sim.mirror_call("stop", part, instance.recovery_instance_id)
        return
    span = (
        sim.config.timings.boot_windows
        if run.server.os_family == "WINDOWS"
        else sim.config.timings.boot_linux
    )
    sim.after(sim.draw(part, span), lambda: _booted(sim, part, run, instance))


def _booted(sim: SimContext, part: Partition, run: ServerRun, instance: RecoveryInstance) -> None:
    if instance.ec2_state != "PENDING":
        return
    if run.boot_fails:
        instance.ec2_state = "STOPPED"
        sim.mirror_call("stop", part, instance.recovery_instance_id, boot_failure=True)
    else:
        instance.ec2_state = "RUNNING"


def _server_done(sim: SimContext, part: Partition, run: ServerRun, status: str) -> None:
    run.participant.launch_status = status
    job = run.job
    if job.type == "LAUNCH" and job.initiated_by == "FAILBACK":
        instance = part.instances.get(run.participant.recovery_instance_id or "")
        if instance is not None:
            ok = status == "LAUNCHED" and not sim.faults.failback_error
            instance.failback_state = "FAILBACK_COMPLETED" if ok else "FAILBACK_ERROR"
            if ok and instance.origin == "ON_PREMISES":  # the origin machine was rewritten (failback.py)
                set_state(sim, part, run.server, "STOPPED", None)
                if run.server.pit is not None:
                    run.server.pit.clear()
            sim.emit(part, FAILBACK_STATE, instance.arn, {"state": instance.failback_state})
    elif job.type == "LAUNCH":
        succeeded = status == "LAUNCHED"
        run.server.last_launch_result = "SUCCEEDED" if succeeded else "FAILED"
        if run.server.last_launch:
            run.server.last_launch["status"] = status
        detail = {
            "state": "RECOVERY_LAUNCH_SUCCEEDED" if succeeded else "RECOVERY_LAUNCH_FAILED",
            "job-id": job.job_id,
            "is-drill": "TRUE" if job.is_drill else "FALSE",
        }
        sim.emit(part, LAUNCH_RESULT, run.server.arn, detail)
    _maybe_complete(sim, part, job)


def _maybe_complete(sim: SimContext, part: Partition, job: Job) -> None:
    if job.status == "STARTED" and all(p.launch_status in TERMINAL for p in job.participants.values()):
        job.log.append(JobLog(sim.now, "JOB_END"))
        job.status = "COMPLETED"
        job.ended = sim.now


def check_job_quotas(sim: SimContext, part: Partition, server_ids: list[str]) -> None:
    """Per-job, concurrent-job, servers-in-active-jobs and one-job-per-server quotas."""
    quotas = sim.config.quotas
    if len(server_ids) > quotas.max_servers_per_job:
        raise quota_exceeded(
            f"A job can include at most {quotas.max_servers_per_job} source servers "
            f"({len(server_ids)} requested)",
            "L-B827C881",
        )
    active = part.active_jobs()
    if len(active) >= quotas.max_concurrent_jobs:
        raise quota_exceeded(f"At most {quotas.max_concurrent_jobs} jobs can be in progress", "L-D88FAC3A")
    busy = {sid for job in active for sid in job.participants}
    if len(busy) + len(server_ids) > quotas.max_servers_in_active_jobs:
        raise quota_exceeded(
            f"At most {quotas.max_servers_in_active_jobs} source servers can be in active jobs "
            f"({len(busy)} already, {len(server_ids)} requested)",
            "L-05AFA8C6",
        )
    seen: set[str] = set()
    for sid in server_ids:
        if sid in busy or sid in seen:
            message = f"Source server {sid} is already in an active job"
            if quotas.per_server_conflict_error == "ServiceQuotaExceededException":
                raise quota_exceeded(message, "L-DD6D028C", "SOURCE_SERVER")
            raise conflict(message, sid, "SOURCE_SERVER")
        seen.add(sid)


def new_job(
    sim: SimContext,
    part: Partition,
    job_type: str,
    initiated_by: str,
    server_ids: list[str],
    tags: dict[str, str] | None,
    is_drill: bool = False,
) -> Job:
    job_id = part.new_id("drsjob-")
    job = Job(
        seq=part.next_seq(),
        job_id=job_id,
        arn=part.arn("job", job_id),
        type=job_type,
        initiated_by=initiated_by,
        created=sim.now,
        participants={sid: Participant(sid) for sid in server_ids},
        tags=dict(tags or {}),
        is_drill=is_drill,
    )
    part.jobs[job_id] = job
    return job


LOW_DISK = "Windows needs at least 2 GB of free disk space on the source server for conversion"


def plan_failure(sim: SimContext, run: ServerRun) -> None:
    """Decide at job start whether (and where) this server's launch fails."""
    faults, server = sim.faults, run.server
    server_id = server.source_server_id
    if server_id in faults.fail_servers:
        run.fail_phase = faults.fail_servers[server_id]
    elif server.launch_attempts in faults.fail_on_attempt.get(server_id, []):
        run.fail_phase = faults.launch_failure_phase
    elif faults.windows_low_disk and server.os_family == "WINDOWS":
        run.fail_phase, run.fail_reason = "conversion", LOW_DISK
    elif sim.chance(faults.launch_failure_rate):
        run.fail_phase = faults.launch_failure_phase
