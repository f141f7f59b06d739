"""A FAILBACK brings back what a RECOVERY recovered: reverse wave order, per origin, within quotas."""

from collections.abc import Callable
from typing import Any

from drs_orchestration.domain.engine.failback_launch import ON_PREMISES_GATE
from drs_simulator.records import Job
from tests.integration.engine.harness import ACCOUNT, HOUR, REGION, Engine, fleet, server_id

ORIGIN_REGION = "us-west-2"
EC2_ORIGIN = 4
"""The EC2-origin server (from us-west-2), in wave b."""
WAVES = {"a": [0], "b": [1, EC2_ORIGIN], "c": [2], "d": [3]}
CLIENT_SYNC = 1800.0
"""The longest the simulator's failback client takes to become ready for launch."""


def _diamond(engine: Engine, *, health_check: bool = False, optional: tuple[int, ...] = ()) -> str:
    """a -> b, a -> c, b,c -> d; servers ``optional`` are OPTIONAL."""
    depends = {"a": [], "b": ["a"], "c": ["a"], "d": ["b", "c"]}
    waves = []
    for wave_id, members in WAVES.items():
        wave: dict[str, Any] = {
            "id": wave_id,
            "name": wave_id.upper(),
            "protectionGroupIds": [engine.group(f"g-{wave_id}", [server_id(n) for n in members])],
            "dependsOn": [{"waveId": dep, "condition": "LAUNCHED"} for dep in depends[wave_id]],
            "optionalServerIds": [server_id(n) for n in members if n in optional],
        }
        if not health_check:
            wave["healthCheck"] = None
        waves.append(wave)
    return engine.plan(waves, name="diamond")


def _mixed_fleet() -> list[Any]:
    servers = fleet(5)
    servers[EC2_ORIGIN].origin = "AWS"
    servers[EC2_ORIGIN].origin_region = ORIGIN_REGION
    return servers


def _start(engine: Engine, body: dict[str, Any], as_: str = "Admin") -> Any:
    return engine.api.post("/executions", {"confirmPlanName": "diamond", **body}, as_=as_)


def _recover(engine: Engine, plan: str) -> dict[str, Any]:
    response = _start(engine, {"planId": plan, "mode": "RECOVERY"})
    assert response.status == 202, response.text
    execution = engine.finish(str(response.json["executionId"]))
    assert execution["status"] == "SUCCEEDED", execution
    return execution


def _connect_clients(
    engine: Engine, recovery: dict[str, Any], skip: frozenset[int] = frozenset({EC2_ORIGIN})
) -> None:
    """Connect a failback client to the recovery instance of each server but those ``skip`` names."""
    skipped = {server_id(n) for n in skip}
    for wave in recovery["waves"]:
        for server in wave["servers"]:
            if server["sourceServerId"] not in skipped:
                engine.drs.simulator.connect_failback_client(ACCOUNT, REGION, server["recoveryInstanceId"])
    engine.run_for(CLIENT_SYNC)


def _failback(engine: Engine, plan: str, recovery: dict[str, Any]) -> dict[str, Any]:
    response = _start(engine, {"planId": plan, "mode": "FAILBACK", "sourceExecutionId": recovery["id"]})
    assert response.status == 202, response.text
    return engine.finish(str(response.json["executionId"]), limit=12 * HOUR)


def _jobs_of(engine: Engine, account: str, region: str, initiated_by: str) -> dict[str, Job]:
    """Each server's job of that kind, by source server id."""
    part = engine.drs.simulator.partition(account, region)
    return {
        server: job
        for job in part.jobs.values()
        if job.initiated_by == initiated_by
        for server in job.participants
    }


def test_failback_of_a_diamond_runs_in_reverse_order_by_origin_when_clients_are_connected(
    engine_factory: Callable[..., Engine],
) -> None:
    # Given a recovery of a diamond plan of on-premises servers and one EC2-origin server
    engine = engine_factory(servers=_mixed_fleet())
    plan = _diamond(engine)
    recovery = _recover(engine, plan)
    # And the failback clients connected to the on-premises servers' recovery instances
    _connect_clients(engine, recovery)

    # When the recovery is failed back
    failback = _failback(engine, plan, recovery)

    # Then every server came back
    assert failback["mode"] == "FAILBACK"
    assert failback["sourceExecutionId"] == recovery["id"]
    assert failback["status"] == "SUCCEEDED", failback
    servers = {s["sourceServerId"]: s for w in failback["waves"] for s in w["servers"]}
    assert {sid: s["launchStatus"] for sid, s in servers.items()} == {
        server_id(n): "LAUNCHED" for n in range(5)
    }

    # And the on-premises servers were failed back with StartFailbackLaunch, in reverse order:
    # d ended before b and c started, b and c before a started
    failbacks = _jobs_of(engine, ACCOUNT, REGION, "FAILBACK")
    assert set(failbacks) == {server_id(n) for n in (0, 1, 2, 3)}
    d, b, c, a = (failbacks[server_id(n)] for n in (3, 1, 2, 0))
    assert d.ended is not None
    assert b.ended is not None
    assert c.ended is not None
    assert d.ended <= min(b.created, c.created)
    assert max(b.ended, c.ended) <= a.created

    # And the EC2-origin server replicated back to its origin Region and was recovered there (not a
    # drill), after d and before a
    origin = engine.drs.simulator.partition(ACCOUNT, ORIGIN_REGION)
    reversed_servers = [s for s in origin.servers.values() if s.replication_direction == "FAILBACK"]
    assert len(reversed_servers) == 1
    reversed_id = reversed_servers[0].source_server_id
    recovered_there = _jobs_of(engine, ACCOUNT, ORIGIN_REGION, "START_RECOVERY")
    assert set(recovered_there) == {reversed_id}
    ec2_job = recovered_there[reversed_id]
    assert ec2_job.is_drill is False
    assert d.ended <= ec2_job.created
    assert ec2_job.ended is not None
    assert ec2_job.ended <= a.created
    assert servers[server_id(EC2_ORIGIN)]["region"] == ORIGIN_REGION
    assert servers[server_id(EC2_ORIGIN)]["failback"]["reversedSourceServerId"] == reversed_id

    # And each step is in the timeline
    events = engine.timeline(failback["id"])
    kinds = {(e.type, e.source_server_id) for e in events}
    assert ("REVERSE_REPLICATION_STARTED", server_id(EC2_ORIGIN)) in kinds
    assert {sid for kind, sid in kinds if kind == "FAILBACK_READY"} == {server_id(n) for n in range(5)}
    assert sum(1 for e in events if e.type == "JOB_STARTED") == 5


def test_failback_with_a_client_missing_fails_that_server_by_its_impact(
    engine_factory: Callable[..., Engine],
) -> None:
    # Given a recovery whose server in wave c is OPTIONAL, and the client of that server not connected
    engine = engine_factory(servers=_mixed_fleet())
    plan = _diamond(engine, optional=(2,))
    recovery = _recover(engine, plan)
    _connect_clients(engine, recovery, skip=frozenset({EC2_ORIGIN, 2}))

    # When it is failed back
    failback = _failback(engine, plan, recovery)

    # Then the run is PARTIAL: the optional server failed, named, with no failback job
    assert failback["status"] == "PARTIAL", failback
    missing = engine.wave(failback, "c")["servers"][0]
    assert missing["launchStatus"] == "FAILED"
    assert missing["error"].startswith("the failback client is not connected for recovery instance")
    assert missing["jobId"] is None
    assert server_id(2) not in _jobs_of(engine, ACCOUNT, REGION, "FAILBACK")
    assert engine.wave(failback, "a")["status"] == "COMPLETED"


def test_failback_with_a_critical_client_missing_fails_the_run_and_skips_what_follows(
    engine_factory: Callable[..., Engine],
) -> None:
    # Given a recovery, with the client of d's (critical) server not connected
    engine = engine_factory(servers=_mixed_fleet())
    plan = _diamond(engine)
    recovery = _recover(engine, plan)
    _connect_clients(engine, recovery, skip=frozenset({EC2_ORIGIN, 3}))

    # When it is failed back
    failback = _failback(engine, plan, recovery)

    # Then d failed naming its server, and the waves behind it never started
    assert failback["status"] == "FAILED", failback
    assert engine.wave(failback, "d")["status"] == "FAILED"
    assert {engine.wave(failback, w)["status"] for w in "abc"} == {"SKIPPED"}
    assert _jobs_of(engine, ACCOUNT, REGION, "FAILBACK") == {}


def test_failback_reports_a_server_whose_recovery_instance_was_terminated(
    engine_factory: Callable[..., Engine],
) -> None:
    # Given a recovery whose instance of d's server was terminated since
    engine = engine_factory(servers=_mixed_fleet())
    plan = _diamond(engine)
    recovery = _recover(engine, plan)
    _connect_clients(engine, recovery)
    gone = engine.wave(recovery, "d")["servers"][0]["recoveryInstanceId"]
    part = engine.drs.simulator.partition(ACCOUNT, REGION)
    engine.drs.simulator.remove_instance(part, part.instances[gone], terminate_ec2=True)

    # When it is failed back
    failback = _failback(engine, plan, recovery)

    # Then that server is FAILED with the reason, not skipped silently
    server = engine.wave(failback, "d")["servers"][0]
    assert server["launchStatus"] == "FAILED"
    assert server["error"] == f"its recovery instance {gone} is gone (DRS no longer has it)"
    assert failback["status"] == "FAILED"


def test_failback_gates_check_the_ec2_origin_instance_and_take_the_job_for_on_premises_machines(
    engine_factory: Callable[..., Engine],
) -> None:
    # Given a diamond whose waves have the product's health gate, recovered, clients connected
    engine = engine_factory(servers=_mixed_fleet())
    plan = _diamond(engine, health_check=True)
    recovery = _recover(engine, plan)
    _connect_clients(engine, recovery)

    # When it is failed back
    failback = _failback(engine, plan, recovery)

    # Then the EC2-origin server's new instance in its origin Region passed the gate there
    assert failback["status"] == "SUCCEEDED", failback
    servers = {s.source_server_id: s for s in engine.servers(failback["id"])}
    ec2_origin = servers[server_id(EC2_ORIGIN)]
    assert ec2_origin.health == "HEALTHY"
    assert ec2_origin.region == ORIGIN_REGION
    assert ec2_origin.recovery_instance_id in engine.drs.simulator.partition(ACCOUNT, ORIGIN_REGION).instances
    # And an on-premises machine's gate was its failback job: health UNKNOWN, saying why
    for n in (0, 1, 2, 3):
        server = servers[server_id(n)]
        assert server.health == "UNKNOWN"
        assert server.health_evidence["note"] == ON_PREMISES_GATE
        assert server.healthy_at == server.launched_at


def test_failback_of_a_wave_of_more_than_100_servers_is_split_into_jobs_of_at_most_100(
    engine_factory: Callable[..., Engine],
) -> None:
    # Given a recovery of one wave of 110 on-premises servers, every failback client connected
    count = 110
    engine = engine_factory(servers=fleet(count))
    group = engine.group("big", [server_id(n) for n in range(count)])
    plan = engine.plan(
        [{"id": "all", "name": "All", "protectionGroupIds": [group], "healthCheck": None}], name="diamond"
    )
    recovery = _recover(engine, plan)
    _connect_clients(engine, recovery, skip=frozenset())

    # When it is failed back
    failback = _failback(engine, plan, recovery)

    # Then every server failed back, in StartFailbackLaunch jobs of at most 100 servers
    assert failback["status"] == "SUCCEEDED", failback["statusReason"]
    jobs = {job.job_id: job for job in _jobs_of(engine, ACCOUNT, REGION, "FAILBACK").values()}
    assert sorted(len(job.participants) for job in jobs.values()) == [10, 100]
    assert sum(len(job.participants) for job in jobs.values()) == count
