"""The account-wide readiness (pure): one behaviour per finding code, and the score's formula."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from drs_orchestration.domain.models.drs import ReplicationState
from drs_orchestration.domain.models.execution import ExecutionHeader, ExecutionMode, ExecutionStatus
from drs_orchestration.domain.readiness_programme import (
    DrillFacts,
    Finding,
    FindingCode,
    FindingSeverity,
    ProgrammeQuotas,
    ProgrammeThresholds,
    ReadinessResult,
    TargetScan,
    assess_programme,
    score_of,
)
from tests.unit.domain.builders import ACCOUNT, REGION, T0, group, plan, server_id, source_server, wave

NOW = T0 + timedelta(days=100)
OTHER_ACCOUNT = "444455556666"


def drill(
    status: ExecutionStatus = ExecutionStatus.SUCCEEDED, ended_days_ago: int = 1, **extra: Any
) -> ExecutionHeader:
    ended = NOW - timedelta(days=ended_days_ago)
    return ExecutionHeader(
        id="ex-1",
        plan_id="rp-shop",
        plan_version=1,
        plan_name="shop-dr",
        mode=ExecutionMode.DRILL,
        status=status,
        created_at=ended - timedelta(hours=1),
        started_at=ended - timedelta(hours=1),
        ended_at=ended,
        started_by="op",
        plan_snapshot=plan(wave("web")),
        **extra,
    )


def recent(drilled: set[str]) -> DrillFacts:
    return DrillFacts(
        last_drill=drill(), drilled_server_ids=frozenset(drilled), last_success_at=NOW - timedelta(days=1)
    )


def assess(
    scans: list[TargetScan], groups: list[Any], plans: list[Any], drills: dict[str, DrillFacts], **kw: Any
) -> ReadinessResult:
    return assess_programme(scans=scans, groups=groups, plans=plans, drills=drills, now=NOW, **kw)


def codes(result: ReadinessResult) -> list[tuple[FindingCode, FindingSeverity, str]]:
    return [(f.code, f.severity, f.resource_id) for f in result.findings]


def test_a_clean_programme_scores_100_when_nothing_is_found() -> None:
    scan = TargetScan(ACCOUNT, REGION, [source_server(1)])
    result = assess([scan], [group()], [plan(wave("web"))], {"rp-shop": recent({server_id(1)})})

    assert result.findings == []
    assert result.score == 100
    assert result.checked_at == NOW


def test_server_in_no_group_is_unprotected_when_drs_lists_it() -> None:
    scan = TargetScan(ACCOUNT, REGION, [source_server(1), source_server(2, hostname="new-box")])
    result = assess([scan], [group()], [], {})

    assert codes(result) == [(FindingCode.UNPROTECTED_SERVER, FindingSeverity.MEDIUM, server_id(2))]
    assert "new-box" in result.findings[0].message


def test_tag_selected_servers_that_joined_or_left_since_the_last_drill_are_drift() -> None:
    shop = group(source_server_ids=[], tag_selector={"App": ["shop"]})
    scan = TargetScan(ACCOUNT, REGION, [source_server(1, {"App": "shop"}), source_server(3, {"App": "shop"})])
    # the last drill ran servers 1 and 2; server 2 lost its tag (gone from the inventory), server 3 got it
    result = assess([scan], [shop], [plan(wave("web"))], {"rp-shop": recent({server_id(1), server_id(2)})})

    assert codes(result) == [(FindingCode.SELECTION_DRIFT, FindingSeverity.MEDIUM, "rp-shop")]
    message = result.findings[0].message
    assert f"1 joined ({server_id(3)})" in message
    assert f"1 left ({server_id(2)})" in message


def test_no_drift_is_reported_when_a_target_of_the_plan_could_not_be_read() -> None:
    shop = group(source_server_ids=[], tag_selector={"App": ["shop"]})
    scan = TargetScan(ACCOUNT, REGION, error="AccessDenied")
    result = assess([scan], [shop], [plan(wave("web"))], {"rp-shop": recent({server_id(1)})})

    assert FindingCode.SELECTION_DRIFT not in {f.code for f in result.findings}


def test_replication_not_continuous_or_lagging_is_unhealthy_with_its_severity() -> None:
    servers = [
        source_server(1, replication_state=ReplicationState.STALLED),
        source_server(2, replication_state=ReplicationState.INITIAL_SYNC),
        source_server(3, replication_state=ReplicationState.BACKLOG),
        source_server(4, lag_seconds=901),
        source_server(5, lag_seconds=899),
        source_server(6, replication_state=ReplicationState.STALLED),  # unprotected: reported as such only
    ]
    members = group(source_server_ids=[server_id(n) for n in range(1, 6)])
    result = assess(
        [TargetScan(ACCOUNT, REGION, servers)],
        [members],
        [],
        {},
        thresholds=ProgrammeThresholds(lag_threshold_seconds=900),
    )

    unhealthy = [
        (f.severity, f.resource_id) for f in result.findings if f.code is FindingCode.REPLICATION_UNHEALTHY
    ]
    assert unhealthy == [
        (FindingSeverity.HIGH, server_id(1)),
        (FindingSeverity.MEDIUM, server_id(2)),
        (FindingSeverity.LOW, server_id(3)),
        (FindingSeverity.MEDIUM, server_id(4)),
    ]
    lagging = [f for f in result.findings if f.resource_id == server_id(4)]
    assert "901 s" in lagging[0].message


def test_plan_not_drilled_successfully_within_the_days_is_stale() -> None:
    scan = TargetScan(ACCOUNT, REGION, [source_server(1)])
    old = DrillFacts(
        last_drill=drill(ended_days_ago=31),
        drilled_server_ids=frozenset({server_id(1)}),
        last_success_at=NOW - timedelta(days=31),
    )
    never = assess([scan], [group()], [plan(wave("web"))], {})
    stale = assess([scan], [group()], [plan(wave("web"))], {"rp-shop": old})
    fresh = assess(
        [scan],
        [group()],
        [plan(wave("web"))],
        {"rp-shop": old},
        thresholds=ProgrammeThresholds(stale_drill_days=40),
    )

    assert codes(never) == [(FindingCode.STALE_DRILL, FindingSeverity.MEDIUM, "rp-shop")]
    assert "never" in never.findings[0].message
    assert codes(stale) == [(FindingCode.STALE_DRILL, FindingSeverity.MEDIUM, "rp-shop")]
    assert "31 days ago" in stale.findings[0].message
    assert fresh.findings == []


def test_plan_whose_last_drill_failed_is_reported_when_it_ended_failed() -> None:
    scan = TargetScan(ACCOUNT, REGION, [source_server(1)])
    failed = DrillFacts(
        last_drill=drill(ExecutionStatus.FAILED, status_reason="wave web failed"),
        drilled_server_ids=frozenset({server_id(1)}),
        last_success_at=NOW - timedelta(days=2),
    )
    result = assess([scan], [group()], [plan(wave("web"))], {"rp-shop": failed})

    assert codes(result) == [(FindingCode.LAST_DRILL_FAILED, FindingSeverity.HIGH, "rp-shop")]
    assert "wave web failed" in result.findings[0].message


def test_quota_headroom_is_reported_per_account_and_region_against_the_plans_size() -> None:
    quotas = ProgrammeQuotas(max_servers_in_active_jobs=3, max_source_servers=10, max_replicating_servers=4)
    servers = [source_server(n) for n in range(1, 10)]
    big = group(source_server_ids=[server_id(n) for n in range(1, 6)])
    rest = group("pg-rest", source_server_ids=[server_id(n) for n in range(6, 10)])
    plans = [plan(wave("web")), plan(wave("rest"), id="rp-rest", name="rest-dr")]
    result = assess(
        [TargetScan(ACCOUNT, REGION, servers)],
        [big, rest],
        plans,
        {p.id: recent(set()) for p in plans},
        quotas=quotas,
    )

    headroom = [(f.severity, f.message) for f in result.findings if f.code is FindingCode.QUOTA_HEADROOM]
    assert {f.resource_id for f in result.findings if f.code is FindingCode.QUOTA_HEADROOM} == {
        f"{ACCOUNT}/{REGION}"
    }
    severities = sorted(s for s, _ in headroom)
    # shop-dr: 5 servers > 4 replicating (HIGH) and its wave of 5 > 3 in active jobs (MEDIUM); rest-dr's
    # wave of 4 > 3 (MEDIUM); the account has 9 of 10 source servers and 9 replicating (LOW each)
    assert severities == sorted(
        [
            FindingSeverity.HIGH,
            FindingSeverity.MEDIUM,
            FindingSeverity.MEDIUM,
            FindingSeverity.LOW,
            FindingSeverity.LOW,
        ]
    )
    assert any("2 rounds" in message for _, message in headroom)


def test_registered_account_that_cannot_be_read_is_unreachable() -> None:
    scans = [
        TargetScan(ACCOUNT, REGION, [source_server(1)]),
        TargetScan(OTHER_ACCOUNT, "eu-west-1", error="not authorized to perform sts:AssumeRole"),
    ]
    result = assess(scans, [group()], [], {})

    assert codes(result) == [(FindingCode.ACCOUNT_UNREACHABLE, FindingSeverity.HIGH, OTHER_ACCOUNT)]
    assert "sts:AssumeRole" in result.findings[0].message


def test_score_takes_the_severity_weights_off_100_and_stops_at_0() -> None:
    def finding(severity: FindingSeverity) -> Finding:
        return Finding(code=FindingCode.STALE_DRILL, severity=severity, resource_id="rp-x", message="m")

    assert score_of([]) == 100
    assert (
        score_of(
            [finding(FindingSeverity.HIGH), finding(FindingSeverity.MEDIUM), finding(FindingSeverity.LOW)]
        )
        == 79
    )
    assert score_of([finding(FindingSeverity.HIGH)] * 7) == 0
