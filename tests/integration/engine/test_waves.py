"""Waves as a DAG, the health gate and notifications, end to end through the REST API."""

from collections.abc import Callable
from datetime import datetime

from tests.integration.engine.harness import HEALTH_CHECK_DOCUMENT, Engine, fleet, server_id

HEALTH = {"documentName": HEALTH_CHECK_DOCUMENT, "timeoutSeconds": 600}


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def test_diamond_runs_middle_waves_together_each_after_its_dependencies_are_healthy_when_drilled(
    engine_factory: Callable[..., Engine],
) -> None:
    # Given a 3-tier plan db -> (app, api) -> web, every wave health-checked
    engine = engine_factory(servers=fleet(8))
    groups = {
        tier: engine.group(tier, [server_id(2 * i), server_id(2 * i + 1)])
        for i, tier in enumerate(["db", "app", "api", "web"])
    }

    def wave(tier: str, *deps: str) -> dict[str, object]:
        return {
            "id": tier,
            "name": tier.upper(),
            "protectionGroupIds": [groups[tier]],
            "dependsOn": [{"waveId": d, "condition": "HEALTHY"} for d in deps],
            "healthCheck": HEALTH,
        }

    plan = engine.plan([wave("db"), wave("app", "db"), wave("api", "db"), wave("web", "app", "api")])

    # When it runs as a drill
    execution = engine.finish(engine.start(plan))

    # Then every wave completed, every server healthy with its evidence kept
    assert execution["status"] == "SUCCEEDED", execution
    waves = {w["id"]: w for w in execution["waves"]}
    assert all(w["status"] == "COMPLETED" for w in waves.values())
    servers = engine.servers(execution["id"])
    assert {s.health.value if s.health else None for s in servers} == {"HEALTHY"}
    assert all(s.health_evidence.get("ec2") and s.health_evidence.get("command") for s in servers)
    # and each wave started only after its dependencies completed (healthy)
    for tier, deps in {"app": ["db"], "api": ["db"], "web": ["app", "api"]}.items():
        assert all(_at(waves[tier]["startedAt"]) >= _at(waves[d]["endedAt"]) for d in deps), (tier, waves)
    # and the two middle waves ran at the same time
    assert _at(waves["app"]["startedAt"]) < _at(waves["api"]["endedAt"])
    assert _at(waves["api"]["startedAt"]) < _at(waves["app"]["endedAt"])
    # and the notifications arrived in order: started, waves as they completed, finished
    kinds = [(m["body"]["kind"], (m["body"].get("wave") or {}).get("id")) for m in engine.notifications()]
    assert kinds[0] == ("STARTED", None)
    assert kinds[-1] == ("FINISHED", None)
    completed = [wave_id for kind, wave_id in kinds if kind == "WAVE_COMPLETED"]
    assert completed[0] == "db"
    assert completed[-1] == "web"
    assert set(completed[1:3]) == {"app", "api"}


def test_notification_has_a_subject_ids_counts_timings_and_a_console_link_when_the_run_finishes(
    engine_factory: Callable[..., Engine],
) -> None:
    engine = engine_factory(servers=fleet(2))
    plan = engine.plan(
        [
            {
                "id": "app",
                "name": "App",
                "protectionGroupIds": [engine.group("g", [server_id(0), server_id(1)])],
            }
        ],
        name="shop",
    )

    execution = engine.finish(engine.start(plan))

    finished = engine.notifications()[-1]
    assert finished["subject"] == "Drill of shop finished: SUCCEEDED"
    body = finished["body"]
    assert body["executionId"] == execution["id"]
    assert body["planName"] == "shop"
    assert body["counts"]["launch"] == {"LAUNCHED": 2}
    assert body["timings"]["durationSeconds"] > 0
    assert body["consoleUrl"] == f"https://console.example.com/executions/{execution['id']}"


def test_dependant_of_a_launched_condition_starts_before_the_dependency_is_healthy_when_asked(
    engine_factory: Callable[..., Engine],
) -> None:
    engine = engine_factory(servers=fleet(4))
    first = engine.group("a", [server_id(0), server_id(1)])
    second = engine.group("b", [server_id(2), server_id(3)])
    plan = engine.plan(
        [
            {
                "id": "a",
                "name": "A",
                "protectionGroupIds": [first],
                "healthCheck": HEALTH,
                "postActions": [{"type": "WAIT", "name": "settle", "seconds": 600}],
            },
            {
                "id": "b",
                "name": "B",
                "protectionGroupIds": [second],
                "dependsOn": [{"waveId": "a", "condition": "LAUNCHED"}],
            },
        ]
    )

    execution = engine.finish(engine.start(plan))

    waves = {w["id"]: w for w in execution["waves"]}
    assert execution["status"] == "SUCCEEDED"
    assert _at(waves["b"]["startedAt"]) < _at(waves["a"]["endedAt"])
