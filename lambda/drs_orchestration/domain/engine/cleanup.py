"""Drill clean-up after the plan's ``drillTtlHours``: terminate the drill instances a finished DRILL
launched. Recovery instances of a RECOVERY are never terminated by the product."""

from __future__ import annotations

import uuid
from datetime import datetime

from drs_orchestration.domain.models.drs import DrsTarget
from drs_orchestration.domain.models.execution import (
    TERMINAL_EXECUTION_STATUSES,
    EventType,
    ExecutionEvent,
    ExecutionHeader,
    ExecutionMode,
)
from drs_orchestration.domain.ports import DrsGatewayFactory, ExecutionRepository, iterate_pages

__all__ = ["expire_drills", "terminate_drill_instances"]


def terminate_drill_instances(
    executions: ExecutionRepository,
    drs: DrsGatewayFactory,
    header: ExecutionHeader,
    now: datetime,
    actor: str,
) -> list[str]:
    """Terminate what DRS reports as drill instances of this DRILL's servers; returns their ids."""
    if header.mode is not ExecutionMode.DRILL:
        return []
    launched: dict[tuple[str, str], set[str]] = {}
    for server in executions.get_servers(header.id):
        if server.recovery_instance_id and server.account_id and server.region:
            launched.setdefault((server.account_id, server.region), set()).add(server.recovery_instance_id)
    terminated: list[str] = []
    jobs: list[str] = []
    for (account_id, region), instance_ids in sorted(launched.items()):
        gateway = drs.for_target(DrsTarget(account_id=account_id, region=region))
        drills = [
            i.recovery_instance_id
            for i in gateway.list_recovery_instances()
            if i.is_drill and i.recovery_instance_id in instance_ids
        ]
        if drills:
            jobs.append(gateway.terminate_recovery_instances(drills).job_id)
            terminated += drills
    executions.update_header(header.model_copy(update={"instances_terminated_at": now}), header.version)
    executions.append_event(
        ExecutionEvent(
            execution_id=header.id,
            event_id=f"{now.strftime('%Y%m%dT%H%M%S.%fZ')}-{uuid.uuid4().hex[:8]}",
            at=now,
            type=EventType.INSTANCES_TERMINATED,
            message=f"terminating {len(terminated)} drill instance(s) after the drill TTL",
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
