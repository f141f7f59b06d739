"""Readiness checks in DynamoDB (table from the template, under moto): a report larger than one item
comes back whole, progress reads back while RUNNING, and a check ends once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import boto3
import pytest

from drs_orchestration.adapters.dynamodb.dynamodb_readiness_check_repository import (
    SERVER_CHUNK,
    DynamoDBReadinessCheckRepository,
)
from drs_orchestration.domain.errors import Conflict, NotFound
from drs_orchestration.domain.models.execution import ExecutionMode, ServerImpact
from drs_orchestration.domain.readiness import (
    PlanReadiness,
    ReadinessReason,
    ReasonCode,
    ServerReadiness,
    Severity,
    Verdict,
    WaveQuotaFit,
    WaveReadiness,
)
from drs_orchestration.domain.readiness_checks import (
    CHECK_RETENTION,
    ReadinessCheckStatus,
    ReadinessProgress,
    RunningReadinessCheck,
)
from tests.integration.adapters.contract import REGION

T0 = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)
WARNING = ReadinessReason(
    code=ReasonCode.NEVER_DRILLED, severity=Severity.WARNING, message="never drilled " * 8
)


@pytest.fixture
def store(tables: dict[str, str]) -> DynamoDBReadinessCheckRepository:
    client = boto3.client("dynamodb", region_name=REGION)
    return DynamoDBReadinessCheckRepository(client, tables["READINESS_CHECKS_TABLE"])


def running(total: int) -> RunningReadinessCheck:
    return RunningReadinessCheck(
        id="rc-0123456789abcdef0",
        plan_id="rp-big",
        mode=ExecutionMode.DRILL,
        started_at=T0,
        started_by="viewer",
        expires_at=T0 + CHECK_RETENTION,
        progress=ReadinessProgress(checked_servers=0, total_servers=total),
    )


def wave(wave_id: str, count: int, first: int) -> WaveReadiness:
    servers = [
        ServerReadiness(
            source_server_id=f"s-{first + n:017d}",
            impact=ServerImpact.CRITICAL,
            verdict=Verdict.WARNINGS,
            reasons=[WARNING, WARNING],
            replication_state=None,
            lag_seconds=12,
            last_successful_drill_at=None,
        )
        for n in range(count)
    ]
    fit = WaveQuotaFit(
        server_count=count, jobs_needed=(count + 99) // 100, launch_rounds=1, fits_at_once=True
    )
    return WaveReadiness(
        wave_id=wave_id, verdict=Verdict.WARNINGS, reasons=[WARNING], quota_fit=fit, servers=servers
    )


def test_report_of_thousands_of_servers_comes_back_whole_when_the_check_completes(
    store: DynamoDBReadinessCheckRepository,
) -> None:
    # Given a running check of 2,500 servers (far over 400 KB as one item)
    check = running(2500)
    store.create(check)
    report = PlanReadiness(
        mode=ExecutionMode.DRILL,
        checked_at=T0,
        verdict=Verdict.WARNINGS,
        waves=[wave("db", 2 * SERVER_CHUNK + 1, 0), wave("web", 2500 - 2 * SERVER_CHUNK - 1, 10_000)],
    )
    assert len(report.model_dump_json()) > 400 * 1024

    # When progress is told and then the check completes
    store.record_progress(check.id, 1200, T0 + timedelta(seconds=30))
    seen = store.get(check.id)
    done = check.completed(report, T0 + timedelta(minutes=2))
    store.finish(done)

    # Then progress read back while running, and the completed check is exactly what was stored
    assert seen.status is ReadinessCheckStatus.RUNNING
    assert seen.progress.checked_servers == 1200
    assert seen.progress.updated_at == T0 + timedelta(seconds=30)
    assert store.get(check.id) == done


def test_check_ends_once_and_takes_no_progress_after_when_finished(
    store: DynamoDBReadinessCheckRepository,
) -> None:
    check = running(10)
    store.create(check)
    failed = check.failed("DRS is unreachable", T0 + timedelta(minutes=1))
    store.finish(failed)

    store.record_progress(check.id, 5, T0 + timedelta(minutes=2))
    with pytest.raises(Conflict):
        store.finish(
            check.completed(
                PlanReadiness(mode=ExecutionMode.DRILL, checked_at=T0, verdict=Verdict.READY, waves=[]), T0
            )
        )
    with pytest.raises(Conflict):
        store.create(check)

    assert store.get(check.id) == failed


def test_unknown_check_is_not_found_when_read(store: DynamoDBReadinessCheckRepository) -> None:
    with pytest.raises(NotFound):
        store.get("rc-00000000000000000")
