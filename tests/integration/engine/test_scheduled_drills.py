"""Scheduled drills on the runtime's clock: a schedule created through the API becomes an EventBridge
Scheduler schedule (moto's), the local runtime fires it when it is due on the simulated clock, and the
drill it starts runs to its end through the real engine."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import boto3
from moto.core import DEFAULT_ACCOUNT_ID

from drs_local.scheduler_firing import SchedulerFiring
from tests.integration.engine.harness import HOUR, REGION, Engine, fleet, server_id

GROUP = "drill-schedules"
FUNCTION = "scheduled-drill"
DRILL_HANDLER = "drs_orchestration.handlers.scheduled_drill.lambda_handler"
SETTINGS = {
    "schedule_group": GROUP,
    "scheduled_drill_function_arn": f"arn:aws:lambda:{REGION}:{DEFAULT_ACCOUNT_ID}:function:{FUNCTION}",
    "scheduler_role_arn": f"arn:aws:iam::{DEFAULT_ACCOUNT_ID}:role/drill-scheduler",
}


def _plan(engine: Engine) -> str:
    group = engine.group("app", [server_id(0), server_id(1)])
    wave = {"id": "app", "name": "App", "protectionGroupIds": [group], "healthCheck": None}
    return engine.plan([wave], name="scheduled")


def _firing(engine: Engine) -> SchedulerFiring:
    """The local runtime's firing of the group's schedules into the drill function, on virtual time."""
    handler = engine.product.handler(DRILL_HANDLER)

    def invoke(event: dict[str, Any]) -> object:
        return handler(event, None)

    firing = SchedulerFiring(
        boto3.client("scheduler", region_name=REGION),
        GROUP,
        engine.drs.simulator.clock,
        {FUNCTION: invoke},
    )
    assert engine.virtual is not None
    engine.virtual.add_pump(firing.fire_due)
    engine.virtual.add_deadline_source(firing.next_due)
    return firing


def _runs(engine: Engine, plan_id: str) -> list[dict[str, Any]]:
    response = engine.api.get("/executions", query={"planId": plan_id}, as_="Viewer")
    return list(response.json["items"])


def test_hourly_schedule_starts_a_drill_that_finishes_when_the_clock_reaches_its_time(
    engine_factory: Callable[..., Engine],
) -> None:
    # Given a plan and the local runtime firing the stack's schedule group
    engine = engine_factory(servers=fleet(2), settings=SETTINGS)
    boto3.client("scheduler", region_name=REGION).create_schedule_group(Name=GROUP)
    plan_id = _plan(engine)
    _firing(engine)
    created_at = engine.drs.simulator.clock.now()

    # When an admin schedules its drill every hour
    response = engine.api.post(f"/recovery-plans/{plan_id}/schedules", {"expression": "rate(1 hour)"})
    assert response.status == 201, response.text
    schedule = response.json

    # Then nothing runs before the hour, and at the hour the drill starts, as the schedule
    assert engine.virtual is not None
    engine.virtual.run_until(lambda: bool(_runs(engine, plan_id)), 2 * HOUR, lambda: "no drill started")
    (run,) = _runs(engine, plan_id)
    assert run["startedBy"] == f"schedule:{schedule['id']}"
    assert run["mode"] == "DRILL"
    started = engine.drs.simulator.clock.now()
    assert timedelta(hours=1) <= started - created_at < timedelta(hours=1, minutes=1)
    # and it runs to its end
    assert engine.finish(run["id"])["status"] == "SUCCEEDED"
    # and the schedule shows what it started
    shown = engine.api.get(f"/recovery-plans/{plan_id}/schedules/{schedule['id']}", as_="Viewer").json
    assert shown["lastResult"]["executionId"] == run["id"]
    assert shown["lastResult"]["error"] is None
