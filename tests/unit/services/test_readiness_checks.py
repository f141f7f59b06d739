"""Readiness checks against in-memory stores and a listed fleet: small plans answered at once, large
ones handed to the worker and completed by it with progress, and what a reader sees of each."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import pytest

from drs_orchestration.adapters.memory import (
    InMemoryProtectionGroupRepository,
    InMemoryRecoveryPlanRepository,
)
from drs_orchestration.adapters.memory.readiness_checks import (
    InMemoryReadinessCheckRepository,
    RecordingReadinessWorker,
)
from drs_orchestration.domain.errors import Conflict, NotFound
from drs_orchestration.domain.models.drs import DrsTarget, RecoveryInstance, SourceServer
from drs_orchestration.domain.models.execution import ExecutionMode
from drs_orchestration.domain.readiness import ReasonCode, Verdict
from drs_orchestration.domain.readiness_checks import (
    RUN_LIMIT,
    SYNC_SERVER_LIMIT,
    CompletedReadinessCheck,
    FailedReadinessCheck,
    ReadinessCheckStatus,
    RunningReadinessCheck,
)
from drs_orchestration.domain.services.context import Request, Services
from drs_orchestration.domain.services.readiness_checks import (
    ReadinessWorkerUnavailable,
    get_readiness_check,
    run_readiness_check,
    start_readiness_check,
)
from drs_orchestration.domain.services.readiness_reports import validate_plan
from tests.unit.domain.builders import ACCOUNT, REGION, T0, group, plan, server_id, source_server, wave
from tests.unit.services.in_memory import in_memory_services

OTHER_REGION = "eu-west-1"
REQUEST = Request(actor="viewer", now=T0)


class Clock:
    def __init__(self) -> None:
        self.at = T0

    def now(self) -> datetime:
        return self.at


class FleetGateway:
    def __init__(self, fleet: FleetDrs, target: DrsTarget) -> None:
        self.fleet, self.target = fleet, target

    def list_source_servers(self) -> list[SourceServer]:
        return list(self.fleet.servers.get((self.target.account_id, self.target.region), []))

    def launch_configuration_present(self, source_server_ids: Sequence[str]) -> dict[str, bool]:
        if self.fleet.broken:
            raise RuntimeError("DRS is unreachable")
        self.fleet.asked.append(len(source_server_ids))
        return {i: i not in self.fleet.unconfigured for i in source_server_ids}

    def list_recovery_instances(
        self, source_server_ids: Sequence[str] | None = None
    ) -> list[RecoveryInstance]:
        return []


class FleetDrs:
    """DRS listing ``servers`` per (account, Region); every server configured unless named."""

    def __init__(self) -> None:
        self.servers: dict[tuple[str, str], list[SourceServer]] = {}
        self.unconfigured: set[str] = set()
        self.asked: list[int] = []
        self.broken = False

    def for_target(self, target: DrsTarget) -> FleetGateway:
        return FleetGateway(self, target)


def services(size_per_region: int, *, worker: bool = True) -> tuple[Services, FleetDrs]:
    """A plan of two waves: ``size_per_region`` servers in us-east-1, as many in eu-west-1."""
    drs = FleetDrs()
    groups = InMemoryProtectionGroupRepository()
    for index, region in enumerate((REGION, OTHER_REGION)):
        ids = [server_id(index * 10_000 + n) for n in range(size_per_region)]
        drs.servers[(ACCOUNT, region)] = [source_server(index * 10_000 + n) for n in range(size_per_region)]
        groups.create(group(f"pg-{'east' if index == 0 else 'west'}", region=region, source_server_ids=ids))
    plans = InMemoryRecoveryPlanRepository()
    plans.create(plan(wave("east"), wave("west", "east")))
    ports = in_memory_services(
        drs,
        groups=groups,
        plans=plans,
        readiness_checks=InMemoryReadinessCheckRepository(),
        readiness_worker=RecordingReadinessWorker() if worker else None,
    )
    return ports, drs


def worker_of(ports: Services) -> RecordingReadinessWorker:
    assert isinstance(ports.readiness_worker, RecordingReadinessWorker)
    return ports.readiness_worker


def store_of(ports: Services) -> InMemoryReadinessCheckRepository:
    assert isinstance(ports.readiness_checks, InMemoryReadinessCheckRepository)
    return ports.readiness_checks


def test_small_plan_is_checked_at_once_and_stored_when_it_fits_the_sync_limit() -> None:
    # Given a plan of 2 x 50 servers (within the limit), one of them with no launch configuration
    ports, drs = services(50)
    drs.unconfigured.add(server_id(10_007))

    # When a check is started
    check = start_readiness_check(ports, REQUEST, "rp-shop", ExecutionMode.DRILL)

    # Then it is COMPLETED at once, stored, and no worker was needed
    assert isinstance(check, CompletedReadinessCheck)
    assert worker_of(ports).started == []
    assert get_readiness_check(ports, "rp-shop", check.id, T0) == check
    assert check.progress.checked_servers == check.progress.total_servers == 100
    assert check.report.verdict is Verdict.BLOCKED
    west = check.report.waves[1]
    blocked = [s.source_server_id for s in west.servers if s.verdict is Verdict.BLOCKED]
    assert blocked == [server_id(10_007)]
    assert check.expires_at > check.started_at


def test_large_plan_is_handed_to_the_worker_and_completed_with_progress_when_the_worker_runs() -> None:
    # Given a plan of 2 x 300 servers, over the limit
    ports, drs = services(300)
    assert SYNC_SERVER_LIMIT < 600

    # When a check is started
    check = start_readiness_check(ports, REQUEST, "rp-shop", ExecutionMode.RECOVERY)

    # Then it is RUNNING with nothing checked yet, and the worker was asked to run it
    assert isinstance(check, RunningReadinessCheck)
    assert (check.progress.checked_servers, check.progress.total_servers) == (0, 600)
    assert worker_of(ports).started == [check.id]
    assert drs.asked == []

    # When the worker runs it, later
    clock = Clock()
    clock.at = T0 + timedelta(seconds=40)
    run_readiness_check(ports, check.id, clock)

    # Then every server was checked in chunks, progress was told after each, and the report is stored
    done = get_readiness_check(ports, "rp-shop", check.id, clock.at)
    assert isinstance(done, CompletedReadinessCheck)
    assert done.completed_at == clock.at
    assert done.report.mode is ExecutionMode.RECOVERY
    assert [len(w.servers) for w in done.report.waves] == [300, 300]
    assert max(drs.asked) <= 25
    assert sum(drs.asked) == 600
    assert store_of(ports).progress_writes == sorted(store_of(ports).progress_writes)
    assert store_of(ports).progress_writes[-1] == 600
    assert (done.progress.checked_servers, done.progress.total_servers) == (600, 600)


def test_large_plan_answers_503_when_no_worker_is_configured() -> None:
    ports, _ = services(150, worker=False)

    with pytest.raises(ReadinessWorkerUnavailable):
        start_readiness_check(ports, REQUEST, "rp-shop", ExecutionMode.DRILL)


def test_check_is_recorded_failed_when_the_worker_cannot_be_started() -> None:
    ports, _ = services(150)

    class Refusing(RecordingReadinessWorker):
        def start(self, check_id: str) -> None:
            self.started.append(check_id)
            raise RuntimeError("throttled")

    ports = Services(**{**ports.__dict__, "readiness_worker": Refusing()})

    with pytest.raises(ReadinessWorkerUnavailable):
        start_readiness_check(ports, REQUEST, "rp-shop", ExecutionMode.DRILL)
    (check_id,) = worker_of(ports).started
    assert get_readiness_check(ports, "rp-shop", check_id, T0).status is ReadinessCheckStatus.FAILED


def test_unknown_plan_is_not_found_when_a_check_is_started() -> None:
    ports, _ = services(1)

    with pytest.raises(NotFound):
        start_readiness_check(ports, REQUEST, "rp-missing", ExecutionMode.DRILL)


def test_check_of_another_plan_is_not_found_when_read_under_the_wrong_plan() -> None:
    ports, _ = services(1)
    check = start_readiness_check(ports, REQUEST, "rp-shop", ExecutionMode.DRILL)

    with pytest.raises(NotFound):
        get_readiness_check(ports, "rp-other", check.id, T0)
    with pytest.raises(NotFound):
        get_readiness_check(ports, "rp-shop", "rc-00000000000000000", T0)


def test_running_check_is_seen_failed_when_its_worker_has_told_nothing_for_the_run_limit() -> None:
    # Given a check started at T0 whose worker told progress at T0 + 10 min, then fell silent
    ports, _ = services(150)
    check = start_readiness_check(ports, REQUEST, "rp-shop", ExecutionMode.DRILL)
    told = T0 + timedelta(minutes=10)
    store_of(ports).record_progress(check.id, 50, told)

    # When it is read at the run limit after its last word, and a second later
    just_in_time = get_readiness_check(ports, "rp-shop", check.id, told + RUN_LIMIT)
    too_late = get_readiness_check(ports, "rp-shop", check.id, told + RUN_LIMIT + timedelta(seconds=1))

    # Then it is still running at the limit, and FAILED past it (the worker was cut short)
    assert just_in_time.status is ReadinessCheckStatus.RUNNING
    assert just_in_time.progress.checked_servers == 50
    assert isinstance(too_late, FailedReadinessCheck)
    assert too_late.error == "the check stopped: no progress for 15 minutes"
    assert too_late.completed_at == told + RUN_LIMIT


def test_running_check_without_progress_is_seen_failed_when_the_run_limit_passed_since_it_started() -> None:
    ports, _ = services(150)
    check = start_readiness_check(ports, REQUEST, "rp-shop", ExecutionMode.DRILL)

    seen = get_readiness_check(ports, "rp-shop", check.id, T0 + RUN_LIMIT + timedelta(seconds=1))

    assert seen.status is ReadinessCheckStatus.FAILED


def test_worker_records_the_failure_and_raises_when_drs_fails() -> None:
    ports, drs = services(150)
    check = start_readiness_check(ports, REQUEST, "rp-shop", ExecutionMode.DRILL)
    drs.broken = True

    with pytest.raises(RuntimeError):
        run_readiness_check(ports, check.id, Clock())

    failed = get_readiness_check(ports, "rp-shop", check.id, T0)
    assert isinstance(failed, FailedReadinessCheck)
    assert "DRS is unreachable" in failed.error


def test_worker_leaves_an_ended_check_as_it_is_when_the_event_comes_twice() -> None:
    ports, drs = services(150)
    check = start_readiness_check(ports, REQUEST, "rp-shop", ExecutionMode.DRILL)
    run_readiness_check(ports, check.id, Clock())
    asked = len(drs.asked)

    run_readiness_check(ports, check.id, Clock())

    assert len(drs.asked) == asked
    assert get_readiness_check(ports, "rp-shop", check.id, T0).status is ReadinessCheckStatus.COMPLETED


def test_worker_leaves_the_check_to_a_twin_run_that_ended_it_first_when_the_event_came_twice() -> None:
    # Given a check whose twin run (the same event delivered twice) ends it while this run works
    ports, drs = services(150)
    check = start_readiness_check(ports, REQUEST, "rp-shop", ExecutionMode.DRILL)
    assert isinstance(check, RunningReadinessCheck)
    twin = check.failed("ended by the twin", T0)

    class Twin(FleetDrs):
        def for_target(self, target: DrsTarget) -> FleetGateway:
            if get_readiness_check(ports, "rp-shop", check.id, T0).status is ReadinessCheckStatus.RUNNING:
                store_of(ports).finish(twin)
            return super().for_target(target)

    twin_drs = Twin()
    twin_drs.servers = drs.servers
    ports = Services(**{**ports.__dict__, "drs": twin_drs})

    # When this run completes, then the twin's ending stands and this run ends quietly
    run_readiness_check(ports, check.id, Clock())

    assert get_readiness_check(ports, "rp-shop", check.id, T0) == twin


def test_check_that_has_ended_cannot_end_again_when_finished_twice() -> None:
    ports, _ = services(150)
    check = start_readiness_check(ports, REQUEST, "rp-shop", ExecutionMode.DRILL)
    assert isinstance(check, RunningReadinessCheck)
    store_of(ports).finish(check.failed("first", T0))

    with pytest.raises(Conflict):
        store_of(ports).finish(check.failed("second", T0))


def test_validate_answers_at_once_up_to_the_limit_and_refuses_above_it() -> None:
    small, _ = services(SYNC_SERVER_LIMIT // 2)
    large, _ = services(SYNC_SERVER_LIMIT // 2 + 1)

    report = validate_plan(small, "rp-shop", ExecutionMode.DRILL, T0)
    with pytest.raises(Conflict) as refused:
        validate_plan(large, "rp-shop", ExecutionMode.DRILL, T0)

    assert sum(len(w.servers) for w in report.waves) == SYNC_SERVER_LIMIT
    assert ReasonCode.NEVER_DRILLED in {r.code for w in report.waves for s in w.servers for r in s.reasons}
    assert "readiness-checks" in refused.value.message
