"""The scheduled-drill function: EventBridge Scheduler's target. Its Input names the schedule and the
firing's scheduled time; it starts the plan's drill as ``schedule:<id>``, at most once per firing."""

from __future__ import annotations

from typing import Any

from drs_orchestration.composition.product import Product, cold_start, default_product
from drs_orchestration.composition.scheduled_drills import scheduled_drill_parts
from drs_orchestration.domain.models.schedule import ScheduleFiring
from drs_orchestration.domain.services.scheduled_drills import fire_schedule
from drs_orchestration.handlers.observability import event_function

__all__ = ["handle", "lambda_handler"]

cold_start(scheduled_drill_parts)


@event_function("scheduled_drill")
def handle(product: Product, event: dict[str, Any], context: object) -> dict[str, Any]:
    firing = ScheduleFiring.model_validate(event)
    parts = scheduled_drill_parts(product)
    outcome = fire_schedule(parts.services, parts.schedules, parts.notifier, firing, product.clock)
    result = outcome.result.to_json() if outcome.result else None
    return {"scheduleId": firing.schedule_id, "duplicate": outcome.duplicate, "result": result}


def lambda_handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    return handle(default_product(), event, context)
