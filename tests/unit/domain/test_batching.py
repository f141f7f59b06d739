"""Quota-aware batching never breaks a DRS quota and launches every server exactly once."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drs_orchestration.domain.batching import LaunchBatchPlan, jobs_needed, plan_launch_batches
from drs_orchestration.domain.models.drs import DrsQuotas
from tests.unit.domain.builders import server_id

QUOTAS = DrsQuotas()


def _ids(start: int, count: int) -> list[str]:
    return [server_id(n) for n in range(start, start + count)]


def test_a_wave_is_split_into_jobs_of_at_most_100_servers() -> None:
    batches = plan_launch_batches([("db", _ids(0, 250))], servers_in_active_jobs=[], active_job_count=0)
    assert [len(b.source_server_ids) for b in batches] == [100, 100, 50]
    assert {b.wave_id for b in batches} == {"db"}


def test_only_500_servers_may_be_in_active_jobs_at_once() -> None:
    batches = plan_launch_batches(
        [("db", _ids(0, 700))], servers_in_active_jobs=_ids(5000, 120), active_job_count=2
    )
    assert sum(len(b.source_server_ids) for b in batches) == 380
    assert [len(b.source_server_ids) for b in batches] == [100, 100, 100, 80]


def test_no_job_starts_when_20_jobs_are_active() -> None:
    assert plan_launch_batches([("db", _ids(0, 5))], servers_in_active_jobs=[], active_job_count=20) == []


def test_server_already_in_an_active_job_is_held_back() -> None:
    batches = plan_launch_batches(
        [("db", _ids(0, 3)), ("app", [server_id(0), server_id(7)])],
        servers_in_active_jobs=[server_id(1)],
        active_job_count=1,
    )
    assert batches == [
        LaunchBatchPlan(wave_id="db", source_server_ids=[server_id(0), server_id(2)]),
        LaunchBatchPlan(wave_id="app", source_server_ids=[server_id(7)]),
    ]


def test_quotas_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        plan_launch_batches(
            [], servers_in_active_jobs=[], active_job_count=0, quotas=DrsQuotas(max_concurrent_jobs=0)
        )


def test_jobs_needed_rounds_up() -> None:
    assert [jobs_needed(n) for n in (0, 1, 100, 101, 4000)] == [0, 1, 1, 2, 40]


@settings(max_examples=80)
@given(
    waves=st.lists(st.integers(0, 250), min_size=1, max_size=4),
    foreign_jobs=st.lists(st.integers(1, 100), max_size=6),
    quotas=st.builds(
        DrsQuotas,
        max_servers_per_job=st.integers(5, 100),
        max_concurrent_jobs=st.integers(1, 20),
        max_servers_in_active_jobs=st.integers(10, 500),
    ),
    seed=st.integers(0, 2**32),
)
def test_successive_calls_respect_quotas_and_cover_each_server_once(
    waves: list[int], foreign_jobs: list[int], quotas: DrsQuotas, seed: int
) -> None:
    # Given waves of servers (some listed twice) and jobs of other callers already running
    rng = random.Random(seed)
    start = 0
    waiting: dict[str, list[str]] = {}
    for index, size in enumerate(waves):
        ids = _ids(start, size)
        start += size
        waiting[f"w{index}"] = ids + ids[: size // 10]
    wanted = {s for ids in waiting.values() for s in ids}
    active: dict[str, list[str]] = {}
    for n, size in enumerate(foreign_jobs):
        active[f"other-{n}"] = _ids(100_000 + n * 100, size)
    launched: list[str] = []
    done: set[str] = set()
    rounds = 0
    # When the engine calls again and again while jobs finish at random
    while done != wanted:
        rounds += 1
        assert rounds < 10_000, "no progress"
        busy = [s for ids in active.values() for s in ids]
        batches = plan_launch_batches(
            [(w, [s for s in ids if s not in done]) for w, ids in waiting.items()],
            servers_in_active_jobs=busy,
            active_job_count=len(active),
            quotas=quotas,
        )
        for n, batch in enumerate(batches):
            # Then no batch mixes waves or exceeds the per-job quota
            assert 1 <= len(batch.source_server_ids) <= quotas.max_servers_per_job
            assert set(batch.source_server_ids) <= set(waiting[batch.wave_id])
            active[f"ours-{rounds}-{n}"] = batch.source_server_ids
            launched += batch.source_server_ids
            done.update(batch.source_server_ids)
        # And the account-wide quotas hold with every new job counted
        in_jobs = [s for ids in active.values() for s in ids]
        if batches:
            assert len(active) <= quotas.max_concurrent_jobs
            assert len(in_jobs) <= quotas.max_servers_in_active_jobs
        assert len(in_jobs) == len(set(in_jobs)), "a server is in two active jobs"
        for job in [j for j in active if rng.random() < 0.5 or not batches]:
            del active[job]
    # And every server was launched exactly once
    assert sorted(launched) == sorted(wanted)
