"""Re-protect and the failback clean-up against in-memory DRS: a refusal from DRS is that server's
FAILED result (and a FAILED audit record), never the whole request's error; servers whose account and
Region are not recorded are reported, not skipped."""

from __future__ import annotations

from datetime import datetime

import pytest

from drs_orchestration.adapters.memory.failback import InMemoryFailback
from drs_orchestration.adapters.memory.readiness_checks import (
    InMemoryReadinessCheckRepository,
    RecordingReadinessWorker,
)
from drs_orchestration.domain.errors import Conflict
from drs_orchestration.domain.failback_ports import DrsCallRefused
from drs_orchestration.domain.models.audit import AuditOutcome
from drs_orchestration.domain.models.drs import DrsTarget, LaunchStatus, ReplicationState
from drs_orchestration.domain.models.execution import (
    ExecutionHeader,
    ExecutionMode,
    ExecutionStatus,
    ServerState,
    WaveState,
)
from drs_orchestration.domain.models.failback_operations import (
    FailbackInstance,
    FailbackState,
    Origin,
    ReplicatingServer,
)
from drs_orchestration.domain.ports import DrsGateway
from drs_orchestration.domain.readiness_checks import (
    SYNC_SERVER_LIMIT,
    CompletedReadinessCheck,
    RunningReadinessCheck,
)
from drs_orchestration.domain.services.context import Request, Services
from drs_orchestration.domain.services.failback_cleanup import clean_up_failback
from drs_orchestration.domain.services.readiness_checks import run_readiness_check, start_readiness_check
from drs_orchestration.domain.services.readiness_reports import validate_plan
from drs_orchestration.domain.services.reprotect import reprotect_execution
from tests.unit.domain.builders import ACCOUNT, T0, plan, wave
from tests.unit.services.in_memory import in_memory_services

TARGET = DrsTarget(account_id=ACCOUNT, region="us-east-1")
REQUEST = Request(actor="admin", now=T0)


class NoDrs:
    def for_target(self, target: DrsTarget) -> DrsGateway:
        raise AssertionError(f"DRS called for {target}")


def _sid(n: int) -> str:
    return f"s-{n:017d}"


def _iid(n: int) -> str:
    return f"i-{n:017x}"


def _services(failback: InMemoryFailback) -> Services:
    return in_memory_services(
        NoDrs(),
        failback=failback,
        readiness_checks=InMemoryReadinessCheckRepository(),
        readiness_worker=RecordingReadinessWorker(),
    )


def _write(services: Services, execution_id: str, mode: ExecutionMode, servers: list[ServerState]) -> None:
    header = ExecutionHeader(
        id=execution_id,
        plan_id="rp-shop",
        plan_version=1,
        plan_name="a",
        mode=mode,
        status=ExecutionStatus.SUCCEEDED,
        created_at=T0,
        started_by="t",
        plan_snapshot=plan(wave("db")),
        source_execution_id="ex-recovery" if mode is ExecutionMode.FAILBACK else None,
    )
    waves = [WaveState(execution_id=execution_id, wave_id="db", name="db", position=0)]
    services.executions.create(header, waves, servers)


def _server(execution_id: str, n: int, *, target: bool = True, instance: bool = False) -> ServerState:
    return ServerState(
        execution_id=execution_id,
        wave_id="db",
        source_server_id=_sid(n),
        launch_status=LaunchStatus.LAUNCHED,
        recovery_instance_id=_iid(n) if instance else None,
        account_id=ACCOUNT if target else None,
        region="us-east-1" if target else None,
    )


def _fleet(count: int) -> tuple[InMemoryFailback, Services]:
    """``count`` on-premises servers failed back (STOPPED), their recovery instances COMPLETED."""
    failback = InMemoryFailback()
    for n in range(count):
        failback.add_server(
            TARGET,
            ReplicatingServer(
                source_server_id=_sid(n),
                origin=Origin.ON_PREMISES,
                replication_state=ReplicationState.STOPPED,
            ),
        )
        failback.add_instance(
            TARGET,
            FailbackInstance(
                recovery_instance_id=_iid(n),
                source_server_id=_sid(n),
                failback_state=FailbackState.FAILBACK_COMPLETED,
                replication_state="CONTINUOUS",
            ),
        )
    services = _services(failback)
    _write(
        services,
        "ex-recovery",
        ExecutionMode.RECOVERY,
        [_server("ex-recovery", n, instance=True) for n in range(count)],
    )
    _write(services, "ex-failback", ExecutionMode.FAILBACK, [_server("ex-failback", n) for n in range(count)])
    return failback, services


def test_a_refused_start_replication_fails_only_that_server_and_is_audited_as_failed() -> None:
    failback, services = _fleet(3)
    failback.refusals[("StartReplication", _sid(1))] = DrsCallRefused("AccessDeniedException", "not allowed")
    results = {r.source_server_id: r for r in reprotect_execution(services, REQUEST, "ex-failback").items}
    assert [results[_sid(n)].status.value for n in range(3)] == ["REPROTECTED", "FAILED", "REPROTECTED"]
    assert results[_sid(1)].message == "not allowed"
    audit = services.audit.list(resource_id="ex-failback").items
    outcomes = sorted(
        (r.details["sourceServerId"], r.outcome) for r in audit if r.action == "ReprotectServer"
    )
    assert outcomes == [
        (_sid(0), AuditOutcome.SUCCEEDED),
        (_sid(1), AuditOutcome.FAILED),
        (_sid(2), AuditOutcome.SUCCEEDED),
    ]


def test_a_server_whose_target_is_not_recorded_is_reported_failed() -> None:
    failback, services = _fleet(1)
    _write(services, "ex-old", ExecutionMode.FAILBACK, [_server("ex-old", 0, target=False)])
    (result,) = reprotect_execution(services, REQUEST, "ex-old").items
    assert (result.status.value, result.message) == (
        "FAILED",
        "its account and Region are not recorded on the run",
    )
    assert failback.calls == []


def test_cleanup_disconnects_every_instance_once_and_a_refusal_is_that_servers_failure() -> None:
    failback, services = _fleet(20)
    failback.refusals[("DisconnectRecoveryInstance", _iid(7))] = DrsCallRefused(
        "ConflictException", "in a job"
    )
    results = {r.source_server_id: r for r in clean_up_failback(services, REQUEST, "ex-failback").items}
    assert results[_sid(7)].status.value == "FAILED"
    assert {r.status.value for s, r in results.items() if s != _sid(7)} == {"CLEANED_UP"}
    assert sorted(failback.calls) == sorted(("DisconnectRecoveryInstance", _iid(n)) for n in range(20))
    again = {
        r.source_server_id: r.status.value for r in clean_up_failback(services, REQUEST, "ex-failback").items
    }
    assert again[_sid(7)] == "FAILED"
    assert {status for server, status in again.items() if server != _sid(7)} == {"ALREADY_CLEAN"}


class _Clock:
    def now(self) -> datetime:
        return T0


def test_a_large_failback_readiness_check_runs_in_the_worker_for_the_source_runs_servers() -> None:
    # Given a recovery of more servers than are checked within a request, every one already failed back
    _, services = _fleet(SYNC_SERVER_LIMIT + 1)
    services.plans.create(plan(wave("db")))
    # When a failback check of it starts
    started = start_readiness_check(services, REQUEST, "rp-shop", ExecutionMode.FAILBACK, "ex-recovery")
    # Then the worker takes it, and its report blocks every server as already failed back
    assert isinstance(started, RunningReadinessCheck)
    assert started.progress.total_servers == SYNC_SERVER_LIMIT + 1
    assert isinstance(services.readiness_worker, RecordingReadinessWorker)
    assert services.readiness_worker.started == [started.id]
    run_readiness_check(services, started.id, _Clock())
    assert services.readiness_checks is not None
    done = services.readiness_checks.get(started.id)
    assert isinstance(done, CompletedReadinessCheck)
    assert (done.source_execution_id, done.report.mode, done.report.verdict.value) == (
        "ex-recovery",
        ExecutionMode.FAILBACK,
        "BLOCKED",
    )
    codes = {r.code.value for w in done.report.waves for s in w.servers for r in s.reasons}
    assert codes == {"ALREADY_FAILED_BACK"}


def test_validate_of_a_failback_answers_at_once_only_up_to_the_synchronous_limit() -> None:
    # Given a recovery of one server more than a request checks, and one of the limit
    _, large = _fleet(SYNC_SERVER_LIMIT + 1)
    _, small = _fleet(SYNC_SERVER_LIMIT)
    for services in (large, small):
        services.plans.create(plan(wave("db")))
    # When each is validated for a FAILBACK
    # Then the large one is a conflict pointing at a readiness check, the small one the report itself
    with pytest.raises(Conflict, match="readiness-checks"):
        validate_plan(large, "rp-shop", ExecutionMode.FAILBACK, T0, source_execution_id="ex-recovery")
    report = validate_plan(small, "rp-shop", ExecutionMode.FAILBACK, T0, source_execution_id="ex-recovery")
    assert (report.mode, report.verdict.value) == (ExecutionMode.FAILBACK, "BLOCKED")
    assert sum(len(w.servers) for w in report.waves) == SYNC_SERVER_LIMIT
