"""What one engine step works with: the ports, the tuning, the current time, and the run's items."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from pydantic import JsonValue

from drs_orchestration.domain.engine.invocations import LambdaInvocation
from drs_orchestration.domain.engine.ports import EngineExecutions, NoticeKind, Notifier, TargetGateways
from drs_orchestration.domain.errors import StaleVersion
from drs_orchestration.domain.models.base import CamelModel
from drs_orchestration.domain.models.drs import DEFAULT_QUOTAS, DrsQuotas, DrsTarget
from drs_orchestration.domain.models.execution import (
    EventType,
    ExecutionEvent,
    ExecutionHeader,
    ServerState,
    WaveState,
)
from drs_orchestration.domain.models.recovery_plan import Wave
from drs_orchestration.domain.ports import (
    DrsGateway,
    DrsGatewayFactory,
    ExecutionRepository,
    ProtectionGroupRepository,
)

__all__ = ["EngineConfig", "EnginePorts", "Tick", "TickMetrics", "target_key", "target_of"]

EXECUTION_TAG = "drs-orchestration:execution-id"
BATCH_TAG = "drs-orchestration:batch-id"
ENGINE_ACTOR = "engine"


@dataclass(frozen=True)
class EngineConfig:
    """Tuning: poll intervals bound how long a lost event can cost; quotas bound launches."""

    poll_seconds: int = 30
    """How often active DRS jobs are polled when no event wakes the run earlier."""
    gate_poll_seconds: int = 10
    """How often health checks and actions are polled."""
    max_wait_seconds: int = 300
    """The longest the run sleeps, even when nothing is in flight (paused, waiting for an approval)."""
    quotas: DrsQuotas = DEFAULT_QUOTAS
    console_url: str | None = None
    health_check_document: str | None = None
    """The product's health-check command document, run where a wave names no document of its own."""
    handover_ticks: int = 750
    """After this many ticks an execution hands the run over to a fresh one (continue-as-new), far
    below Step Functions' 25,000 history events an execution: a tick writes about 13 (Advance 5, its
    Choice 2, WaitForChange 6; an InvokeAction instead 5), so 750 ticks are about 9,750 events and
    leave the rest for retries, which add 3 an attempt (Advance retries 8 times at most)."""


@dataclass(frozen=True)
class EnginePorts:
    executions: ExecutionRepository
    groups: ProtectionGroupRepository
    drs: DrsGatewayFactory
    targets: TargetGateways
    notifier: Notifier
    engine_executions: EngineExecutions | None = None
    """Where runs are handed over to fresh executions; ``None``: never (an execution runs to the end)."""


def target_key(target: DrsTarget) -> str:
    return f"{target.account_id}/{target.region}"


def target_of(server: ServerState) -> DrsTarget:
    if not server.account_id or not server.region:
        raise ValueError(f"server {server.source_server_id} has no account and region recorded")
    return DrsTarget(account_id=server.account_id, region=server.region)


class TickMetrics(CamelModel):
    """What one engine step did: waves that changed status, servers put in a StartRecovery, and
    batches kept waiting because DRS refused them for want of room."""

    waves_moved: int = 0
    servers_launched: int = 0
    quota_waits: int = 0


@dataclass
class Tick:
    """One step over one execution: its items as read, what changed, and the timeline entries to add."""

    ports: EnginePorts
    config: EngineConfig
    now: datetime
    header: ExecutionHeader
    waves: dict[str, WaveState]
    servers: dict[str, list[ServerState]] = field(default_factory=dict)
    """Servers of the waves loaded this tick, by wave id."""
    changed_waves: set[str] = field(default_factory=set)
    changed_servers: dict[tuple[str, str], ServerState] = field(default_factory=dict)
    header_changed: bool = False
    invoke: LambdaInvocation | None = None
    """A Lambda action the state machine is to invoke before the next Advance."""
    metrics: TickMetrics = field(default_factory=lambda: TickMetrics())
    """What this step did, counted (for the operator's metrics)."""
    notices: list[tuple[NoticeKind, str | None, str]] = field(default_factory=list)
    """Notifications to publish once the tick is saved: (kind, wave id, message)."""
    waits: list[float] = field(default_factory=list)
    """Candidate seconds until something is due; the shortest wins."""
    loaded_header: ExecutionHeader | None = None
    _gateways: dict[str, DrsGateway] = field(default_factory=dict)
    _event_seq: int = 0

    @property
    def plan_waves(self) -> dict[str, Wave]:
        return {wave.id: wave for wave in self.header.plan_snapshot.waves}

    def drs(self, target: DrsTarget) -> DrsGateway:
        key = target_key(target)
        if key not in self._gateways:
            self._gateways[key] = self.ports.drs.for_target(target)
        return self._gateways[key]

    def wave_servers(self, wave_id: str) -> list[ServerState]:
        if wave_id not in self.servers:
            self.servers[wave_id] = self.ports.executions.get_servers(self.header.id, wave_id)
        return self.servers[wave_id]

    def set_header(self, **changes: object) -> None:
        self.header = self.header.model_copy(update=changes)
        self.header_changed = True

    def set_wave(self, wave_id: str, **changes: object) -> WaveState:
        before = self.waves[wave_id]
        wave = before.model_copy(update=changes)
        if wave.status is not before.status:
            self.metrics.waves_moved += 1
        self.waves[wave_id] = wave
        self.changed_waves.add(wave_id)
        return wave

    def set_server(self, server: ServerState, **changes: object) -> ServerState:
        updated = server.model_copy(update=changes)
        servers = self.servers.get(server.wave_id)
        if servers is not None:
            servers[:] = [updated if s.source_server_id == server.source_server_id else s for s in servers]
        self.changed_servers[(server.wave_id, server.source_server_id)] = updated
        return updated

    def wait(self, seconds: float) -> None:
        self.waits.append(seconds)

    def event(
        self,
        event_type: EventType,
        message: str,
        *,
        wave_id: str | None = None,
        source_server_id: str | None = None,
        **details: JsonValue,
    ) -> None:
        self._event_seq += 1
        stamp = self.now.strftime("%Y%m%dT%H%M%S.%fZ")
        self.ports.executions.append_event(
            ExecutionEvent(
                execution_id=self.header.id,
                event_id=f"{stamp}-{self._event_seq:04d}-{uuid.uuid4().hex[:8]}",
                at=self.now,
                type=event_type,
                message=message[:2000],
                wave_id=wave_id,
                source_server_id=source_server_id,
                actor=ENGINE_ACTOR,
                details=dict(details),
            )
        )

    def save(self) -> None:
        """Write what changed: servers first, then waves, then the header (optimistic locks)."""
        executions = self.ports.executions
        if self.changed_servers:
            executions.put_servers(list(self.changed_servers.values()))
            self.changed_servers.clear()
        for wave_id in sorted(self.changed_waves):
            wave = self.waves[wave_id]
            self.waves[wave_id] = executions.update_wave(wave, wave.version)
        self.changed_waves.clear()
        if self.header_changed:
            self.header = self._save_header()
            self.header_changed = False

    def _save_header(self) -> ExecutionHeader:
        """WaitForChange stores its task token on the header, and may land late (its Lambda is
        invoked asynchronously): that one concurrent change is merged; any other is a conflict."""
        executions = self.ports.executions
        try:
            return executions.update_header(self.header, self.header.version)
        except StaleVersion:
            current = executions.get_header(self.header.id)
            loaded = self.loaded_header
            if loaded is None:
                raise
            only_token = {"task_token": loaded.task_token, "version": loaded.version}
            if current.model_copy(update=only_token) != loaded:
                raise
            merged = self.header.model_copy(update={"task_token": current.task_token})
            return executions.update_header(merged, current.version)
