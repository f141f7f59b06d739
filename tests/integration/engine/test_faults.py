"""DRS faults: each run ends in the right state, none stays RUNNING, no server is launched twice."""

from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest

from drs_orchestration.adapters.drs.boto_drs_gateway import BotoDrsGateway
from drs_orchestration.composition.store import executions
from drs_orchestration.domain.models.drs import DrsJob
from drs_orchestration.domain.models.execution import HealthStatus
from tests.integration.engine.harness import HEALTH_CHECK_DOCUMENT, Engine, fleet, server_id


def _one_wave(engine: Engine, count: int, **wave: Any) -> str:
    group = engine.group("g", [server_id(n) for n in range(count)])
    return engine.plan([{"id": "app", "name": "App", "protectionGroupIds": [group], **wave}])


def _launched_once(engine: Engine, execution_id: str) -> None:
    batches = executions(engine.product).get_batches(execution_id)
    counts = Counter(s for b in batches for s in b.source_server_ids)
    assert set(counts.values()) <= {1}
    assert engine.drs.simulator.request_counts("StartRecovery")["StartRecovery"] == len(batches)


def test_run_is_partial_and_wave_succeeds_when_optional_servers_fail_to_launch(
    engine_factory: Callable[..., Engine],
) -> None:
    # Given 20 OPTIONAL servers, 2 of which (10 %) fail in DRS
    failing = {server_id(3): "launch", server_id(7): "conversion"}
    engine = engine_factory(servers=fleet(20), faults={"fail_servers": failing})
    plan = _one_wave(engine, 20, optionalServerIds=[server_id(n) for n in range(20)])

    execution = engine.finish(engine.start(plan))

    assert execution["status"] == "PARTIAL"
    assert execution["statusReason"] == (
        f"2 optional server(s) failed to launch or were unhealthy ({server_id(3)}, {server_id(7)})"
    )
    assert execution["waves"][0]["status"] == "COMPLETED"
    failed = {s["sourceServerId"] for s in execution["waves"][0]["servers"] if s["launchStatus"] == "FAILED"}
    assert failed == set(failing)
    _launched_once(engine, execution["id"])


def test_dependants_are_skipped_and_independent_branch_completes_when_a_critical_server_fails(
    engine_factory: Callable[..., Engine],
) -> None:
    engine = engine_factory(servers=fleet(3), faults={"fail_servers": {server_id(0): "launch"}})
    a, b, c = (engine.group(x, [server_id(n)]) for n, x in enumerate("abc"))
    plan = engine.plan(
        [
            {"id": "a", "name": "A", "protectionGroupIds": [a]},
            {"id": "b", "name": "B", "protectionGroupIds": [b], "dependsOn": [{"waveId": "a"}]},
            {"id": "c", "name": "C", "protectionGroupIds": [c]},
        ]
    )

    execution = engine.finish(engine.start(plan))

    waves = {w["id"]: w for w in execution["waves"]}
    assert execution["status"] == "FAILED"
    assert (
        execution["statusReason"] == f"wave A failed: 1 critical server(s) failed to launch ({server_id(0)})"
    )
    assert waves["a"]["status"] == "FAILED"
    assert waves["a"]["reason"] == f"1 critical server(s) failed to launch ({server_id(0)})"
    assert waves["b"]["status"] == "SKIPPED"
    assert waves["b"]["reason"] == "dependency 'a' failed"
    assert waves["c"]["status"] == "COMPLETED"


def test_run_succeeds_when_a_third_of_describe_jobs_calls_are_throttled(
    engine_factory: Callable[..., Engine],
) -> None:
    engine = engine_factory(
        servers=fleet(5), faults={"throttle": [{"operation": "DescribeJobs", "rate": 0.3}]}
    )

    execution = engine.finish(engine.start(_one_wave(engine, 5)))

    assert execution["status"] == "SUCCEEDED"
    _launched_once(engine, execution["id"])


def test_wave_fails_on_its_timeout_when_a_conversion_is_stuck(engine_factory: Callable[..., Engine]) -> None:
    engine = engine_factory(servers=fleet(2), faults={"stuck_phase": {server_id(1): "conversion"}})

    execution = engine.finish(engine.start(_one_wave(engine, 2, timeoutMinutes=10)))

    assert execution["status"] == "FAILED"
    wave = execution["waves"][0]
    assert wave["status"] == "FAILED"
    assert wave["reason"] == "timed out after 10 min"
    stuck = next(s for s in wave["servers"] if s["sourceServerId"] == server_id(1))
    assert stuck["error"] == "wave timed out after 10 min"


def test_wave_fails_with_evidence_when_a_recovered_instance_is_unhealthy(
    engine_factory: Callable[..., Engine],
) -> None:
    engine = engine_factory(servers=fleet(2), faults={"boot_failure_servers": [server_id(0)]})
    plan = _one_wave(engine, 2, healthCheck={"documentName": HEALTH_CHECK_DOCUMENT, "timeoutSeconds": 600})

    execution = engine.finish(engine.start(plan))

    assert execution["status"] == "FAILED"
    unhealthy = f"1 critical server(s) unhealthy ({server_id(0)})"
    assert execution["waves"][0]["reason"] == f"{unhealthy}: EC2 status checks failed"
    servers = {s.source_server_id: s for s in engine.servers(execution["id"])}
    sick = servers[server_id(0)]
    assert sick.health is HealthStatus.UNHEALTHY
    ec2 = sick.health_evidence["ec2"]
    assert isinstance(ec2, dict)
    assert ec2["state"] == "stopped"
    assert servers[server_id(1)].health is HealthStatus.HEALTHY


def test_run_succeeds_when_events_are_lost_or_duplicated(engine_factory: Callable[..., Engine]) -> None:
    engine = engine_factory(servers=fleet(6), faults={"event_drop_rate": 0.5, "event_duplicate_rate": 0.5})

    execution = engine.finish(engine.start(_one_wave(engine, 6)))

    assert execution["status"] == "SUCCEEDED"
    _launched_once(engine, execution["id"])


def test_servers_launch_once_when_the_task_crashes_right_after_start_recovery(
    engine_factory: Callable[..., Engine], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a task that dies right after its first StartRecovery succeeded in DRS
    engine = engine_factory(servers=fleet(3))
    real = BotoDrsGateway.start_recovery
    crashes: list[str] = []

    def start_then_crash(self: BotoDrsGateway, *args: Any, **kwargs: Any) -> DrsJob:
        job = real(self, *args, **kwargs)
        if not crashes:
            crashes.append(job.job_id)
            raise RuntimeError("the task crashed right after StartRecovery")
        return job

    monkeypatch.setattr(BotoDrsGateway, "start_recovery", start_then_crash)

    # When the run goes on (Step Functions retries Advance)
    execution = engine.finish(engine.start(_one_wave(engine, 3)))

    # Then the retry found the job by its tags and launched nothing twice
    assert crashes
    assert execution["status"] == "SUCCEEDED"
    assert engine.drs.simulator.request_counts("StartRecovery") == {"StartRecovery": 1}
    assert {s["jobId"] for s in execution["waves"][0]["servers"]} == set(crashes)
    _launched_once(engine, execution["id"])
