"""The report of a run (JSON pages, or CSV rows) and the termination of a drill's recovery instances.

The JSON report is paged: each page carries the run's summary (the execution, its RTO and the per-wave
planned-against-actual rows) and a page of server rows: at most ``limit`` rows, and no more than what
keeps the page within ``REPORT_PAGE_BYTES`` serialised (at least ``REPORT_MIN_ROW_BYTES`` of rows),
whatever their command outputs hold. A run of thousands of servers is read page after page
(``nextToken``), each answer far under Lambda's 6 MB response.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import datetime

from pydantic import Field, JsonValue

from drs_orchestration.domain.engine import cleanup
from drs_orchestration.domain.errors import Conflict, FieldError, ValidationFailed
from drs_orchestration.domain.execution_summary import assemble_execution
from drs_orchestration.domain.models.base import CamelModel
from drs_orchestration.domain.models.execution import Execution, ExecutionMode
from drs_orchestration.domain.planned_schedule import PlannedWindow, planned_schedule
from drs_orchestration.domain.services.context import Request, Services, record_audit
from drs_orchestration.domain.services.paging import decode_cursor, encode_cursor, invalid_token

__all__ = [
    "REPORT_MAX_PAGE_SIZE",
    "REPORT_MIN_ROW_BYTES",
    "REPORT_PAGE_BYTES",
    "REPORT_PAGE_SIZE",
    "REPORT_PHASES",
    "ExecutionReport",
    "ServerReportRow",
    "TerminationResult",
    "WaveReportRow",
    "execution_report",
    "full_report",
    "report_csv",
    "terminate_drill_instances",
]


REPORT_PHASES = ("snapshot", "conversion", "cleanup")
"""The DRS phases the job log times (a START and an END event), one CSV column ``<phase>Seconds`` each."""

REPORT_PAGE_SIZE = 100
"""Server rows in a page of the report when the client names no ``limit``."""
REPORT_MAX_PAGE_SIZE = 1000
REPORT_PAGE_BYTES = 3 * 1024 * 1024
"""The most a page takes serialised: the summary (about 0.3 to 0.8 KB per server of the run), then rows up
to what is left. Wrapped in the Lambda proxy response (JSON in JSON) it stays far under 6 MB."""
REPORT_MIN_ROW_BYTES = 512 * 1024
"""The rows a page may hold however large the summary. A page always holds at least one row (a server
item is at most DynamoDB's 400 KB; its command outputs at most 2,000 characters each)."""


class WaveReportRow(CamelModel):
    """A wave's planned window (from the plan's DAG and timeouts) against what happened, in minutes
    from the run's start."""

    wave_id: str
    wave_name: str
    wave_status: str
    timeout_minutes: int
    planned_start_minutes: int | None
    planned_end_minutes: int | None
    started_at: datetime | None
    ended_at: datetime | None
    actual_start_minutes: float | None
    actual_end_minutes: float | None
    deviation_minutes: float | None
    """Actual end minus planned end (negative: early); ``None`` until the wave has ended."""


class ServerReportRow(CamelModel):
    wave_id: str
    wave_name: str
    wave_status: str
    wave_timeout_minutes: int
    planned_start_minutes: int | None
    planned_end_minutes: int | None
    actual_start_minutes: float | None
    actual_end_minutes: float | None
    source_server_id: str
    impact: str
    launch_status: str | None
    health: str | None
    job_id: str | None
    recovery_instance_id: str | None
    point_in_time: datetime | None = None
    """The run's point in time (``None``: launched from the latest data)."""
    recovery_snapshot_id: str | None = None
    """The recovery snapshot the server launched from, in a point-in-time run."""
    snapshot_taken_at: datetime | None = None
    launched_at: datetime | None
    healthy_at: datetime | None
    seconds_to_launch: float | None
    """From the run's start to this server's launch."""
    error: str | None
    phase_seconds: dict[str, float]
    """DRS phase durations from the job log (``snapshot``, ``conversion``, ``cleanup``, ...)."""
    health_evidence: dict[str, JsonValue]
    """What the health gate saw: EC2 status checks, command status and output."""


class ExecutionReport(CamelModel):
    """The run's summary and a page of its server rows (in plan order of the waves, then by server id);
    ``nextToken`` asks for the next page and is absent on the last one."""

    execution: Execution
    rto_target_minutes: int
    waves: list[WaveReportRow]
    servers: list[ServerReportRow]
    next_token: str | None = Field(default=None, exclude_if=lambda token: token is None)


def _seconds(start: datetime | None, end: datetime | None) -> float | None:
    return (end - start).total_seconds() if start and end else None


def _minutes(start: datetime | None, end: datetime | None) -> float | None:
    seconds = _seconds(start, end)
    return None if seconds is None else round(seconds / 60, 2)


def full_report(services: Services, execution_id: str, request: Request) -> ExecutionReport:
    """The whole report, every server row in one model (for the CSV export; never answered as JSON)."""
    header = services.executions.get_header(execution_id)
    stored = {s.source_server_id: s for s in services.executions.get_servers(execution_id)}
    execution = assemble_execution(
        header, services.executions.get_waves(execution_id), stored.values(), now=request.now
    )
    snapshot = header.plan_snapshot
    timeouts = {wave.id: wave.timeout_minutes for wave in snapshot.waves}
    planned = planned_schedule(snapshot.waves)
    waves: list[WaveReportRow] = []
    for wave in execution.waves:
        window: PlannedWindow | None = planned.get(wave.id)
        actual_end = _minutes(execution.started_at, wave.ended_at)
        waves.append(
            WaveReportRow(
                wave_id=wave.id,
                wave_name=wave.name,
                wave_status=wave.status.value,
                timeout_minutes=timeouts.get(wave.id, 0),
                planned_start_minutes=window.start_minutes if window else None,
                planned_end_minutes=window.end_minutes if window else None,
                started_at=wave.started_at,
                ended_at=wave.ended_at,
                actual_start_minutes=_minutes(execution.started_at, wave.started_at),
                actual_end_minutes=actual_end,
                deviation_minutes=(
                    round(actual_end - window.end_minutes, 2) if window and actual_end is not None else None
                ),
            )
        )
    by_wave = {row.wave_id: row for row in waves}
    rows = [
        ServerReportRow(
            wave_id=wave.id,
            wave_name=wave.name,
            wave_status=wave.status.value,
            wave_timeout_minutes=timeouts.get(wave.id, 0),
            planned_start_minutes=by_wave[wave.id].planned_start_minutes,
            planned_end_minutes=by_wave[wave.id].planned_end_minutes,
            actual_start_minutes=by_wave[wave.id].actual_start_minutes,
            actual_end_minutes=by_wave[wave.id].actual_end_minutes,
            source_server_id=server.source_server_id,
            impact=server.impact.value,
            launch_status=server.launch_status.value if server.launch_status else None,
            health=server.health.value if server.health else None,
            job_id=server.job_id,
            recovery_instance_id=server.recovery_instance_id,
            point_in_time=header.point_in_time,
            recovery_snapshot_id=server.recovery_snapshot_id,
            snapshot_taken_at=server.snapshot_taken_at,
            launched_at=server.launched_at,
            healthy_at=server.healthy_at,
            seconds_to_launch=_seconds(execution.started_at, server.launched_at),
            error=server.error,
            phase_seconds=stored[server.source_server_id].phase_seconds,
            health_evidence=stored[server.source_server_id].health_evidence,
        )
        for wave in execution.waves
        for server in wave.servers
    ]
    return ExecutionReport(
        execution=execution, rto_target_minutes=snapshot.rto_target_minutes, waves=waves, servers=rows
    )


_CURSOR_KEYS = frozenset({"waveId", "sourceServerId"})


def _limit_error() -> ValidationFailed:
    return ValidationFailed(
        [FieldError(name="limit", message=f"must be between 1 and {REPORT_MAX_PAGE_SIZE}")]
    )


def _resume_at(report: ExecutionReport, next_token: str | None) -> int:
    """Index of the first row after the one the token names (rows are in wave order, then by server)."""
    if next_token is None:
        return 0
    key = decode_cursor(next_token, _CURSOR_KEYS)
    position = {row.wave_id: index for index, row in enumerate(report.waves)}
    wave_id, server_id = key["waveId"]["S"], key["sourceServerId"]["S"]
    if wave_id not in position:
        raise invalid_token()
    after = (position[wave_id], server_id)
    return next(
        (
            index
            for index, row in enumerate(report.servers)
            if (position[row.wave_id], row.source_server_id) > after
        ),
        len(report.servers),
    )


def _row_budget(report: ExecutionReport) -> int:
    """Bytes left for rows once the summary is counted (never fewer than ``REPORT_MIN_ROW_BYTES``)."""
    summary = len(report.model_copy(update={"servers": []}).model_dump_json(by_alias=True).encode())
    return max(REPORT_PAGE_BYTES - summary, REPORT_MIN_ROW_BYTES)


def _page_end(rows: Sequence[ServerReportRow], start: int, limit: int, budget: int) -> int:
    """Where the page starting at ``start`` ends: ``limit`` rows, fewer once they pass ``budget`` bytes."""
    end, used = start, 0
    while end < len(rows) and end - start < limit:
        size = len(rows[end].model_dump_json(by_alias=True).encode()) + 1
        if end > start and used + size > budget:
            break
        used += size
        end += 1
    return end


def execution_report(
    services: Services,
    execution_id: str,
    request: Request,
    *,
    limit: int = REPORT_PAGE_SIZE,
    next_token: str | None = None,
) -> ExecutionReport:
    """The run's summary and one page of its server rows, resumed after ``next_token``'s row;
    ``ValidationFailed`` naming ``limit`` or ``nextToken`` when either is not one this report takes."""
    if not 1 <= limit <= REPORT_MAX_PAGE_SIZE:
        raise _limit_error()
    whole = full_report(services, execution_id, request)
    rows = whole.servers
    start = _resume_at(whole, next_token)
    end = _page_end(rows, start, limit, _row_budget(whole))
    token = None
    if end < len(rows):
        last = rows[end - 1]
        token = encode_cursor({"waveId": {"S": last.wave_id}, "sourceServerId": {"S": last.source_server_id}})
    return whole.model_copy(update={"servers": list(rows[start:end]), "next_token": token})


def _csv_columns() -> list[str]:
    columns = [field.alias or name for name, field in ServerReportRow.model_fields.items()]
    phases = columns.index("phaseSeconds")
    return [*columns[:phases], *(f"{phase}Seconds" for phase in REPORT_PHASES), *columns[phases + 1 :]]


def _csv_row(row: ServerReportRow) -> dict[str, object]:
    flat: dict[str, object] = {key: "" if value is None else value for key, value in row.to_json().items()}
    del flat["phaseSeconds"]
    for phase in REPORT_PHASES:
        flat[f"{phase}Seconds"] = row.phase_seconds.get(phase, "")
    flat["healthEvidence"] = json.dumps(row.health_evidence, sort_keys=True) if row.health_evidence else ""
    return flat


def report_csv(report: ExecutionReport) -> str:
    """One row per server, columns named as in the JSON report; the wave's planned and actual window on
    each row, one ``<phase>Seconds`` column per DRS phase and the health evidence as compact JSON."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=_csv_columns(), lineterminator="\n")
    writer.writeheader()
    for row in report.servers:
        writer.writerow(_csv_row(row))
    return out.getvalue()


class TerminationResult(CamelModel):
    execution_id: str
    terminated_instance_ids: list[str]
    job_ids: list[str]
    remaining: int = 0
    """Drill instances the DRS job quotas left out of this call; terminate again once jobs finish."""


def terminate_drill_instances(services: Services, request: Request, execution_id: str) -> TerminationResult:
    """Terminate the drill instances a DRILL run launched (only instances DRS reports as drills), the same
    way the drill TTL does; 409 when there is nothing to send now."""
    header = services.executions.get_header(execution_id)
    if header.mode is ExecutionMode.DRILL and not any(
        server.recovery_instance_id for server in services.executions.get_servers(execution_id)
    ):
        raise Conflict(f"execution {execution_id} has no recovery instances to terminate")
    result = cleanup.terminate_drill_instances(
        services.executions, services.drs, header, now=request.now, actor=request.actor, why="on request"
    )
    if not result.terminated_instance_ids:
        if result.remaining:
            raise Conflict("DRS job quotas are full; terminate the drill instances again once jobs finish")
        raise Conflict(f"DRS reports no drill instances left for execution {execution_id}")
    record_audit(
        services, request, "TerminateDrillInstances", "Execution", execution_id, jobIds=list(result.job_ids)
    )
    return TerminationResult(
        execution_id=execution_id,
        terminated_instance_ids=result.terminated_instance_ids,
        job_ids=result.job_ids,
        remaining=result.remaining,
    )
