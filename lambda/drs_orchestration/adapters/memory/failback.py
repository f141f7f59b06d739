"""DRS's failback calls in memory (unit tests): source servers and recovery instances per account and
Region, the calls made (in order), and refusals to answer with."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

from drs_orchestration.domain.failback_ports import DrsCallRefused
from drs_orchestration.domain.models.drs import DrsTarget, ReplicationState
from drs_orchestration.domain.models.failback_operations import FailbackInstance, ReplicatingServer

__all__ = ["InMemoryFailback", "InMemoryFailbackGateway"]

Key = tuple[str, str]


@dataclass
class InMemoryFailback:
    """The factory and the state every target's gateway shares."""

    servers: dict[Key, dict[str, ReplicatingServer]] = field(default_factory=dict)
    instances: dict[Key, dict[str, FailbackInstance]] = field(default_factory=dict)
    refusals: dict[tuple[str, str], DrsCallRefused] = field(default_factory=dict)
    """(operation, resource id) -> what DRS answers instead."""
    calls: list[tuple[str, str]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add_server(self, target: DrsTarget, server: ReplicatingServer) -> None:
        self.servers.setdefault((target.account_id, target.region), {})[server.source_server_id] = server

    def add_instance(self, target: DrsTarget, instance: FailbackInstance) -> None:
        key = (target.account_id, target.region)
        self.instances.setdefault(key, {})[instance.recovery_instance_id] = instance

    def for_target(self, target: DrsTarget) -> InMemoryFailbackGateway:
        return InMemoryFailbackGateway(self, (target.account_id, target.region))

    def record(self, operation: str, resource_id: str) -> None:
        with self._lock:
            self.calls.append((operation, resource_id))
        refusal = self.refusals.get((operation, resource_id))
        if refusal is not None:
            raise refusal


@dataclass
class InMemoryFailbackGateway:
    state: InMemoryFailback
    key: Key

    def source_servers(self, source_server_ids: Sequence[str]) -> dict[str, ReplicatingServer]:
        known = self.state.servers.get(self.key, {})
        return {i: known[i] for i in source_server_ids if i in known}

    def recovery_instances(self, recovery_instance_ids: Sequence[str]) -> dict[str, FailbackInstance]:
        known = self.state.instances.get(self.key, {})
        return {i: known[i] for i in recovery_instance_ids if i in known}

    def reverse_replication(self, recovery_instance_id: str) -> str:
        self.state.record("ReverseReplication", recovery_instance_id)
        instance = self.state.instances[self.key][recovery_instance_id]
        self.state.instances[self.key][recovery_instance_id] = instance.model_copy(
            update={"replication_state": "RESCAN"}
        )
        return f"arn:aws:drs:{self.key[1]}:{self.key[0]}:source-server/{instance.source_server_id}"

    def start_replication(self, source_server_id: str) -> ReplicatingServer:
        self.state.record("StartReplication", source_server_id)
        server = self.state.servers[self.key][source_server_id]
        started = server.model_copy(update={"replication_state": ReplicationState.INITIATING})
        self.state.servers[self.key][source_server_id] = started
        return started

    def stop_failback(self, recovery_instance_id: str) -> None:
        self.state.record("StopFailback", recovery_instance_id)

    def disconnect_recovery_instance(self, recovery_instance_id: str) -> None:
        self.state.record("DisconnectRecoveryInstance", recovery_instance_id)
        instance = self.state.instances[self.key][recovery_instance_id]
        self.state.instances[self.key][recovery_instance_id] = instance.model_copy(
            update={"replication_state": "DISCONNECTED"}
        )
