"""Readiness (pure): can this plan be drilled or recovered now, server by server and wave by wave.

Per server: replication state and lag, launch configuration, an existing recovery instance (a
drill is BLOCKED on a server a real RECOVERY already launched), and the last successful drill.
Per wave: how many DRS jobs and launch rounds its servers need under the quotas. A verdict is
BLOCKED, WARNINGS or READY; a BLOCKED OPTIONAL server only warns its wave.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from drs_orchestration.domain.batching import jobs_needed
from drs_orchestration.domain.models.base import CamelModel, Timestamp
from drs_orchestration.domain.models.drs import (
    DEFAULT_QUOTAS,
    DrsQuotas,
    LaunchStatus,
    LaunchType,
    RecoveryInstance,
    ReplicationState,
    SourceServer,
)
from drs_orchestration.domain.models.execution import ExecutionMode, ServerImpact
from drs_orchestration.domain.models.recovery_plan import RecoveryPlanInput, Wave
from drs_orchestration.domain.plan_validation import Membership

__all__ = [
    "DEFAULT_THRESHOLDS",
    "PlanReadiness",
    "ReadinessReason",
    "ReadinessThresholds",
    "ReasonCode",
    "ServerReadiness",
    "Severity",
    "Verdict",
    "WaveQuotaFit",
    "WaveReadiness",
    "assess_plan",
    "assess_server",
    "last_successful_drill",
    "quota_fit",
    "verdict_of",
]

BLOCKING_REPLICATION = frozenset(
    {
        ReplicationState.INITIATING,
        ReplicationState.INITIAL_SYNC,
        ReplicationState.STOPPED,
        ReplicationState.DISCONNECTED,
    }
)
WARNING_REPLICATION = frozenset({ReplicationState.STALLED, ReplicationState.PAUSED})


class Severity(StrEnum):
    WARNING = "WARNING"
    BLOCKING = "BLOCKING"


class Verdict(StrEnum):
    READY = "READY"
    WARNINGS = "WARNINGS"
    BLOCKED = "BLOCKED"


class ReasonCode(StrEnum):
    NOT_IN_INVENTORY = "NOT_IN_INVENTORY"
    REPLICATION_NOT_READY = "REPLICATION_NOT_READY"
    REPLICATION_DEGRADED = "REPLICATION_DEGRADED"
    REPLICATION_UNKNOWN = "REPLICATION_UNKNOWN"
    REPLICATION_LAG = "REPLICATION_LAG"
    NO_LAUNCH_CONFIGURATION = "NO_LAUNCH_CONFIGURATION"
    LAUNCH_CONFIGURATION_UNKNOWN = "LAUNCH_CONFIGURATION_UNKNOWN"
    RECOVERED_BY_RECOVERY = "RECOVERED_BY_RECOVERY"
    DRILL_INSTANCE_RUNNING = "DRILL_INSTANCE_RUNNING"
    NEVER_DRILLED = "NEVER_DRILLED"
    DRILL_OUTDATED = "DRILL_OUTDATED"
    UNKNOWN_PROTECTION_GROUP = "UNKNOWN_PROTECTION_GROUP"
    EMPTY_WAVE = "EMPTY_WAVE"
    OPTIONAL_SERVER_BLOCKED = "OPTIONAL_SERVER_BLOCKED"
    QUOTA_ROUNDS = "QUOTA_ROUNDS"
    NO_SNAPSHOT_AT_POINT_IN_TIME = "NO_SNAPSHOT_AT_POINT_IN_TIME"
    NOT_RECOVERED = "NOT_RECOVERED"
    RECOVERY_INSTANCE_TERMINATED = "RECOVERY_INSTANCE_TERMINATED"
    FAILBACK_CLIENT_NOT_CONNECTED = "FAILBACK_CLIENT_NOT_CONNECTED"
    FAILBACK_REPLICATION_NOT_READY = "FAILBACK_REPLICATION_NOT_READY"
    FAILBACK_ERROR = "FAILBACK_ERROR"
    ALREADY_FAILED_BACK = "ALREADY_FAILED_BACK"
    REVERSE_REPLICATION_NOT_STARTED = "REVERSE_REPLICATION_NOT_STARTED"
    REVERSE_REPLICATION_NOT_READY = "REVERSE_REPLICATION_NOT_READY"


class ReadinessReason(CamelModel):
    code: ReasonCode
    severity: Severity
    message: str


@dataclass(frozen=True, slots=True)
class ReadinessThresholds:
    lag_warning_seconds: int = 300
    lag_blocking_seconds: int | None = None
    """``None``: lag alone never blocks (in a disaster, stale data beats no data)."""
    drill_max_age_days: int = 90


DEFAULT_THRESHOLDS = ReadinessThresholds()


class ServerReadiness(CamelModel):
    source_server_id: str
    impact: ServerImpact
    verdict: Verdict
    reasons: list[ReadinessReason]
    replication_state: ReplicationState | None
    lag_seconds: int | None
    last_successful_drill_at: Timestamp | None
    failback_state: str | None = None
    """A failback's check: the recovery instance's failback state (on-premises origin)."""
    reverse_replication_percent: int | None = None
    """A failback's check: how far the reversed source server's initial sync is (EC2 origin)."""


class WaveQuotaFit(CamelModel):
    """How the wave fits DRS quotas: jobs to start, and rounds of launches (one when all fit at once)."""

    server_count: int
    jobs_needed: int
    launch_rounds: int
    fits_at_once: bool


class WaveReadiness(CamelModel):
    wave_id: str
    verdict: Verdict
    reasons: list[ReadinessReason]
    quota_fit: WaveQuotaFit
    servers: list[ServerReadiness]


class PlanReadiness(CamelModel):
    mode: ExecutionMode
    checked_at: Timestamp
    verdict: Verdict
    waves: list[WaveReadiness]


def verdict_of(reasons: Iterable[ReadinessReason]) -> Verdict:
    severities = {reason.severity for reason in reasons}
    if Severity.BLOCKING in severities:
        return Verdict.BLOCKED
    return Verdict.WARNINGS if severities else Verdict.READY


def _reason(code: ReasonCode, severity: Severity, message: str) -> ReadinessReason:
    return ReadinessReason(code=code, severity=severity, message=message)


def last_successful_drill(server: SourceServer | None, recorded: datetime | None) -> datetime | None:
    """The later of our own record of a successful drill and DRS's last launch, when that was a drill."""
    launch = server.last_launch if server else None
    from_drs = (
        launch.initiated_at
        if launch and launch.launch_type is LaunchType.DRILL and launch.status is LaunchStatus.LAUNCHED
        else None
    )
    candidates = [t for t in (recorded, from_drs) if t is not None]
    return max(candidates) if candidates else None


def _replication(server: SourceServer, thresholds: ReadinessThresholds) -> list[ReadinessReason]:
    state, lag = server.replication_state, server.lag_seconds
    reasons: list[ReadinessReason] = []
    if state is None:
        reasons.append(
            _reason(ReasonCode.REPLICATION_UNKNOWN, Severity.WARNING, "replication state is unknown")
        )
    elif state in BLOCKING_REPLICATION:
        message = f"replication is {state.value}: there is no consistent data to launch from"
        reasons.append(_reason(ReasonCode.REPLICATION_NOT_READY, Severity.BLOCKING, message))
    elif state in WARNING_REPLICATION:
        message = f"replication is {state.value}: the recovery point is not advancing"
        reasons.append(_reason(ReasonCode.REPLICATION_DEGRADED, Severity.WARNING, message))
    if lag is not None:
        limit = thresholds.lag_blocking_seconds
        if limit is not None and lag > limit:
            message = f"replication lag is {lag} s, above the {limit} s limit"
            reasons.append(_reason(ReasonCode.REPLICATION_LAG, Severity.BLOCKING, message))
        elif lag > thresholds.lag_warning_seconds:
            message = f"replication lag is {lag} s, above {thresholds.lag_warning_seconds} s"
            reasons.append(_reason(ReasonCode.REPLICATION_LAG, Severity.WARNING, message))
    return reasons


def _instances(instances: Sequence[RecoveryInstance], mode: ExecutionMode) -> list[ReadinessReason]:
    reasons: list[ReadinessReason] = []
    recovered = [i.recovery_instance_id for i in instances if not i.is_drill]
    drills = [i.recovery_instance_id for i in instances if i.is_drill]
    if recovered:
        severity = Severity.BLOCKING if mode is ExecutionMode.DRILL else Severity.WARNING
        message = f"a RECOVERY already launched this server ({', '.join(recovered)}); " + (
            "a drill must not touch it" if mode is ExecutionMode.DRILL else "launching again replaces it"
        )
        reasons.append(_reason(ReasonCode.RECOVERED_BY_RECOVERY, severity, message))
    if drills:
        message = f"drill instances are still running ({', '.join(drills)}); a new launch replaces them"
        reasons.append(_reason(ReasonCode.DRILL_INSTANCE_RUNNING, Severity.WARNING, message))
    return reasons


def assess_server(
    source_server_id: str,
    *,
    server: SourceServer | None,
    launch_configured: bool | None,
    recovery_instances: Sequence[RecoveryInstance],
    last_drill_at: datetime | None,
    mode: ExecutionMode,
    now: datetime,
    thresholds: ReadinessThresholds = DEFAULT_THRESHOLDS,
) -> list[ReadinessReason]:
    """Every reason this server is not plainly ready (empty: READY).

    ``server`` is its inventory entry (``None``: DRS does not list it); ``launch_configured`` whether it
    has a usable launch configuration (``None``: not known); ``recovery_instances`` its current ones;
    ``last_drill_at`` its last successful drill (see ``last_successful_drill``).
    """
    if server is None:
        message = f"{source_server_id} is not a DRS source server of this account and region"
        return [_reason(ReasonCode.NOT_IN_INVENTORY, Severity.BLOCKING, message)]
    reasons = _replication(server, thresholds)
    if launch_configured is False:
        message = "no launch configuration: DRS has nothing to launch the server with"
        reasons.append(_reason(ReasonCode.NO_LAUNCH_CONFIGURATION, Severity.BLOCKING, message))
    elif launch_configured is None:
        message = "the launch configuration could not be checked"
        reasons.append(_reason(ReasonCode.LAUNCH_CONFIGURATION_UNKNOWN, Severity.WARNING, message))
    reasons += _instances(recovery_instances, mode)
    if last_drill_at is None:
        reasons.append(_reason(ReasonCode.NEVER_DRILLED, Severity.WARNING, "never drilled successfully"))
    elif now - last_drill_at > timedelta(days=thresholds.drill_max_age_days):
        days = (now - last_drill_at).days
        message = f"last successful drill was {days} days ago (more than {thresholds.drill_max_age_days})"
        reasons.append(_reason(ReasonCode.DRILL_OUTDATED, Severity.WARNING, message))
    return reasons


def quota_fit(server_count: int, quotas: DrsQuotas) -> WaveQuotaFit:
    at_once = min(quotas.max_servers_in_active_jobs, quotas.max_concurrent_jobs * quotas.max_servers_per_job)
    rounds = math.ceil(server_count / at_once)
    return WaveQuotaFit(
        server_count=server_count,
        jobs_needed=jobs_needed(server_count, quotas),
        launch_rounds=rounds,
        fits_at_once=rounds <= 1,
    )


def _wave_reasons(
    wave: Wave, membership: Membership, servers: Sequence[ServerReadiness], fit: WaveQuotaFit
) -> list[ReadinessReason]:
    reasons = [
        _reason(
            ReasonCode.UNKNOWN_PROTECTION_GROUP,
            Severity.BLOCKING,
            f"protection group {group_id} does not exist",
        )
        for group_id in wave.protection_group_ids
        if group_id not in membership
    ]
    if not servers:
        reasons.append(_reason(ReasonCode.EMPTY_WAVE, Severity.WARNING, "the wave has no servers to launch"))
    for server in servers:
        if server.verdict is Verdict.BLOCKED and server.impact is ServerImpact.OPTIONAL:
            message = f"optional server {server.source_server_id} is blocked and will not launch"
            reasons.append(_reason(ReasonCode.OPTIONAL_SERVER_BLOCKED, Severity.WARNING, message))
    if not fit.fits_at_once:
        message = f"{fit.server_count} servers need {fit.launch_rounds} rounds of launches under DRS quotas"
        reasons.append(_reason(ReasonCode.QUOTA_ROUNDS, Severity.WARNING, message))
    return reasons


def assess_plan(
    plan: RecoveryPlanInput,
    membership: Membership,
    *,
    inventory: Mapping[str, SourceServer],
    launch_configured: Mapping[str, bool],
    recovery_instances: Iterable[RecoveryInstance],
    recorded_drills: Mapping[str, datetime],
    mode: ExecutionMode,
    now: datetime,
    quotas: DrsQuotas = DEFAULT_QUOTAS,
    thresholds: ReadinessThresholds = DEFAULT_THRESHOLDS,
    extra_reasons: Mapping[str, Sequence[ReadinessReason]] | None = None,
) -> PlanReadiness:
    """Readiness of every wave and server of ``plan``.

    ``membership``: protection group id -> its servers; ``inventory``: source server id -> server;
    ``launch_configured``: server id -> has a launch configuration (missing: unknown);
    ``recorded_drills``: server id -> its last successful drill in our own records;
    ``extra_reasons``: server id -> reasons found by another check (a point in time's snapshots).
    """
    instances: dict[str, list[RecoveryInstance]] = {}
    for instance in recovery_instances:
        instances.setdefault(instance.source_server_id, []).append(instance)
    waves: list[WaveReadiness] = []
    for wave in plan.waves:
        optional = set(wave.optional_server_ids)
        member_ids = dict.fromkeys(s for g in wave.protection_group_ids for s in membership.get(g, ()))
        servers: list[ServerReadiness] = []
        for server_id in member_ids:
            server = inventory.get(server_id)
            drilled_at = last_successful_drill(server, recorded_drills.get(server_id))
            reasons = assess_server(
                server_id,
                server=server,
                launch_configured=launch_configured.get(server_id),
                recovery_instances=instances.get(server_id, []),
                last_drill_at=drilled_at,
                mode=mode,
                now=now,
                thresholds=thresholds,
            ) + list((extra_reasons or {}).get(server_id, ()))
            servers.append(
                ServerReadiness(
                    source_server_id=server_id,
                    impact=ServerImpact.OPTIONAL if server_id in optional else ServerImpact.CRITICAL,
                    verdict=verdict_of(reasons),
                    reasons=reasons,
                    replication_state=server.replication_state if server else None,
                    lag_seconds=server.lag_seconds if server else None,
                    last_successful_drill_at=drilled_at,
                )
            )
        fit = quota_fit(len(servers), quotas)
        wave_reasons = _wave_reasons(wave, membership, servers, fit)
        critical = [r for s in servers if s.impact is ServerImpact.CRITICAL for r in s.reasons]
        waves.append(
            WaveReadiness(
                wave_id=wave.id,
                verdict=verdict_of([*wave_reasons, *critical]),
                reasons=wave_reasons,
                quota_fit=fit,
                servers=servers,
            )
        )
    verdicts = {wave.verdict for wave in waves}
    overall = next((v for v in (Verdict.BLOCKED, Verdict.WARNINGS) if v in verdicts), Verdict.READY)
    return PlanReadiness(mode=mode, checked_at=now, verdict=overall, waves=waves)
