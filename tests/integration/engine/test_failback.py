"""A FAILBACK brings back what a RECOVERY recovered: reverse wave order, per origin, within quotas."""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from drs_orchestration.domain.engine.failback_launch import ON_PREMISES_GATE
from drs_orchestration.domain.models.drs import DrsTarget
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


def _recovered_diamond(
    engine_factory: Callable[..., Engine], *, health_check: bool = False, optional: tuple[int, ...] = ()
) -> tuple[Engine, str, dict[str, Any]]:
    """The engine, its diamond plan of the mixed fleet, and that plan's SUCCEEDED recovery."""
    engine = engine_factory(servers=_mixed_fleet())
    plan = _diamond(engine, health_check=health_check, optional=optional)
    return engine, plan, _recover(engine, plan)


def _recovered_wave(engine: Engine, name: str, count: int) -> tuple[str, dict[str, Any]]:
    """A plan of one wave of the first ``count`` servers and its SUCCEEDED recovery, every failback
    client connected."""
    group = engine.group(name, [server_id(n) for n in range(count)])
    plan = engine.plan(
        [{"id": "all", "name": "All", "protectionGroupIds": [group], "healthCheck": None}], name="diamond"
    )
    recovery = _recover(engine, plan)
    _connect_clients(engine, recovery, skip=frozenset())
    return plan, recovery


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
    engine, plan, recovery = _recovered_diamond(engine_factory)
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


def _reprotect(engine: Engine, failback: dict[str, Any]) -> dict[str, dict[str, str]]:
    response = engine.api.post(f"/executions/{failback['id']}/reprotect")
    assert response.status == 200, response.text
    return {item["sourceServerId"]: item for item in response.json["items"]}


def _audit(engine: Engine, resource_id: str) -> list[dict[str, Any]]:
    response = engine.api.get("/audit", query={"resourceId": resource_id}, as_="Viewer")
    assert response.status == 200, response.text
    return list(response.json["items"])


def _readiness(engine: Engine, plan: str, recovery: dict[str, Any]) -> dict[str, Any]:
    """The failback's readiness as the console asks for it before the start (a readiness check), and
    checked to be the same report as the plan's validate answers."""
    query = {"mode": "FAILBACK", "sourceExecutionId": recovery["id"]}
    check = engine.api.post(f"/recovery-plans/{plan}/readiness-checks", query=query, as_="Viewer")
    assert check.status == 201, check.text
    validate = engine.api.post(f"/recovery-plans/{plan}/validate", query=query, as_="Viewer")
    assert validate.status == 200, validate.text
    report: dict[str, Any] = check.json["report"]
    assert {**validate.json, "checkedAt": None} == {**report, "checkedAt": None}
    return report


def _assert_recorded_as_failed_back(
    engine: Engine, recovery: dict[str, Any], failback: dict[str, Any]
) -> None:
    """What the run records per server (what re-protect and the clean-up read): on premises, the
    recovery instance failed back from, in the recovery Region; from EC2, the new instance in the
    origin Region, with the recovery Region it came back from."""
    assert failback["sourceExecutionId"] == recovery["id"]
    recovered = {
        s["sourceServerId"]: s["recoveryInstanceId"] for w in recovery["waves"] for s in w["servers"]
    }
    servers = {s.source_server_id: s for s in engine.servers(failback["id"])}
    for sid, server in servers.items():
        assert server.failback is not None
        assert (server.launch_status, server.account_id) == ("LAUNCHED", ACCOUNT)
        assert (server.failback.stage, server.failback.recovery_instance_id) == ("READY", recovered[sid])
        assert (server.failback.recovery_target.account_id, server.failback.recovery_target.region) == (
            ACCOUNT,
            REGION,
        )
    on_premises = [servers[server_id(n)] for n in range(4)]
    assert {(s.region, s.failback.origin) for s in on_premises if s.failback} == {(REGION, "ON_PREMISES")}
    assert [s.recovery_instance_id for s in on_premises] == [
        recovered[s.source_server_id] for s in on_premises
    ]
    ec2 = servers[server_id(EC2_ORIGIN)]
    assert ec2.failback is not None
    assert (ec2.region, ec2.failback.origin, ec2.failback.origin_target) == (
        ORIGIN_REGION,
        "AWS",
        DrsTarget(account_id=ACCOUNT, region=ORIGIN_REGION),
    )
    assert ec2.recovery_instance_id in engine.drs.simulator.partition(ACCOUNT, ORIGIN_REGION).instances


def _protecting_calls(engine: Engine) -> dict[str, int]:
    counts = engine.drs.simulator.request_counts()
    return {operation: counts.get(operation, 0) for operation in ("StartReplication", "ReverseReplication")}


def _verdicts(report: dict[str, Any]) -> dict[str, tuple[str, list[str]]]:
    return {
        s["sourceServerId"]: (s["verdict"], [r["code"] for r in s["reasons"]])
        for w in report["waves"]
        for s in w["servers"]
    }


def test_recovery_failback_and_reprotect_of_a_diamond_close_the_loop_in_the_original_direction(
    engine_factory: Callable[..., Engine],
) -> None:
    # Given a recovery of a diamond of on-premises servers and one EC2-origin server
    engine, plan, recovery = _recovered_diamond(engine_factory)
    # Then before any failback client connects, the failback's readiness names each blocked server
    before = _readiness(engine, plan, recovery)
    assert (before["mode"], before["verdict"]) == ("FAILBACK", "BLOCKED")
    assert _verdicts(before) == {
        **{server_id(n): ("BLOCKED", ["FAILBACK_CLIENT_NOT_CONNECTED"]) for n in (0, 1, 2, 3)},
        server_id(EC2_ORIGIN): ("WARNINGS", ["REVERSE_REPLICATION_NOT_STARTED"]),
    }
    # And once the clients are connected, nothing blocks it
    _connect_clients(engine, recovery)
    assert _readiness(engine, plan, recovery)["verdict"] != "BLOCKED"

    # When it is failed back, then re-protected through the API
    failback = _failback(engine, plan, recovery)
    assert failback["status"] == "SUCCEEDED", failback
    _assert_recorded_as_failed_back(engine, recovery, failback)
    # And its timeline names every DRS job of the failback: StartFailbackLaunch jobs at home, the
    # recovery of the reversed server in the origin Region
    started = {e.details["jobId"] for e in engine.timeline(failback["id"]) if e.type == "JOB_STARTED"}
    fail_back_jobs = {j.job_id for j in _jobs_of(engine, ACCOUNT, REGION, "FAILBACK").values()}
    origin_jobs = {j.job_id for j in _jobs_of(engine, ACCOUNT, ORIGIN_REGION, "START_RECOVERY").values()}
    assert started == fail_back_jobs | origin_jobs
    assert len(origin_jobs) == 1
    results = _reprotect(engine, failback)

    # Then on premises, each machine the failback client rewrote replicates again (StartReplication)
    assert {sid: r["status"] for sid, r in results.items()} == {server_id(n): "REPROTECTED" for n in range(5)}
    assert {results[server_id(n)]["message"].split(":")[0] for n in range(4)} == {"StartReplication"}
    # And the EC2-origin server's failback instance in its origin Region replicates back into it
    assert results[server_id(EC2_ORIGIN)]["message"].startswith("ReverseReplication of ")
    engine.run_for(CLIENT_SYNC)
    home = engine.drs.simulator.partition(ACCOUNT, REGION)
    originals = {server_id(n): home.servers[server_id(n)] for n in range(5)}
    directions = {sid: (s.replication_direction, s.replication_state) for sid, s in originals.items()}
    assert directions == dict.fromkeys(originals, ("FAILOVER", "CONTINUOUS"))
    origin = engine.drs.simulator.partition(ACCOUNT, ORIGIN_REGION)
    failback_instance = origin.instances[engine.wave(failback, "b")["servers"][1]["recoveryInstanceId"]]
    assert failback_instance.failback_replication == "CONTINUOUS"
    # And a second re-protect finds every server protected, calling DRS for nothing
    calls = _protecting_calls(engine)
    assert calls == {"StartReplication": 4, "ReverseReplication": 2}  # the failback's reversal, then 1
    again = _reprotect(engine, failback)
    assert {r["status"] for r in again.values()} == {"ALREADY_PROTECTED"}
    assert _protecting_calls(engine) == calls

    # And the audit trail holds the failback's start, every DRS call of re-protect and both re-protects
    audit = _audit(engine, failback["id"])
    started = [r for r in audit if r["action"] == "StartExecution"]
    assert [(r["details"]["mode"], r["details"]["sourceExecutionId"]) for r in started] == [
        ("FAILBACK", recovery["id"])
    ]
    assert sorted(
        (r["details"]["sourceServerId"], r["details"]["drsOperation"])
        for r in audit
        if r["action"] == "ReprotectServer"
    ) == sorted(
        [(server_id(n), "StartReplication") for n in range(4)]
        + [(server_id(EC2_ORIGIN), "ReverseReplication")]
    )
    summaries = [r["details"] for r in audit if r["action"] == "ReprotectExecution"]
    assert sorted((d["REPROTECTED"], d["ALREADY_PROTECTED"]) for d in summaries) == [(0, 5), (5, 0)]

    # And the clean-up disconnects every recovery instance of the recovery, audited, terminating none
    cleanup = engine.api.post(f"/executions/{failback['id']}/failback-cleanup")
    assert cleanup.status == 200, cleanup.text
    assert {item["status"] for item in cleanup.json["items"]} == {"CLEANED_UP"}
    recovered = [s["recoveryInstanceId"] for w in recovery["waves"] for s in w["servers"]]
    assert {home.instances[i].failback_replication for i in recovered} == {"DISCONNECTED"}
    cleaned = [r for r in _audit(engine, failback["id"]) if r["action"] == "CleanUpFailbackServer"]
    assert sorted(r["details"]["drsResourceId"] for r in cleaned) == sorted(recovered)


def test_failback_with_a_client_missing_fails_that_server_by_its_impact(
    engine_factory: Callable[..., Engine],
) -> None:
    # Given a recovery whose server in wave c is OPTIONAL, and the client of that server not connected
    engine, plan, recovery = _recovered_diamond(engine_factory, optional=(2,))
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

    # When the recovery is failed back a second time
    second = _failback(engine, plan, recovery)
    # Then a server that already failed back is named as such, not as missing its failback client
    done = engine.wave(second, "d")["servers"][0]
    instance = engine.wave(recovery, "d")["servers"][0]["recoveryInstanceId"]
    assert done["launchStatus"] == "FAILED"
    assert done["error"].startswith(f"recovery instance {instance} has already failed back")
    assert "not connected" not in done["error"]


def test_failback_with_a_critical_client_missing_fails_the_run_and_skips_what_follows(
    engine_factory: Callable[..., Engine],
) -> None:
    # Given a recovery, with the client of d's (critical) server not connected
    engine, plan, recovery = _recovered_diamond(engine_factory)
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
    engine, plan, recovery = _recovered_diamond(engine_factory)
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
    engine, plan, recovery = _recovered_diamond(engine_factory, health_check=True)
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
    plan, recovery = _recovered_wave(engine, "big", count)

    # When it is failed back
    failback = _failback(engine, plan, recovery)

    # Then every server failed back, in StartFailbackLaunch jobs of at most 100 servers
    assert failback["status"] == "SUCCEEDED", failback["statusReason"]
    jobs = {job.job_id: job for job in _jobs_of(engine, ACCOUNT, REGION, "FAILBACK").values()}
    assert sorted(len(job.participants) for job in jobs.values()) == [10, 100]
    assert sum(len(job.participants) for job in jobs.values()) == count


def test_failback_waits_for_a_job_slot_when_others_hold_every_concurrent_job_of_the_account(
    engine_factory: Callable[..., Engine],
) -> None:
    # Given a recovery of one wave of 5 on-premises servers, failback clients connected
    engine = engine_factory(servers=fleet(25))
    plan, recovery = _recovered_wave(engine, "five", 5)
    # And someone outside the product holding all 20 concurrent jobs DRS allows (a drill a server)
    for n in range(5, 25):
        engine.drs.simulator.handle(
            "StartRecovery",
            ACCOUNT,
            REGION,
            {"sourceServers": [{"sourceServerID": server_id(n)}], "isDrill": True},
        )
    part = engine.drs.simulator.partition(ACCOUNT, REGION)
    outside = [job for job in part.jobs.values() if job.is_drill]
    assert len(outside) == len(part.active_jobs()) == 20

    # When it is failed back
    failback = _failback(engine, plan, recovery)

    # Then it waited for a slot: its StartFailbackLaunch came once a job had ended, and DRS refused none
    assert failback["status"] == "SUCCEEDED", failback["statusReason"]
    [job] = {job.job_id: job for job in _jobs_of(engine, ACCOUNT, REGION, "FAILBACK").values()}.values()
    assert sorted(job.participants) == [server_id(n) for n in range(5)]
    first_free = min(j.ended for j in outside if j.ended is not None)
    assert datetime.fromisoformat(failback["startedAt"]) < first_free <= job.created
    assert engine.drs.simulator.request_counts("StartFailbackLaunch") == {"StartFailbackLaunch": 1}
