"""600 servers over 2 accounts x 2 Regions, 12 waves with health gates and actions, beside another run of
ours and a launch from outside the product: the scale run of ``bench/scale`` in small."""

from collections import Counter
from collections.abc import Callable

import pytest

from drs_orchestration.composition.store import executions
from drs_orchestration.domain.engine.context import EXECUTION_TAG
from drs_orchestration.domain.models.execution import ExecutionStatus, HealthStatus, WaveStatus
from tests.integration.engine.harness import HOUR, Engine
from tests.integration.engine.scale_scenario import (
    DAG,
    TARGETS,
    build,
    launch_jobs,
    quota_maxima,
    target_fleet,
    target_server,
)

PER_TARGET = 150
ENDED = {
    ExecutionStatus.SUCCEEDED,
    ExecutionStatus.PARTIAL,
    ExecutionStatus.FAILED,
    ExecutionStatus.CANCELLED,
}


@pytest.mark.slow  # about 100 s of CPU: 600 servers through the whole product
def test_six_hundred_servers_over_two_accounts_and_two_regions_launch_once_within_every_quota_when_gated(
    engine_factory: Callable[..., Engine],
) -> None:
    # Given 150 servers in each of 2 accounts x 2 Regions in a 12-wave plan, every wave health-gated,
    # and another run of ours (50 servers) in the home account's first Region
    engine = engine_factory(servers=target_fleet(PER_TARGET, 100))
    scale_run = build(engine, PER_TARGET, other=50, outside=50)
    store = executions(engine.product)
    assert engine.virtual is not None

    # When both run, and someone launches 50 servers outside the product once the second wave launches
    run_id, other_id = engine.start(scale_run.plan_id), engine.start(scale_run.other_plan_id)
    launching = {WaveStatus.LAUNCHING, WaveStatus.LAUNCHED, WaveStatus.HEALTH_CHECK}
    engine.virtual.run_until(
        lambda: any(w.status in launching for w in store.get_waves(run_id)[1:3]), 6 * HOUR, lambda: "w02"
    )
    account, region = TARGETS[0]
    engine.drs.drs_client(region=region, account_id=account).start_recovery(
        sourceServers=[{"sourceServerID": s} for s in scale_run.outside], isDrill=True
    )
    engine.virtual.run_until(
        lambda: {store.get_header(run_id).status, store.get_header(other_id).status} <= ENDED,
        12 * HOUR,
        lambda: "the runs did not end",
    )

    # Then both succeed, every wave healthy
    assert store.get_header(run_id).status is ExecutionStatus.SUCCEEDED
    assert store.get_header(other_id).status is ExecutionStatus.SUCCEEDED
    assert [w.status for w in store.get_waves(run_id)] == [WaveStatus.COMPLETED] * len(DAG)
    servers = store.get_servers(run_id)
    assert len(servers) == PER_TARGET * len(TARGETS)
    assert {s.health for s in servers} == {HealthStatus.HEALTHY}
    # and DRS refused no launch: every StartRecovery made a job
    jobs = launch_jobs(engine)
    assert engine.drs.simulator.request_counts("StartRecovery") == {
        "StartRecovery": sum(len(j) for j in jobs.values())
    }
    # and every server of the plan was launched exactly once, by the run
    launched = Counter(
        s["sourceServerID"]
        for target_jobs in jobs.values()
        for job in target_jobs
        if job.get("tags", {}).get(EXECUTION_TAG) == run_id
        for s in job["participatingServers"]
    )
    expected = {target_server(t, n) for t in range(len(TARGETS)) for n in range(PER_TARGET)}
    assert set(launched) == expected
    assert set(launched.values()) == {1}
    # and every target's quotas held at every moment
    for target_jobs in jobs.values():
        maxima = quota_maxima(target_jobs)
        assert maxima["largestJob"] <= 100
        assert maxima["activeJobsMax"] <= 20
        assert maxima["activeServersMax"] <= 500
