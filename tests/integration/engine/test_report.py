"""The report of a run the engine drove to its end, read through the API the console uses."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from tests.integration.engine.harness import FAST_TIMINGS, HEALTH_CHECK_DOCUMENT, Engine, fleet, server_id

# What the simulator takes for each phase the job log times (a start and an end event), in seconds.
PHASE_BOUNDS = {
    "snapshot": (FAST_TIMINGS.snapshot.min, FAST_TIMINGS.snapshot.max),
    "conversion": (
        min(FAST_TIMINGS.conversion_fast.min, FAST_TIMINGS.conversion_linux.min),
        max(FAST_TIMINGS.conversion_fast.max, FAST_TIMINGS.conversion_linux.max),
    ),
    "cleanup": (
        min(FAST_TIMINGS.cleanup_without_instance.min, FAST_TIMINGS.cleanup_with_instance.min),
        max(FAST_TIMINGS.cleanup_without_instance.max, FAST_TIMINGS.cleanup_with_instance.max),
    ),
}


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _minutes(start: str, end: str) -> float:
    return (_at(end) - _at(start)).total_seconds() / 60


def _two_wave_drill(engine: Engine) -> str:
    """db (one CRITICAL server), then app once db is HEALTHY (a CRITICAL and an OPTIONAL server)."""
    db, app = engine.group("db", [server_id(0)]), engine.group("app", [server_id(1), server_id(2)])
    health = {"documentName": HEALTH_CHECK_DOCUMENT, "timeoutSeconds": 900}
    return engine.plan(
        [
            {
                "id": "db",
                "name": "Databases",
                "protectionGroupIds": [db],
                "healthCheck": health,
                "timeoutMinutes": 20,
            },
            {
                "id": "app",
                "name": "Applications",
                "protectionGroupIds": [app],
                "dependsOn": [{"waveId": "db", "condition": "HEALTHY"}],
                "healthCheck": health,
                "optionalServerIds": [server_id(2)],
                "timeoutMinutes": 30,
            },
        ],
        rtoTargetMinutes=60,
    )


def test_report_shows_the_run_the_engine_made_when_a_two_wave_drill_ends_partial(
    engine_factory: Callable[..., Engine],
) -> None:
    # Given a two-wave drill whose OPTIONAL server fails to launch in DRS, run by the engine to its end
    # (at 60x, so that a busy machine cannot push a wave past its timeout)
    engine = engine_factory(servers=fleet(3), scale=60.0, faults={"fail_servers": {server_id(2): "launch"}})
    execution_id = engine.start(_two_wave_drill(engine))
    execution = engine.finish(execution_id)

    # When the report is read through the API
    response = engine.api.get(f"/executions/{execution_id}/report", as_="Viewer")

    # Then the run is PARTIAL because of the optional failure only
    assert response.status == 200, response.text
    report: dict[str, Any] = response.json
    assert execution["status"] == report["execution"]["status"] == "PARTIAL"
    waves = {w["waveId"]: w for w in report["waves"]}
    servers = {s["sourceServerId"]: s for s in report["servers"]}
    assert [w["waveStatus"] for w in report["waves"]] == ["COMPLETED", "COMPLETED"]
    optional = servers[server_id(2)]
    assert (optional["impact"], optional["launchStatus"], optional["health"]) == ("OPTIONAL", "FAILED", None)
    assert optional["error"]

    # And per wave, the planned window follows the DAG and the timeouts, and the actual one the dependency
    started = report["execution"]["startedAt"]
    assert (waves["db"]["plannedStartMinutes"], waves["db"]["plannedEndMinutes"]) == (0, 20)
    assert (waves["app"]["plannedStartMinutes"], waves["app"]["plannedEndMinutes"]) == (20, 50)
    db_healthy = _at(servers[server_id(0)]["healthyAt"])
    assert _at(waves["app"]["startedAt"]) >= db_healthy
    assert waves["app"]["actualStartMinutes"] >= round(
        _minutes(started, servers[server_id(0)]["healthyAt"]), 2
    )
    for wave in waves.values():
        assert wave["actualStartMinutes"] == round(_minutes(started, wave["startedAt"]), 2)
        assert wave["actualEndMinutes"] == round(_minutes(started, wave["endedAt"]), 2)
        assert wave["deviationMinutes"] == round(wave["actualEndMinutes"] - wave["plannedEndMinutes"], 2)
    assert waves["db"]["actualEndMinutes"] <= waves["app"]["actualStartMinutes"]

    # And each launched server has DRS phase timings from the job log within the simulator's durations
    for source_server_id in (server_id(0), server_id(1)):
        phases = servers[source_server_id]["phaseSeconds"]
        assert {"snapshot", "conversion"} <= set(phases), phases
        for phase, seconds in phases.items():
            low, high = PHASE_BOUNDS[phase]
            assert low <= seconds <= high + 1, (phase, seconds)

    # And the health gate's evidence: EC2 status checks, then the health-check command's result
    for source_server_id in (server_id(0), server_id(1)):
        server = servers[source_server_id]
        assert server["health"] == "HEALTHY"
        assert _at(server["healthyAt"]) >= _at(server["launchedAt"])
        evidence = server["healthEvidence"]
        assert (
            evidence["ec2"]["state"],
            evidence["ec2"]["systemStatus"],
            evidence["ec2"]["instanceStatus"],
        ) == (
            "running",
            "ok",
            "ok",
        )
        assert evidence["command"]["status"] == "Success"
        assert '"status":"PASS"' in evidence["command"]["output"]
        assert '"status":"FAIL"' not in evidence["command"]["output"]

    # And the measured RTO runs to the last CRITICAL server healthy, against the plan's target
    rto = report["execution"]["rto"]
    last_healthy = max(_at(servers[s]["healthyAt"]) for s in (server_id(0), server_id(1)))
    assert report["rtoTargetMinutes"] == rto["targetMinutes"] == 60
    assert (rto["criticalServers"], rto["recoveredCriticalServers"]) == (2, 2)
    assert _at(rto["recoveredAt"]) == last_healthy
    assert rto["measuredSeconds"] == (last_healthy - _at(started)).total_seconds()
    assert 0 < rto["measuredSeconds"] <= 60 * 60
    assert rto["met"] is True
