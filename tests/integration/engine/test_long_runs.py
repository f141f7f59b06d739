"""A week-long run on the product's own settings, on the simulated clock: a 3-day approval, a 3-day
hold (paused), then a 24-hour recovery whose health gates poll every 10 s. One execution of the
state machine could not hold it (Step Functions fails an execution at 25,000 history events); the
run hands itself over to fresh executions and ends SUCCEEDED."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from drs_local.instance_health import InstanceBehaviour
from drs_orchestration.config.settings import Settings
from drs_orchestration.domain.models.execution import EventType
from tests.integration.engine.harness import HEALTH_CHECK_DOCUMENT, HOUR, Engine, fleet, server_id

DAY = 24 * HOUR
HISTORY_LIMIT = 25_000
RECOVERY_WAVES = 4
GATE_SECONDS = 1200
"""How long each wave's health-check command runs: its gate polls every 10 s meanwhile."""
SOAK_SECONDS = 5 * 3600
"""Each recovery wave's WAIT post-action: with the gates and launches, the recovery lasts a day."""


def _week_plan(engine: Engine) -> str:
    health = {"documentName": HEALTH_CHECK_DOCUMENT, "timeoutSeconds": 7200}
    approval = {
        "type": "APPROVAL",
        "name": "go",
        "message": "Declare the disaster?",
        "timeoutSeconds": 4 * 86_400,
    }
    waves: list[dict[str, Any]] = [
        {
            "id": "w0",
            "name": "Approval",
            "protectionGroupIds": [engine.group("g0", [server_id(0)])],
            "preActions": [approval],
            "healthCheck": health,
        }
    ]
    for n in range(1, RECOVERY_WAVES + 1):
        soak = {"type": "WAIT", "name": "soak", "seconds": SOAK_SECONDS}
        waves.append(
            {
                "id": f"w{n}",
                "name": f"Tier {n}",
                "protectionGroupIds": [engine.group(f"g{n}", [server_id(n)])],
                "dependsOn": [{"waveId": f"w{n - 1}"}],
                "healthCheck": health,
                "postActions": [soak],
            }
        )
    return engine.plan(waves, name="week")


def test_week_long_run_succeeds_across_several_executions_each_within_the_history_limit(
    engine_factory: Callable[..., Engine],
) -> None:
    # Given a plan whose first wave waits for an approval, and health gates that take 20 minutes
    engine = engine_factory(servers=fleet(RECOVERY_WAVES + 1))
    engine.instances.default = InstanceBehaviour(command_seconds=GATE_SECONDS)
    execution_id = engine.start(_week_plan(engine))
    started = engine.product.clock.now()

    # When the approval comes after 3 days, and the run is then held paused for 3 days
    engine.run_until(execution_id, lambda e: e["status"] == "WAITING_APPROVAL")
    engine.run_for(3 * DAY)
    assert engine.api.post(f"/executions/{execution_id}/waves/w0/approve", as_="Operator").status == 202
    assert engine.api.post(f"/executions/{execution_id}/pause", as_="Operator").status == 202
    engine.run_for(3 * DAY)
    assert engine.execution(execution_id)["status"] == "PAUSED"
    assert engine.api.post(f"/executions/{execution_id}/resume", as_="Operator").status == 202

    # Then the recovery runs its day and the run succeeds, seven days after it started
    execution = engine.finish(execution_id, limit=2 * DAY)
    assert execution["status"] == "SUCCEEDED", execution["statusReason"]
    ended = engine.product.clock.now()
    assert 6.9 * DAY < (ended - started).total_seconds() < 7.2 * DAY

    # across several executions, each ended at its handover, each far within the history limit
    runs = engine.engine_executions()
    assert len(runs) >= 3
    assert {r["status"] for r in runs} == {"SUCCEEDED"}
    ticks = Settings().handover_ticks
    assert max(r["events"] for r in runs) <= ticks * 14 < HISTORY_LIMIT
    handovers = [e for e in engine.timeline(execution_id) if e.type is EventType.ENGINE_HANDED_OVER]
    assert len(handovers) == len(runs) - 1
