"""The report of a run (JSON, or CSV rows) and the termination of a drill's recovery instances."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from drs_orchestration.domain.errors import Conflict
from drs_orchestration.domain.models.base import CamelModel
from drs_orchestration.domain.models.drs import DrsTarget
from drs_orchestration.domain.models.execution import EventType, Execution, ExecutionMode
from drs_orchestration.domain.services.context import Request, Services, record_audit
from drs_orchestration.domain.services.executions import execution_summary, record_event

__all__ = [
    "ExecutionReport",
    "ServerReportRow",
    "TerminationResult",
    "execution_report",
    "report_csv",
    "terminate_drill_instances",
]


class ServerReportRow(CamelModel):
    wave_id: str
    wave_name: str
    wave_status: str
    wave_timeout_minutes: int
    source_server_id: str
    impact: str
    launch_status: str | None
    health: str | None
    job_id: str | None
    recovery_instance_id: str | None
    launched_at: datetime | None
    healthy_at: datetime | None
    seconds_to_launch: float | None
    """From the run's start to this server's launch."""
    error: str | None


class ExecutionReport(CamelModel):
    execution: Execution
    rto_target_minutes: int
    servers: list[ServerReportRow]


def _seconds(start: datetime | None, end: datetime | None) -> float | None:
    return (end - start).total_seconds() if start and end else None


def execution_report(services: Services, execution_id: str, request: Request) -> ExecutionReport:
    execution = execution_summary(services, execution_id, request)
    snapshot = services.executions.get_header(execution_id).plan_snapshot
    timeouts = {wave.id: wave.timeout_minutes for wave in snapshot.waves}
    rows = [
        ServerReportRow(
            wave_id=wave.id,
            wave_name=wave.name,
            wave_status=wave.status.value,
            wave_timeout_minutes=timeouts.get(wave.id, 0),
            source_server_id=server.source_server_id,
            impact=server.impact.value,
            launch_status=server.launch_status.value if server.launch_status else None,
            health=server.health.value if server.health else None,
            job_id=server.job_id,
            recovery_instance_id=server.recovery_instance_id,
            launched_at=server.launched_at,
            healthy_at=server.healthy_at,
            seconds_to_launch=_seconds(execution.started_at, server.launched_at),
            error=server.error,
        )
        for wave in execution.waves
        for server in wave.servers
    ]
    return ExecutionReport(execution=execution, rto_target_minutes=snapshot.rto_target_minutes, servers=rows)


def report_csv(report: ExecutionReport) -> str:
    """One row per server, columns named as in the JSON report."""
    columns = [field.alias or name for name, field in ServerReportRow.model_fields.items()]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in report.servers:
        writer.writerow({key: "" if value is None else value for key, value in row.to_json().items()})
    return out.getvalue()


class TerminationResult(CamelModel):
    execution_id: str
    terminated_instance_ids: list[str]
    job_ids: list[str]


def terminate_drill_instances(services: Services, request: Request, execution_id: str) -> TerminationResult:
    """Terminate the drill instances a DRILL run launched (only instances DRS reports as drills)."""
    header = services.executions.get_header(execution_id)
    if header.mode is not ExecutionMode.DRILL:
        raise Conflict(
            "only a DRILL's instances can be terminated here; recovery instances may serve production"
        )
    servers = services.executions.get_servers(execution_id)
    launched = {s.source_server_id for s in servers if s.recovery_instance_id}
    if not launched:
        raise Conflict(f"execution {execution_id} has no recovery instances to terminate")
    groups = {group for wave in header.plan_snapshot.waves for group in wave.protection_group_ids}
    scopes = set()
    for group_id in groups:
        group = services.groups.get(group_id)
        scopes.add((group.account_id, group.region))
    terminated: list[str] = []
    jobs: list[str] = []
    for account_id, region in sorted(scopes):
        gateway = services.drs.for_target(DrsTarget(account_id=account_id, region=region))
        instances = [
            instance.recovery_instance_id
            for instance in gateway.list_recovery_instances(sorted(launched))
            if instance.is_drill and instance.source_server_id in launched
        ]
        if instances:
            jobs.append(gateway.terminate_recovery_instances(instances).job_id)
            terminated += instances
    if not terminated:
        raise Conflict(f"DRS reports no drill instances left for execution {execution_id}")
    record_event(
        services,
        request,
        execution_id,
        EventType.INSTANCES_TERMINATED,
        f"terminating {len(terminated)} drill instance(s)",
        jobIds=list(jobs),
        recoveryInstanceIds=list(terminated),
    )
    record_audit(services, request, "TerminateDrillInstances", "Execution", execution_id, jobIds=list(jobs))
    return TerminationResult(execution_id=execution_id, terminated_instance_ids=terminated, job_ids=jobs)
