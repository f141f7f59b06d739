"""One account's DRS quotas shared by concurrent runs (and by people launching outside the product), on
the simulator: never a refused launch between our runs, and a refusal from outside is waited out."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from drs_orchestration.domain.engine.context import EXECUTION_TAG
from drs_orchestration.domain.models.execution import EventType
from tests.integration.engine.harness import ACCOUNT, HOUR, REGION, Engine, fleet, server_id


def _jobs(engine: Engine) -> list[dict[str, Any]]:
    pages = engine.drs.drs_client().get_paginator("describe_jobs").paginate(filters={})
    return [job for page in pages for job in page["items"] if job["type"] == "LAUNCH"]


def _launches_of(jobs: list[dict[str, Any]], execution_id: str) -> Counter[str]:
    return Counter(
        server["sourceServerID"]
        for job in jobs
        if job.get("tags", {}).get(EXECUTION_TAG) == execution_id
        for server in job["participatingServers"]
    )


def _one_wave_plan(engine: Engine, name: str, servers: range) -> str:
    group = engine.group(name, [server_id(n) for n in servers])
    wave = {
        "id": "all",
        "name": "All",
        "protectionGroupIds": [group],
        "healthCheck": None,
        "timeoutMinutes": 600,
    }
    return engine.plan([wave], name=name)


def test_two_runs_of_400_servers_in_one_account_both_succeed_without_a_refused_launch_when_started_together(
    engine_factory: Callable[..., Engine],
) -> None:
    # Given two plans of 400 servers each in one account (800 together: more than the 500 servers that
    # may be in active jobs), and DRS slow to list jobs, so the two runs' reads of the active jobs overlap
    engine = engine_factory(
        servers=fleet(800), scale=30.0, ec2=False, events=False, faults={"latency_ms": {"DescribeJobs": 150}}
    )
    first = _one_wave_plan(engine, "first", range(400))
    second = _one_wave_plan(engine, "second", range(400, 800))

    # When both start together
    runs = [engine.start(first), engine.start(second)]
    finished = [engine.finish(run, limit=12 * HOUR) for run in runs]

    # Then both succeed
    assert [e["status"] for e in finished] == ["SUCCEEDED", "SUCCEEDED"], [
        e["statusReason"] for e in finished
    ]
    # and DRS never refused a launch: every StartRecovery made a job (the simulator refuses any that
    # would pass 20 jobs or 500 servers in active jobs, or put a server in two active jobs)
    jobs = _jobs(engine)
    assert engine.drs.simulator.request_counts("StartRecovery") == {"StartRecovery": len(jobs)}
    # and each server was launched once, by its own run
    assert _launches_of(jobs, runs[0]) == Counter({server_id(n): 1 for n in range(400)})
    assert _launches_of(jobs, runs[1]) == Counter({server_id(n): 1 for n in range(400, 800)})


def test_a_run_succeeds_when_drs_refuses_its_launch_once_because_someone_filled_the_quota_meanwhile(
    engine_factory: Callable[..., Engine],
) -> None:
    # Given a plan of 150 servers, and StartRecovery slow enough that someone can act in between
    engine = engine_factory(
        servers=fleet(170),
        scale=30.0,
        ec2=False,
        events=False,
        faults={"latency_ms": {"StartRecovery": 1000}},
    )
    plan = _one_wave_plan(engine, "shop", range(150))

    # When it starts and, as its first StartRecovery is on its way, a person in the DRS console
    # launches 20 other servers one job each (every concurrent job DRS allows)
    run = engine.start(plan)
    deadline = time.monotonic() + 60
    while engine.drs.simulator.request_counts("StartRecovery")["StartRecovery"] == 0:
        assert time.monotonic() < deadline, "the run never launched"
        time.sleep(0.001)
    for n in range(150, 170):
        engine.drs.simulator.handle(
            "StartRecovery",
            ACCOUNT,
            REGION,
            {"sourceServers": [{"sourceServerID": server_id(n)}], "isDrill": True},
        )
    execution = engine.finish(run, limit=12 * HOUR)

    # Then DRS refused the run's launch once, the run waited for quota and then succeeded
    assert execution["status"] == "SUCCEEDED", execution["statusReason"]
    jobs = _jobs(engine)
    ours = [job for job in jobs if job.get("tags", {}).get(EXECUTION_TAG) == run]
    assert engine.drs.simulator.request_counts("StartRecovery")["StartRecovery"] - len(ours) == 1
    assert EventType.JOB_WAITING_FOR_QUOTA in {event.type for event in engine.timeline(run)}
    # and each of its servers was launched once
    assert _launches_of(jobs, run) == Counter({server_id(n): 1 for n in range(150)})
