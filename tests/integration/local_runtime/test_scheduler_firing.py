"""Local mode fires EventBridge Scheduler schedules, which moto keeps but never fires: the template's
schedule group and Scheduler role are created, and each schedule's target is invoked with its Input
when it is due on the runtime's clock."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from moto import mock_aws

from drs_local.scheduler_firing import SchedulerFiring
from tests.integration.local_runtime.local_aws import local_aws_in_process

GROUP = "drills"
START = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)


@dataclass
class ManualClock:
    moment: datetime = START

    def now(self) -> datetime:
        return self.moment


@pytest.fixture
def scheduler(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        client = boto3.client("scheduler")
        client.create_schedule_group(Name=GROUP)
        yield client


def _schedule(client: Any, name: str, expression: str, **extra: Any) -> None:
    client.create_schedule(
        Name=name,
        GroupName=GROUP,
        ScheduleExpression=expression,
        FlexibleTimeWindow={"Mode": "OFF"},
        Target={
            "Arn": "arn:aws:lambda:us-east-1:123456789012:function:drill",
            "RoleArn": "arn:aws:iam::123456789012:role/scheduler",
            "Input": json.dumps({"schedule": name, "at": "<aws.scheduler.scheduled-time>"}),
        },
        **extra,
    )


def test_rate_schedule_fires_each_period_from_its_start_when_the_clock_passes_it(scheduler: Any) -> None:
    # Given a rate(1 hour) schedule whose first run is at 11:00
    clock, received = ManualClock(), []
    _schedule(scheduler, "hourly", "rate(1 hour)", StartDate=START + timedelta(hours=1))
    firing = SchedulerFiring(scheduler, GROUP, clock, {"drill": received.append})

    # When the clock is before it, then three hours and a half on
    assert firing.fire_due() == 0
    assert firing.next_due() == START + timedelta(hours=1)
    clock.moment = START + timedelta(hours=3, minutes=30)
    fired = firing.fire_due()

    # Then each missed run was delivered once, in order, with its own scheduled time
    assert fired == 3
    assert [event["at"] for event in received] == [
        "2026-12-05T11:00:00Z",
        "2026-12-05T12:00:00Z",
        "2026-12-05T13:00:00Z",
    ]
    assert firing.fire_due() == 0
    assert firing.next_due() == START + timedelta(hours=4)


def test_cron_schedule_fires_at_its_wall_time_in_its_zone_when_due(scheduler: Any) -> None:
    clock, received = ManualClock(), []
    _schedule(scheduler, "berlin", "cron(0 12 ? * * *)", ScheduleExpressionTimezone="Europe/Berlin")
    firing = SchedulerFiring(scheduler, GROUP, clock, {"drill": received.append})
    firing.fire_due()

    clock.moment = START + timedelta(hours=1, minutes=1)

    assert firing.fire_due() == 1
    assert received == [{"schedule": "berlin", "at": "2026-12-05T11:00:00Z"}]


def test_disabled_or_deleted_schedule_fires_nothing_when_due(scheduler: Any) -> None:
    clock, received = ManualClock(), []
    _schedule(scheduler, "off", "rate(1 hour)", State="DISABLED", StartDate=START + timedelta(hours=1))
    _schedule(scheduler, "gone", "rate(1 hour)", StartDate=START + timedelta(hours=1))
    firing = SchedulerFiring(scheduler, GROUP, clock, {"drill": received.append})
    firing.fire_due()
    scheduler.delete_schedule(Name="gone", GroupName=GROUP)

    clock.moment = START + timedelta(hours=2)

    assert firing.fire_due() == 0
    assert firing.next_due() is None
    assert received == []


def test_local_aws_creates_the_schedule_group_and_the_scheduled_drill_function_when_started(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with local_aws_in_process(monkeypatch) as local:
        (group,) = local.schedule_groups
        assert boto3.client("scheduler").get_schedule_group(Name=group)["Name"] == group
        assert local.environment["SCHEDULE_GROUP"] == group
        assert (
            local.functions["ScheduledDrillFunction"]
            == "drs_orchestration.handlers.scheduled_drill.lambda_handler"
        )
        assert local.environment["SCHEDULED_DRILL_FUNCTION_ARN"].endswith(
            f"function:{local.function_names['ScheduledDrillFunction']}"
        )
        role = local.environment["SCHEDULER_ROLE_ARN"].rsplit("/", 1)[-1]
        trust = boto3.client("iam").get_role(RoleName=role)["Role"]["AssumeRolePolicyDocument"]
        assert trust["Statement"][0]["Principal"] == {"Service": "scheduler.amazonaws.com"}
        assert local.environment["NOTIFICATIONS_TOPIC_ARN"] == local.topic_arn
