"""One account's DRS quotas shared by concurrent runs: the launch lease, and DRS refusals as waiting."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

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
    ExecutionStatus,
    LaunchBatch,
    WaveState,
)
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


class Account:
    """Runs of one account and Region on the in-memory twins."""

    def __init__(self) -> None:
        self.executions = InMemoryExecutionRepository()
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

    def run(self, execution_id: str, servers: Sequence[int]) -> str:
        """A drill of one wave of ``servers``, initialized at T0."""
        pg = f"pg-{execution_id}"
        self.groups.create(group(pg, source_server_ids=[server_id(n) for n in servers]))
        snapshot = plan(wave("w", groups=(pg,), health_check=None), id=f"rp-{execution_id}")
        self.executions.create(
            header(execution_id, snapshot),
            [WaveState(execution_id=execution_id, wave_id="w", name="W", position=0)],
            [],
        )
        initialize(self.ports, self.config, execution_id, T0)
        return execution_id

    def tick(self, execution_id: str, now: datetime) -> None:
        advance(self.ports, self.config, execution_id, now)

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
    assert account.executions.acquire_launch_lease(TARGET, "ex-b", now=T0, seconds=60)

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
