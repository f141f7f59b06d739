"""Batches formed earlier (refused by DRS, or never sent) start whole or wait, within the quotas."""

from __future__ import annotations

from drs_orchestration.domain.batching import batches_that_fit
from drs_orchestration.domain.models.drs import DrsQuotas
from tests.unit.domain.builders import server_id


def _ids(start: int, count: int) -> list[str]:
    return [server_id(n) for n in range(start, start + count)]


def test_every_batch_fits_when_the_account_is_idle() -> None:
    assert batches_that_fit([_ids(0, 100), _ids(100, 50)], servers_in_active_jobs=(), active_job_count=0) == [
        0,
        1,
    ]


def test_a_batch_waits_whole_when_it_would_pass_the_servers_in_active_jobs_quota() -> None:
    # Given 420 servers in active jobs: 80 places left
    busy = _ids(1000, 420)

    fitting = batches_that_fit(
        [_ids(0, 100), _ids(100, 50), _ids(150, 40)], servers_in_active_jobs=busy, active_job_count=5
    )

    # Then the batch of 100 waits, the one of 50 starts and the one of 40 no longer fits beside it
    assert fitting == [1]


def test_a_batch_waits_when_one_of_its_servers_is_in_an_active_job_when_others_may_start() -> None:
    fitting = batches_that_fit(
        [_ids(0, 10), _ids(10, 10)], servers_in_active_jobs=[server_id(3)], active_job_count=1
    )

    assert fitting == [1]


def test_batches_wait_when_every_concurrent_job_is_taken() -> None:
    quotas = DrsQuotas(max_concurrent_jobs=3)

    assert batches_that_fit(
        [_ids(0, 1), _ids(1, 1), _ids(2, 1)], servers_in_active_jobs=(), active_job_count=2, quotas=quotas
    ) == [0]
