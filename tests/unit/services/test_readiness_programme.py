"""The account-wide readiness scan against in-memory stores and a listed fleet: what it reads (every
target, a few at a time; each plan's last drill), what it keeps, and what a reader gets."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from drs_orchestration.adapters.memory import (
    InMemoryProtectionGroupRepository,
    InMemoryRecoveryPlanRepository,
)
from drs_orchestration.adapters.memory.readiness_scans import (
    InMemoryReadinessScanRepository,
    RecordingReadinessScanner,
)
from drs_orchestration.domain.models.account import TargetAccount
from drs_orchestration.domain.models.drs import DrsTarget, SourceServer
from drs_orchestration.domain.models.execution import (
    ExecutionHeader,
    ExecutionMode,
    ExecutionStatus,
    ServerState,
    WaveState,
)
from drs_orchestration.domain.readiness_programme import FindingCode
from drs_orchestration.domain.services.context import Request, Services
from drs_orchestration.domain.services.readiness_programme import (
    TARGET_READS,
    ReadinessScansUnavailable,
    ScanSettings,
    get_readiness,
    request_readiness_scan,
    scan_readiness,
)
from tests.unit.domain.builders import ACCOUNT, REGION, T0, group, plan, server_id, source_server, wave
from tests.unit.services.in_memory import in_memory_services

NOW = T0 + timedelta(days=10)
LOCKED = "999988887777"


class Gateway:
    def __init__(self, fleet: Fleet, target: DrsTarget) -> None:
        self.fleet, self.target = fleet, target

    def list_source_servers(self) -> list[SourceServer]:
        with self.fleet.lock:
            self.fleet.reading += 1
            self.fleet.peak = max(self.fleet.peak, self.fleet.reading)
            if self.fleet.reading > 1:
                self.fleet.side_by_side.set()
        if self.fleet.wait_for_company:  # the first read waits for a second one to start
            self.fleet.side_by_side.wait(timeout=5)
        with self.fleet.lock:
            self.fleet.reading -= 1
            self.fleet.read.append((self.target.account_id, self.target.region))
        if self.target.account_id == LOCKED:
            raise PermissionError("not authorized to perform: sts:AssumeRole")
        return list(self.fleet.servers.get((self.target.account_id, self.target.region), []))


class Fleet:
    def __init__(self) -> None:
        self.servers: dict[tuple[str, str], list[SourceServer]] = {}
        self.lock = threading.Lock()
        self.reading = self.peak = 0
        self.read: list[tuple[str, str]] = []
        self.side_by_side = threading.Event()
        self.wait_for_company = False

    def for_target(self, target: DrsTarget) -> Gateway:
        return Gateway(self, target)


def account(account_id: str, *regions: str) -> TargetAccount:
    return TargetAccount(
        account_id=account_id,
        name=f"acct-{account_id[-4:]}",
        role_arn=f"arn:aws:iam::{account_id}:role/drs-orchestration/target",
        external_id="external-id-1234",
        regions=list(regions),
        created_at=T0,
        created_by="admin",
        updated_at=T0,
        updated_by="admin",
    )


def services(*, scanner: bool = True) -> tuple[Services, Fleet]:
    fleet = Fleet()
    fleet.servers[(ACCOUNT, REGION)] = [source_server(1, {"App": "shop"}), source_server(2)]
    groups = InMemoryProtectionGroupRepository()
    groups.create(group(source_server_ids=[], tag_selector={"App": ["shop"]}))
    plans = InMemoryRecoveryPlanRepository()
    plans.create(plan(wave("web")))
    ports = in_memory_services(
        fleet,
        groups=groups,
        plans=plans,
        readiness_scans=InMemoryReadinessScanRepository(),
        readiness_scanner=RecordingReadinessScanner() if scanner else None,
    )
    return ports, fleet


def record_drill(ports: Services, status: ExecutionStatus, servers: list[str], ended_days_ago: int) -> str:
    ended = NOW - timedelta(days=ended_days_ago)
    execution_id = f"ex-{status.value.lower()}{ended_days_ago}"
    header = ExecutionHeader(
        id=execution_id,
        plan_id="rp-shop",
        plan_version=1,
        plan_name="shop-dr",
        mode=ExecutionMode.DRILL,
        status=status,
        created_at=ended - timedelta(hours=1),
        started_at=ended - timedelta(hours=1),
        ended_at=ended,
        started_by="operator",
        plan_snapshot=plan(wave("web")),
    )
    waves = [WaveState(execution_id=execution_id, wave_id="web", name="Web", position=0)]
    states = [ServerState(execution_id=execution_id, wave_id="web", source_server_id=s) for s in servers]
    ports.executions.create(header, waves, states)
    return execution_id


def test_scan_reports_the_unprotected_server_and_keeps_the_result_when_run() -> None:
    ports, _ = services()
    record_drill(ports, ExecutionStatus.SUCCEEDED, [server_id(1)], ended_days_ago=2)

    result = scan_readiness(ports, NOW)

    assert [(f.code, f.resource_id) for f in result.findings] == [
        (FindingCode.UNPROTECTED_SERVER, server_id(2))
    ]
    view = get_readiness(ports, NOW)
    assert (view.score, view.checked_at, view.findings) == (95, NOW, result.findings)
    assert [(day.date, day.score) for day in view.history] == [(NOW.date(), 95)]


def test_scan_compares_the_selection_with_the_last_drills_servers_and_flags_its_failure() -> None:
    ports, fleet = services()
    record_drill(ports, ExecutionStatus.SUCCEEDED, [server_id(1)], ended_days_ago=5)
    failed = record_drill(ports, ExecutionStatus.FAILED, [server_id(1), server_id(3)], ended_days_ago=1)
    fleet.servers[(ACCOUNT, REGION)].append(source_server(4, {"App": "shop"}))  # tagged after the drill

    result = scan_readiness(ports, NOW)

    by_code = {f.code: f for f in result.findings if f.resource_id == "rp-shop"}
    assert set(by_code) == {FindingCode.SELECTION_DRIFT, FindingCode.LAST_DRILL_FAILED}
    assert f"1 joined ({server_id(4)})" in by_code[FindingCode.SELECTION_DRIFT].message
    assert f"1 left ({server_id(3)})" in by_code[FindingCode.SELECTION_DRIFT].message
    assert failed in by_code[FindingCode.LAST_DRILL_FAILED].message


def test_scan_reads_every_registered_target_a_few_at_a_time_and_reports_the_unreachable_one() -> None:
    ports, fleet = services()
    regions = [f"eu-west-{n}" for n in (1, 2, 3)] + [f"ap-south-{n}" for n in (1, 2)]
    ports.accounts.create(account("444455556666", *regions))
    ports.accounts.create(account(LOCKED, "us-east-2"))
    fleet.wait_for_company = True

    result = scan_readiness(ports, NOW, ScanSettings(home_regions=("us-west-2",)))

    assert sorted(fleet.read) == sorted(
        [(ACCOUNT, REGION), (ACCOUNT, "us-west-2"), (LOCKED, "us-east-2")]
        + [("444455556666", region) for region in regions]
    )
    assert 1 < fleet.peak <= TARGET_READS
    unreachable = [f for f in result.findings if f.code is FindingCode.ACCOUNT_UNREACHABLE]
    assert [f.resource_id for f in unreachable] == [LOCKED]
    assert "sts:AssumeRole" in unreachable[0].message


def test_a_later_scan_of_the_day_replaces_its_result_and_history_has_one_score_a_day() -> None:
    ports, fleet = services()
    record_drill(ports, ExecutionStatus.SUCCEEDED, [server_id(1)], ended_days_ago=2)
    scan_readiness(ports, NOW - timedelta(days=1))
    scan_readiness(ports, NOW)
    fleet.servers[(ACCOUNT, REGION)].pop()  # the unprotected server is gone
    scan_readiness(ports, NOW + timedelta(hours=1))

    view = get_readiness(ports, NOW + timedelta(hours=2))

    assert view.score == 100
    assert view.findings == []
    assert [(day.date, day.score) for day in view.history] == [
        ((NOW - timedelta(days=1)).date(), 95),
        (NOW.date(), 100),
    ]


def test_readiness_before_any_scan_has_no_score_when_read() -> None:
    ports, _ = services()

    view = get_readiness(ports, NOW)

    assert (view.score, view.checked_at, view.findings, view.history) == (None, None, [], [])


def test_on_demand_scan_is_handed_to_the_scanner_with_who_asked() -> None:
    ports, fleet = services()

    accepted = request_readiness_scan(ports, Request(actor="operator", now=NOW))

    assert isinstance(ports.readiness_scanner, RecordingReadinessScanner)
    assert ports.readiness_scanner.requested_by == ["operator"]
    assert (accepted.requested_at, accepted.requested_by) == (NOW, "operator")
    assert fleet.read == []  # nothing is scanned within the request


def test_on_demand_scan_is_unavailable_when_no_scanner_is_configured() -> None:
    ports, _ = services(scanner=False)

    with pytest.raises(ReadinessScansUnavailable):
        request_readiness_scan(ports, Request(actor="operator", now=NOW))
