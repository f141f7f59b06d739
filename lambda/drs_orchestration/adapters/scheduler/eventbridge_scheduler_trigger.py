"""Drill schedules as EventBridge Scheduler schedules, in the stack's own schedule group.

Each schedule is named by its id and targets the scheduled-drill function with the Scheduler's role;
its Input names the schedule and carries ``<aws.scheduler.scheduled-time>``, which Scheduler replaces
with the firing's time (the key that makes a firing idempotent). The time zone is the schedule's own
(``ScheduleExpressionTimezone``), the window is exact (``FlexibleTimeWindow`` OFF), and a rate counts
from the schedule's anchor (``StartDate``), as the API's next run does.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from botocore.exceptions import ClientError

from drs_orchestration.domain.models.schedule import StoredSchedule
from drs_orchestration.domain.schedule_expressions import RateExpression, parse_expression

__all__ = ["SCHEDULED_TIME", "EventBridgeSchedulerTrigger", "scheduler_input"]

SCHEDULED_TIME = "<aws.scheduler.scheduled-time>"
_RETRIES = {"MaximumEventAgeInSeconds": 3600, "MaximumRetryAttempts": 5}


def scheduler_input(schedule: StoredSchedule) -> str:
    """The target Input: the firing the drill function receives (see ``ScheduleFiring``)."""
    return json.dumps(
        {"scheduleId": schedule.id, "planId": schedule.plan_id, "scheduledTime": SCHEDULED_TIME}
    )


class EventBridgeSchedulerTrigger:
    def __init__(self, client: Any, group_name: str, target_arn: str, role_arn: str) -> None:
        self.client = client
        self.group_name = group_name
        self.target_arn = target_arn
        self.role_arn = role_arn

    def _arguments(self, schedule: StoredSchedule) -> dict[str, Any]:
        arguments: dict[str, Any] = {
            "Name": schedule.id,
            "GroupName": self.group_name,
            "Description": f"Drill of recovery plan {schedule.plan_id}",
            "ScheduleExpression": schedule.expression,
            "ScheduleExpressionTimezone": schedule.timezone,
            "FlexibleTimeWindow": {"Mode": "OFF"},
            "State": "ENABLED" if schedule.enabled else "DISABLED",
            "Target": {
                "Arn": self.target_arn,
                "RoleArn": self.role_arn,
                "Input": scheduler_input(schedule),
                "RetryPolicy": dict(_RETRIES),
            },
        }
        expression = parse_expression(schedule.expression)
        if isinstance(expression, RateExpression):
            arguments["StartDate"] = schedule.anchor_at + timedelta(seconds=expression.seconds)
        return arguments

    def put(self, schedule: StoredSchedule, *, create: bool) -> None:
        if create:
            self.client.create_schedule(ActionAfterCompletion="NONE", **self._arguments(schedule))
        else:
            self.client.update_schedule(ActionAfterCompletion="NONE", **self._arguments(schedule))

    def delete(self, schedule_id: str) -> None:
        try:
            self.client.delete_schedule(Name=schedule_id, GroupName=self.group_name)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "ResourceNotFoundException":
                raise
