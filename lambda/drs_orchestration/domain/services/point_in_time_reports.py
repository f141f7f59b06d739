"""Point in time, before a run: which recovery snapshot each server of a plan would launch from.

``GET /recovery-plans/{id}/snapshots?pointInTime=`` answers the console's start dialog (how many
servers have a snapshot at or before the instant, and the oldest of them); the readiness check uses
the same look-up to block a server that has none. One DescribeRecoverySnapshots per server (newest
first, one item), reading nothing else of DRS beyond the inventory the plan's groups resolve from.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial

from drs_orchestration.domain.concurrency import bounded_map
from drs_orchestration.domain.errors import FieldError, ValidationFailed
from drs_orchestration.domain.models.drs import DrsTarget, RecoverySnapshot
from drs_orchestration.domain.point_in_time import PointInTimeCoverage, coverage, point_in_time_problem
from drs_orchestration.domain.ports import DrsGateway
from drs_orchestration.domain.services.context import Services
from drs_orchestration.domain.services.recovery_plans import ResolvedGroups, resolve_plan_groups

__all__ = ["check_point_in_time", "plan_snapshot_coverage", "plan_snapshots"]


def check_point_in_time(point_in_time: datetime, now: datetime) -> None:
    """``ValidationFailed`` naming ``pointInTime`` when no run could launch from it at ``now``."""
    problem = point_in_time_problem(point_in_time, now)
    if problem:
        raise ValidationFailed([FieldError(name="pointInTime", message=problem)])


def plan_snapshots(
    services: Services, resolved: ResolvedGroups, point_in_time: datetime
) -> dict[str, RecoverySnapshot | None]:
    """Each member server of the resolved groups -> its latest snapshot at or before the instant; at
    most ``DRS_CALLS_PER_TARGET`` look-ups at once per account and Region."""
    by_target: dict[tuple[str, str], list[str]] = {}
    seen: set[str] = set()
    for group in resolved.groups.values():
        for server_id in resolved.membership.get(group.id, ()):
            if server_id not in seen:
                seen.add(server_id)
                by_target.setdefault((group.account_id, group.region), []).append(server_id)
    found: dict[str, RecoverySnapshot | None] = {}
    for (account_id, region), server_ids in by_target.items():
        gateway = services.drs.for_target(DrsTarget(account_id=account_id, region=region))
        snapshots = bounded_map(partial(_latest, gateway, point_in_time), server_ids)
        found.update(zip(server_ids, snapshots, strict=True))
    return found


def _latest(gateway: DrsGateway, point_in_time: datetime, server_id: str) -> RecoverySnapshot | None:
    return gateway.latest_recovery_snapshot(server_id, at_or_before=point_in_time)


def plan_snapshot_coverage(
    services: Services, plan_id: str, point_in_time: datetime, now: datetime
) -> PointInTimeCoverage:
    """How the plan's servers are covered at ``point_in_time``."""
    check_point_in_time(point_in_time, now)
    plan = services.plans.get(plan_id)
    resolved = resolve_plan_groups(services, plan.protection_group_ids())
    return coverage(point_in_time, plan_snapshots(services, resolved, point_in_time))
