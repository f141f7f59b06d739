"""What the domain knows about DRS: source servers, jobs, job logs, recovery instances, quotas.

These are the gateway's return types, already translated from DRS's wire shapes.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated

from pydantic import Field

from drs_orchestration.domain.models.base import AccountId, CamelModel, Region, SourceServerId, Timestamp

__all__ = [
    "DEFAULT_QUOTAS",
    "DrsJob",
    "DrsPhase",
    "DrsPhaseSince",
    "DrsQuotas",
    "DrsTarget",
    "FailbackState",
    "JobLogItem",
    "JobStatus",
    "JobType",
    "LastLaunch",
    "LaunchStatus",
    "LaunchType",
    "ParticipatingServer",
    "RecoveryInstance",
    "RecoverySnapshot",
    "ReplicationState",
    "ServerOrigin",
    "SourceServer",
]


class ReplicationState(StrEnum):
    """DRS ``dataReplicationInfo.dataReplicationState``."""

    STOPPED = "STOPPED"
    INITIATING = "INITIATING"
    INITIAL_SYNC = "INITIAL_SYNC"
    BACKLOG = "BACKLOG"
    CREATING_SNAPSHOT = "CREATING_SNAPSHOT"
    CONTINUOUS = "CONTINUOUS"
    PAUSED = "PAUSED"
    RESCAN = "RESCAN"
    STALLED = "STALLED"
    DISCONNECTED = "DISCONNECTED"
    PENDING_SNAPSHOT_SHIPPING = "PENDING_SNAPSHOT_SHIPPING"
    SHIPPING_SNAPSHOT = "SHIPPING_SNAPSHOT"


class ServerOrigin(StrEnum):
    """Where a source server came from: a machine outside AWS, or an EC2 instance (another Region or
    account), which decides how it fails back."""

    ON_PREMISES = "ON_PREMISES"
    AWS = "AWS"


class FailbackState(StrEnum):
    """A recovery instance's ``failback.state``: the failback client's progress (on-premises origin)."""

    FAILBACK_NOT_STARTED = "FAILBACK_NOT_STARTED"
    FAILBACK_IN_PROGRESS = "FAILBACK_IN_PROGRESS"
    FAILBACK_READY_FOR_LAUNCH = "FAILBACK_READY_FOR_LAUNCH"
    FAILBACK_COMPLETED = "FAILBACK_COMPLETED"
    FAILBACK_ERROR = "FAILBACK_ERROR"
    FAILBACK_NOT_READY_FOR_LAUNCH = "FAILBACK_NOT_READY_FOR_LAUNCH"
    FAILBACK_LAUNCH_STATE_NOT_AVAILABLE = "FAILBACK_LAUNCH_STATE_NOT_AVAILABLE"


class LaunchType(StrEnum):
    RECOVERY = "RECOVERY"
    DRILL = "DRILL"


class LaunchStatus(StrEnum):
    """DRS per-server launch status (``participatingServers[].launchStatus``, ``lastLaunch.status``)."""

    PENDING = "PENDING"
    IN_PROGRESS = "IN_PROGRESS"
    LAUNCHED = "LAUNCHED"
    FAILED = "FAILED"
    TERMINATED = "TERMINATED"


class JobStatus(StrEnum):
    PENDING = "PENDING"
    STARTED = "STARTED"
    COMPLETED = "COMPLETED"


class JobType(StrEnum):
    LAUNCH = "LAUNCH"
    TERMINATE = "TERMINATE"
    CREATE_CONVERTED_SNAPSHOT = "CREATE_CONVERTED_SNAPSHOT"


class LastLaunch(CamelModel):
    """The server's most recent launch as DRS reports it (``lifeCycle.lastLaunch``)."""

    launch_type: LaunchType
    status: LaunchStatus | None = None
    job_id: str | None = None
    initiated_at: Timestamp | None = None


class SourceServer(CamelModel):
    """One DRS source server of a target account and region."""

    source_server_id: SourceServerId
    hostname: str | None = None
    tags: dict[str, str] = {}
    replication_state: ReplicationState | None = None
    lag_seconds: Annotated[int, Field(ge=0)] | None = None
    """Replication lag; ``None`` when DRS does not report one."""
    last_launch: LastLaunch | None = None
    recovery_instance_id: str | None = None
    last_seen_at: Timestamp | None = None
    origin: ServerOrigin | None = None
    """AWS when DRS reports ``sourceCloudProperties`` (an EC2 origin), else ON_PREMISES."""
    origin_account_id: str | None = None
    origin_region: str | None = None
    reversed_direction_source_server_arn: str | None = None
    """The source server in the origin that replicates back from this one's recovery instance."""


class ParticipatingServer(CamelModel):
    source_server_id: SourceServerId
    launch_status: LaunchStatus | None = None
    recovery_instance_id: str | None = None


class DrsJob(CamelModel):
    job_id: str
    type: JobType = JobType.LAUNCH
    status: JobStatus
    is_drill: bool | None = None
    created_at: Timestamp | None = None
    ended_at: Timestamp | None = None
    participating_servers: list[ParticipatingServer] = []
    tags: dict[str, str] = {}

    @property
    def is_active(self) -> bool:
        return self.status is not JobStatus.COMPLETED


class JobLogItem(CamelModel):
    job_id: str
    event: str
    at: Timestamp | None = None
    source_server_id: str | None = None
    details: dict[str, str] = {}


class DrsPhase(StrEnum):
    """Where a server is in a launch job, from the job log's ``*_START`` events."""

    CLEANUP = "CLEANUP"
    """CLEANUP_START: the previous recovery instance is removed."""
    SNAPSHOT = "SNAPSHOT"
    """SNAPSHOT_START, or USING_PREVIOUS_SNAPSHOT (a point-in-time launch)."""
    CONVERSION = "CONVERSION"
    """CONVERSION_START: the snapshot is converted into a bootable volume."""
    LAUNCH = "LAUNCH"
    """LAUNCH_START: the recovery instance boots (DRS logs no end: the launch status says it)."""


class DrsPhaseSince(CamelModel):
    """A server's current DRS phase and when it entered it (the job log's time)."""

    phase: DrsPhase
    since: Timestamp


class RecoveryInstance(CamelModel):
    recovery_instance_id: str
    source_server_id: SourceServerId
    ec2_instance_id: str | None = None
    ec2_instance_state: str | None = None
    is_drill: bool
    job_id: str | None = None
    launched_at: Timestamp | None = None
    failback_state: FailbackState | None = None
    """The failback client's progress for this instance (``failback.state``)."""


class RecoverySnapshot(CamelModel):
    """A point-in-time recovery snapshot of one source server (DescribeRecoverySnapshots)."""

    snapshot_id: str
    source_server_id: SourceServerId
    taken_at: Timestamp
    """When DRS took it (``timestamp``); a point in time selects by this instant."""
    expected_at: Timestamp | None = None
    """The schedule slot it was taken for (``expectedTimestamp``)."""


class DrsTarget(CamelModel):
    """Where a DRS call goes: the target account and region."""

    account_id: AccountId
    region: Region


@dataclass(frozen=True, slots=True)
class DrsQuotas:
    """DRS service quotas that bound how servers may be launched at once (per account and region)."""

    max_servers_per_job: int = 100
    max_concurrent_jobs: int = 20
    max_servers_in_active_jobs: int = 500


DEFAULT_QUOTAS = DrsQuotas()
