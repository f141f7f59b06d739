"""The failback gateway: the same boto3 ``drs`` client as the DRS gateway, for the failback
operations (ReverseReplication, StartReplication, StopFailback, DisconnectRecoveryInstance, and the
reads they decide on). DRS's refusals become ``DrsCallRefused``; throttling and server errors stay
botocore's to retry and then raise."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from botocore.exceptions import ClientError

from drs_orchestration.adapters.drs.boto_drs_gateway import BotoDrsGatewayFactory
from drs_orchestration.domain.failback_ports import DrsCallRefused
from drs_orchestration.domain.models.drs import DrsTarget
from drs_orchestration.domain.models.failback_operations import (
    FailbackInstance,
    Origin,
    ReplicatingServer,
)

if TYPE_CHECKING:
    from mypy_boto3_drs import DrsClient

__all__ = ["BotoFailbackGateway", "BotoFailbackGatewayFactory", "replicating_server"]

_CHUNK = 200
_RETRIED = frozenset({"ThrottlingException", "InternalServerException"})
T = TypeVar("T")


def _chunks(items: Sequence[str]) -> Iterator[list[str]]:
    unique = list(dict.fromkeys(items))
    for start in range(0, len(unique), _CHUNK):
        yield unique[start : start + _CHUNK]


def _refusals(call: Callable[[], T]) -> T:
    try:
        return call()
    except ClientError as error:
        details = error.response.get("Error", {})
        code = details.get("Code", "")
        if code in _RETRIED:
            raise
        raise DrsCallRefused(code, details.get("Message") or code) from error


def replicating_server(raw: Mapping[str, Any]) -> ReplicatingServer:
    """A DescribeSourceServers item -> the failback operations' view of it."""
    replication = raw.get("dataReplicationInfo") or {}
    disks = replication.get("replicatedDisks") or []
    cloud = raw.get("sourceCloudProperties") or {}
    return ReplicatingServer(
        source_server_id=raw["sourceServerID"],
        arn=raw.get("arn"),
        origin=Origin.AWS if cloud.get("originRegion") else Origin.ON_PREMISES,
        origin_region=cloud.get("originRegion"),
        replication_direction=raw.get("replicationDirection") or "FAILOVER",
        reversed_arn=raw.get("reversedDirectionSourceServerArn"),
        replication_state=replication.get("dataReplicationState"),
        recovery_instance_id=raw.get("recoveryInstanceId"),
        replicated_bytes=sum(int(d.get("replicatedStorageBytes") or 0) for d in disks),
        total_bytes=sum(int(d.get("totalStorageBytes") or 0) for d in disks),
    )


def _instance(raw: Mapping[str, Any]) -> FailbackInstance:
    failback = raw.get("failback") or {}
    origin = raw.get("originEnvironment")
    return FailbackInstance(
        recovery_instance_id=raw["recoveryInstanceID"],
        source_server_id=raw["sourceServerID"],
        ec2_instance_state=raw.get("ec2InstanceState"),
        origin=origin if origin in Origin.__members__ else None,
        failback_state=failback.get("state"),
        failback_client_id=failback.get("failbackClientID") or None,
        replication_state=(raw.get("dataReplicationInfo") or {}).get("dataReplicationState"),
    )


class BotoFailbackGateway:
    """The failback calls in one account and Region."""

    def __init__(self, client: DrsClient) -> None:
        self.client = client

    def source_servers(self, source_server_ids: Sequence[str]) -> dict[str, ReplicatingServer]:
        found: dict[str, ReplicatingServer] = {}
        paginator = self.client.get_paginator("describe_source_servers")
        for chunk in _chunks(source_server_ids):
            for page in paginator.paginate(filters={"sourceServerIDs": chunk}):
                for item in page.get("items", []):
                    server = replicating_server(item)
                    found[server.source_server_id] = server
        return found

    def recovery_instances(self, recovery_instance_ids: Sequence[str]) -> dict[str, FailbackInstance]:
        found: dict[str, FailbackInstance] = {}
        paginator = self.client.get_paginator("describe_recovery_instances")
        for chunk in _chunks(recovery_instance_ids):
            for page in paginator.paginate(filters={"recoveryInstanceIDs": chunk}):
                for item in page.get("items", []):
                    instance = _instance(item)
                    found[instance.recovery_instance_id] = instance
        return found

    def reverse_replication(self, recovery_instance_id: str) -> str:
        response = _refusals(lambda: self.client.reverse_replication(recoveryInstanceID=recovery_instance_id))
        return str(response.get("reversedDirectionSourceServerArn") or "")

    def start_replication(self, source_server_id: str) -> ReplicatingServer:
        response = _refusals(lambda: self.client.start_replication(sourceServerID=source_server_id))
        return replicating_server(response["sourceServer"])

    def stop_failback(self, recovery_instance_id: str) -> None:
        _refusals(lambda: self.client.stop_failback(recoveryInstanceID=recovery_instance_id))

    def disconnect_recovery_instance(self, recovery_instance_id: str) -> None:
        _refusals(lambda: self.client.disconnect_recovery_instance(recoveryInstanceID=recovery_instance_id))


class BotoFailbackGatewayFactory:
    """A failback gateway per target, on the DRS gateway factory's clients (same role, same endpoint)."""

    def __init__(self, drs: BotoDrsGatewayFactory) -> None:
        self.drs = drs

    def for_target(self, target: DrsTarget) -> BotoFailbackGateway:
        return BotoFailbackGateway(self.drs.for_target(target).client)
