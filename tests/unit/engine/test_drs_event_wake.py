"""DRS launch-result events wake the run that owns the job: a burst of them costs one DRS call."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from drs_orchestration.adapters.memory.drs import InMemoryDrs, InMemoryDrsGateway
from drs_orchestration.adapters.memory.repositories import InMemoryExecutionRepository
from drs_orchestration.domain.engine.wake import store_task_token, wake_for_launch_result
from drs_orchestration.domain.models.drs import DrsJob, DrsQuotas, DrsTarget
from drs_orchestration.domain.models.execution import ExecutionStatus
from tests.unit.domain.builders import ACCOUNT, REGION, header, server_id

TARGET = DrsTarget(account_id=ACCOUNT, region=REGION)


class _CountingDrs:
    """The in-memory DRS as a gateway factory that counts DescribeJobs calls."""

    def __init__(self, drs: InMemoryDrs) -> None:
        self.drs = drs
        self.describe_calls = 0

    def for_target(self, target: DrsTarget) -> InMemoryDrsGateway:
        counter = self

        class _Gateway(InMemoryDrsGateway):
            def describe_jobs(self, job_ids: Sequence[str]) -> list[DrsJob]:
                counter.describe_calls += 1
                return super().describe_jobs(job_ids)

        return _Gateway(self.drs, target)


class _Waker:
    def __init__(self) -> None:
        self.woken: Counter[str] = Counter()

    def wake(self, task_token: str, reason: str) -> bool:
        if self.woken[task_token]:
            return False  # a token completes once
        self.woken[task_token] += 1
        return True


def _running_with_a_job(executions: InMemoryExecutionRepository, drs: InMemoryDrs) -> str:
    job = drs.start(TARGET, [server_id(n) for n in range(100)], is_drill=True, tags={})
    executions.create(
        header(status=ExecutionStatus.RUNNING, task_token="token-1", active_jobs={job.job_id: TARGET}), [], []
    )
    return job.job_id


def test_a_burst_of_100_events_for_a_finished_job_wakes_the_run_once_with_one_drs_call() -> None:
    # Given a run waiting on a job of 100 servers that has just finished
    drs = InMemoryDrs(DrsQuotas(max_servers_per_job=100))
    executions = InMemoryExecutionRepository()
    job_id = _running_with_a_job(executions, drs)
    drs.finish_jobs(TARGET)
    gateways, waker = _CountingDrs(drs), _Waker()

    # When DRS sends its 100 per-server events
    woken = [wake_for_launch_result(executions, gateways, waker, job_id) for _ in range(100)]

    # Then the first wakes the run, and the others cost no DRS call and no wake
    assert woken[0] == ["ex-1"]
    assert woken[1:] == [[]] * 99
    assert gateways.describe_calls == 1
    assert waker.woken == Counter({"token-1": 1})
    # and once the run waits again, an event wakes it again
    assert store_task_token(executions, waker, "ex-1", "token-2") is False
    assert wake_for_launch_result(executions, gateways, waker, job_id) == ["ex-1"]
    assert gateways.describe_calls == 2


def test_events_for_an_unfinished_job_leave_the_run_waiting() -> None:
    drs = InMemoryDrs(DrsQuotas(max_servers_per_job=100))
    executions = InMemoryExecutionRepository()
    job_id = _running_with_a_job(executions, drs)
    gateways, waker = _CountingDrs(drs), _Waker()

    assert wake_for_launch_result(executions, gateways, waker, job_id) == []

    assert waker.woken == Counter()
    assert executions.get_header("ex-1").task_token == "token-1"


def test_a_token_the_run_replaced_meanwhile_is_kept() -> None:
    # Given a run whose wake-up already made it wait again with a new token
    drs = InMemoryDrs(DrsQuotas(max_servers_per_job=100))
    executions = InMemoryExecutionRepository()
    job_id = _running_with_a_job(executions, drs)
    drs.finish_jobs(TARGET)

    class _ResumingWaker(_Waker):
        def wake(self, task_token: str, reason: str) -> bool:
            store_task_token(executions, _Waker(), "ex-1", "token-2")
            return super().wake(task_token, reason)

    # When the event is handled, the new token stays for the next wake-up
    assert wake_for_launch_result(executions, _CountingDrs(drs), _ResumingWaker(), job_id) == ["ex-1"]
    assert executions.get_header("ex-1").task_token == "token-2"
