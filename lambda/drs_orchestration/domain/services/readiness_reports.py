"""Readiness views: a protection group's resolved servers, and a plan's validate report.

Both read DRS (inventory, launch configurations, recovery instances) and launch nothing.
"""

from __future__ import annotations

from datetime import datetime

from drs_orchestration.domain.membership import resolve_members
from drs_orchestration.domain.models.base import CamelModel
from drs_orchestration.domain.models.drs import (
    DrsTarget,
    LastLaunch,
    LaunchStatus,
    RecoveryInstance,
    ReplicationState,
    SourceServer,
)
from drs_orchestration.domain.models.execution import ExecutionMode, ExecutionStatus
from drs_orchestration.domain.point_in_time import snapshot_reasons
from drs_orchestration.domain.ports import Page
from drs_orchestration.domain.readiness import (
    PlanReadiness,
    ReadinessReason,
    Verdict,
    assess_plan,
    assess_server,
    last_successful_drill,
    verdict_of,
)
from drs_orchestration.domain.services.context import Services
from drs_orchestration.domain.services.paging import page_after
from drs_orchestration.domain.services.point_in_time_reports import check_point_in_time, plan_snapshots
from drs_orchestration.domain.services.recovery_plans import ResolvedGroups, resolve_plan_groups

__all__ = ["GroupServer", "group_servers", "validate_plan"]

_RECENT_DRILLS = 20


class GroupServer(CamelModel):
    """A resolved member of a group, what DRS reports about it, and its readiness for a drill."""

    source_server_id: str
    hostname: str | None
    in_inventory: bool
    tags: dict[str, str]
    replication_state: ReplicationState | None
    lag_seconds: int | None
    last_launch: LastLaunch | None
    recovery_instance_id: str | None
    verdict: Verdict
    reasons: list[ReadinessReason]


def group_servers(
    services: Services, group_id: str, now: datetime, *, limit: int, next_token: str | None
) -> Page[GroupServer]:
    group = services.groups.get(group_id)
    gateway = services.drs.for_target(DrsTarget(account_id=group.account_id, region=group.region))
    servers = gateway.list_source_servers()
    by_id = {server.source_server_id: server for server in servers}
    member_ids = resolve_members(group, servers)
    page = page_after(
        member_ids, lambda server_id: server_id, name="sourceServerId", limit=limit, next_token=next_token
    )
    configured = gateway.launch_configuration_present([i for i in page.items if i in by_id])
    instances = gateway.list_recovery_instances(page.items) if page.items else []
    rows = []
    for server_id in page.items:
        server: SourceServer | None = by_id.get(server_id)
        reasons = assess_server(
            server_id,
            server=server,
            launch_configured=configured.get(server_id),
            recovery_instances=[i for i in instances if i.source_server_id == server_id],
            last_drill_at=last_successful_drill(server, None),
            mode=ExecutionMode.DRILL,
            now=now,
        )
        rows.append(
            GroupServer(
                source_server_id=server_id,
                hostname=server.hostname if server else None,
                in_inventory=server is not None,
                tags=server.tags if server else {},
                replication_state=server.replication_state if server else None,
                lag_seconds=server.lag_seconds if server else None,
                last_launch=server.last_launch if server else None,
                recovery_instance_id=server.recovery_instance_id if server else None,
                verdict=verdict_of(reasons),
                reasons=reasons,
            )
        )
    return Page[GroupServer](items=rows, next_token=page.next_token)


def _recorded_drills(services: Services, plan_id: str) -> dict[str, datetime]:
    """Each server's last successful drill among the plan's recent drills in our own records."""
    headers = services.executions.list_headers(
        plan_id=plan_id, status=(ExecutionStatus.SUCCEEDED, ExecutionStatus.PARTIAL), limit=_RECENT_DRILLS
    ).items
    drills: dict[str, datetime] = {}
    for header in headers:
        if header.mode is not ExecutionMode.DRILL:
            continue
        for server in services.executions.get_servers(header.id):
            at = server.launched_at
            if server.launch_status is LaunchStatus.LAUNCHED and at:
                drills[server.source_server_id] = max(drills.get(server.source_server_id, at), at)
    return drills


def validate_plan(
    services: Services,
    plan_id: str,
    mode: ExecutionMode,
    now: datetime,
    point_in_time: datetime | None = None,
) -> PlanReadiness:
    """The readiness report of a plan for ``mode``, without launching anything; with a
    ``point_in_time``, a server with no recovery snapshot at or before it is BLOCKED."""
    if point_in_time is not None:
        check_point_in_time(point_in_time, now)
    plan = services.plans.get(plan_id)
    resolved = resolve_plan_groups(services, plan.protection_group_ids())
    inventory: dict[str, SourceServer] = {}
    configured: dict[str, bool] = {}
    instances: list[RecoveryInstance] = []
    for (account_id, region), servers in resolved.inventories.items():
        gateway = services.drs.for_target(DrsTarget(account_id=account_id, region=region))
        members = {
            server_id
            for group in resolved.groups.values()
            if (group.account_id, group.region) == (account_id, region)
            for server_id in resolved.membership[group.id]
        }
        listed = {server.source_server_id: server for server in servers if server.source_server_id in members}
        inventory.update(listed)
        configured.update(gateway.launch_configuration_present(sorted(listed)))
        instances += gateway.list_recovery_instances(sorted(members)) if members else []
    return assess_plan(
        plan,
        resolved.membership,
        inventory=inventory,
        launch_configured=configured,
        recovery_instances=instances,
        recorded_drills=_recorded_drills(services, plan_id),
        mode=mode,
        now=now,
        extra_reasons=_point_in_time_reasons(services, resolved, point_in_time),
    )


def _point_in_time_reasons(
    services: Services, resolved: ResolvedGroups, point_in_time: datetime | None
) -> dict[str, list[ReadinessReason]]:
    if point_in_time is None:
        return {}
    return snapshot_reasons(point_in_time, plan_snapshots(services, resolved, point_in_time))
