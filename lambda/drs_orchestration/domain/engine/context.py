"""What one engine step works with: the ports, the tuning, the current time, and the run's items."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
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
    LaunchBatch,
    ServerCounts,
    ServerState,
    WaveState,
)
from drs_orchestration.domain.models.health_gate import HealthGateChunk
from drs_orchestration.domain.models.recovery_plan import Wave
from drs_orchestration.domain.ports import (
    DrsGateway,
    DrsGatewayFactory,
    ExecutionRepository,
    ProtectionGroupRepository,
)
from drs_orchestration.domain.server_counts import count_servers, recount

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


ServerKey = tuple[str, str]
"""A server of the run: ``(wave id, source server id)``."""


@dataclass
class Tick:
    """One step over one execution: its items as read, what changed, and the timeline entries to add.

    A tick reads what it needs and no more: a wave's servers all at once only where a decision needs
    every one of them (``wave_servers``), otherwise the few named by a batch or a health gate, by key
    (``servers_by_id``); a wave's batches and gate items only when asked. What it changed is written
    by ``save``, with each changed wave's ``serverCounts`` moved by the servers that changed (counted
    again from scratch for a wave read whole)."""

    ports: EnginePorts
    config: EngineConfig
    now: datetime
    header: ExecutionHeader
    waves: dict[str, WaveState]
    servers: dict[str, list[ServerState]] = field(default_factory=dict)
    """Servers of the waves read whole this tick, by wave id."""
    changed_waves: set[str] = field(default_factory=set)
    changed_servers: dict[ServerKey, ServerState] = field(default_factory=dict)
    batches: dict[str, list[LaunchBatch]] = field(default_factory=dict)
    """Launch batches of the waves whose batches were read this tick, by wave id."""
    changed_batches: dict[str, LaunchBatch] = field(default_factory=dict)
    gates: dict[str, list[HealthGateChunk]] = field(default_factory=dict)
    """Health-gate items of the waves whose gate was read this tick, by wave id."""
    changed_gates: dict[tuple[str, int], HealthGateChunk] = field(default_factory=dict)
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
    _known: dict[ServerKey, ServerState] = field(default_factory=dict)
    """Servers read by key this tick (as changed since)."""
    _stored: dict[ServerKey, ServerState] = field(default_factory=dict)
    """Each changed server as it was stored, for its wave's counts."""

    @property
    def plan_waves(self) -> dict[str, Wave]:
        return {wave.id: wave for wave in self.header.plan_snapshot.waves}

    def drs(self, target: DrsTarget) -> DrsGateway:
        key = target_key(target)
        if key not in self._gateways:
            self._gateways[key] = self.ports.drs.for_target(target)
        return self._gateways[key]

    def wave_servers(self, wave_id: str) -> list[ServerState]:
        """Every server of the wave (one read a tick), with this tick's changes."""
        if wave_id not in self.servers:
            stored = self.ports.executions.get_servers(self.header.id, wave_id)
            self.servers[wave_id] = [
                self.changed_servers.get((wave_id, s.source_server_id), s) for s in stored
            ]
        return self.servers[wave_id]

    def servers_by_id(self, wave_id: str, server_ids: Iterable[str]) -> list[ServerState]:
        """The named servers of the wave (those that exist), read by key unless already read."""
        wanted = list(dict.fromkeys(server_ids))
        if wave_id in self.servers:
            members = set(wanted)
            return [s for s in self.servers[wave_id] if s.source_server_id in members]
        missing = [(wave_id, x) for x in wanted if (wave_id, x) not in self._known]
        if missing:
            for server in self.ports.executions.get_servers_by_id(self.header.id, missing):
                key = (server.wave_id, server.source_server_id)
                self._known[key] = self.changed_servers.get(key, server)
        return [self._known[(wave_id, x)] for x in wanted if (wave_id, x) in self._known]

    def wave_batches(self, wave_id: str) -> list[LaunchBatch]:
        """The wave's launch batches (one read a tick), with this tick's changes."""
        if wave_id not in self.batches:
            stored = self.ports.executions.get_batches(self.header.id, wave_id)
            self.batches[wave_id] = [self.changed_batches.get(b.batch_id, b) for b in stored]
        return self.batches[wave_id]

    def set_batch(self, batch: LaunchBatch, **changes: object) -> LaunchBatch:
        """Change a batch; written with the tick."""
        updated = batch.model_copy(update=changes)
        self._remember_batch(updated)
        self.changed_batches[updated.batch_id] = updated
        return updated

    def put_batch(self, batch: LaunchBatch) -> None:
        """Write a batch now (a launch intent, a job found), and remember it as written."""
        self.ports.executions.put_batch(batch)
        self._remember_batch(batch)
        self.changed_batches.pop(batch.batch_id, None)

    def _remember_batch(self, batch: LaunchBatch) -> None:
        known = self.batches.get(batch.wave_id)
        if known is not None:
            others = [b for b in known if b.batch_id != batch.batch_id]
            self.batches[batch.wave_id] = sorted([*others, batch], key=lambda b: b.batch_id)

    def wave_gate(self, wave_id: str) -> list[HealthGateChunk]:
        """The items of the wave's current health gate (one read a tick), with this tick's changes."""
        if wave_id not in self.gates:
            made = self.waves[wave_id].gate_chunks or 0
            stored = self.ports.executions.get_gate(self.header.id, wave_id)
            self.gates[wave_id] = [
                self.changed_gates.get((wave_id, c.index), c) for c in stored if c.index < made
            ]
        return self.gates[wave_id]

    def set_gate(self, wave_id: str, chunks: list[HealthGateChunk]) -> None:
        """Replace the wave's gate items (written with the tick)."""
        before = {c.index: c for c in self.gates.get(wave_id, [])}
        self.gates[wave_id] = chunks
        for chunk in chunks:
            if before.get(chunk.index) != chunk:
                self.changed_gates[(wave_id, chunk.index)] = chunk

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
        key = (server.wave_id, server.source_server_id)
        servers = self.servers.get(server.wave_id)
        if servers is not None:
            servers[:] = [updated if s.source_server_id == server.source_server_id else s for s in servers]
        if key in self._known:
            self._known[key] = updated
        self._stored.setdefault(key, server)
        self.changed_servers[key] = updated
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

    def _count(self) -> None:
        """Move each wave's ``serverCounts`` by its changed servers; count a wave read whole again."""
        checked = {w.id for w in self.header.plan_snapshot.waves if w.health_check is not None}
        touched: dict[str, list[ServerKey]] = {}
        for key in self.changed_servers:
            touched.setdefault(key[0], []).append(key)
        for wave_id in sorted(set(touched) | set(self.servers)):
            wave = self.waves.get(wave_id)
            if wave is None:
                continue
            health_checked = wave_id in checked
            if wave_id in self.servers:
                counts = count_servers(self.servers[wave_id], health_checked=health_checked)
            else:
                keys = touched[wave_id]
                counts = recount(
                    wave.server_counts or ServerCounts(),
                    [self._stored[k] for k in keys],
                    [self.changed_servers[k] for k in keys],
                    health_checked=health_checked,
                )
            if counts != wave.server_counts and (wave.server_counts is not None or wave_id in self.servers):
                self.set_wave(wave_id, server_counts=counts)

    def save(self) -> None:
        """Write what changed: servers first, then batches and gate items, then waves (with their
        counts), then the header (optimistic locks). A step that fails between two writes is retried
        whole: what it reads again then shows what it still has to do."""
        executions = self.ports.executions
        self._count()
        if self.changed_servers:
            executions.put_servers(list(self.changed_servers.values()))
            self.changed_servers.clear()
            self._stored.clear()
        for batch_id in sorted(self.changed_batches):
            executions.put_batch(self.changed_batches[batch_id])
        self.changed_batches.clear()
        if self.changed_gates:
            executions.put_gate([self.changed_gates[k] for k in sorted(self.changed_gates)])
            self.changed_gates.clear()
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
