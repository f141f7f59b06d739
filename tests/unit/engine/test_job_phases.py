"""The "DRS phase" of each server in flight, read from its job's log: where it is and since when,
at most one DescribeJobLogItems per running job and poll interval, and a server written only when
its phase changed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from drs_orchestration.adapters.memory.drs import InMemoryDrs, InMemoryDrsGateway
from drs_orchestration.domain.engine.job_phases import current_phases
from drs_orchestration.domain.models.drs import DrsPhase, DrsPhaseSince, DrsTarget, JobLogItem
from drs_orchestration.domain.models.execution import ServerState
from tests.unit.domain.builders import T0, server_id
from tests.unit.engine.test_launch_lease import TARGET, Account


def _item(event: str, at: datetime, server: int | None = 0) -> JobLogItem:
    return JobLogItem(
        job_id="drsjob-1", event=event, at=at, source_server_id=None if server is None else server_id(server)
    )


def test_a_servers_phase_is_its_last_phase_started_and_a_retried_phase_keeps_its_first_start() -> None:
    at = [T0 + timedelta(minutes=m) for m in range(8)]
    log = [
        _item("JOB_START", at[0], server=None),
        _item("CLEANUP_START", at[1]),
        _item("CLEANUP_END", at[2]),
        _item("SNAPSHOT_START", at[2]),
        _item("USING_PREVIOUS_SNAPSHOT", at[1], server=1),
        _item("SNAPSHOT_END", at[3]),
        _item("CONVERSION_START", at[3]),
        _item("CONVERSION_START", at[5]),  # a second attempt of the same phase
        _item("LAUNCH_START", at[6], server=2),
        _item("LAUNCH_FAILED", at[7], server=2),
    ]

    assert current_phases(log) == {
        server_id(0): DrsPhaseSince(phase=DrsPhase.CONVERSION, since=at[3]),
        server_id(1): DrsPhaseSince(phase=DrsPhase.SNAPSHOT, since=at[1]),
        server_id(2): DrsPhaseSince(phase=DrsPhase.LAUNCH, since=at[6]),
    }


class LoggedDrs(InMemoryDrs):
    """In-memory DRS whose job logs a test writes (per server), counting each log read."""

    def __init__(self) -> None:
        super().__init__()
        self.server_log: dict[str, list[tuple[str, datetime]]] = {}
        self.log_reads: list[str] = []

    def for_target(self, target: DrsTarget) -> InMemoryDrsGateway:
        return LoggedGateway(self, target)

    def log(self, servers: Sequence[int], event: str, at: datetime) -> None:
        for n in servers:
            self.server_log.setdefault(server_id(n), []).append((event, at))


class LoggedGateway(InMemoryDrsGateway):
    drs: LoggedDrs

    def describe_job_log_items(self, job_id: str) -> list[JobLogItem]:
        self.drs.log_reads.append(job_id)
        (job,) = self.describe_jobs([job_id])
        return [
            JobLogItem(job_id=job_id, event=event, at=at, source_server_id=p.source_server_id)
            for p in job.participating_servers
            for event, at in self.drs.server_log.get(p.source_server_id, [])
        ]


def _account() -> tuple[Account, LoggedDrs]:
    account = Account()
    drs = LoggedDrs()
    account.drs = drs
    account.ports = replace(account.ports, drs=drs)
    return account, drs


def _phases(account: Account, execution_id: str) -> dict[str, DrsPhase | None]:
    servers: list[ServerState] = account.executions.get_servers(execution_id)
    return {s.source_server_id: s.drs_phase.phase if s.drs_phase else None for s in servers}


def test_servers_in_flight_show_their_phase_read_once_per_job_and_poll_interval() -> None:
    # Given a drill of 150 servers, launched at T0 in two DRS jobs (100 + 50)
    account, drs = _account()
    run = account.run("ex-a", range(150))
    account.tick(run, T0)
    assert drs.log_reads == []
    drs.log(range(150), "SNAPSHOT_START", T0 + timedelta(seconds=20))

    # When the run is woken three times within one poll interval
    for seconds in (25, 26, 40):
        account.tick(run, T0 + timedelta(seconds=seconds))

    # Then each job's log was read once, and every server shows the snapshot since when DRS began it
    assert len(drs.log_reads) == 2
    assert set(_phases(account, run).values()) == {DrsPhase.SNAPSHOT}
    (server,) = [s for s in account.executions.get_servers(run) if s.source_server_id == server_id(7)]
    assert server.drs_phase == DrsPhaseSince(phase=DrsPhase.SNAPSHOT, since=T0 + timedelta(seconds=20))

    # When one server moves on and the poll interval has passed
    drs.log([7], "CONVERSION_START", T0 + timedelta(seconds=50))
    account.tick(run, T0 + timedelta(seconds=60))

    # Then the logs are read again (one read a job) and only that server changed
    assert len(drs.log_reads) == 4
    phases = _phases(account, run)
    assert phases.pop(server_id(7)) is DrsPhase.CONVERSION
    assert set(phases.values()) == {DrsPhase.SNAPSHOT}


def test_a_job_whose_servers_finished_is_read_once_more_for_the_phase_they_ended_in_and_then_never() -> None:
    # Given a job of 10 servers last read while they converted
    account, drs = _account()
    run = account.run("ex-a", range(10))
    account.tick(run, T0)
    drs.log(range(10), "CONVERSION_START", T0 + timedelta(seconds=10))
    account.tick(run, T0 + timedelta(seconds=30))
    assert len(drs.log_reads) == 1
    assert set(_phases(account, run).values()) == {DrsPhase.CONVERSION}

    # When they launch (server 9 fails in its launch) and DRS reports it within the poll interval
    drs.log(range(10), "LAUNCH_START", T0 + timedelta(seconds=35))
    drs.finish_jobs(TARGET, failed=[server_id(9)])
    account.tick(run, T0 + timedelta(seconds=40))

    # Then the job's log is read on that tick and each server keeps the phase it ended in
    assert len(drs.log_reads) == 2
    assert set(_phases(account, run).values()) == {DrsPhase.LAUNCH}
    # and, the job done, its log is never read again
    for minutes in (2, 5, 10):
        account.tick(run, T0 + timedelta(minutes=minutes))
    assert len(drs.log_reads) == 2
