"""The health gate: EC2 status checks of each recovered instance, then an SSM command on it.

Each server's in-flight command is its ``health_ref``. SSM refusing to run a command
(``CommandRefused``) is not an engine failure: the refused servers stay pending, with the latest
refusal in their evidence (``ssm``: code, message, when), and are sent again on the next poll; at the
gate's timeout they are UNHEALTHY with a reason naming the refusal. ``InvalidInstanceId`` (an agent
not registered yet, normal for minutes after a recovery instance boots) refuses a whole call for one
such instance, so those servers are then sent one a command (at most ``_SINGLE_SENDS_PER_POLL`` a
poll, longest waiting first) and one late agent does not hold back the others.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from pydantic import JsonValue

from drs_orchestration.domain.engine.context import Tick, target_key
from drs_orchestration.domain.engine.gates.common import (
    NO_HEALTH_DOCUMENT,
    SEND_COMMAND_MAX_TARGETS,
    Gate,
    instances,
)
from drs_orchestration.domain.engine.ports import CommandOutcome, InstanceHealth, SsmGateway
from drs_orchestration.domain.errors import CommandRefused, describe_refusal
from drs_orchestration.domain.models.drs import DrsTarget
from drs_orchestration.domain.models.execution import EventType, HealthStatus, ServerState
from drs_orchestration.domain.models.health_gate import GATE_CHUNK, GateWait, HealthGateChunk
from drs_orchestration.domain.models.recovery_plan import HealthCheck

__all__ = ["run_health_check"]

_SINGLE_SENDS_PER_POLL = 50
_REFUSAL_CHARS = 500


def run_health_check(tick: Tick, wave_id: str, check: HealthCheck, document: str | None) -> Gate:
    """EC2 status checks of each recovered instance, then ``document`` (the wave's own, else the
    product's) on it; with no document, the status checks alone decide. DONE once every launched
    server is HEALTHY or UNHEALTHY; each server's evidence names the document that ran.

    What the gate still waits for is in its own items (``HealthGateChunk``), made from the wave's
    servers when it starts; a poll reads those, and a server only when EC2 or SSM has news for it."""
    gate = _HealthGate(tick, wave_id, check, document)
    chunks = _gate_chunks(tick, wave_id)
    by_target: dict[str, tuple[DrsTarget, list[GateWait]]] = {}
    for chunk in chunks:
        by_target.setdefault(target_key(chunk.target), (chunk.target, []))[1].extend(chunk.waits)
    for target, waits in by_target.values():
        gate.poll(target, waits)
    if not _record(tick, wave_id, chunks, gate.read):
        return Gate.DONE
    if tick.now >= gate.deadline:
        gate.time_out(by_target.values())
        _record(tick, wave_id, tick.wave_gate(wave_id), gate.read)
        return Gate.DONE
    tick.wait(min(tick.config.gate_poll_seconds, (gate.deadline - tick.now).total_seconds()))
    return Gate.RUNNING


def _gate_chunks(tick: Tick, wave_id: str) -> list[HealthGateChunk]:
    """The gate's items; made when the gate starts, from the wave's launched servers not judged yet
    (in chunks of one account and Region)."""
    if tick.waves[wave_id].gate_chunks is not None:
        return tick.wave_gate(wave_id)
    chunks: list[HealthGateChunk] = []
    for target, servers in instances(tick, wave_id):
        waits = [
            GateWait(
                source_server_id=s.source_server_id,
                instance_id=s.recovery_instance_id or "",
                command_id=s.health_ref,
            )
            for s in servers
            if s.health is None
        ]
        for start in range(0, len(waits), GATE_CHUNK):
            chunks.append(
                HealthGateChunk(
                    execution_id=tick.header.id,
                    wave_id=wave_id,
                    index=len(chunks),
                    target=target,
                    waits=waits[start : start + GATE_CHUNK],
                )
            )
    tick.gates[wave_id] = []
    tick.set_gate(wave_id, chunks)
    tick.set_wave(wave_id, gate_chunks=len(chunks))
    return chunks


def _record(tick: Tick, wave_id: str, chunks: list[HealthGateChunk], read: dict[str, ServerState]) -> bool:
    """Keep in the gate's items only the servers still undecided, with the command each runs;
    whether any is left."""
    kept: list[HealthGateChunk] = []
    for chunk in chunks:
        waits: list[GateWait] = []
        for wait in chunk.waits:
            server = read.get(wait.source_server_id)
            if server is not None:
                server = tick.changed_servers.get((wave_id, wait.source_server_id), server)
                if server.health is not None:
                    continue
                wait = wait.model_copy(update={"command_id": server.health_ref})
            waits.append(wait)
        kept.append(chunk if waits == chunk.waits else chunk.model_copy(update={"waits": waits}))
    tick.set_gate(wave_id, kept)
    return any(chunk.waits for chunk in kept)


def _judge(tick: Tick, server: ServerState, health: HealthStatus, **evidence: JsonValue) -> None:
    evidence_all = {**server.health_evidence, **evidence}
    if health is HealthStatus.HEALTHY:
        tick.set_server(server, health=health, healthy_at=tick.now, health_evidence=evidence_all)
        return
    reason = str(evidence.get("reason", ""))
    tick.set_server(server, health=health, health_evidence=evidence_all, error=reason)
    tick.event(
        EventType.SERVER_UNHEALTHY,
        f"{server.source_server_id} is unhealthy: {reason}",
        wave_id=server.wave_id,
        source_server_id=server.source_server_id,
    )


def _last_refusal(server: ServerState) -> dict[str, JsonValue] | None:
    """The latest time SSM refused this server's health check (code, message, at), if it did."""
    last = server.health_evidence.get("ssm")
    return last if isinstance(last, dict) else None


def _refusal_evidence(server: ServerState) -> dict[str, JsonValue]:
    last = _last_refusal(server)
    return {"ssm": last} if last is not None else {}


def _waiting_for_agent(server: ServerState) -> bool:
    last = _last_refusal(server)
    return last is not None and last.get("code") == CommandRefused.INSTANCE_NOT_READY


def _waiting_since(server: ServerState) -> str:
    return str((_last_refusal(server) or {}).get("at", ""))


def _booting(seen: InstanceHealth | None) -> bool:
    """The instance is coming up: neither passed its status checks nor can it any more."""
    return seen is not None and not seen.passed and not seen.hopeless


def _ec2_evidence(seen: InstanceHealth | None) -> JsonValue:
    return seen.to_json() if seen else {"state": None}


@dataclass
class _HealthGate:
    """One poll of one wave's health gate."""

    tick: Tick
    wave_id: str
    check: HealthCheck
    document: str | None
    base: dict[str, JsonValue] = field(init=False)
    """Evidence every server gets: the document that ran, and whether it is the product's."""
    deadline: datetime = field(init=False)
    read: dict[str, ServerState] = field(default_factory=dict)
    """The servers this poll read, by id."""

    def __post_init__(self) -> None:
        self.base = {
            "document": self.document,
            "productDocument": self.document is not None and self.check.document_name is None,
        }
        if self.document is None:
            self.base["note"] = NO_HEALTH_DOCUMENT
        started = self.tick.waves[self.wave_id].phase_started_at or self.tick.now
        self.deadline = started + timedelta(seconds=self.check.timeout_seconds)

    def poll(self, target: DrsTarget, waits: list[GateWait]) -> None:
        """Ask EC2 about the instances not yet sent the command and SSM about the commands running;
        read, and move on, only the servers either has news for."""
        ssm = self.tick.ports.targets.ssm(target)
        probing = [w for w in waits if w.command_id is None]
        health = (
            self.tick.ports.targets.ec2(target).instance_health([w.instance_id for w in probing])
            if probing
            else {}
        )
        news = {w.source_server_id for w in probing if not _booting(health.get(w.instance_id))}
        running: dict[str, list[GateWait]] = defaultdict(list)
        for wait in waits:
            if wait.command_id is not None:
                running[wait.command_id].append(wait)
        outcomes: dict[str, tuple[str, CommandOutcome]] = {}
        for command, members in running.items():
            answers = ssm.command_outcomes(command, [w.instance_id for w in members], with_output=True)
            for wait in members:
                outcome = answers.get(wait.instance_id)
                if outcome is not None and not outcome.pending:
                    outcomes[wait.source_server_id] = (command, outcome)
        servers = self._read(news | set(outcomes))
        self._probe(ssm, [s for s in servers if s.source_server_id in news], health)
        for server in servers:
            if server.source_server_id in outcomes and server.health is None:
                self._judge_outcome(server, *outcomes[server.source_server_id])

    def _read(self, server_ids: set[str]) -> list[ServerState]:
        servers = self.tick.servers_by_id(self.wave_id, sorted(server_ids))
        self.read.update({s.source_server_id: s for s in servers})
        return servers

    # -- EC2 status checks, then the command ---------------------------------------------------
    def _probe(self, ssm: SsmGateway, probing: list[ServerState], health: dict[str, InstanceHealth]) -> None:
        ready: list[ServerState] = []
        for server in probing:
            if server.health is not None or server.health_ref is not None:
                continue  # judged, or sent the command, by a step that did not record it in the gate
            seen = health.get(server.recovery_instance_id or "")
            if seen is not None and seen.passed:
                ready += self._passed(server, seen)
            else:
                reason = "EC2 status checks failed"
                _judge(
                    self.tick,
                    server,
                    HealthStatus.UNHEALTHY,
                    ec2=_ec2_evidence(seen),
                    reason=reason,
                    **self.base,
                )
        if ready and self.document is not None:
            _HealthCommands(self.tick, ssm, self.wave_id, self.check, self.document).send_all(ready)

    def _passed(self, server: ServerState, seen: InstanceHealth) -> list[ServerState]:
        """A server whose status checks passed: HEALTHY without a document, else ready for it."""
        if self.document is None:
            _judge(self.tick, server, HealthStatus.HEALTHY, ec2=_ec2_evidence(seen), **self.base)
            return []
        known = {"ec2": _ec2_evidence(seen), **self.base, **_refusal_evidence(server)}
        return [server.model_copy(update={"health_evidence": known})]

    def _judge_outcome(self, server: ServerState, command: str, outcome: CommandOutcome) -> None:
        evidence: dict[str, JsonValue] = {"command": {"id": command, **outcome.to_json()}}
        if outcome.status == "Success":
            _judge(self.tick, server, HealthStatus.HEALTHY, **evidence)
        else:
            _judge(
                self.tick, server, HealthStatus.UNHEALTHY, reason=f"health check {outcome.status}", **evidence
            )

    # -- the gate's timeout --------------------------------------------------------------------
    def time_out(self, targets: Iterable[tuple[DrsTarget, list[GateWait]]]) -> None:
        """Every undecided server is UNHEALTHY; commands still running are stopped on AWS."""
        for target, waits in targets:
            unfinished: dict[str, list[str]] = defaultdict(list)
            for server in self._read({w.source_server_id for w in waits}):
                server = self.tick.changed_servers.get((self.wave_id, server.source_server_id), server)
                if server.health is None:
                    self._time_out_server(server, unfinished)
            for command_id, instance_ids in unfinished.items():
                self.tick.ports.targets.ssm(target).cancel_command(command_id, instance_ids)

    def _time_out_server(self, server: ServerState, unfinished: dict[str, list[str]]) -> None:
        reason = f"health check timed out after {self.check.timeout_seconds} s"
        if server.health_ref is not None and server.recovery_instance_id:
            unfinished[server.health_ref].append(server.recovery_instance_id)
        elif last := _last_refusal(server):  # never sent: SSM refused it
            reason += f": {describe_refusal(str(last.get('code')), str(last.get('message')))}"
        _judge(self.tick, server, HealthStatus.UNHEALTHY, reason=reason, **self.base)


@dataclass
class _HealthCommands:
    """Sends ``document`` to the servers that passed their status checks, up to 50 instances a
    command. A refused server keeps no ``health_ref`` (it is sent again next poll) and gets the
    refusal in its evidence. Servers whose agent had not registered are sent one a command, the
    longest waiting first, so a late agent holds back no other server; past
    ``_SINGLE_SENDS_PER_POLL`` they wait a poll."""

    tick: Tick
    ssm: SsmGateway
    wave_id: str
    check: HealthCheck
    document: str

    def send_all(self, ready: list[ServerState]) -> None:
        # (server, the refusal that put it here this poll)
        alone: list[tuple[ServerState, CommandRefused | None]] = [
            (s, None) for s in sorted(filter(_waiting_for_agent, ready), key=_waiting_since)
        ]
        together = [s for s in ready if not _waiting_for_agent(s)]
        for start in range(0, len(together), SEND_COMMAND_MAX_TARGETS):
            alone += self._send_chunk(together[start : start + SEND_COMMAND_MAX_TARGETS])
        for index, (server, refusal) in enumerate(alone):
            if index < _SINGLE_SENDS_PER_POLL:
                refusal = self._send([server])
            if refusal is not None:
                self._refused(server, refusal)

    def _send_chunk(self, chunk: list[ServerState]) -> list[tuple[ServerState, CommandRefused | None]]:
        """Send one command to ``chunk``; the servers to send alone (which one is not registered)."""
        refusal = self._send(chunk)
        if refusal is None:
            return []
        if refusal.instance_not_ready and len(chunk) > 1:
            return [(s, refusal) for s in chunk]
        for server in chunk:
            self._refused(server, refusal)
        return []

    def _send(self, servers: list[ServerState]) -> CommandRefused | None:
        try:
            command = self.ssm.send_command(
                self.document,
                [s.recovery_instance_id for s in servers if s.recovery_instance_id],
                self.check.parameters,
                timeout_seconds=self.check.timeout_seconds,
                comment=f"health check {self.tick.header.id} {self.wave_id}"[:100],
            )
        except CommandRefused as refusal:
            return refusal
        for server in servers:
            self.tick.set_server(server, health_ref=command)
        return None

    def _refused(self, server: ServerState, refusal: CommandRefused) -> None:
        last: dict[str, JsonValue] = {
            "code": refusal.reason,
            "message": refusal.message[:_REFUSAL_CHARS],
            "at": self.tick.now.isoformat(),
        }
        self.tick.set_server(server, health_evidence={**server.health_evidence, "ssm": last})
