from collections.abc import Callable

from tests.integration.engine.harness import Engine, fleet, server_id


def test_one_wave_drill_succeeds_when_every_server_launches(engine_factory: Callable[..., Engine]) -> None:
    engine = engine_factory(servers=fleet(3))
    group = engine.group("g", [server_id(n) for n in range(3)])
    plan = engine.plan([{"id": "app", "name": "App", "protectionGroupIds": [group]}])
    execution_id = engine.start(plan)
    execution = engine.finish(execution_id)
    assert execution["status"] == "SUCCEEDED", execution
