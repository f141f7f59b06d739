"""Waking a waiting run: on a DRS launch result for one of its jobs, and after an operator request."""

from __future__ import annotations

from drs_orchestration.domain.engine.ports import Waker
from drs_orchestration.domain.engine.requests import pending_requests
from drs_orchestration.domain.errors import StaleVersion
from drs_orchestration.domain.models.drs import DrsJob, LaunchStatus
from drs_orchestration.domain.ports import DrsGatewayFactory, ExecutionRepository

__all__ = ["store_task_token", "wake_for_launch_result"]

_ATTEMPTS = 5


def wake_for_launch_result(
    executions: ExecutionRepository, drs: DrsGatewayFactory, waker: Waker, job_id: str
) -> list[str]:
    """Wake the run that owns ``job_id`` once the job has finished (every server LAUNCHED or FAILED).

    Waking per finished job, not per server event, keeps a run's state transitions independent of its
    size; a lost event only costs one poll interval, a duplicate one an extra tick. A run is woken
    once: its task token is then spent and taken off the header, so the rest of a burst of events
    (one per server) costs no DRS call until the run waits again with a new token.
    """
    woken: list[str] = []
    for header in executions.list_active():
        target = header.active_jobs.get(job_id)
        token = header.task_token
        if target is None or not token:
            continue  # not its job, or already woken and not waiting again yet
        if not _finished(drs.for_target(target).describe_jobs([job_id])):
            continue
        if waker.wake(token, f"DRS job {job_id} finished"):
            woken.append(header.id)
        _spend_token(executions, header.id, token)
    return woken


def _finished(jobs: list[DrsJob]) -> bool:
    """Whether the job (DescribeJobs' answer for it) has ended or every one of its servers has."""
    ended = {LaunchStatus.LAUNCHED, LaunchStatus.FAILED, LaunchStatus.TERMINATED}
    return not (
        jobs
        and jobs[0].is_active
        and any(p.launch_status not in ended for p in jobs[0].participating_servers)
    )


def _spend_token(executions: ExecutionRepository, execution_id: str, token: str) -> None:
    """Take the used token off the header, unless the run already waits with another one."""
    for _ in range(_ATTEMPTS):
        header = executions.get_header(execution_id)
        if header.task_token != token:
            return
        try:
            executions.update_header(header.model_copy(update={"task_token": None}), header.version)
            return
        except StaleVersion:
            continue
    # left as it is: a later event finds the token spent (the waker says so) and tries again


def store_task_token(
    executions: ExecutionRepository, waker: Waker, execution_id: str, task_token: str
) -> bool:
    """Record the run's WaitForChange token; wake it at once if an operator request arrived meanwhile
    (it was recorded before this token existed, so its own wake-up found none). Whether it woke."""
    for attempt in range(_ATTEMPTS):
        header = executions.get_header(execution_id)
        try:
            executions.update_header(header.model_copy(update={"task_token": task_token}), header.version)
            break
        except StaleVersion:
            if attempt == _ATTEMPTS - 1:
                raise
    if header.is_terminal or pending_requests(executions, header):
        return waker.wake(task_token, "pending operator request")
    return False
