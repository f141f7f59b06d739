"""Quota-aware batching at 1,000 servers, with another run sharing the account."""

from collections import Counter
from collections.abc import Callable

from drs_orchestration.composition.store import executions
from drs_orchestration.domain.models.execution import BatchStatus
from tests.integration.engine.harness import HOUR, Engine, fleet, server_id


def test_thousand_servers_launch_in_ten_jobs_of_a_hundred_within_every_quota_when_others_share_the_account(
    engine_factory: Callable[..., Engine],
) -> None:
    # Given 1,000 servers in one wave, and another run's 200 servers already launching in the account
    # (no EC2 mirror: this wave has no health check, and mirroring 1,000 instances costs minutes;
    # no events either: polling finds the job ends, and events are tested elsewhere)
    engine = engine_factory(servers=fleet(1200), scale=200.0, ec2=False, events=False)
    other = engine.drs.drs_client()
    for start in (1000, 1100):
        other.start_recovery(
            sourceServers=[{"sourceServerID": server_id(n)} for n in range(start, start + 100)], isDrill=True
        )
    group = engine.group("bulk", [server_id(n) for n in range(1000)])
    plan = engine.plan(
        [
            {
                "id": "all",
                "name": "All",
                "protectionGroupIds": [group],
                "timeoutMinutes": 600,
                "healthCheck": None,
            }
        ]
    )

    # When it runs
    execution = engine.finish(engine.start(plan), limit=12 * HOUR)

    # Then every server launched, through 10 jobs of 100, each server in exactly one job
    assert execution["status"] == "SUCCEEDED", execution["statusReason"]
    batches = executions(engine.product).get_batches(execution["id"])
    assert sorted(len(b.source_server_ids) for b in batches) == [100] * 10
    assert all(b.status is BatchStatus.STARTED and b.job_id for b in batches)
    launched = Counter(server for b in batches for server in b.source_server_ids)
    assert len(launched) == 1000
    assert set(launched.values()) == {1}
    # and DRS never refused a launch: every StartRecovery (ours 10, the other run's 2) succeeded
    assert engine.drs.simulator.request_counts("StartRecovery") == {"StartRecovery": 12}
    # and never more than 500 servers or 20 jobs were active at once (the simulator would have refused)
    jobs = other.describe_jobs(filters={})["items"]
    assert len(jobs) == 12
