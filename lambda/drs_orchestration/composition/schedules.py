"""Drill schedules' parts: the Scheduler trigger the API writes, and what the drill function runs with."""

from __future__ import annotations

from drs_orchestration.adapters import aws_clients
from drs_orchestration.adapters.scheduler.eventbridge_scheduler_trigger import EventBridgeSchedulerTrigger
from drs_orchestration.composition.product import Product, part

__all__ = ["schedule_trigger"]


@part()
def schedule_trigger(product: Product) -> EventBridgeSchedulerTrigger | None:
    """EventBridge Scheduler in the stack's group, when the function is given the group, the drill
    function and the Scheduler's role; ``None`` otherwise (creating a schedule then answers 503)."""
    settings = product.settings
    if not (
        settings.schedule_group and settings.scheduled_drill_function_arn and settings.scheduler_role_arn
    ):
        return None
    client = aws_clients.client("scheduler", settings.aws_region, endpoint_url=settings.aws_endpoint)
    return EventBridgeSchedulerTrigger(
        client, settings.schedule_group, settings.scheduled_drill_function_arn, settings.scheduler_role_arn
    )
