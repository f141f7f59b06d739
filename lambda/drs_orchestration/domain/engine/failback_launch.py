"""Failback launches, per server by its origin; the launching code's quotas, leases and intents apply.

When its wave starts (LAUNCHING), each server of a FAILBACK run is prepared before it may be put in
a batch (``FailbackStage``), with one DescribeRecoveryInstances per recovery account and Region for
the servers due, and reads bounded by the poll interval:

- a server whose recovery instance is gone or terminated FAILS, with that reason;
- **on premises**: the failback client must be connected for its recovery instance. READY once it
  is (``FAILBACK_READY_FOR_LAUNCH``); while it still syncs (``FAILBACK_IN_PROGRESS``) it is asked
  again each poll until the wave's timeout; one that already failed back (``FAILBACK_COMPLETED``)
  FAILS saying so; any other state (not connected) FAILS the server, named.
  Its batches are StartFailbackLaunch of the recovery instances (at most 100 a job, within the job
  quotas). Its gate is the failback job's launch: DRS converts the data on the failback client and
  reboots the machine, which is not an EC2 instance, so no EC2 status check or SSM command reaches
  it; its health is recorded ``UNKNOWN`` with that note, and a wave's post-actions are where a
  check of the machine itself belongs;
- **EC2 origin**: ReverseReplication of its recovery instance unless DRS already reversed it
  (``reversedDirectionSourceServerArn``), then REVERSING until the reversed source server
  replicates CONTINUOUSly (one DescribeSourceServers per origin account and Region a poll); then
  it is launched there as a recovery (StartRecovery of the reversed source server, not a drill),
  where the wave's health gate checks the new instance.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from pydantic import JsonValue

from drs_orchestration.domain.engine.context import Tick, target_key
from drs_orchestration.domain.engine.failback import is_failback
from drs_orchestration.domain.errors import DrsRequestRefused
from drs_orchestration.domain.models.drs import (
    DrsJob,
    DrsTarget,
    FailbackState,
    LaunchStatus,
    RecoveryInstance,
    ReplicationState,
    ServerOrigin,
)
from drs_orchestration.domain.models.execution import (
    EventType,
    ExecutionMode,
    HealthStatus,
    LaunchBatch,
    ServerState,
    WaveStatus,
)
from drs_orchestration.domain.models.failback import FailbackServer, FailbackStage
from drs_orchestration.domain.scheduling import wave_order

__all__ = [
    "ON_PREMISES_GATE",
    "launch_key",
    "launched_changes",
    "may_batch",
    "participant_id",
    "prepare_failback",
    "start_job",
]

ON_PREMISES_GATE = (
    "on premises: the failback job's launch is the gate (DRS converted the data on the failback client "
    "and rebooted the machine); EC2 status checks and SSM commands do not reach the machine"
)
_GONE_STATES = frozenset({"TERMINATED", "NOT_FOUND", "SHUTTING-DOWN", "SHUTTING_DOWN"})
_SYNCING = frozenset({FailbackState.FAILBACK_IN_PROGRESS, FailbackState.FAILBACK_NOT_READY_FOR_LAUNCH})

Due = dict[str, tuple[DrsTarget, list[ServerState]]]


# -- hooks of the launching code ------------------------------------------------------------------
def may_batch(server: ServerState) -> bool:
    """Whether a server may be put in a batch: any server of a drill or recovery; a failback server
    once it is prepared."""
    return server.failback is None or server.failback.stage is FailbackStage.READY


def launch_key(server: ServerState, target: DrsTarget) -> str:
    """Batches never mix failback launches (StartFailbackLaunch) with recoveries of reversed source
    servers (StartRecovery), even in one account and Region."""
    key = target_key(target)
    if server.failback is not None and server.failback.origin is ServerOrigin.AWS:
        return f"{key}/reversed"
    return key


def participant_id(server: ServerState) -> str:
    """The source server id DRS's job names this server by (the reversed one, for an EC2 origin)."""
    failback = server.failback
    if failback is not None and failback.reversed_source_server_id:
        return failback.reversed_source_server_id
    return server.source_server_id


def launched_changes(tick: Tick, server: ServerState) -> dict[str, object]:
    """What a launched on-premises failback server records besides its launch: its gate was the job."""
    if server.failback is None or server.failback.origin is not ServerOrigin.ON_PREMISES:
        return {}
    evidence: dict[str, JsonValue] = {"note": ON_PREMISES_GATE}
    return {"health": HealthStatus.UNKNOWN, "healthy_at": tick.now, "health_evidence": evidence}


def start_job(
    tick: Tick, target: DrsTarget, batch: LaunchBatch, tags: dict[str, str], snapshots: Mapping[str, str]
) -> DrsJob:
    """The DRS call that starts a batch: StartRecovery in a drill or recovery; in a failback,
    StartFailbackLaunch of on-premises servers' recovery instances, or StartRecovery of EC2-origin
    servers' reversed source servers (the job's servers are named by their own ids again)."""
    drs = tick.drs(target)
    if tick.header.mode is not ExecutionMode.FAILBACK:
        return drs.start_recovery(
            batch.source_server_ids,
            is_drill=tick.header.mode is ExecutionMode.DRILL,
            tags=tags,
            recovery_snapshots=snapshots,
        )
    members = {s.source_server_id: s for s in tick.wave_servers(batch.wave_id)}
    servers = [members[server_id] for server_id in batch.source_server_ids]
    if any(s.failback is not None and s.failback.origin is ServerOrigin.AWS for s in servers):
        own = {participant_id(s): s.source_server_id for s in servers}
        job = drs.start_recovery(list(own), is_drill=False, tags=tags)
        participants = [
            p.model_copy(update={"source_server_id": own.get(p.source_server_id, p.source_server_id)})
            for p in job.participating_servers
        ]
        return job.model_copy(update={"participating_servers": participants})
    instances = [s.failback.recovery_instance_id for s in servers if s.failback is not None]
    return drs.start_failback_launch(instances, tags=tags)


# -- preparing the servers of started waves --------------------------------------------------------
def prepare_failback(tick: Tick) -> None:
    """Move the failback servers of LAUNCHING waves towards READY (or FAILED), reading DRS only for
    the servers due a look (once a poll interval), one call per account and Region and kind."""
    if not is_failback(tick):
        return
    checking: Due = {}
    reversing: Due = {}
    for server in _preparing(tick):
        failback = server.failback
        if failback is None or not _due(tick, failback):
            continue
        if failback.stage is FailbackStage.CHECKING:
            _add(checking, failback.recovery_target, server)
        elif failback.origin_target is not None:
            _add(reversing, failback.origin_target, server)
    for target, servers in checking.values():
        _check(tick, target, servers)
    for target, servers in reversing.values():
        _poll_reversed(tick, target, servers)


def _preparing(tick: Tick) -> list[ServerState]:
    """Failback servers of LAUNCHING waves not yet ready, in no job and not failed."""
    return [
        server
        for wave_id in wave_order(tick.header.plan_snapshot.waves)
        if tick.waves[wave_id].status is WaveStatus.LAUNCHING
        for server in tick.wave_servers(wave_id)
        if server.failback is not None
        and server.failback.stage is not FailbackStage.READY
        and server.launch_status is None
    ]


def _add(due: Due, target: DrsTarget, server: ServerState) -> None:
    due.setdefault(target_key(target), (target, []))[1].append(server)


def _due(tick: Tick, failback: FailbackServer) -> bool:
    if failback.checked_at is None:
        return True
    due = failback.checked_at + timedelta(seconds=tick.config.poll_seconds)
    if tick.now >= due:
        return True
    tick.wait((due - tick.now).total_seconds())
    return False


def _update(tick: Tick, server: ServerState, **changes: object) -> ServerState:
    failback = server.failback
    assert failback is not None
    return tick.set_server(server, failback=failback.model_copy(update={"checked_at": tick.now, **changes}))


def _look_again(tick: Tick, server: ServerState) -> None:
    _update(tick, server)
    tick.wait(tick.config.poll_seconds)


def _fail(tick: Tick, server: ServerState, reason: str) -> None:
    tick.set_server(server, launch_status=LaunchStatus.FAILED, error=reason, ended_at=tick.now)
    tick.event(
        EventType.SERVER_FAILED,
        f"{server.source_server_id}: {reason}",
        wave_id=server.wave_id,
        source_server_id=server.source_server_id,
    )


def _ready(tick: Tick, server: ServerState, message: str, **changes: object) -> None:
    server = _update(tick, server, stage=FailbackStage.READY)
    if changes:
        server = tick.set_server(server, **changes)
    tick.event(
        EventType.FAILBACK_READY,
        f"{server.source_server_id}: {message}",
        wave_id=server.wave_id,
        source_server_id=server.source_server_id,
    )


def _gone(failback: FailbackServer, instance: RecoveryInstance | None) -> str | None:
    """Why the server cannot fail back from its recovery instance, if it is gone."""
    if instance is None:
        return f"its recovery instance {failback.recovery_instance_id} is gone (DRS no longer has it)"
    state = (instance.ec2_instance_state or "").upper()
    if state in _GONE_STATES:
        return f"its recovery instance {failback.recovery_instance_id} was terminated (EC2 state {state})"
    return None


def _check(tick: Tick, target: DrsTarget, servers: list[ServerState]) -> None:
    """A started wave's servers not yet looked at: is the recovery instance there, and then is the
    failback client ready (on premises) or is the replication reversed (EC2 origin)."""
    drs = tick.drs(target)
    instances = {
        i.recovery_instance_id: i for i in drs.list_recovery_instances([s.source_server_id for s in servers])
    }
    alive: list[ServerState] = []
    for server in servers:
        assert server.failback is not None
        reason = _gone(server.failback, instances.get(server.failback.recovery_instance_id))
        if reason is not None:
            _fail(tick, server, reason)
        else:
            alive.append(server)
    ec2_origin = [s for s in alive if s.failback is not None and s.failback.origin is ServerOrigin.AWS]
    reversed_arns = (
        {
            found.source_server_id: found.reversed_direction_source_server_arn
            for found in drs.describe_source_servers([s.source_server_id for s in ec2_origin])
        }
        if ec2_origin
        else {}
    )
    for server in alive:
        assert server.failback is not None
        if server.failback.origin is ServerOrigin.AWS:
            _reverse(tick, target, server, reversed_arns.get(server.source_server_id))
        else:
            _check_client(tick, server, instances[server.failback.recovery_instance_id])


def _check_client(tick: Tick, server: ServerState, instance: RecoveryInstance) -> None:
    state = instance.failback_state
    if state is FailbackState.FAILBACK_READY_FOR_LAUNCH:
        _ready(
            tick,
            server,
            f"the failback client is ready for recovery instance {instance.recovery_instance_id}",
        )
    elif state in _SYNCING:
        _look_again(tick, server)
    elif state is FailbackState.FAILBACK_COMPLETED:
        _fail(
            tick,
            server,
            f"recovery instance {instance.recovery_instance_id} has already failed back (failback state "
            "FAILBACK_COMPLETED): connect the failback client again to fail back anew",
        )
    else:
        _fail(
            tick,
            server,
            f"the failback client is not connected for recovery instance {instance.recovery_instance_id} "
            f"(failback state {state.value if state else 'unknown'})",
        )


def _reverse(tick: Tick, target: DrsTarget, server: ServerState, reversed_arn: str | None) -> None:
    failback = server.failback
    assert failback is not None
    if failback.origin_target is None:
        _fail(tick, server, "DRS does not name its origin Region")
        return
    if not reversed_arn:
        try:
            reversed_arn = tick.drs(target).reverse_replication(failback.recovery_instance_id)
        except DrsRequestRefused as refusal:
            _fail(tick, server, f"DRS refused to reverse its replication ({refusal.reason}: {refusal})")
            return
        tick.event(
            EventType.REVERSE_REPLICATION_STARTED,
            f"{server.source_server_id}: replication reversed from recovery instance "
            f"{failback.recovery_instance_id} to {failback.origin_target.region}",
            wave_id=server.wave_id,
            source_server_id=server.source_server_id,
            reversedSourceServerArn=reversed_arn,
        )
    _update(
        tick,
        server,
        stage=FailbackStage.REVERSING,
        reversed_source_server_id=reversed_arn.rsplit("/", 1)[-1],
        origin_target=_arn_target(reversed_arn) or failback.origin_target,
    )
    tick.wait(tick.config.poll_seconds)


def _arn_target(arn: str) -> DrsTarget | None:
    """The account and Region a source server's ARN names (``arn:aws:drs:<region>:<account>:...``)."""
    parts = arn.split(":")
    if len(parts) < 6 or not parts[3] or not parts[4].isdigit() or len(parts[4]) != 12:
        return None
    return DrsTarget(account_id=parts[4], region=parts[3])


def _poll_reversed(tick: Tick, origin: DrsTarget, servers: list[ServerState]) -> None:
    """One DescribeSourceServers of the reversed source servers in the origin account and Region."""
    ids = [participant_id(s) for s in servers]
    states = {
        found.source_server_id: found.replication_state
        for found in tick.drs(origin).describe_source_servers(ids)
    }
    for server, reversed_id in zip(servers, ids, strict=True):
        if reversed_id not in states:
            _fail(tick, server, f"its reversed source server {reversed_id} is not in {origin.region}")
        elif states[reversed_id] is ReplicationState.CONTINUOUS:
            _ready(
                tick,
                server,
                f"reversed source server {reversed_id} replicates continuously in {origin.region}",
                account_id=origin.account_id,
                region=origin.region,
            )
        else:
            _look_again(tick, server)
