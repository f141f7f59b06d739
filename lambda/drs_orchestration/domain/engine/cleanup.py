"""Termination of a drill's instances, the one path for both triggers: an operator's request (the API)
and the clean-up after the plan's ``drillTtlHours`` (the schedule, ``expire_drills``). The instances are
those DRS reports as drills of the run's servers that the run launched; recovery instances of a
RECOVERY are never terminated by the product.

A TerminateRecoveryInstances call takes 1-200 instances and its job counts against the same quotas
as a launch (servers a job, concurrent jobs, servers in active jobs, one active job per server), so
the instances go out in quota-sized jobs; what the quotas leave out is terminated by a later run.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from drs_orchestration.domain.batching import plan_launch_batches
from drs_orchestration.domain.errors import Conflict, StaleVersion
from drs_orchestration.domain.models.base import CamelModel
from drs_orchestration.domain.models.drs import DEFAULT_QUOTAS, DrsQuotas, DrsTarget
from drs_orchestration.domain.models.execution import (
    TERMINAL_EXECUTION_STATUSES,
    EventType,
    ExecutionEvent,
    ExecutionHeader,
    ExecutionMode,
    ServerState,
)
from drs_orchestration.domain.ports import (
    ACTIVE_JOB_HORIZON,
    DrsGateway,
    DrsGatewayFactory,
    ExecutionRepository,
    iterate_pages,
)

__all__ = [
    "MAX_INSTANCES_PER_TERMINATE",
    "DrillTermination",
    "expire_drills",
    "terminate_drill_instances",
    "terminate_within_quotas",
]

_HEADER_WRITE_ATTEMPTS = 3

MAX_INSTANCES_PER_TERMINATE = 200
"""TerminateRecoveryInstances accepts 1-200 recovery instance ids a call."""


def terminate_within_quotas(
    gateway: DrsGateway, instances: dict[str, str], quotas: DrsQuotas, *, now: datetime
) -> tuple[list[str], list[str], int]:
    """Terminate ``instances`` (recovery instance id -> source server id) in as many jobs as the
    quotas allow now; returns the ids sent, the job ids and how many instances were left for later."""
    active = gateway.list_active_jobs(since=now - ACTIVE_JOB_HORIZON)
    job_quotas = DrsQuotas(
        max_servers_per_job=min(quotas.max_servers_per_job, MAX_INSTANCES_PER_TERMINATE),
        max_concurrent_jobs=quotas.max_concurrent_jobs,
        max_servers_in_active_jobs=quotas.max_servers_in_active_jobs,
    )
    instance_of = {server: instance for instance, server in instances.items()}
    batches = plan_launch_batches(
        [("terminate", list(instance_of))],
        servers_in_active_jobs={p.source_server_id for job in active for p in job.participating_servers},
        active_job_count=len(active),
        quotas=job_quotas,
    )
    sent: list[str] = []
    jobs: list[str] = []
    for batch in batches:
        ids = [instance_of[server] for server in batch.source_server_ids]
        jobs.append(gateway.terminate_recovery_instances(ids).job_id)
        sent += ids
    return sent, jobs, len(instances) - len(sent)


class DrillTermination(CamelModel):
    """What one termination of a drill's instances sent, and what the DRS job quotas left out."""

    terminated_instance_ids: list[str] = []
    job_ids: list[str] = []
    remaining: int = 0
    """Drill instances the quotas left out of this call; a later call sends them."""

    def add(self, sent: list[str], jobs: list[str], left: int) -> None:
        self.terminated_instance_ids += sent
        self.job_ids += jobs
        self.remaining += left


def _launched_by_target(
    executions: ExecutionRepository, execution_id: str
) -> dict[tuple[str, str], list[ServerState]]:
    """The run's servers that got a recovery instance, by the DRS account and Region they live in."""
    launched: dict[tuple[str, str], list[ServerState]] = {}
    for server in executions.get_servers(execution_id):
        if server.recovery_instance_id and server.account_id and server.region:
            launched.setdefault((server.account_id, server.region), []).append(server)
    return launched


def _drill_instances_of(gateway: DrsGateway, servers: list[ServerState]) -> dict[str, str]:
    """What DRS reports as drill instances of these servers that the run launched (its recorded instance,
    or one of its jobs): recovery instance id -> source server id."""
    instance_ids = {server.recovery_instance_id for server in servers}
    job_ids = {server.job_id for server in servers if server.job_id}
    return {
        instance.recovery_instance_id: instance.source_server_id
        for instance in gateway.list_recovery_instances(sorted({s.source_server_id for s in servers}))
        if instance.is_drill and (instance.recovery_instance_id in instance_ids or instance.job_id in job_ids)
    }


def _mark_terminated(executions: ExecutionRepository, header: ExecutionHeader, now: datetime) -> bool:
    """Record ``instancesTerminatedAt`` unless it is, re-reading the header when the engine wrote it
    meanwhile; whether this call recorded it."""
    for _ in range(_HEADER_WRITE_ATTEMPTS):
        if header.instances_terminated_at is not None:
            return False
        try:
            executions.update_header(
                header.model_copy(update={"instances_terminated_at": now}), header.version
            )
        except StaleVersion:
            header = executions.get_header(header.id)
        else:
            return True
    raise Conflict(f"execution {header.id} keeps changing; terminate its drill instances again")


def terminate_drill_instances(
    executions: ExecutionRepository,
    drs: DrsGatewayFactory,
    header: ExecutionHeader,
    *,
    now: datetime,
    actor: str,
    why: str,
    quotas: DrsQuotas = DEFAULT_QUOTAS,
) -> DrillTermination:
    """Terminate what DRS reports as drill instances of this DRILL's servers, within the DRS job quotas.

    The one way drill instances are terminated: on request (the API) and after the TTL (the schedule).
    Once nothing is left the run records ``instancesTerminatedAt``; until then a later call sends what
    the quotas left out. A call that sends instances, or records that none are left, adds one
    ``INSTANCES_TERMINATED`` event to the timeline; ``why`` says what asked for it.
    Raises ``Conflict`` for a run that is not a DRILL: recovery instances may serve production."""
    if header.mode is not ExecutionMode.DRILL:
        raise Conflict(
            "only a DRILL's instances can be terminated here; recovery instances may serve production"
        )
    result = DrillTermination()
    for (account_id, region), servers in sorted(_launched_by_target(executions, header.id).items()):
        gateway = drs.for_target(DrsTarget(account_id=account_id, region=region))
        drills = _drill_instances_of(gateway, servers)
        if drills:
            result.add(*terminate_within_quotas(gateway, drills, quotas, now=now))
    sent = len(result.terminated_instance_ids)
    marked = not result.remaining and _mark_terminated(executions, header, now)
    if not sent and not marked:
        return result
    executions.append_event(
        ExecutionEvent(
            execution_id=header.id,
            event_id=f"{now.strftime('%Y%m%dT%H%M%S.%fZ')}-{uuid.uuid4().hex[:8]}",
            at=now,
            type=EventType.INSTANCES_TERMINATED,
            message=(
                f"terminating {sent} drill instance(s) {why}"
                if sent
                else "no drill instances left to terminate"
            )
            + (f", {result.remaining} more once DRS quotas allow" if result.remaining else ""),
            actor=actor,
            details={
                "jobIds": list(result.job_ids),
                "recoveryInstanceIds": list(result.terminated_instance_ids),
            },
        )
    )
    return result


def expire_drills(
    executions: ExecutionRepository, drs: DrsGatewayFactory, now: datetime
) -> dict[str, list[str]]:
    """Every finished DRILL past its TTL whose instances were not yet terminated; execution -> ids."""
    due = [
        header
        for header in iterate_pages(
            lambda token: executions.list_headers(
                status=sorted(TERMINAL_EXECUTION_STATUSES), next_token=token
            )
        )
        if header.mode is ExecutionMode.DRILL
        and header.drill_expires_at is not None
        and header.drill_expires_at <= now
        and header.instances_terminated_at is None
    ]
    return {
        header.id: terminate_drill_instances(
            executions, drs, header, now=now, actor="drill-ttl", why="after the drill TTL"
        ).terminated_instance_ids
        for header in due
    }
