"""What a FAILBACK run records per server: its origin, and how far its preparation got.

An on-premises server fails back with StartFailbackLaunch of its recovery instance once the failback
client is connected for it. An EC2-origin server fails back by replicating its recovery instance back
to the origin (ReverseReplication) and, once that replicates continuously, a recovery of the reversed
source server in the origin account and Region.
"""

from __future__ import annotations

from enum import StrEnum

from drs_orchestration.domain.models.base import CamelModel, Timestamp
from drs_orchestration.domain.models.drs import DrsTarget, ServerOrigin

__all__ = ["FailbackServer", "FailbackStage"]


class FailbackStage(StrEnum):
    """``CHECKING`` until its wave starts and DRS is asked; ``REVERSING`` while an EC2-origin server's
    reversed replication catches up; ``READY`` once it may be put in a failback job."""

    CHECKING = "CHECKING"
    REVERSING = "REVERSING"
    READY = "READY"


class FailbackServer(CamelModel):
    origin: ServerOrigin
    recovery_target: DrsTarget
    """Where the recovery run launched it (its recovery instance lives there)."""
    recovery_instance_id: str
    """The recovery instance it fails back from."""
    origin_target: DrsTarget | None = None
    """An EC2-origin server's origin account and Region (where it is recovered back)."""
    reversed_source_server_id: str | None = None
    """The source server in the origin that replicates from the recovery instance (EC2 origin)."""
    stage: FailbackStage = FailbackStage.CHECKING
    checked_at: Timestamp | None = None
    """When DRS was last asked how its preparation stands (bounds the polling)."""
