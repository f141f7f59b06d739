"""One account's DRS quotas shared by concurrent runs: the launch lease, DRS refusals as waiting, and
batches that never started when their wave is retried."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

import pytest

from drs_orchestration.adapters.memory.drs import InMemoryDrs
from drs_orchestration.adapters.memory.repositories import (
    InMemoryExecutionRepository,
    InMemoryProtectionGroupRepository,
)
from drs_orchestration.domain.engine.context import EXECUTION_TAG, EngineConfig, EnginePorts
from drs_orchestration.domain.engine.engine import advance, initialize
from drs_orchestration.domain.engine.ports import Ec2Gateway, Notification, SsmGateway
from drs_orchestration.domain.models.drs import DrsTarget
from drs_orchestration.domain.models.execution import (
    BatchStatus,
    EventType,
    ExecutionEvent,
    ExecutionStatus,
    LaunchBatch,
    WaveState,
    WaveStatus,
)
from drs_orchestration.domain.models.operator_requests import OperatorRequest, RequestType
from drs_orchestration.domain.ports import iterate_pages
from tests.unit.domain.builders import ACCOUNT, REGION, T0, group, header, plan, server_id, wave

TARGET = DrsTarget(account_id=ACCOUNT, region=REGION)


class NoInstanceChecks:
    """The plans here have no health checks or actions: EC2 and SSM are never reached."""

    def ec2(self, target: DrsTarget) -> Ec2Gateway:
        raise AssertionError("no health check in these plans")

    def ssm(self, target: DrsTarget) -> SsmGateway:
        raise AssertionError("no action in these plans")


class Published:
    def __init__(self) -> None:
        self.messages: list[Notification] = []

    def publish(self, notification: Notification) -> None:
        self.messages.append(notification)


class Clock:
    """The lease store's clock, which a test sets (real time passes between a tick's start and the
    moment it takes the lease)."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


class Account:
    """Runs of one account and Region on the in-memory twins."""

    def __init__(self) -> None:
        self.clock = Clock(T0)
        self.executions = InMemoryExecutionRepository(clock=self.clock)
        self.groups = InMemoryProtectionGroupRepository()
        self.drs = InMemoryDrs()
        self.ports = EnginePorts(
            executions=self.executions,
            groups=self.groups,
            drs=self.drs,
            targets=NoInstanceChecks(),
            notifier=Published(),
        )
        self.config = EngineConfig()

    def run(self, execution_id: str, servers: Sequence[int], **wave_fields: Any) -> str:
        """A drill of one wave of ``servers``, initialized at T0."""
        pg = f"pg-{execution_id}"
        self.groups.create(group(pg, source_server_ids=[server_id(n) for n in servers]))
        snapshot = plan(wave("w", groups=(pg,), health_check=None, **wave_fields), id=f"rp-{execution_id}")
        self.executions.create(
            header(execution_id, snapshot),
            [WaveState(execution_id=execution_id, wave_id="w", name="W", position=0)],
            [],
        )
        initialize(self.ports, self.config, execution_id, T0)
        return execution_id

    def tick(self, execution_id: str, now: datetime, *, clock: datetime | None = None) -> None:
        """One Advance at ``now``; the lease store's clock reads ``clock`` (``now`` unless given)."""
        self.clock.at = clock or now
        advance(self.ports, self.config, execution_id, now)

    def retry(self, execution_id: str, wave_id: str, at: datetime) -> None:
        """An operator retries a failed wave of a finished run: the request, then the run reopened."""
        self.executions.add_request(
            OperatorRequest(
                execution_id=execution_id, type=RequestType.RETRY, at=at, actor="operator", wave_id=wave_id
            ),
            ExecutionEvent(
                execution_id=execution_id,
                event_id=f"{at:%Y%m%dT%H%M%S}-retry",
                at=at,
                type=EventType.WAVE_RETRIED,
                message=f"retry wave {wave_id}",
                wave_id=wave_id,
                actor="operator",
            ),
        )
        self.clock.at = at
        initialize(self.ports, self.config, execution_id, at)

    def status(self, execution_id: str) -> ExecutionStatus:
        return self.executions.get_header(execution_id).status

    def drive(self, runs: Sequence[str], start: datetime, ticks: int = 20) -> None:
        """Tick every run in turn, then let DRS finish what is running, until every run is over."""
        now = start
        for _ in range(ticks):
            now += timedelta(seconds=30)
            for execution_id in runs:
                self.tick(execution_id, now)
            self.drs.finish_jobs(TARGET)
            if all(self.status(r) not in (ExecutionStatus.RUNNING, ExecutionStatus.PENDING) for r in runs):
                return
        raise AssertionError(f"runs not finished: {[self.status(r) for r in runs]}")

    def our_launches(self, execution_id: str) -> dict[str, int]:
        """How many launch jobs of this run each server was in."""
        counts: dict[str, int] = {}
        for job in self.drs.jobs[(ACCOUNT, REGION)].values():
            if job.tags.get(EXECUTION_TAG) == execution_id:
                for server in job.participating_servers:
                    counts[server.source_server_id] = counts.get(server.source_server_id, 0) + 1
        return counts

    def batches(self, execution_id: str) -> list[LaunchBatch]:
        return self.executions.get_batches(execution_id)

    def event_types(self, execution_id: str) -> list[str]:
        pages = iterate_pages(lambda t: self.executions.list_events(execution_id, next_token=t))
        return [event.type for event in pages]

    def once_after_read(self, action: Callable[[], None]) -> None:
        """Run ``action`` between the next read of the active jobs and the use of its answer."""

        def hook(target: DrsTarget) -> None:
            self.drs.after_read = None
            action()

        self.drs.after_read = hook


def test_two_runs_never_pass_the_quotas_together_when_their_ticks_interleave_on_one_account() -> None:
    # Given two drills of 300 servers each in one account (600 together: more than the 500 that
    # may be in active jobs), and run B's tick happening while run A is reading the active jobs
    account = Account()
    a = account.run("ex-a", range(300))
    b = account.run("ex-b", range(300, 600))
    account.once_after_read(lambda: account.tick(b, T0 + timedelta(seconds=1)))

    # When both run to the end
    account.tick(a, T0)
    account.drive([a, b], T0 + timedelta(seconds=1))

    # Then DRS never refused a launch and never held more than its quotas in active jobs
    assert account.drs.refusals == []
    peak = account.drs.peaks[(ACCOUNT, REGION)]
    assert peak.servers <= 500
    assert peak.jobs <= 20
    # and both succeeded with every server launched once
    assert (account.status(a), account.status(b)) == (ExecutionStatus.SUCCEEDED, ExecutionStatus.SUCCEEDED)
    assert account.our_launches(a) == {server_id(n): 1 for n in range(300)}
    assert account.our_launches(b) == {server_id(n): 1 for n in range(300, 600)}


def test_a_tick_that_finds_the_lease_taken_launches_nothing_and_waits_seconds_when_another_run_launches() -> (
    None
):
    # Given run B holding the account's launch lease
    account = Account()
    a = account.run("ex-a", range(10))
    assert account.executions.acquire_launch_lease(TARGET, "ex-b", seconds=60)

    # When run A ticks
    result = advance(account.ports, account.config, a, T0 + timedelta(seconds=1))

    # Then it starts no job and looks again within seconds, without an error
    assert account.batches(a) == []
    assert account.status(a) is ExecutionStatus.RUNNING
    assert 1 <= result.wait_seconds <= 5
    # and once B's lease has expired (B crashed), A takes it over and launches
    account.tick(a, T0 + timedelta(seconds=61))
    assert [len(b.source_server_ids) for b in account.batches(a)] == [10]


def _outsider_fills_the_account(account: Account) -> None:
    """Someone launches 401 servers outside the product (5 jobs): 99 places are left."""
    for start in range(1000, 1401, 100):
        ids = [server_id(n) for n in range(start, min(start + 100, 1401))]
        account.drs.start(TARGET, ids, is_drill=True, tags={})


def _outsider_launches_one_of_ours(account: Account) -> None:
    account.drs.start(TARGET, [server_id(0)], is_drill=True, tags={})


@pytest.mark.parametrize(
    ("outsider", "refusal"),
    [
        (_outsider_fills_the_account, "ServiceQuotaExceededException"),
        (_outsider_launches_one_of_ours, "ConflictException"),
    ],
)
def test_a_launch_drs_refuses_waits_and_starts_later_once_when_someone_launched_in_the_same_second(
    outsider: Callable[[Account], None], refusal: str
) -> None:
    # Given a drill of 150 servers, and someone launching in the DRS console right after the run
    # read the active jobs
    account = Account()
    run = account.run("ex-a", range(150))
    account.once_after_read(lambda: outsider(account))

    # When it ticks
    account.tick(run, T0)

    # Then DRS refused the launch, the run waits (no error) with the batch still intended
    assert [code for _, code, _ in account.drs.refusals] == [refusal]
    assert account.status(run) is ExecutionStatus.RUNNING
    intended = [b for b in account.batches(run) if b.status is BatchStatus.INTENDED]
    assert [len(b.source_server_ids) for b in intended] == [100]
    assert EventType.JOB_WAITING_FOR_QUOTA in account.event_types(run)

    # When it goes on
    account.drive([run], T0)

    # Then it succeeds, the refused batch started later, each server launched once by the run
    assert account.status(run) is ExecutionStatus.SUCCEEDED
    assert len(account.drs.refusals) == 1
    assert intended[0].batch_id in {
        b.batch_id for b in account.batches(run) if b.status is BatchStatus.STARTED
    }
    assert account.our_launches(run) == {server_id(n): 1 for n in range(150)}


def test_an_intended_batch_whose_job_exists_is_not_launched_again_when_the_run_crashed_after_start() -> None:
    # Given a run whose tick recorded a batch and started its job, then crashed before recording it
    account = Account()
    run = account.run("ex-a", range(5))
    account.tick(run, T0)
    (batch,) = account.batches(run)
    account.executions.put_batch(batch.model_copy(update={"status": BatchStatus.INTENDED, "job_id": None}))

    # When the next tick runs
    account.tick(run, T0 + timedelta(seconds=30))

    # Then it finds the job by its tag instead of launching again
    (found,) = account.batches(run)
    assert (found.status, found.job_id) == (BatchStatus.STARTED, batch.job_id)
    assert account.our_launches(run) == {server_id(n): 1 for n in range(5)}


def test_a_lease_taken_late_in_a_tick_keeps_other_runs_out_when_the_tick_started_minutes_earlier() -> None:
    # Given two drills of 450 servers each in one account (900 together: more than the 500 that may
    # be in active jobs); run A's tick read the time once when it began, minutes before it takes the
    # lease (a slow tick: DRS calls, retries), and run B ticks while A reads the active jobs
    account = Account()
    a = account.run("ex-a", range(450))
    b = account.run("ex-b", range(450, 900))
    lease_taken = T0 + timedelta(minutes=5)
    account.once_after_read(lambda: account.tick(b, lease_taken))

    # When A ticks
    account.tick(a, T0, clock=lease_taken)

    # Then A's lease lasted from when it was taken: B launched nothing in A's room, DRS refused nothing
    assert account.batches(b) == []
    assert account.drs.refusals == []
    assert sum(len(batch.source_server_ids) for batch in account.batches(a)) == 450


def test_each_server_is_in_one_start_recovery_when_a_wave_whose_launch_drs_refused_is_retried() -> None:
    # Given a drill of 5 servers whose launch DRS refuses (someone launched one of them in the DRS
    # console), still refused when the wave times out
    account = Account()
    run = account.run("ex-a", range(5), timeout_minutes=5)
    account.once_after_read(lambda: _outsider_launches_one_of_ours(account))
    account.tick(run, T0)
    account.tick(run, T0 + timedelta(minutes=6))
    assert account.status(run) is ExecutionStatus.FAILED
    assert account.our_launches(run) == {}
    (refused,) = account.batches(run)

    # When the operator retries the wave while the other launch still runs, and the run goes on
    account.retry(run, "w", T0 + timedelta(minutes=7))
    account.tick(run, T0 + timedelta(minutes=7))
    account.drive([run], T0 + timedelta(minutes=7))

    # Then it succeeds with every server in exactly one of the run's StartRecovery calls, and the
    # batch that never started was given up, never started later
    assert account.status(run) is ExecutionStatus.SUCCEEDED
    assert account.our_launches(run) == {server_id(n): 1 for n in range(5)}
    statuses = {b.batch_id: b.status for b in account.batches(run)}
    assert statuses[refused.batch_id] is BatchStatus.FAILED_TO_START
    assert all(status is BatchStatus.STARTED for i, status in statuses.items() if i != refused.batch_id)


def test_an_intended_batch_is_not_started_when_its_servers_no_longer_carry_its_id() -> None:
    # Given a run whose batch DRS refused, and whose servers were since given to no batch (as a
    # retry leaves them) while the batch item still says INTENDED
    account = Account()
    run = account.run("ex-a", range(3))
    account.once_after_read(lambda: _outsider_launches_one_of_ours(account))
    account.tick(run, T0)
    (stale,) = account.batches(run)
    servers = account.executions.get_servers(run)
    account.executions.put_servers([s.model_copy(update={"batch_id": None}) for s in servers])
    account.drs.finish_jobs(TARGET)

    # When the run goes on
    account.drive([run], T0)

    # Then the servers launched once, in a new batch; the stale one never started
    assert account.our_launches(run) == {server_id(n): 1 for n in range(3)}
    assert {b.batch_id: b.status for b in account.batches(run)}[stale.batch_id] is BatchStatus.INTENDED


def test_a_tick_lists_the_active_jobs_and_scans_for_tags_once_when_batches_and_servers_wait() -> None:
    # Given a drill of 150 servers whose wave is launching: a batch of 100 that DRS refused (recorded,
    # no job) and 50 servers in no batch yet
    account = Account()
    run = account.run("ex-a", range(150))
    assert account.executions.acquire_launch_lease(TARGET, "ex-b", seconds=60)
    account.tick(run, T0)  # another run holds the lease: the wave is LAUNCHING, nothing started
    account.executions.release_launch_lease(TARGET, "ex-b")
    refused = LaunchBatch(
        execution_id=run,
        batch_id="w-refused",
        wave_id="w",
        source_server_ids=[server_id(n) for n in range(100)],
        requested_at=T0,
        account_id=ACCOUNT,
        region=REGION,
    )
    account.executions.put_batch(refused)
    members = set(refused.source_server_ids)
    account.executions.put_servers(
        [
            s.model_copy(update={"batch_id": refused.batch_id})
            for s in account.executions.get_servers(run)
            if s.source_server_id in members
        ]
    )
    account.drs.calls.clear()

    # When the run ticks
    account.tick(run, T0 + timedelta(seconds=30))

    # Then the refused batch and the 50 waiting servers started under one lease: one listing of the
    # active jobs and one scan for the batch tags
    assert account.drs.calls == {
        ((ACCOUNT, REGION), "list_active_jobs"): 1,
        ((ACCOUNT, REGION), "find_jobs_by_tag"): 1,
    }
    assert sorted(len(b.source_server_ids) for b in account.batches(run) if b.job_id) == [50, 100]
    assert account.our_launches(run) == {server_id(n): 1 for n in range(150)}


def test_one_tag_scan_finds_every_intended_batch_when_the_run_crashed_after_starting_them() -> None:
    # Given a run of 250 servers (3 jobs) whose tick crashed after StartRecovery, before recording them
    account = Account()
    run = account.run("ex-a", range(250))
    account.tick(run, T0)
    started = account.batches(run)
    assert len(started) == 3
    for batch in started:
        account.executions.put_batch(
            batch.model_copy(update={"status": BatchStatus.INTENDED, "job_id": None})
        )
    account.drs.calls.clear()

    # When the next tick runs
    account.tick(run, T0 + timedelta(seconds=30))

    # Then one scan of the jobs found all three, and nothing was launched again
    assert account.drs.calls[((ACCOUNT, REGION), "find_jobs_by_tag")] == 1
    assert {b.batch_id: b.job_id for b in account.batches(run)} == {b.batch_id: b.job_id for b in started}
    assert account.our_launches(run) == {server_id(n): 1 for n in range(250)}
    assert account.executions.get_waves(run)[0].status is WaveStatus.LAUNCHING


def test_a_tick_lists_the_active_jobs_once_when_its_wave_starts_launching_in_it_and_must_wait() -> None:
    # Given an account an outsider filled to 401 of its 500 servers, and a new drill of 150 servers
    account = Account()
    _outsider_fills_the_account(account)
    run = account.run("ex-a", range(150))
    account.drs.calls.clear()

    # When its first tick moves the wave through PRE_ACTIONS to LAUNCHING (several passes)
    account.tick(run, T0)

    # Then the servers that fit started and the rest wait, after one listing of the active jobs
    assert account.drs.calls[((ACCOUNT, REGION), "list_active_jobs")] == 1
    assert [len(b.source_server_ids) for b in account.batches(run)] == [99]
