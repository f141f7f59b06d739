"""The account-wide readiness of the DR programme (pure): a score of 0-100 and the findings behind it.

Given every scanned account and Region's DRS inventory (or why it could not be read), the protection
groups, the plans and their last drills, ``assess_programme`` returns the findings:

- ``UNPROTECTED_SERVER`` (MEDIUM): a source server DRS lists that no protection group holds.
- ``SELECTION_DRIFT`` (MEDIUM): the servers a plan's groups select now (explicit ids and tag selectors)
  differ from the servers its last drill ran (the run's per-server records): some joined, some left.
- ``REPLICATION_UNHEALTHY``: a protected server whose replication is not CONTINUOUS (HIGH when
  STALLED, STOPPED or DISCONNECTED; MEDIUM when PAUSED, still syncing or unknown; LOW while it
  catches up, a rescan or snapshot), or whose lag is past ``lag_threshold_seconds`` (MEDIUM).
- ``STALE_DRILL`` (MEDIUM): a plan with no successful drill within ``stale_drill_days``.
- ``LAST_DRILL_FAILED`` (HIGH): a plan whose last finished drill FAILED.
- ``QUOTA_HEADROOM`` per account and Region: a plan with more servers there than DRS replicates
  (300: HIGH), a wave with more than can be in active jobs at once (500: MEDIUM, it launches in
  rounds), and an inventory or replicating count at 90 % or more of its quota (4,000 source servers,
  300 replicating: LOW).
- ``ACCOUNT_UNREACHABLE`` (HIGH): a registered account (or Region) whose DRS could not be read,
  mostly because its role cannot be assumed.

The score: ``max(0, 100 - sum of the findings' weights)``, with HIGH = 15, MEDIUM = 5, LOW = 1. So one
failed drill costs 15 points, seven of them (or twenty unprotected servers) bring the score to 0.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Annotated

from pydantic import Field

from drs_orchestration.domain.membership import resolve_groups
from drs_orchestration.domain.models.base import CamelModel, Timestamp
from drs_orchestration.domain.models.drs import ReplicationState, SourceServer
from drs_orchestration.domain.models.execution import ExecutionHeader, ExecutionStatus
from drs_orchestration.domain.models.protection_group import ProtectionGroup
from drs_orchestration.domain.models.recovery_plan import RecoveryPlan

__all__ = [
    "DEFAULT_PROGRAMME_QUOTAS",
    "DEFAULT_PROGRAMME_THRESHOLDS",
    "SEVERITY_WEIGHTS",
    "DrillFacts",
    "Finding",
    "FindingCode",
    "FindingSeverity",
    "ProgrammeQuotas",
    "ProgrammeThresholds",
    "ReadinessResult",
    "ScoreOnDay",
    "TargetScan",
    "assess_programme",
    "score_of",
]


class FindingCode(StrEnum):
    UNPROTECTED_SERVER = "UNPROTECTED_SERVER"
    SELECTION_DRIFT = "SELECTION_DRIFT"
    REPLICATION_UNHEALTHY = "REPLICATION_UNHEALTHY"
    STALE_DRILL = "STALE_DRILL"
    LAST_DRILL_FAILED = "LAST_DRILL_FAILED"
    QUOTA_HEADROOM = "QUOTA_HEADROOM"
    ACCOUNT_UNREACHABLE = "ACCOUNT_UNREACHABLE"


class FindingSeverity(StrEnum):
    HIGH = "HIGH"
    MEDIUM = "MEDIUM"
    LOW = "LOW"


SEVERITY_WEIGHTS: Mapping[FindingSeverity, int] = {
    FindingSeverity.HIGH: 15,
    FindingSeverity.MEDIUM: 5,
    FindingSeverity.LOW: 1,
}
"""Points one finding takes off the score of 100 (which never goes below 0)."""


class Finding(CamelModel):
    code: FindingCode
    severity: FindingSeverity
    resource_id: str
    """A source server (``s-…``), a plan (``rp-…``), an account, or ``<account>/<region>``."""
    message: str


class ScoreOnDay(CamelModel):
    date: date
    score: Annotated[int, Field(ge=0, le=100)]


class ReadinessResult(CamelModel):
    """One scan's result: the score, when it was computed, and its findings."""

    score: Annotated[int, Field(ge=0, le=100)]
    checked_at: Timestamp
    findings: list[Finding]


@dataclass(frozen=True)
class ProgrammeThresholds:
    stale_drill_days: int = 30
    lag_threshold_seconds: int = 300


@dataclass(frozen=True)
class ProgrammeQuotas:
    """DRS's quotas per account and Region that bound what a plan may hold."""

    max_servers_in_active_jobs: int = 500
    max_source_servers: int = 4000
    max_replicating_servers: int = 300
    near_ratio: float = 0.9
    """An inventory or replicating count at this share of its quota or more is reported (LOW)."""


DEFAULT_PROGRAMME_QUOTAS = ProgrammeQuotas()
DEFAULT_PROGRAMME_THRESHOLDS = ProgrammeThresholds()


@dataclass(frozen=True)
class TargetScan:
    """One account and Region: its DRS inventory, or why it could not be read (``servers`` is then
    empty)."""

    account_id: str
    region: str
    servers: Sequence[SourceServer] = ()
    error: str | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.account_id, self.region)


@dataclass(frozen=True)
class DrillFacts:
    """A plan's drills as recorded: its last finished drill with the servers that run held (``None``:
    never drilled), and when its last successful drill ended."""

    last_drill: ExecutionHeader | None = None
    drilled_server_ids: frozenset[str] = field(default_factory=frozenset)
    last_success_at: datetime | None = None


def score_of(findings: Iterable[Finding]) -> int:
    """``max(0, 100 - sum of SEVERITY_WEIGHTS)``."""
    return max(0, 100 - sum(SEVERITY_WEIGHTS[finding.severity] for finding in findings))


def _finding(code: FindingCode, severity: FindingSeverity, resource_id: str, message: str) -> Finding:
    return Finding(code=code, severity=severity, resource_id=resource_id, message=message)


def _unreachable(scans: Iterable[TargetScan]) -> list[Finding]:
    return [
        _finding(
            FindingCode.ACCOUNT_UNREACHABLE,
            FindingSeverity.HIGH,
            scan.account_id,
            f"DRS in account {scan.account_id}, {scan.region} could not be read: {scan.error}",
        )
        for scan in scans
        if scan.error is not None
    ]


def _unprotected(scans: Iterable[TargetScan], protected: set[str]) -> list[Finding]:
    return [
        _finding(
            FindingCode.UNPROTECTED_SERVER,
            FindingSeverity.MEDIUM,
            server.source_server_id,
            f"{server.hostname or server.source_server_id} ({scan.account_id}, {scan.region}) "
            "is in DRS but in no protection group",
        )
        for scan in scans
        for server in scan.servers
        if server.source_server_id not in protected
    ]


_HIGH_REPLICATION = frozenset(
    {ReplicationState.STALLED, ReplicationState.STOPPED, ReplicationState.DISCONNECTED}
)
_MEDIUM_REPLICATION = frozenset(
    {ReplicationState.PAUSED, ReplicationState.INITIATING, ReplicationState.INITIAL_SYNC}
)


def _replication_severity(state: ReplicationState | None) -> FindingSeverity | None:
    if state is ReplicationState.CONTINUOUS:
        return None
    if state in _HIGH_REPLICATION:
        return FindingSeverity.HIGH
    if state is None or state in _MEDIUM_REPLICATION:
        return FindingSeverity.MEDIUM
    return FindingSeverity.LOW


def _replication(server: SourceServer, thresholds: ProgrammeThresholds) -> Finding | None:
    severity = _replication_severity(server.replication_state)
    name = server.hostname or server.source_server_id
    if severity is not None:
        state = server.replication_state.value if server.replication_state else "unknown"
        message = f"replication of {name} is {state}, not CONTINUOUS"
        return _finding(FindingCode.REPLICATION_UNHEALTHY, severity, server.source_server_id, message)
    lag = server.lag_seconds
    if lag is not None and lag > thresholds.lag_threshold_seconds:
        message = (
            f"replication of {name} lags {lag} s, past the {thresholds.lag_threshold_seconds} s threshold"
        )
        return _finding(
            FindingCode.REPLICATION_UNHEALTHY, FindingSeverity.MEDIUM, server.source_server_id, message
        )
    return None


def _replication_findings(
    scans: Iterable[TargetScan], protected: set[str], thresholds: ProgrammeThresholds
) -> list[Finding]:
    found = (
        _replication(server, thresholds)
        for scan in scans
        for server in scan.servers
        if server.source_server_id in protected
    )
    return [finding for finding in found if finding is not None]


def _drill_findings(
    plan: RecoveryPlan, facts: DrillFacts, now: datetime, thresholds: ProgrammeThresholds
) -> list[Finding]:
    findings: list[Finding] = []
    last = facts.last_drill
    if last is not None and last.status is ExecutionStatus.FAILED:
        reason = f": {last.status_reason}" if last.status_reason else ""
        message = f"the last drill of {plan.name} ({last.id}) failed{reason}"
        findings.append(_finding(FindingCode.LAST_DRILL_FAILED, FindingSeverity.HIGH, plan.id, message))
    success = facts.last_success_at
    limit = thresholds.stale_drill_days
    if success is None:
        message = f"{plan.name} has never been drilled successfully"
    elif now - success > timedelta(days=limit):
        message = f"{plan.name} was last drilled successfully {(now - success).days} days ago (limit {limit})"
    else:
        return findings
    findings.append(_finding(FindingCode.STALE_DRILL, FindingSeverity.MEDIUM, plan.id, message))
    return findings


def _listed(ids: Iterable[str], most: int = 5) -> str:
    ordered = sorted(ids)
    shown = ", ".join(ordered[:most])
    return shown + (f" and {len(ordered) - most} more" if len(ordered) > most else "")


def _drift(plan: RecoveryPlan, facts: DrillFacts, selected: set[str]) -> Finding | None:
    if facts.last_drill is None:
        return None
    joined = selected - facts.drilled_server_ids
    left = facts.drilled_server_ids - selected
    if not joined and not left:
        return None
    parts = [f"{len(joined)} joined ({_listed(joined)})"] if joined else []
    parts += [f"{len(left)} left ({_listed(left)})"] if left else []
    message = f"since {plan.name}'s last drill ({facts.last_drill.id}) its selected servers changed: " + (
        "; ".join(parts)
    )
    return _finding(FindingCode.SELECTION_DRIFT, FindingSeverity.MEDIUM, plan.id, message)


@dataclass(frozen=True)
class _PlanLayout:
    """A plan's resolved servers: all of them, per account and Region, and each wave's per target."""

    servers: set[str]
    per_target: dict[tuple[str, str], set[str]]
    waves: list[tuple[str, tuple[str, str], int]]


def _layout(
    plan: RecoveryPlan, groups: Mapping[str, ProtectionGroup], members: Mapping[str, list[str]]
) -> _PlanLayout:
    per_target: dict[tuple[str, str], set[str]] = {}
    waves: list[tuple[str, tuple[str, str], int]] = []
    for wave in plan.waves:
        wave_targets: dict[tuple[str, str], set[str]] = {}
        for group_id in wave.protection_group_ids:
            group = groups.get(group_id)
            if group is None:
                continue
            key = (group.account_id, group.region)
            wave_targets.setdefault(key, set()).update(members.get(group_id, ()))
            per_target.setdefault(key, set()).update(members.get(group_id, ()))
        waves += [(wave.name, key, len(ids)) for key, ids in wave_targets.items()]
    servers = {server for ids in per_target.values() for server in ids}
    return _PlanLayout(servers, per_target, waves)


def _plan_quota_findings(plan: RecoveryPlan, layout: _PlanLayout, quotas: ProgrammeQuotas) -> list[Finding]:
    findings: list[Finding] = []
    for (account_id, region), ids in sorted(layout.per_target.items()):
        if len(ids) > quotas.max_replicating_servers:
            message = (
                f"{plan.name} holds {len(ids)} servers in {account_id}, {region}: DRS replicates at most "
                f"{quotas.max_replicating_servers} there"
            )
            findings.append(
                _finding(FindingCode.QUOTA_HEADROOM, FindingSeverity.HIGH, f"{account_id}/{region}", message)
            )
    for wave_name, (account_id, region), count in layout.waves:
        if count > quotas.max_servers_in_active_jobs:
            rounds = math.ceil(count / quotas.max_servers_in_active_jobs)
            message = (
                f"wave {wave_name} of {plan.name} launches {count} servers in {account_id}, {region}: "
                f"at most {quotas.max_servers_in_active_jobs} can be in active jobs: it takes {rounds} rounds"
            )
            findings.append(
                _finding(
                    FindingCode.QUOTA_HEADROOM, FindingSeverity.MEDIUM, f"{account_id}/{region}", message
                )
            )
    return findings


def _replicating(server: SourceServer) -> bool:
    return server.replication_state not in (None, ReplicationState.STOPPED, ReplicationState.DISCONNECTED)


def _target_quota_findings(scans: Iterable[TargetScan], quotas: ProgrammeQuotas) -> list[Finding]:
    findings: list[Finding] = []
    for scan in scans:
        resource = f"{scan.account_id}/{scan.region}"
        counts = (
            ("source servers", len(scan.servers), quotas.max_source_servers),
            (
                "replicating servers",
                sum(1 for s in scan.servers if _replicating(s)),
                quotas.max_replicating_servers,
            ),
        )
        for what, count, limit in counts:
            if count >= limit * quotas.near_ratio:
                message = f"{scan.account_id}, {scan.region} has {count} {what} of DRS's {limit}"
                findings.append(_finding(FindingCode.QUOTA_HEADROOM, FindingSeverity.LOW, resource, message))
    return findings


def assess_programme(
    *,
    scans: Sequence[TargetScan],
    groups: Sequence[ProtectionGroup],
    plans: Sequence[RecoveryPlan],
    drills: Mapping[str, DrillFacts],
    now: datetime,
    thresholds: ProgrammeThresholds = DEFAULT_PROGRAMME_THRESHOLDS,
    quotas: ProgrammeQuotas = DEFAULT_PROGRAMME_QUOTAS,
) -> ReadinessResult:
    """The programme's findings and score at ``now``.

    ``scans``: every account and Region read (or not); ``drills``: plan id -> its drills (a plan
    missing from it was never drilled). A plan with a group in a target that could not be read is
    not checked for drift (its selection there is unknown).
    """
    inventory = {scan.key: list(scan.servers) for scan in scans if scan.error is None}
    unreadable = {scan.key for scan in scans if scan.error is not None}
    members = resolve_groups(groups, inventory)
    protected = {server for ids in members.values() for server in ids}
    by_id = {group.id: group for group in groups}
    findings = _unreachable(scans)
    findings += _unprotected(scans, protected)
    findings += _replication_findings(scans, protected, thresholds)
    for plan in plans:
        facts = drills.get(plan.id, DrillFacts())
        layout = _layout(plan, by_id, members)
        findings += _drill_findings(plan, facts, now, thresholds)
        drift = None if unreadable & set(layout.per_target) else _drift(plan, facts, layout.servers)
        findings += [drift] if drift else []
        findings += _plan_quota_findings(plan, layout, quotas)
    findings += _target_quota_findings(scans, quotas)
    return ReadinessResult(score=score_of(findings), checked_at=now, findings=findings)
