"""In-memory DRS resources of one (account, region) partition and their wire rendering."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any, Literal

from .clock import iso, iso_duration
from .snapshots import ServerPit, Snapshot

GIB = 1024**3

OsFamily = Literal["LINUX", "WINDOWS"]


def compact(value: dict[str, Any]) -> dict[str, Any]:
    """Drop ``None`` members recursively (DRS omits absent fields rather than sending null)."""
    return {k: _compact(v) for k, v in value.items() if v is not None}


def _compact(value: Any) -> Any:
    if isinstance(value, dict):
        return compact(value)
    if isinstance(value, list):
        return [_compact(v) for v in value]
    return value


@dataclass
class SourceServer:
    seq: int
    source_server_id: str
    arn: str
    hostname: str
    os_family: OsFamily
    os_string: str
    origin: str  # ON_PREMISES | AWS
    disks_gib: list[int]
    instance_type: str
    added_at: datetime
    tags: dict[str, str] = field(default_factory=dict)
    replication_state: str = "CONTINUOUS"
    replication_error: str | None = None
    state_since: datetime | None = None
    origin_account: str | None = None
    origin_region: str | None = None
    origin_instance_id: str | None = None
    staging_account: str | None = None  # set when this is an extended source server
    replication_direction: str = "FAILOVER"
    reversed_arn: str | None = None
    recovery_instance_id: str | None = None
    last_launch_result: str = "NOT_STARTED"
    last_launch: dict[str, Any] | None = None
    launch_attempts: int = 0
    pit: ServerPit | None = None
    """Its point-in-time snapshot schedule (``None`` until loaded)."""
    launch_configuration: dict[str, Any] = field(default_factory=dict)
    replication_configuration: dict[str, Any] = field(default_factory=dict)

    @property
    def snapshots(self) -> list[Snapshot]:
        """Its recovery snapshots now, oldest first."""
        return self.pit.snapshots() if self.pit is not None else []

    @property
    def replicating(self) -> bool:
        return self.staging_account is None and self.replication_state not in ("STOPPED", "DISCONNECTED")

    @cached_property
    def static_members(self) -> dict[str, Any]:
        """The members that never change after loading (rendered once)."""
        devices = [(_device(i, self.os_family), size * GIB) for i, size in enumerate(self.disks_gib)]
        return compact(
            {
                "sourceServerID": self.source_server_id,
                "arn": self.arn,
                "agentVersion": "4.7.1",
                "sourceProperties": {
                    "lastUpdatedDateTime": iso(self.added_at),
                    "recommendedInstanceType": self.instance_type,
                    "identificationHints": {
                        "hostname": self.hostname,
                        "fqdn": f"{self.hostname}.corp.example.com",
                        "awsInstanceID": self.origin_instance_id,
                    },
                    "disks": [{"deviceName": name, "bytes": size} for name, size in devices],
                    "cpus": [{"cores": 2, "modelName": "Intel(R) Xeon(R) Platinum"}],
                    "ramBytes": 8 * GIB,
                    "os": {"fullString": self.os_string},
                    "architecture": "x86_64",
                    "supportsNitroInstances": True,
                },
                "sourceCloudProperties": (
                    {
                        "originAccountID": self.origin_account,
                        "originRegion": self.origin_region,
                        "originAvailabilityZone": f"{self.origin_region}a",
                    }
                    if self.origin == "AWS"
                    else None
                ),
                "stagingArea": (
                    {
                        "status": "EXTENDED",
                        "stagingAccountID": self.staging_account,
                        "stagingSourceServerArn": self.arn.replace(
                            self.arn.split(":")[4], self.staging_account
                        ),
                    }
                    if self.staging_account
                    else {"status": "NOT_EXTENDED"}
                ),
                "_devices": devices,
                "_added": iso(self.added_at),
            }
        )

    def render(self, now: datetime) -> dict[str, Any]:
        static = dict(self.static_members)
        devices, added = static.pop("_devices"), static.pop("_added")
        since = self.state_since or self.added_at
        stalled = self.replication_state in ("STALLED", "DISCONNECTED", "STOPPED")
        syncing = self.replication_state in ("INITIATING", "INITIAL_SYNC")
        replication: dict[str, Any] = {
            "dataReplicationState": self.replication_state,
            "lagDuration": iso_duration((now - since).total_seconds() if stalled else 0.0),
            "replicatedDisks": [
                {
                    "deviceName": name,
                    "totalStorageBytes": size,
                    "replicatedStorageBytes": size // 2 if syncing else size,
                    "rescannedStorageBytes": 0,
                    "backloggedStorageBytes": 0,
                }
                for name, size in devices
            ],
        }
        if syncing:
            replication["etaDateTime"] = iso(since)
        if self.replication_error:
            replication["dataReplicationError"] = {
                "error": self.replication_error,
                "rawError": self.replication_error,
            }
        life: dict[str, Any] = {
            "addedToServiceDateTime": added,
            "firstByteDateTime": added,
            "elapsedReplicationDuration": iso_duration((now - self.added_at).total_seconds()),
            "lastSeenByServiceDateTime": iso(since if stalled else now),
        }
        if self.last_launch:
            life["lastLaunch"] = self.last_launch
        static.update(
            tags=dict(self.tags),
            lastLaunchResult=self.last_launch_result,
            replicationDirection=self.replication_direction,
            dataReplicationInfo=replication,
            lifeCycle=life,
        )
        if self.recovery_instance_id:
            static["recoveryInstanceId"] = self.recovery_instance_id
        if self.reversed_arn:
            static["reversedDirectionSourceServerArn"] = self.reversed_arn
        return static


def _device(index: int, os_family: str) -> str:
    return f"disk{index}" if os_family == "WINDOWS" else f"/dev/xvd{chr(ord('a') + index)}"


@dataclass
class Participant:
    source_server_id: str
    launch_status: str = "PENDING"
    recovery_instance_id: str | None = None
    launch_actions: dict[str, Any] | None = None

    def render(self) -> dict[str, Any]:
        return compact(
            {
                "sourceServerID": self.source_server_id,
                "recoveryInstanceID": self.recovery_instance_id,
                "launchStatus": self.launch_status,
                "launchActionsStatus": self.launch_actions,
            }
        )


@dataclass
class JobLog:
    at: datetime
    event: str
    data: dict[str, Any] | None = None

    def render(self) -> dict[str, Any]:
        return compact({"logDateTime": iso(self.at), "event": self.event, "eventData": self.data})


@dataclass
class Job:
    seq: int
    job_id: str
    arn: str
    type: str
    initiated_by: str
    created: datetime
    participants: dict[str, Participant]
    tags: dict[str, str] = field(default_factory=dict)
    status: str = "PENDING"
    ended: datetime | None = None
    is_drill: bool = False
    log: list[JobLog] = field(default_factory=list)

    @property
    def active(self) -> bool:
        return self.status != "COMPLETED"

    def render(self) -> dict[str, Any]:
        return compact(
            {
                "jobID": self.job_id,
                "arn": self.arn,
                "type": self.type,
                "initiatedBy": self.initiated_by,
                "creationDateTime": iso(self.created),
                "endDateTime": iso(self.ended) if self.ended else None,
                "status": self.status,
                "participatingServers": [p.render() for p in self.participants.values()],
                "tags": self.tags,
            }
        )


@dataclass
class RecoveryInstance:
    seq: int
    recovery_instance_id: str
    arn: str
    source_server_id: str
    job_id: str
    is_drill: bool
    point_in_time: datetime
    origin: str
    server: SourceServer
    tags: dict[str, str] = field(default_factory=dict)
    ec2_state: str = "PENDING"
    failback_state: str = "FAILBACK_NOT_STARTED"
    failback_job_id: str | None = None
    failback_client_id: str | None = None
    failback_started: datetime | None = None
    failback_replication: str = "NOT_STARTED"
    disconnected: bool = False
    recovery_snapshot_id: str | None = None
    """The recovery snapshot it was launched from (``None``: an on-demand snapshot of the latest data).
    DRS reports only its time (``pointInTimeSnapshotDateTime``); kept for tests and the control API."""

    def render(self) -> dict[str, Any]:
        server = self.server
        return compact(
            {
                "ec2InstanceID": self.recovery_instance_id,
                "ec2InstanceState": self.ec2_state,
                "jobID": self.job_id,
                "recoveryInstanceID": self.recovery_instance_id,
                "sourceServerID": self.source_server_id,
                "arn": self.arn,
                "tags": self.tags,
                "isDrill": self.is_drill,
                "pointInTimeSnapshotDateTime": iso(self.point_in_time),
                "originEnvironment": self.origin,
                "originAvailabilityZone": f"{server.origin_region}a" if server.origin_region else None,
                "agentVersion": "4.7.1",
                "failback": {
                    "state": self.failback_state,
                    "failbackJobID": self.failback_job_id,
                    "failbackClientID": self.failback_client_id,
                    "failbackInitiationTime": iso(self.failback_started) if self.failback_started else None,
                    "failbackToOriginalServer": True,
                },
                "dataReplicationInfo": {"dataReplicationState": self.failback_replication},
                "recoveryInstanceProperties": {
                    "identificationHints": {"hostname": server.hostname},
                    "disks": [
                        {"internalDeviceName": _device(i, server.os_family), "bytes": size * GIB}
                        for i, size in enumerate(server.disks_gib)
                    ],
                    "ramBytes": 8 * GIB,
                    "os": {"fullString": server.os_string},
                },
            }
        )


@dataclass
class Partition:
    """Everything DRS holds for one (account, region)."""

    account_id: str
    region: str
    rng: random.Random
    initialized: bool = False
    servers: dict[str, SourceServer] = field(default_factory=dict)
    jobs: dict[str, Job] = field(default_factory=dict)
    instances: dict[str, RecoveryInstance] = field(default_factory=dict)
    seq: int = 0

    def next_seq(self) -> int:
        self.seq += 1
        return self.seq

    def new_id(self, prefix: str, length: int = 17) -> str:
        return prefix + "".join(self.rng.choice("0123456789abcdef") for _ in range(length))

    def arn(self, kind: str, resource_id: str) -> str:
        return f"arn:aws:drs:{self.region}:{self.account_id}:{kind}/{resource_id}"

    def active_jobs(self) -> list[Job]:
        return [job for job in self.jobs.values() if job.active]
