"""Drill clean-up after the plan's ``drillTtlHours``: terminate the drill instances a finished DRILL
launched. Recovery instances of a RECOVERY are never terminated by the product.

A TerminateRecoveryInstances call takes 1-200 instances and its job counts against the same quotas
as a launch (servers a job, concurrent jobs, servers in active jobs, one active job per server), so
the instances go out in quota-sized jobs; what the quotas leave out is terminated by a later run.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from drs_orchestration.domain.batching import plan_launch_batches
from drs_orchestration.domain.models.drs import DEFAULT_QUOTAS, DrsQuotas, DrsTarget
from drs_orchestration.domain.models.execution import (
    TERMINAL_EXECUTION_STATUSES,
    EventType,
    ExecutionEvent,
    ExecutionHeader,
    ExecutionMode,
)
from drs_orchestration.domain.ports import DrsGateway, DrsGatewayFactory, ExecutionRepository, iterate_pages

__all__ = [
    "MAX_INSTANCES_PER_TERMINATE",
    "expire_drills",
    "terminate_drill_instances",
    "terminate_within_quotas",
]

MAX_INSTANCES_PER_TERMINATE = 200
"""TerminateRecoveryInstances accepts 1-200 recovery instance ids a call."""


def terminate_within_quotas(
    gateway: DrsGateway, instances: dict[str, str], quotas: DrsQuotas
) -> tuple[list[str], list[str], int]:
    """Terminate ``instances`` (recovery instance id -> source server id) in as many jobs as the
    quotas allow now; returns the ids sent, the job ids and how many instances were left for later."""
    active = gateway.list_active_jobs()
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


def terminate_drill_instances(
    executions: ExecutionRepository,
    drs: DrsGatewayFactory,
    header: ExecutionHeader,
    now: datetime,
    actor: str,
    quotas: DrsQuotas = DEFAULT_QUOTAS,
) -> list[str]:
    """Terminate what DRS reports as drill instances of this DRILL's servers; returns the ids sent.

    The run is marked terminated only once every instance was sent; until then a later call (the
    schedule's next run) sends what the quotas left out, skipping instances already terminating."""
    if header.mode is not ExecutionMode.DRILL:
        return []
    launched: dict[tuple[str, str], set[str]] = {}
    for server in executions.get_servers(header.id):
        if server.recovery_instance_id and server.account_id and server.region:
            launched.setdefault((server.account_id, server.region), set()).add(server.recovery_instance_id)
    terminated: list[str] = []
    jobs: list[str] = []
    left = 0
    for (account_id, region), instance_ids in sorted(launched.items()):
        gateway = drs.for_target(DrsTarget(account_id=account_id, region=region))
        drills = {
            i.recovery_instance_id: i.source_server_id
            for i in gateway.list_recovery_instances()
            if i.is_drill and i.recovery_instance_id in instance_ids
        }
        if drills:
            sent, started, waiting = terminate_within_quotas(gateway, drills, quotas)
            terminated += sent
            jobs += started
            left += waiting
    if not left:
        executions.update_header(header.model_copy(update={"instances_terminated_at": now}), header.version)
    elif not terminated:
        return []
    executions.append_event(
        ExecutionEvent(
            execution_id=header.id,
            event_id=f"{now.strftime('%Y%m%dT%H%M%S.%fZ')}-{uuid.uuid4().hex[:8]}",
            at=now,
            type=EventType.INSTANCES_TERMINATED,
            message=f"terminating {len(terminated)} drill instance(s) after the drill TTL"
            + (f", {left} more once DRS quotas allow" if left else ""),
            actor=actor,
            details={"jobIds": list(jobs), "recoveryInstanceIds": list(terminated)},
        )
    )
    return terminated


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
    return {header.id: terminate_drill_instances(executions, drs, header, now, "drill-ttl") for header in due}
