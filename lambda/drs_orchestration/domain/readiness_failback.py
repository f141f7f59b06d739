"""Failback readiness (pure): can the servers a RECOVERY run brought up fail back to their origin now.

Per server, by its origin:

- **On-premises**: a failback client must be connected to its recovery instance, and its failback
  replication converged (``FAILBACK_READY_FOR_LAUNCH``). Not connected: BLOCKED, naming the instance.
  Connected but still replicating: a warning (the failback waits for it). Already failed back
  (``FAILBACK_COMPLETED``): BLOCKED, saying so (not "not connected").
- **EC2 origin**: its replication reversed into the origin Region and replicating continuously. Not
  reversed yet: a warning (the failback starts ReverseReplication). Reversed and still syncing: a
  warning with the progress. Reversed but stopped or disconnected: BLOCKED.

A server whose recovery instance was terminated (or is gone) is BLOCKED, named; one the run did not
recover is BLOCKED too: nothing is skipped silently.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from drs_orchestration.domain.models.drs import DEFAULT_QUOTAS, DrsQuotas, LaunchStatus, ReplicationState
from drs_orchestration.domain.models.execution import ExecutionMode, ServerImpact, ServerState
from drs_orchestration.domain.models.failback_operations import (
    FailbackInstance,
    FailbackState,
    Origin,
    ReplicatingServer,
)
from drs_orchestration.domain.models.recovery_plan import RecoveryPlan
from drs_orchestration.domain.readiness import (
    BLOCKING_REPLICATION,
    PlanReadiness,
    ReadinessReason,
    ReasonCode,
    ServerReadiness,
    Severity,
    Verdict,
    WaveReadiness,
    quota_fit,
    verdict_of,
)

__all__ = ["FailbackFacts", "assess_failback", "failback_reasons"]

_CONVERGING = frozenset(
    {
        FailbackState.FAILBACK_IN_PROGRESS,
        FailbackState.FAILBACK_NOT_READY_FOR_LAUNCH,
        FailbackState.FAILBACK_LAUNCH_STATE_NOT_AVAILABLE,
    }
)


@dataclass(frozen=True)
class FailbackFacts:
    """What DRS reports about one server of the recovery run."""

    recovered: ServerState
    """The server as the recovery run left it."""
    original: ReplicatingServer | None
    """Its source server in the recovery Region (``None``: DRS no longer lists it)."""
    instance: FailbackInstance | None
    """Its recovery instance (``None``: DRS no longer lists it)."""
    reversed: ReplicatingServer | None = None
    """The reversed source server in the origin Region (EC2 origin, once reversed)."""


def _reason(code: ReasonCode, severity: Severity, message: str) -> ReadinessReason:
    return ReadinessReason(code=code, severity=severity, message=message)


def _instance_reasons(facts: FailbackFacts) -> list[ReadinessReason]:
    recovered = facts.recovered
    instance_id = recovered.recovery_instance_id
    if recovered.launch_status is not LaunchStatus.LAUNCHED or instance_id is None:
        message = "the recovery run did not bring it up: there is nothing to fail back"
        return [_reason(ReasonCode.NOT_RECOVERED, Severity.BLOCKING, message)]
    if facts.instance is None or facts.instance.terminated:
        state = facts.instance.ec2_instance_state if facts.instance else "no longer in DRS"
        message = f"its recovery instance {instance_id} was terminated ({state}): it cannot fail back"
        return [_reason(ReasonCode.RECOVERY_INSTANCE_TERMINATED, Severity.BLOCKING, message)]
    return []


def _on_premises(instance: FailbackInstance) -> list[ReadinessReason]:
    state, instance_id = instance.failback_state, instance.recovery_instance_id
    if state is FailbackState.FAILBACK_READY_FOR_LAUNCH:
        return []
    if state is FailbackState.FAILBACK_ERROR:
        message = f"the failback of {instance_id} is in error: stop it and connect the failback client again"
        return [_reason(ReasonCode.FAILBACK_ERROR, Severity.BLOCKING, message)]
    if state is FailbackState.FAILBACK_COMPLETED:
        message = (
            f"recovery instance {instance_id} has already failed back (FAILBACK_COMPLETED): its origin "
            "runs again; re-protect it, or connect a failback client again to fail back anew"
        )
        return [_reason(ReasonCode.ALREADY_FAILED_BACK, Severity.BLOCKING, message)]
    if state in _CONVERGING:
        replication = instance.replication_state or "state unknown"
        message = f"the failback client of {instance_id} replicates ({replication}); not ready to launch yet"
        return [_reason(ReasonCode.FAILBACK_REPLICATION_NOT_READY, Severity.WARNING, message)]
    message = f"no failback client is connected to recovery instance {instance_id}"
    return [_reason(ReasonCode.FAILBACK_CLIENT_NOT_CONNECTED, Severity.BLOCKING, message)]


def _ec2_origin(facts: FailbackFacts) -> list[ReadinessReason]:
    original, reversed_server = facts.original, facts.reversed
    if original is None or not original.reversed_arn:
        message = "replication is not reversed to its origin Region yet: the failback starts it and waits"
        return [_reason(ReasonCode.REVERSE_REPLICATION_NOT_STARTED, Severity.WARNING, message)]
    if reversed_server is None:
        message = f"the reversed source server {original.reversed_arn} is not listed in its origin Region"
        return [_reason(ReasonCode.REVERSE_REPLICATION_NOT_READY, Severity.BLOCKING, message)]
    state = reversed_server.replication_state
    if state is ReplicationState.CONTINUOUS:
        return []
    shown = state.value if state else "state unknown"
    if state in {ReplicationState.STOPPED, ReplicationState.DISCONNECTED}:
        message = f"reverse replication to {reversed_server.source_server_id} is {shown}"
        return [_reason(ReasonCode.REVERSE_REPLICATION_NOT_READY, Severity.BLOCKING, message)]
    percent = reversed_server.progress_percent
    progress = f", {percent}% copied" if percent is not None and state in BLOCKING_REPLICATION else ""
    message = f"reverse replication is {shown}{progress}: the failback waits until it is CONTINUOUS"
    return [_reason(ReasonCode.REVERSE_REPLICATION_NOT_READY, Severity.WARNING, message)]


def failback_reasons(facts: FailbackFacts) -> list[ReadinessReason]:
    """Every reason this server cannot plainly fail back now (empty: READY)."""
    reasons = _instance_reasons(facts)
    if reasons:
        return reasons
    if facts.original is not None and facts.original.origin is Origin.AWS:
        return _ec2_origin(facts)
    assert facts.instance is not None  # checked by _instance_reasons
    return _on_premises(facts.instance)


def _server(facts: FailbackFacts) -> ServerReadiness:
    reasons = failback_reasons(facts)
    reversed_server = facts.reversed
    return ServerReadiness(
        source_server_id=facts.recovered.source_server_id,
        impact=facts.recovered.impact,
        verdict=verdict_of(reasons),
        reasons=reasons,
        replication_state=reversed_server.replication_state if reversed_server else None,
        lag_seconds=None,
        last_successful_drill_at=None,
        failback_state=facts.instance.failback_state if facts.instance else None,
        reverse_replication_percent=reversed_server.progress_percent if reversed_server else None,
    )


def assess_failback(
    plan: RecoveryPlan,
    facts: Sequence[FailbackFacts],
    *,
    now: datetime,
    quotas: DrsQuotas = DEFAULT_QUOTAS,
) -> PlanReadiness:
    """Failback readiness of every wave of the recovery run's plan (``plan``: the run's snapshot)."""
    by_wave: Mapping[str, list[FailbackFacts]] = {wave.id: [] for wave in plan.waves}
    for item in facts:
        by_wave.get(item.recovered.wave_id, []).append(item)
    waves: list[WaveReadiness] = []
    for wave in plan.waves:
        servers = [_server(item) for item in by_wave[wave.id]]
        wave_reasons = [
            _reason(
                ReasonCode.OPTIONAL_SERVER_BLOCKED,
                Severity.WARNING,
                f"optional server {s.source_server_id} is blocked and will not fail back",
            )
            for s in servers
            if s.verdict is Verdict.BLOCKED and s.impact is ServerImpact.OPTIONAL
        ]
        critical = [r for s in servers if s.impact is ServerImpact.CRITICAL for r in s.reasons]
        waves.append(
            WaveReadiness(
                wave_id=wave.id,
                verdict=verdict_of([*wave_reasons, *critical]),
                reasons=wave_reasons,
                quota_fit=quota_fit(len(servers), quotas),
                servers=servers,
            )
        )
    verdicts = {wave.verdict for wave in waves}
    overall = next((v for v in (Verdict.BLOCKED, Verdict.WARNINGS) if v in verdicts), Verdict.READY)
    return PlanReadiness(mode=ExecutionMode.FAILBACK, checked_at=now, verdict=overall, waves=waves)
