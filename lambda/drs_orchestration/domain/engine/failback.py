"""Failback as a run of a plan: the plan's DAG reversed, the servers a RECOVERY run recovered.

At Initialize a FAILBACK run takes the servers its source run recovered (LAUNCHED, with a recovery
instance), by wave, and asks DRS once per recovery account and Region where each came from
(``sourceCloudProperties``: an EC2 origin; none: on premises). Its plan snapshot, the source run's,
is reversed: a wave waits for every wave that depended on it in the recovery, with the same
condition, so waves fail back in reverse dependency order; pre/post actions, approvals and gates
apply as in a recovery.
"""

from __future__ import annotations

from drs_orchestration.domain.engine.context import Tick, target_key, target_of
from drs_orchestration.domain.models.drs import DrsTarget, LaunchStatus, ServerOrigin, SourceServer
from drs_orchestration.domain.models.execution import EventType, ExecutionMode, ServerState
from drs_orchestration.domain.models.failback import FailbackServer
from drs_orchestration.domain.models.recovery_plan import DependencyCondition, RecoveryPlan, WaveDependency

__all__ = ["failback_servers", "is_failback", "reverse_plan"]

SOURCE_SERVER_GONE = "its source server is no longer in DRS, so its origin is unknown"


def is_failback(tick: Tick) -> bool:
    return tick.header.mode is ExecutionMode.FAILBACK


def reverse_plan(plan: RecoveryPlan) -> RecoveryPlan:
    """The plan with every dependency turned around: ``b`` depending on ``a`` becomes ``a`` depending
    on ``b`` having failed back, whatever the recovery's condition was (``HEALTHY``: completed, its
    gate and post-actions done). Waves keep their order, actions and gates."""
    dependants: dict[str, list[WaveDependency]] = {wave.id: [] for wave in plan.waves}
    for wave in plan.waves:
        for dependency in wave.depends_on:
            reversed_dependency = {"wave_id": wave.id, "condition": DependencyCondition.HEALTHY}
            dependants[dependency.wave_id].append(dependency.model_copy(update=reversed_dependency))
    waves = [wave.model_copy(update={"depends_on": dependants[wave.id]}) for wave in plan.waves]
    return plan.model_copy(update={"waves": waves})


def failback_servers(tick: Tick) -> list[ServerState]:
    """The servers of the source run that recovered, with their origin; a server DRS no longer knows
    is FAILED with that reason (named in the timeline)."""
    source_id = tick.header.source_execution_id
    if source_id is None:
        return []
    recovered = [
        s
        for s in tick.ports.executions.get_servers(source_id)
        if s.launch_status is LaunchStatus.LAUNCHED and s.recovery_instance_id and s.account_id and s.region
    ]
    by_target: dict[str, tuple[DrsTarget, list[ServerState]]] = {}
    for server in recovered:
        target = target_of(server)
        by_target.setdefault(target_key(target), (target, []))[1].append(server)
    known: dict[str, SourceServer] = {}
    for target, servers in by_target.values():
        for found in tick.drs(target).describe_source_servers([s.source_server_id for s in servers]):
            known[found.source_server_id] = found
    return [_failback_server(tick, server, known.get(server.source_server_id)) for server in recovered]


def _origin_target(recovery: DrsTarget, found: SourceServer) -> DrsTarget | None:
    if found.origin is not ServerOrigin.AWS or not found.origin_region:
        return None
    return DrsTarget(account_id=found.origin_account_id or recovery.account_id, region=found.origin_region)


def _failback_server(tick: Tick, recovered: ServerState, found: SourceServer | None) -> ServerState:
    recovery = target_of(recovered)
    origin = found.origin if found is not None and found.origin is not None else ServerOrigin.ON_PREMISES
    server = ServerState(
        execution_id=tick.header.id,
        wave_id=recovered.wave_id,
        source_server_id=recovered.source_server_id,
        impact=recovered.impact,
        account_id=recovery.account_id,
        region=recovery.region,
        failback=FailbackServer(
            origin=origin,
            recovery_target=recovery,
            recovery_instance_id=recovered.recovery_instance_id or "",
            origin_target=_origin_target(recovery, found) if found is not None else None,
        ),
    )
    if found is not None:
        return server
    tick.event(
        EventType.SERVER_FAILED,
        f"{server.source_server_id}: {SOURCE_SERVER_GONE}",
        wave_id=server.wave_id,
        source_server_id=server.source_server_id,
    )
    return server.model_copy(
        update={"launch_status": LaunchStatus.FAILED, "error": SOURCE_SERVER_GONE, "ended_at": tick.now}
    )
