"""A large plan's readiness check in the engine's harness: the API hands it to the worker function
(invoked asynchronously, run by the local runtime on the simulator's virtual clock), and the report
of every server arrives while the check is polled through the API."""

from collections.abc import Callable
from typing import Any

from tests.integration.engine.harness import Engine, fleet, server_id

SERVERS = 260  # over the 200 answered at once; the last 10 are extended source servers


def test_large_plan_is_checked_by_the_worker_when_its_check_is_polled(
    engine_factory: Callable[..., Engine],
) -> None:
    # Given a plan of 260 servers
    engine = engine_factory(servers=fleet(SERVERS))
    group = engine.group("all", [server_id(n) for n in range(SERVERS)])
    plan = engine.plan([{"id": "app", "name": "App", "protectionGroupIds": [group], "healthCheck": None}])

    # When a readiness check is started for a drill
    started = engine.api.post(f"/recovery-plans/{plan}/readiness-checks", query={"mode": "DRILL"})
    assert started.status == 202, started.text
    path = f"/recovery-plans/{plan}/readiness-checks/{started.json['id']}"
    seen: list[dict[str, Any]] = []

    def ended() -> bool:
        seen.append(engine.api.get(path).json)
        return bool(seen[-1]["status"] != "RUNNING")

    assert engine.virtual is not None
    engine.virtual.run_until(ended, 600, lambda: str(seen[-1:])[:2000])

    # Then the check completed with every server of the plan, each counted in its progress
    check = seen[-1]
    assert check["status"] == "COMPLETED", check
    assert check["progress"]["checkedServers"] == check["progress"]["totalServers"] == SERVERS
    assert {s["sourceServerId"] for s in check["report"]["waves"][0]["servers"]} == {
        server_id(n) for n in range(SERVERS)
    }
    assert all(c["progress"]["checkedServers"] <= SERVERS for c in seen)
