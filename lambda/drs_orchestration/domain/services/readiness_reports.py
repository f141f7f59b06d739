"""Readiness views: a protection group's resolved servers, and a plan's validate report.

Both read DRS (inventory, launch configurations, recovery instances) and launch nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from drs_orchestration.domain.errors import Conflict, FieldError, ValidationFailed
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
from drs_orchestration.domain.models.recovery_plan import RecoveryPlan
from drs_orchestration.domain.plan_validation import Membership
from drs_orchestration.domain.point_in_time import snapshot_reasons
from drs_orchestration.domain.ports import DrsGateway, Page
from drs_orchestration.domain.readiness import (
    PlanReadiness,
    ReadinessReason,
    Verdict,
    assess_plan,
    assess_server,
    last_successful_drill,
    verdict_of,
)
from drs_orchestration.domain.readiness_checks import SYNC_SERVER_LIMIT
from drs_orchestration.domain.services.context import Services
from drs_orchestration.domain.services.failback_readiness import validate_failback
from drs_orchestration.domain.services.paging import page_after
from drs_orchestration.domain.services.point_in_time_reports import check_point_in_time, plan_snapshots
from drs_orchestration.domain.services.protection_groups import inventories, inventory_snapshot
from drs_orchestration.domain.services.recovery_plans import ResolvedGroups, resolve_plan_groups

__all__ = [
    "GroupServer",
    "PlanScope",
    "Progress",
    "TargetMembers",
    "assess_scope",
    "group_servers",
    "plan_scope",
    "validate_plan",
]

_RECENT_DRILLS = 20
PROGRESS_CHUNK = 25
"""Launch configurations are asked for this many servers at a time (each chunk with the gateway's
bounded concurrency), and progress is told after each chunk."""


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
    """A page of the group's members (by id) with what DRS reports about each; the inventory may be a
    recent read (``inventory_snapshot``), and so may the page's launch configurations; its recovery
    instances are read now."""
    group = services.groups.get(group_id)
    target = DrsTarget(account_id=group.account_id, region=group.region)
    gateway = services.drs.for_target(target)
    snapshot = inventory_snapshot(services, group.account_id, group.region)
    by_id = snapshot.by_id
    member_ids = resolve_members(group, snapshot.servers)
    page = page_after(
        member_ids, lambda server_id: server_id, name="sourceServerId", limit=limit, next_token=next_token
    )
    configured = inventories(services).launch_configured(target, [i for i in page.items if i in by_id])
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


@dataclass(frozen=True)
class PlanScope:
    """A plan with its groups resolved: each account and Region's member servers, as DRS lists them."""

    plan: RecoveryPlan
    membership: Membership
    targets: dict[tuple[str, str], TargetMembers]
    resolved: ResolvedGroups

    @property
    def server_count(self) -> int:
        return sum(len(target.member_ids) for target in self.targets.values())


@dataclass(frozen=True)
class TargetMembers:
    member_ids: list[str]
    listed: dict[str, SourceServer]


def plan_scope(services: Services, plan_id: str) -> PlanScope:
    """``plan_id``'s servers per account and Region (``NotFound`` for an unknown plan)."""
    plan = services.plans.get(plan_id)
    resolved = resolve_plan_groups(services, plan.protection_group_ids())
    targets: dict[tuple[str, str], TargetMembers] = {}
    for scope, servers in resolved.inventories.items():
        members = sorted(
            {
                server_id
                for group in resolved.groups.values()
                if (group.account_id, group.region) == scope
                for server_id in resolved.membership[group.id]
            }
        )
        wanted = set(members)
        listed = {server.source_server_id: server for server in servers if server.source_server_id in wanted}
        targets[scope] = TargetMembers(members, listed)
    return PlanScope(plan, resolved.membership, targets, resolved)


Progress = Callable[[int], None]
"""Told how many of the plan's servers have been checked so far."""


def _launch_configurations(
    gateway: DrsGateway, server_ids: Sequence[str], checked: int, progress: Progress | None
) -> dict[str, bool]:
    """Whether each listed server has a launch configuration, asked in chunks so progress can be told."""
    found: dict[str, bool] = {}
    for start in range(0, len(server_ids), PROGRESS_CHUNK):
        chunk = server_ids[start : start + PROGRESS_CHUNK]
        found.update(gateway.launch_configuration_present(chunk))
        if progress is not None:
            progress(checked + start + len(chunk))
    return found


def assess_scope(
    services: Services,
    scope: PlanScope,
    mode: ExecutionMode,
    now: datetime,
    progress: Progress | None = None,
    point_in_time: datetime | None = None,
) -> PlanReadiness:
    """The readiness report of a resolved plan for ``mode``, without launching anything; with a
    ``point_in_time``, a server with no recovery snapshot at or before it is BLOCKED."""
    inventory: dict[str, SourceServer] = {}
    configured: dict[str, bool] = {}
    instances: list[RecoveryInstance] = []
    checked = 0
    for (account_id, region), target in scope.targets.items():
        gateway = services.drs.for_target(DrsTarget(account_id=account_id, region=region))
        inventory.update(target.listed)
        checked += len(target.member_ids) - len(target.listed)  # not listed: nothing to ask DRS
        configured.update(_launch_configurations(gateway, sorted(target.listed), checked, progress))
        checked += len(target.listed)
        instances += gateway.list_recovery_instances(target.member_ids) if target.member_ids else []
    return assess_plan(
        scope.plan,
        scope.membership,
        inventory=inventory,
        launch_configured=configured,
        recovery_instances=instances,
        recorded_drills=_recorded_drills(services, scope.plan.id),
        mode=mode,
        now=now,
        extra_reasons=_point_in_time_reasons(services, scope.resolved, point_in_time),
    )


def _point_in_time_reasons(
    services: Services, resolved: ResolvedGroups, point_in_time: datetime | None
) -> dict[str, list[ReadinessReason]]:
    if point_in_time is None:
        return {}
    return snapshot_reasons(point_in_time, plan_snapshots(services, resolved, point_in_time))


def validate_plan(
    services: Services,
    plan_id: str,
    mode: ExecutionMode,
    now: datetime,
    point_in_time: datetime | None = None,
    source_execution_id: str | None = None,
) -> PlanReadiness:
    """The readiness report of a plan for ``mode``, answered at once: ``Conflict`` for a plan of more
    than ``SYNC_SERVER_LIMIT`` servers, which is checked asynchronously (a readiness check); with a
    ``point_in_time``, a server with no recovery snapshot at or before it is BLOCKED. A FAILBACK is
    the failback readiness of the RECOVERY run ``source_execution_id``, as a readiness check of it."""
    if mode is ExecutionMode.FAILBACK:
        return validate_failback(services, plan_id, source_execution_id, point_in_time, now)
    if source_execution_id is not None:
        message = "only a FAILBACK check names a source run"
        raise ValidationFailed([FieldError(name="sourceExecutionId", message=message)])
    if point_in_time is not None:
        check_point_in_time(point_in_time, now)
    scope = plan_scope(services, plan_id)
    if scope.server_count > SYNC_SERVER_LIMIT:
        raise Conflict(
            f"the plan has {scope.server_count} servers, more than the {SYNC_SERVER_LIMIT} checked at once: "
            f"start a readiness check (POST /recovery-plans/{plan_id}/readiness-checks) and poll it"
        )
    return assess_scope(services, scope, mode, now, point_in_time=point_in_time)
