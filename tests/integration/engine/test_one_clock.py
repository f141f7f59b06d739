"""One clock for the whole product: what the API writes and what the engine writes are on the same time."""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from tests.integration.engine.harness import Engine, fleet, server_id

THIRTY_DAYS = 30 * 24 * 3600
TERMINAL = {"SUCCEEDED", "PARTIAL", "FAILED", "CANCELLED"}


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def test_run_is_stamped_on_the_products_clock_when_that_clock_is_far_from_wall_time(
    engine_factory: Callable[..., Engine],
) -> None:
    # Given a product whose clock (the simulator's, as in local mode) is thirty days ahead of wall time
    engine = engine_factory(servers=fleet(2))
    clock = engine.drs.simulator.clock
    clock.advance(THIRTY_DAYS)
    before = clock.now()
    group = engine.group("g", [server_id(0), server_id(1)])
    plan = engine.plan([{"id": "app", "name": "App", "protectionGroupIds": [group], "healthCheck": None}])

    # When a drill runs, watched through the API from start to end
    execution_id = engine.start(plan)
    seen: list[dict[str, Any]] = []

    def ended(execution: dict[str, Any]) -> bool:
        seen.append(execution)
        return execution["status"] in TERMINAL and not engine.engine_running()

    final = engine.run_until(execution_id, ended)

    # Then the API's records and the engine's are on the one clock
    assert final["status"] == "SUCCEEDED", final["statusReason"]
    events = {event.type: event.at for event in engine.timeline(execution_id)}
    assert before <= events["EXECUTION_CREATED"] <= events["EXECUTION_STARTED"] <= clock.now()
    assert _at(engine.api.get(f"/protection-groups/{group}").json["createdAt"]) >= before
    # and the RTO of a running run never counts backwards
    running = [execution for execution in seen if execution["status"] == "RUNNING"]
    assert running, "the run was never seen running"
    assert all(execution["rto"]["elapsedSeconds"] >= 0 for execution in running)
    # and every answer carries the product's time, for clients that show "how long ago"
    response = engine.api.get(f"/executions/{execution_id}")
    assert before <= _at(response.headers["x-server-time"]) <= clock.now()
