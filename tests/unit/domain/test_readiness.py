"""Readiness verdicts: per server from DRS facts, per wave with quota fit, per plan."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from drs_orchestration.domain.models.drs import (
    LastLaunch,
    LaunchStatus,
    LaunchType,
    RecoveryInstance,
    ReplicationState,
    SourceServer,
)
from drs_orchestration.domain.models.execution import ExecutionMode, ServerImpact
from drs_orchestration.domain.readiness import (
    ReadinessThresholds,
    ReasonCode,
    Verdict,
    assess_plan,
    assess_server,
    last_successful_drill,
    verdict_of,
)
from tests.unit.domain.builders import T0, plan_input, server_id, source_server, wave

NOW = T0 + timedelta(days=1)
RECENT = NOW - timedelta(days=7)


def _check(
    server: SourceServer | None,
    *,
    mode: ExecutionMode = ExecutionMode.DRILL,
    launch_configured: bool | None = True,
    instances: list[RecoveryInstance] | None = None,
    drilled: datetime | None = RECENT,
    thresholds: ReadinessThresholds | None = None,
) -> tuple[Verdict, set[ReasonCode]]:
    reasons = assess_server(
        server_id(1),
        server=server,
        launch_configured=launch_configured,
        recovery_instances=instances or [],
        last_drill_at=drilled,
        mode=mode,
        now=NOW,
        **({"thresholds": thresholds} if thresholds else {}),
    )
    return verdict_of(reasons), {r.code for r in reasons}


def test_continuously_replicating_configured_recently_drilled_server_is_ready() -> None:
    assert _check(source_server(1)) == (Verdict.READY, set())


@pytest.mark.parametrize(
    "state",
    [
        ReplicationState.CONTINUOUS,
        ReplicationState.BACKLOG,
        ReplicationState.CREATING_SNAPSHOT,
        ReplicationState.RESCAN,
        ReplicationState.SHIPPING_SNAPSHOT,
        ReplicationState.PENDING_SNAPSHOT_SHIPPING,
    ],
)
def test_replicating_states_are_ready(state: ReplicationState) -> None:
    assert _check(source_server(1, replication_state=state))[0] is Verdict.READY


@pytest.mark.parametrize(
    "state",
    [
        ReplicationState.INITIATING,
        ReplicationState.INITIAL_SYNC,
        ReplicationState.STOPPED,
        ReplicationState.DISCONNECTED,
    ],
)
def test_server_without_consistent_data_is_blocked(state: ReplicationState) -> None:
    assert _check(source_server(1, replication_state=state)) == (
        Verdict.BLOCKED,
        {ReasonCode.REPLICATION_NOT_READY},
    )


@pytest.mark.parametrize("state", [ReplicationState.STALLED, ReplicationState.PAUSED])
def test_stalled_or_paused_replication_warns(state: ReplicationState) -> None:
    assert _check(source_server(1, replication_state=state)) == (
        Verdict.WARNINGS,
        {ReasonCode.REPLICATION_DEGRADED},
    )


def test_lag_warns_above_threshold_and_blocks_only_when_a_blocking_limit_is_set() -> None:
    lagging = source_server(1, lag_seconds=600)
    assert _check(lagging) == (Verdict.WARNINGS, {ReasonCode.REPLICATION_LAG})
    assert _check(source_server(1, lag_seconds=300))[0] is Verdict.READY
    strict = ReadinessThresholds(lag_blocking_seconds=500)
    assert _check(lagging, thresholds=strict) == (Verdict.BLOCKED, {ReasonCode.REPLICATION_LAG})


def test_unknown_replication_and_launch_configuration_warn() -> None:
    _, codes = _check(source_server(1, replication_state=None), launch_configured=None)
    assert codes == {ReasonCode.REPLICATION_UNKNOWN, ReasonCode.LAUNCH_CONFIGURATION_UNKNOWN}


def test_missing_launch_configuration_blocks() -> None:
    assert _check(source_server(1), launch_configured=False) == (
        Verdict.BLOCKED,
        {ReasonCode.NO_LAUNCH_CONFIGURATION},
    )


def test_server_missing_from_inventory_is_blocked() -> None:
    assert _check(None) == (Verdict.BLOCKED, {ReasonCode.NOT_IN_INVENTORY})


def _instance(is_drill: bool) -> RecoveryInstance:
    return RecoveryInstance(recovery_instance_id="i-0abc", source_server_id=server_id(1), is_drill=is_drill)


def test_drill_is_blocked_on_a_server_a_real_recovery_launched() -> None:
    recovered = [_instance(is_drill=False)]
    assert _check(source_server(1), instances=recovered) == (
        Verdict.BLOCKED,
        {ReasonCode.RECOVERED_BY_RECOVERY},
    )
    verdict = _check(source_server(1), instances=recovered, mode=ExecutionMode.RECOVERY)[0]
    assert verdict is Verdict.WARNINGS


def test_running_drill_instance_only_warns() -> None:
    assert _check(source_server(1), instances=[_instance(is_drill=True)]) == (
        Verdict.WARNINGS,
        {ReasonCode.DRILL_INSTANCE_RUNNING},
    )


def test_missing_or_old_drill_warns() -> None:
    assert _check(source_server(1), drilled=None)[1] == {ReasonCode.NEVER_DRILLED}
    assert _check(source_server(1), drilled=NOW - timedelta(days=91))[1] == {ReasonCode.DRILL_OUTDATED}


def test_last_drill_is_the_later_of_our_record_and_drs_last_launch() -> None:
    drs_drill = LastLaunch(launch_type=LaunchType.DRILL, status=LaunchStatus.LAUNCHED, initiated_at=RECENT)
    server = source_server(1, last_launch=drs_drill)
    assert last_successful_drill(server, None) == RECENT
    assert last_successful_drill(server, NOW) == NOW
    failed = drs_drill.model_copy(update={"status": LaunchStatus.FAILED})
    assert last_successful_drill(source_server(1, last_launch=failed), None) is None
    recovery = drs_drill.model_copy(update={"launch_type": LaunchType.RECOVERY})
    assert last_successful_drill(source_server(1, last_launch=recovery), None) is None


def _assess(plan_waves: list[Any], membership: dict[str, list[str]], **kwargs: Any) -> Any:
    inventory = {
        s.source_server_id: s for s in kwargs.pop("inventory", [source_server(n) for n in range(1, 5)])
    }
    return assess_plan(
        plan_input(*plan_waves),
        membership,
        inventory=inventory,
        launch_configured=kwargs.pop("launch_configured", dict.fromkeys(inventory, True)),
        recovery_instances=kwargs.pop("recovery_instances", []),
        recorded_drills=kwargs.pop("recorded_drills", dict.fromkeys(inventory, RECENT)),
        mode=ExecutionMode.DRILL,
        now=NOW,
        **kwargs,
    )


def test_plan_is_ready_when_every_wave_is() -> None:
    report = _assess([wave("db"), wave("app", "db")], {"pg-db": [server_id(1)], "pg-app": [server_id(2)]})
    assert report.verdict is Verdict.READY
    assert [(w.wave_id, w.verdict) for w in report.waves] == [("db", Verdict.READY), ("app", Verdict.READY)]
    assert report.waves[0].quota_fit.model_dump() == {
        "serverCount": 1,
        "jobsNeeded": 1,
        "launchRounds": 1,
        "fitsAtOnce": True,
    }


def test_blocked_optional_server_only_warns_its_wave() -> None:
    waves = [wave("db", optional_server_ids=[server_id(2)])]
    report = _assess(
        waves,
        {"pg-db": [server_id(1), server_id(2)]},
        launch_configured={server_id(1): True, server_id(2): False},
    )
    db = report.waves[0]
    assert db.verdict is Verdict.WARNINGS
    assert [r.code for r in db.reasons] == [ReasonCode.OPTIONAL_SERVER_BLOCKED]
    assert {s.source_server_id: (s.impact, s.verdict) for s in db.servers} == {
        server_id(1): (ServerImpact.CRITICAL, Verdict.READY),
        server_id(2): (ServerImpact.OPTIONAL, Verdict.BLOCKED),
    }


def test_blocked_critical_server_blocks_wave_and_plan() -> None:
    report = _assess([wave("db"), wave("app")], {"pg-db": [server_id(9)], "pg-app": [server_id(1)]})
    assert report.verdict is Verdict.BLOCKED
    assert [w.verdict for w in report.waves] == [Verdict.BLOCKED, Verdict.READY]


def test_unknown_group_blocks_and_empty_wave_warns() -> None:
    report = _assess([wave("db"), wave("app")], {"pg-app": []})
    assert [[r.code for r in w.reasons] for w in report.waves] == [
        [ReasonCode.UNKNOWN_PROTECTION_GROUP, ReasonCode.EMPTY_WAVE],
        [ReasonCode.EMPTY_WAVE],
    ]
    assert report.verdict is Verdict.BLOCKED


def test_large_wave_reports_jobs_and_launch_rounds_under_quotas() -> None:
    servers = [source_server(n) for n in range(1, 1201)]
    report = _assess([wave("db")], {"pg-db": [s.source_server_id for s in servers]}, inventory=servers)
    fit = report.waves[0].quota_fit
    assert (fit.server_count, fit.jobs_needed, fit.launch_rounds, fit.fits_at_once) == (1200, 12, 3, False)
    assert report.waves[0].verdict is Verdict.WARNINGS
    assert [r.code for r in report.waves[0].reasons] == [ReasonCode.QUOTA_ROUNDS]
