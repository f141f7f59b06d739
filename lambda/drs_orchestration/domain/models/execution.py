"""Executions (drills and recoveries), stored as many small items, never one growing record.

Items: one ``ExecutionHeader``; one ``WaveState`` per wave; one ``ServerState`` per server; one
``LaunchBatch`` per DRS job request (intent recorded before StartRecovery); one ``ExecutionEvent``
per timeline entry. ``Execution`` is the API view assembled from them (``execution_summary``).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Self

from pydantic import Field, JsonValue, StringConstraints, field_validator, model_validator

from drs_orchestration.domain.models.base import (
    CamelModel,
    ExecutionId,
    Name,
    RecoveryPlanId,
    SourceServerId,
    Timestamp,
    WaveId,
    matching,
)
from drs_orchestration.domain.models.drs import DrsPhaseSince, DrsTarget, LaunchStatus
from drs_orchestration.domain.models.failback import FailbackServer
from drs_orchestration.domain.models.in_flight import InFlight, legacy_in_flight
from drs_orchestration.domain.models.recovery_plan import RecoveryPlan

__all__ = [
    "ACTIVE_EXECUTION_STATUSES",
    "TERMINAL_EXECUTION_STATUSES",
    "TERMINAL_WAVE_STATUSES",
    "BatchStatus",
    "EngineExecution",
    "EventType",
    "Execution",
    "ExecutionEvent",
    "ExecutionHeader",
    "ExecutionMode",
    "ExecutionStatus",
    "HealthStatus",
    "JobSeen",
    "LaunchBatch",
    "RtoMeasurement",
    "ServerCounts",
    "ServerImpact",
    "ServerState",
    "ServerSummary",
    "SkipCause",
    "StartExecutionRequest",
    "WaveServer",
    "WaveState",
    "WaveStatus",
    "WaveSummary",
]


class ExecutionMode(StrEnum):
    DRILL = "DRILL"
    RECOVERY = "RECOVERY"
    FAILBACK = "FAILBACK"


class ExecutionStatus(StrEnum):
    PENDING = "PENDING"
    RUNNING = "RUNNING"
    PAUSED = "PAUSED"
    WAITING_APPROVAL = "WAITING_APPROVAL"
    CANCELLING = "CANCELLING"
    CANCELLED = "CANCELLED"
    SUCCEEDED = "SUCCEEDED"
    PARTIAL = "PARTIAL"
    FAILED = "FAILED"


TERMINAL_EXECUTION_STATUSES = frozenset(
    {ExecutionStatus.CANCELLED, ExecutionStatus.SUCCEEDED, ExecutionStatus.PARTIAL, ExecutionStatus.FAILED}
)
ACTIVE_EXECUTION_STATUSES = frozenset(set(ExecutionStatus) - TERMINAL_EXECUTION_STATUSES)


class WaveStatus(StrEnum):
    """``PENDING -> PRE_ACTIONS -> LAUNCHING -> LAUNCHED -> HEALTH_CHECK -> POST_ACTIONS -> COMPLETED``,
    or ``FAILED`` / ``SKIPPED`` (with a reason)."""

    PENDING = "PENDING"
    PRE_ACTIONS = "PRE_ACTIONS"
    LAUNCHING = "LAUNCHING"
    LAUNCHED = "LAUNCHED"
    HEALTH_CHECK = "HEALTH_CHECK"
    POST_ACTIONS = "POST_ACTIONS"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    SKIPPED = "SKIPPED"


TERMINAL_WAVE_STATUSES = frozenset({WaveStatus.COMPLETED, WaveStatus.FAILED, WaveStatus.SKIPPED})


class SkipCause(StrEnum):
    """Why a wave was skipped: an operator chose to (dependants may go on), or a dependency failed."""

    OPERATOR = "OPERATOR"
    DEPENDENCY = "DEPENDENCY"


class ServerImpact(StrEnum):
    """A CRITICAL server's failure fails its wave; an OPTIONAL one's makes the run PARTIAL."""

    CRITICAL = "CRITICAL"
    OPTIONAL = "OPTIONAL"


class HealthStatus(StrEnum):
    HEALTHY = "HEALTHY"
    UNHEALTHY = "UNHEALTHY"
    UNKNOWN = "UNKNOWN"


class BatchStatus(StrEnum):
    """``INTENDED`` is written before StartRecovery so a crash never launches a server twice."""

    INTENDED = "INTENDED"
    STARTED = "STARTED"
    FAILED_TO_START = "FAILED_TO_START"


class StartExecutionRequest(CamelModel):
    """``POST /executions``; a RECOVERY must repeat the plan's name to confirm."""

    plan_id: RecoveryPlanId
    mode: ExecutionMode
    confirm_plan_name: Name | None = None
    point_in_time: Timestamp | None = None
    """Launch each server from its latest recovery snapshot taken at or before this instant (UTC);
    ``None``: from the latest data (an on-demand snapshot)."""
    source_execution_id: ExecutionId | None = None
    """A FAILBACK's RECOVERY run: the servers it recovered are brought back to their origin."""

    @model_validator(mode="after")
    def _recovery_is_confirmed(self) -> Self:
        if self.mode in (ExecutionMode.RECOVERY, ExecutionMode.FAILBACK) and not self.confirm_plan_name:
            raise ValueError(f"a {self.mode.value} needs confirmPlanName, the plan's name typed again")
        return self


class EngineExecution(CamelModel):
    """The state machine execution that drives a run now: the one whose steps may act on it."""

    arn: Annotated[str, StringConstraints(min_length=1, max_length=256)]
    generation: Annotated[int, Field(ge=0)] = 0
    """0 for the execution that started the run (or reopened it); one more at each handover."""
    since: Timestamp
    """When it was recorded: for a successor, before it was started."""


class ExecutionHeader(CamelModel):
    """The execution's own item: identity, status and the plan snapshot it runs (bounded in size)."""

    id: ExecutionId
    plan_id: RecoveryPlanId
    plan_version: Annotated[int, Field(ge=1)]
    plan_name: Name
    mode: ExecutionMode
    status: ExecutionStatus = ExecutionStatus.PENDING
    status_reason: str | None = None
    created_at: Timestamp
    started_at: Timestamp | None = None
    ended_at: Timestamp | None = None
    started_by: str
    plan_snapshot: RecoveryPlan
    drill_expires_at: Timestamp | None = None
    """When a drill's recovery instances are due for automatic termination (``drillTtlHours``)."""
    version: Annotated[int, Field(ge=1)] = 1
    task_token: str | None = None
    """The engine's current WaitForChange task token: completing it wakes the run (engine-written)."""
    request_cursor: Annotated[int, Field(ge=0)] = 0
    """The ``sequence`` of the last operator request the engine acted on."""
    handled_requests: list[str] | None = None
    """The previous release's record of the requests acted on (timeline event ids); the engine
    acts on the rest once and then clears it (``None``)."""
    active_jobs: dict[str, DrsTarget] = {}
    """The run's DRS jobs not yet finished, with where they run (for the DRS event handler)."""
    instances_terminated_at: Timestamp | None = None
    """When the drill's recovery instances were terminated (on demand or by the drill TTL)."""
    engine: EngineExecution | None = None
    """The state machine execution driving the run (engine-written); ``None`` before it starts."""
    point_in_time: Timestamp | None = None
    """Servers launch from their latest recovery snapshot taken at or before this instant; ``None``:
    from the latest data."""
    source_execution_id: ExecutionId | None = None
    """A FAILBACK's RECOVERY run (the servers it recovered fail back)."""
    failback_execution_id: ExecutionId | None = None
    """On a RECOVERY run: its latest FAILBACK, marked by a conditional write before that run is
    created, so two failbacks of one recovery never run at once."""
    failback_marked_at: Timestamp | None = None
    """When that mark was written: a mark whose run does not exist yet is taken as running while
    the request that wrote it may still create it."""

    @field_validator("active_jobs", mode="before")
    @classmethod
    def _upgrade_job_targets(cls, value: Any) -> Any:
        """The previous release stored each job's target as an ``accountId/region`` string."""
        if not isinstance(value, dict):
            return value
        return {
            job_id: dict(zip(("accountId", "region"), target.split("/", 1), strict=False))
            if isinstance(target, str)
            else target
            for job_id, target in value.items()
        }

    @property
    def is_terminal(self) -> bool:
        return self.status in TERMINAL_EXECUTION_STATUSES


class ServerCounts(CamelModel):
    """How a wave's servers stand, kept on its item by the engine in the write that changes them, so a
    poll reads no server items."""

    total: Annotated[int, Field(ge=0)] = 0
    waiting: Annotated[int, Field(ge=0)] = 0
    """Servers in no launch batch yet, not started."""
    launch: dict[LaunchStatus, int] = {}
    """Servers by DRS launch status (a server not yet put in a job is in none)."""
    health: dict[HealthStatus, int] = {}
    """Servers by health-gate verdict (a server not yet judged is in none)."""
    failed: Annotated[int, Field(ge=0)] = 0
    """Servers that failed to launch or were found unhealthy."""
    critical: Annotated[int, Field(ge=0)] = 0
    critical_recovered: Annotated[int, Field(ge=0)] = 0
    """CRITICAL servers recovered: healthy (the wave has a health gate), else launched."""
    last_recovered_at: Timestamp | None = None
    """When the latest of those recovered."""

    @property
    def in_flight(self) -> int:
        """Servers in a DRS job that has not said how they ended."""
        return self.launch.get(LaunchStatus.PENDING, 0) + self.launch.get(LaunchStatus.IN_PROGRESS, 0)


class WaveState(CamelModel):
    """One item per wave of an execution."""

    execution_id: ExecutionId
    wave_id: WaveId
    name: Name
    position: Annotated[int, Field(ge=0)]
    """The wave's index in the plan snapshot."""
    status: WaveStatus = WaveStatus.PENDING
    reason: str | None = None
    skip_cause: SkipCause | None = None
    started_at: Timestamp | None = None
    launched_at: Timestamp | None = None
    healthy_at: Timestamp | None = None
    ended_at: Timestamp | None = None
    version: Annotated[int, Field(ge=1)] = 1
    approved_at: Timestamp | None = None
    """When an operator approved the wave's ``pauseBefore`` gate or its current APPROVAL action."""
    phase_started_at: Timestamp | None = None
    """When the wave entered its current status (actions and health gates time out from here)."""
    action_index: Annotated[int, Field(ge=0)] = 0
    """The pre/post action the wave is at."""
    in_flight: InFlight | None = None
    """What the wave has in flight (an action, or its ``pauseBefore`` gate), typed by kind."""
    action_started_at: Timestamp | None = None
    server_counts: ServerCounts | None = None
    """How the wave's servers stand; ``None`` on a previous release's item (counted on its next read)."""
    gate_chunks: Annotated[int, Field(ge=0)] | None = None
    """How many health-gate items the wave's current health gate keeps (``None``: not yet made)."""

    @model_validator(mode="before")
    @classmethod
    def _upgrade_action_ref(cls, data: Any) -> Any:
        """A wave item of the previous release kept its in-flight work in an ``actionRef`` string."""
        if isinstance(data, dict) and ("actionRef" in data or "action_ref" in data):
            data = dict(data)
            ref = data.pop("actionRef", None) or data.pop("action_ref", None)
            data.pop("action_ref", None)
            data.setdefault("inFlight", legacy_in_flight(ref))
        return data

    @model_validator(mode="after")
    def _skip_has_reason(self) -> Self:
        if self.status is WaveStatus.SKIPPED and (not self.reason or self.skip_cause is None):
            raise ValueError("a SKIPPED wave needs a reason and a skipCause")
        return self


class ServerState(CamelModel):
    """One item per server of an execution."""

    execution_id: ExecutionId
    wave_id: WaveId
    source_server_id: SourceServerId
    impact: ServerImpact = ServerImpact.CRITICAL
    batch_id: str | None = None
    job_id: str | None = None
    launch_status: LaunchStatus | None = None
    """``None`` until the server is put in a DRS job."""
    recovery_instance_id: str | None = None
    health: HealthStatus | None = None
    error: str | None = None
    attempt: Annotated[int, Field(ge=0)] = 0
    launch_requested_at: Timestamp | None = None
    launched_at: Timestamp | None = None
    healthy_at: Timestamp | None = None
    ended_at: Timestamp | None = None
    account_id: str | None = None
    """The DRS account and region the server lives in (from its protection group)."""
    region: str | None = None
    health_ref: str | None = None
    """The running health-check command id."""
    health_evidence: dict[str, JsonValue] = {}
    """What the health gate saw: EC2 status checks, command status and output."""
    phase_seconds: dict[str, float] = {}
    """DRS phase durations from the job log (snapshot, conversion, launch, ...)."""
    drs_phase: DrsPhaseSince | None = None
    """The DRS phase the server is in (the last one it entered once it has launched or failed), read
    from its job's log while the job runs; ``None`` until the log shows the server."""
    recovery_snapshot_id: str | None = None
    """The recovery snapshot the server launches from (a point-in-time run); chosen once, when the
    server is first put in a batch."""
    snapshot_taken_at: Timestamp | None = None
    """When that snapshot was taken."""
    failback: FailbackServer | None = None
    """A FAILBACK run's server: its origin, the recovery instance it fails back from, and how far its
    preparation got (``None`` in drills and recoveries)."""


class JobSeen(CamelModel):
    """What the engine last applied of a DRS job: whether it ran, and each server's launch status."""

    active: bool
    launch: dict[SourceServerId, LaunchStatus] = {}


class LaunchBatch(CamelModel):
    """One DRS StartRecovery request: at most 100 servers of one wave."""

    execution_id: ExecutionId
    batch_id: Annotated[str, matching(r"^[A-Za-z0-9_.-]{1,128}$", "1-128 of A-Z a-z 0-9 _ . -")]
    wave_id: WaveId
    source_server_ids: Annotated[list[SourceServerId], Field(min_length=1, max_length=100)]
    status: BatchStatus = BatchStatus.INTENDED
    job_id: str | None = None
    requested_at: Timestamp
    attempt: Annotated[int, Field(ge=0)] = 0
    account_id: str | None = None
    region: str | None = None
    log_read_at: Timestamp | None = None
    """When the engine last read the job's log for its servers' DRS phases."""
    job_seen: JobSeen | None = None
    """The job as DescribeJobs last showed it to the engine: its servers are read again only when
    it shows something else (``None``: not yet described)."""
    phases_seen: dict[SourceServerId, DrsPhaseSince] = {}
    """Each server's DRS phase as the job's log last showed it."""


class EventType(StrEnum):
    """Every kind of timeline entry: the only place a timeline event type is named."""

    EXECUTION_CREATED = "EXECUTION_CREATED"
    EXECUTION_STARTED = "EXECUTION_STARTED"
    PAUSE_REQUESTED = "PAUSE_REQUESTED"
    EXECUTION_PAUSED = "EXECUTION_PAUSED"
    RESUME_REQUESTED = "RESUME_REQUESTED"
    EXECUTION_RESUMED = "EXECUTION_RESUMED"
    CANCEL_REQUESTED = "CANCEL_REQUESTED"
    EXECUTION_CANCELLING = "EXECUTION_CANCELLING"
    EXECUTION_FINISHED = "EXECUTION_FINISHED"
    READINESS_CHECKED = "READINESS_CHECKED"
    WAVE_STATUS_CHANGED = "WAVE_STATUS_CHANGED"
    WAVE_SKIP_REQUESTED = "WAVE_SKIP_REQUESTED"
    WAVE_SKIPPED = "WAVE_SKIPPED"
    WAVE_RETRIED = "WAVE_RETRIED"
    """An operator asked for a failed wave to be retried."""
    WAVE_RETRY_STARTED = "WAVE_RETRY_STARTED"
    ACTION_STARTED = "ACTION_STARTED"
    ACTION_SUCCEEDED = "ACTION_SUCCEEDED"
    ACTION_FAILED = "ACTION_FAILED"
    APPROVAL_REQUESTED = "APPROVAL_REQUESTED"
    APPROVAL_GRANTED = "APPROVAL_GRANTED"
    APPROVAL_REJECTED = "APPROVAL_REJECTED"
    JOB_STARTED = "JOB_STARTED"
    JOB_WAITING_FOR_QUOTA = "JOB_WAITING_FOR_QUOTA"
    JOB_LOG = "JOB_LOG"
    SERVER_LAUNCHED = "SERVER_LAUNCHED"
    SERVER_FAILED = "SERVER_FAILED"
    HEALTH_CHECK_STARTED = "HEALTH_CHECK_STARTED"
    SERVER_HEALTHY = "SERVER_HEALTHY"
    SERVER_UNHEALTHY = "SERVER_UNHEALTHY"
    INSTANCES_TERMINATED = "INSTANCES_TERMINATED"
    ENGINE_HANDED_OVER = "ENGINE_HANDED_OVER"
    """The run continues in a fresh state machine execution, before the history limit."""
    ENGINE_LOST = "ENGINE_LOST"
    """The run's state machine execution ended without finishing the run (found by the sweeper)."""
    FAILBACK_READY = "FAILBACK_READY"
    """A failback server may launch: its failback client is ready, or its reversed replication is
    continuous."""
    REVERSE_REPLICATION_STARTED = "REVERSE_REPLICATION_STARTED"


class ExecutionEvent(CamelModel):
    """One timeline entry; ``eventId`` sorts in time order within an execution."""

    execution_id: ExecutionId
    event_id: Annotated[str, StringConstraints(min_length=1, max_length=128)]
    at: Timestamp
    type: EventType
    message: Annotated[str, StringConstraints(max_length=2000)]
    wave_id: WaveId | None = None
    source_server_id: SourceServerId | None = None
    actor: str | None = None
    details: dict[str, JsonValue] = {}


class RtoMeasurement(CamelModel):
    """Measured RTO: from the run's start to the last CRITICAL server recovered, against the target."""

    target_minutes: int
    started_at: Timestamp | None
    recovered_at: Timestamp | None
    """When the last CRITICAL server became healthy (or launched, if no health check); else ``None``."""
    measured_seconds: float | None
    """``None`` until every CRITICAL server has recovered; see ``elapsed_seconds`` meanwhile."""
    elapsed_seconds: float | None
    met: bool | None
    """Whether the target was met; ``None`` while it cannot be known yet."""
    critical_servers: int
    recovered_critical_servers: int


class ServerSummary(CamelModel):
    source_server_id: SourceServerId
    impact: ServerImpact
    batch_id: str | None
    job_id: str | None
    launch_status: LaunchStatus | None
    recovery_instance_id: str | None
    health: HealthStatus | None
    error: str | None
    launched_at: Timestamp | None
    healthy_at: Timestamp | None
    account_id: str | None = None
    region: str | None = None
    drs_phase: DrsPhaseSince | None = None
    recovery_snapshot_id: str | None = None
    snapshot_taken_at: Timestamp | None = None
    failback: FailbackServer | None = None


class WaveServer(ServerSummary):
    """A server of a paged listing (``GET /executions/{id}/servers``), which spans waves."""

    wave_id: WaveId


class WaveSummary(CamelModel):
    id: WaveId
    name: Name
    status: WaveStatus
    reason: str | None
    skip_cause: SkipCause | None
    started_at: Timestamp | None
    ended_at: Timestamp | None
    servers: list[ServerSummary]
    """Every server of the wave, sorted by id; empty in the summary view (``?servers=none``)."""
    server_counts: ServerCounts = Field(default_factory=ServerCounts)
    """How the wave's servers stand, counted (always given)."""


class Execution(CamelModel):
    """The API view of an execution, assembled from its items."""

    id: ExecutionId
    plan_id: RecoveryPlanId
    plan_version: int
    plan_name: Name
    mode: ExecutionMode
    status: ExecutionStatus
    status_reason: str | None
    created_at: Timestamp
    started_at: Timestamp | None
    ended_at: Timestamp | None
    started_by: str
    waves: list[WaveSummary]
    rto: RtoMeasurement
    instances_terminated_at: Timestamp | None = None
    """When the drill's recovery instances were terminated; ``None`` while they may still run."""
    point_in_time: Timestamp | None = None
    """The instant the servers launch from (their latest snapshot at or before it); ``None``: latest data."""
    source_execution_id: ExecutionId | None = None
    """A FAILBACK's RECOVERY run."""
