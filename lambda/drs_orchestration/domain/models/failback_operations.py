"""What the failback operations (re-protect, clean-up, failback readiness) read of DRS, and what they
answer per server.

DRS's views are already translated from its wire shapes by the failback gateway: a source server with
its origin and replication direction, and a recovery instance with its failback state.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Generic, TypeVar

from pydantic import Field

from drs_orchestration.domain.models.base import CamelModel, SourceServerId
from drs_orchestration.domain.models.drs import DrsTarget, FailbackState, ReplicationState

__all__ = [
    "ACTIVE_INSTANCE_REPLICATION",
    "CleanupResult",
    "CleanupStatus",
    "FailbackInstance",
    "FailbackState",
    "Origin",
    "ReplicatingServer",
    "ReplicationDirection",
    "ReprotectResult",
    "ReprotectStatus",
    "ServerResults",
    "parse_source_server_arn",
]


class Origin(StrEnum):
    """Where a source server runs when all is well: a data centre, or EC2 (another Region or account)."""

    ON_PREMISES = "ON_PREMISES"
    AWS = "AWS"


class ReplicationDirection(StrEnum):
    FAILOVER = "FAILOVER"
    FAILBACK = "FAILBACK"


ACTIVE_INSTANCE_REPLICATION = frozenset(
    {
        "INITIATING",
        "INITIAL_SYNC",
        "BACKLOG",
        "CREATING_SNAPSHOT",
        "CONTINUOUS",
        "PAUSED",
        "RESCAN",
        "STALLED",
    }
)
"""A recovery instance's ``dataReplicationInfo.dataReplicationState`` values that mean it replicates
(to a failback client, or to the other Region after a ReverseReplication)."""


class ReplicatingServer(CamelModel):
    """A source server as the failback operations need it."""

    source_server_id: SourceServerId
    arn: str | None = None
    origin: Origin
    origin_region: str | None = None
    """The Region an EC2-origin server came from."""
    replication_direction: ReplicationDirection = ReplicationDirection.FAILOVER
    reversed_arn: str | None = None
    """``reversedDirectionSourceServerArn``: the source server replicating the other way, once reversed."""
    replication_state: ReplicationState | None = None
    recovery_instance_id: str | None = None
    replicated_bytes: Annotated[int, Field(ge=0)] = 0
    total_bytes: Annotated[int, Field(ge=0)] = 0

    @property
    def progress_percent(self) -> int | None:
        """How much of its disks has been copied (initial sync), ``None`` when DRS reports no size."""
        if not self.total_bytes:
            return None
        return min(100, self.replicated_bytes * 100 // self.total_bytes)


class FailbackInstance(CamelModel):
    """A recovery instance as the failback operations need it."""

    recovery_instance_id: str
    source_server_id: SourceServerId
    ec2_instance_state: str | None = None
    origin: Origin | None = None
    failback_state: FailbackState | None = None
    failback_client_id: str | None = None
    replication_state: str | None = None
    """Its own replication (to the failback client, or to the other Region): DRS's
    RecoveryInstanceDataReplicationState (``NOT_STARTED``, ``CONTINUOUS``, ``DISCONNECTED``, ...)."""

    @property
    def terminated(self) -> bool:
        return (self.ec2_instance_state or "").upper() in {"TERMINATED", "NOT_FOUND", "SHUTTING-DOWN"}

    @property
    def replicating(self) -> bool:
        return (self.replication_state or "") in ACTIVE_INSTANCE_REPLICATION

    @property
    def disconnected(self) -> bool:
        return self.replication_state == "DISCONNECTED"


def parse_source_server_arn(arn: str) -> tuple[DrsTarget, str] | None:
    """``arn:aws:drs:<region>:<account>:source-server/<id>`` -> (its account and Region, its id)."""
    parts = arn.split(":")
    if len(parts) != 6 or parts[2] != "drs" or not parts[5].startswith("source-server/"):
        return None
    try:
        target = DrsTarget(account_id=parts[4], region=parts[3])
    except ValueError:
        return None
    return target, parts[5].removeprefix("source-server/")


class ReprotectStatus(StrEnum):
    REPROTECTED = "REPROTECTED"
    ALREADY_PROTECTED = "ALREADY_PROTECTED"
    FAILED = "FAILED"


class ReprotectResult(CamelModel):
    source_server_id: SourceServerId
    status: ReprotectStatus
    message: str


class CleanupStatus(StrEnum):
    CLEANED_UP = "CLEANED_UP"
    """Failback stopped (when it was still pending) and the recovery instance disconnected from DRS."""
    ALREADY_CLEAN = "ALREADY_CLEAN"
    FAILED = "FAILED"


class CleanupResult(CamelModel):
    source_server_id: SourceServerId
    recovery_instance_id: str | None
    status: CleanupStatus
    message: str


T = TypeVar("T")


class ServerResults(CamelModel, Generic[T]):
    """Per-server results of an operation on a run: ``{"items": [...]}``."""

    items: list[T]
