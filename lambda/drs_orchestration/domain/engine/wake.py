"""Waking a waiting run: on a DRS launch result for one of its jobs, and after an operator request."""

from __future__ import annotations

from drs_orchestration.domain.engine.ports import Waker
from drs_orchestration.domain.engine.requests import pending_requests
from drs_orchestration.domain.errors import StaleVersion
from drs_orchestration.domain.models.drs import LaunchStatus
from drs_orchestration.domain.ports import DrsGatewayFactory, ExecutionRepository

__all__ = ["store_task_token", "wake_for_launch_result"]

_ATTEMPTS = 5


def wake_for_launch_result(
    executions: ExecutionRepository, drs: DrsGatewayFactory, waker: Waker, job_id: str
) -> list[str]:
    """Wake the run that owns ``job_id`` once the job has finished (every server LAUNCHED or FAILED).

    Waking per finished job, not per server event, keeps a run's state transitions independent of its
    size; a lost event only costs one poll interval, a duplicate one an extra tick.
    """
    woken: list[str] = []
    for header in executions.list_active():
        target = header.active_jobs.get(job_id)
        if target is None or not header.task_token:
            continue
        jobs = drs.for_target(target).describe_jobs([job_id])
        finished = {LaunchStatus.LAUNCHED, LaunchStatus.FAILED, LaunchStatus.TERMINATED}
        if (
            jobs
            and jobs[0].is_active
            and any(p.launch_status not in finished for p in jobs[0].participating_servers)
        ):
            continue
        if waker.wake(header.task_token, f"DRS job {job_id} finished"):
            woken.append(header.id)
    return woken


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
