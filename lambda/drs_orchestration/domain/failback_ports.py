"""What the failback operations need of DRS, in one target account and Region (the adapter assumes
the account's role as the DRS gateway does)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, Protocol

from drs_orchestration.domain.errors import DomainError
from drs_orchestration.domain.models.drs import DrsTarget
from drs_orchestration.domain.models.failback_operations import FailbackInstance, ReplicatingServer

__all__ = ["DrsCallRefused", "FailbackGateway", "FailbackGatewayFactory"]


class DrsCallRefused(DomainError):
    """DRS refused a call (``ConflictException``, ``ResourceNotFoundException``, access denied, ...):
    reported on the server it was for, never as an error of the whole request."""

    code: ClassVar[str] = "DRS_CALL_REFUSED"

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        """DRS's error code."""


class FailbackGateway(Protocol):
    def source_servers(self, source_server_ids: Sequence[str]) -> dict[str, ReplicatingServer]:
        """Those of the servers DRS lists (an unknown id is absent)."""
        ...

    def recovery_instances(self, recovery_instance_ids: Sequence[str]) -> dict[str, FailbackInstance]:
        """Those of the recovery instances DRS lists (an unknown or deleted one is absent)."""
        ...

    def reverse_replication(self, recovery_instance_id: str) -> str:
        """ReverseReplication; the ARN of the source server that replicates the other way."""
        ...

    def start_replication(self, source_server_id: str) -> ReplicatingServer:
        """StartReplication of a STOPPED source server."""
        ...

    def stop_failback(self, recovery_instance_id: str) -> None: ...
    def disconnect_recovery_instance(self, recovery_instance_id: str) -> None: ...


class FailbackGatewayFactory(Protocol):
    def for_target(self, target: DrsTarget) -> FailbackGateway: ...
