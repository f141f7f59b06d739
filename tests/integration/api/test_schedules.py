"""Drill schedules through the real API handler: stored in the plans table under moto, mirrored as
EventBridge Scheduler schedules in moto's scheduler, fired through the real scheduled-drill handler."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from moto.core import DEFAULT_ACCOUNT_ID

from drs_orchestration.composition.product import Product
from drs_simulator.testing import SimulatorHandle
from tests.integration.api.client import API_HANDLER, Api
from tests.integration.api.conftest import REGION, product_over_moto, server_id

GROUP = "drill-schedules"
TOPIC = "schedule-notifications"
FUNCTION_ARN = "arn:aws:lambda:us-east-1:111122223333:function:scheduled-drill"
ROLE_ARN = "arn:aws:iam::111122223333:role/scheduler"
DRILL_HANDLER = "drs_orchestration.handlers.scheduled_drill.lambda_handler"
START = datetime(2026, 12, 5, 10, 17, tzinfo=UTC)  # a Saturday


@dataclass
class ManualClock:
    moment: datetime = START

    def now(self) -> datetime:
        return self.moment


@dataclass
class Fixture:
    product: Product
    api: Api
    clock: ManualClock
    scheduler: Any
    queue_url: str

    def fire(self, schedule_id: str, at: datetime) -> dict[str, Any]:
        """Invoke the drill function as Scheduler does: the schedule's target Input, its time filled in."""
        target = self.scheduler.get_schedule(Name=schedule_id, GroupName=GROUP)["Target"]
        assert target["Arn"] == FUNCTION_ARN
        event = json.loads(
            target["Input"].replace("<aws.scheduler.scheduled-time>", at.strftime("%Y-%m-%dT%H:%M:%SZ"))
        )
        result: dict[str, Any] = self.product.handler(DRILL_HANDLER)(event, None)
        return result

    def notifications(self) -> list[dict[str, Any]]:
        sqs = boto3.client("sqs", region_name=REGION)
        messages = sqs.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=10).get("Messages", [])
        return [json.loads(json.loads(m["Body"])["Message"]) for m in messages]


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, drs: SimulatorHandle) -> Iterator[Fixture]:
    for key, value in {
        "SCHEDULE_GROUP": GROUP,
        "SCHEDULED_DRILL_FUNCTION_ARN": FUNCTION_ARN,
        "SCHEDULER_ROLE_ARN": ROLE_ARN,
        "STATE_MACHINE_ARN": "arn:aws:states:us-east-1:111122223333:stateMachine:engine",
        "NOTIFICATIONS_TOPIC_ARN": f"arn:aws:sns:{REGION}:{DEFAULT_ACCOUNT_ID}:{TOPIC}",
    }.items():
        monkeypatch.setenv(key, value)
    clock = ManualClock()
    with product_over_moto(monkeypatch, drs, clock, prefix="schedules") as product:
        scheduler = boto3.client("scheduler", region_name=REGION)
        if GROUP not in [g["Name"] for g in scheduler.list_schedule_groups()["ScheduleGroups"]]:
            scheduler.create_schedule_group(Name=GROUP)
        sns, sqs = boto3.client("sns", region_name=REGION), boto3.client("sqs", region_name=REGION)
        topic = sns.create_topic(Name=TOPIC)["TopicArn"]
        queue_url = sqs.create_queue(QueueName=f"notifications-{uuid.uuid4().hex[:12]}")["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
        yield Fixture(product, Api(product.handler(API_HANDLER)), clock, scheduler, queue_url)


def make_plan(api: Api, name: str = "shop", server: int = 0) -> str:
    group = api.post(
        "/protection-groups",
        {
            "name": f"{name}-web",
            "accountId": "111122223333",
            "region": REGION,
            "sourceServerIds": [server_id(server)],
        },
    )
    assert group.status == 201, group.text
    plan = api.post(
        "/recovery-plans",
        {
            "name": name,
            "rtoTargetMinutes": 60,
            "waves": [
                {"id": "web", "name": "Web", "protectionGroupIds": [group.json["id"]], "healthCheck": None}
            ],
        },
    )
    assert plan.status == 201, plan.text
    return str(plan.json["id"])


CRON = {"expression": "cron(0 3 ? * SAT#1 *)", "timezone": "Europe/Berlin", "mode": "DRILL", "enabled": True}


def test_schedule_is_created_with_its_next_run_in_its_time_zone_when_an_admin_posts_a_cron(
    env: Fixture,
) -> None:
    # Given a plan
    plan_id = make_plan(env.api)

    # When an admin schedules its drill at 03:00 Berlin time on the first Saturday of each month
    created = env.api.post(f"/recovery-plans/{plan_id}/schedules", CRON)

    # Then it answers the canonical shape, the next run in UTC (CET is UTC+1 in winter)
    assert created.status == 201, created.text
    body = created.json
    assert body["id"].startswith("sch-")
    assert body["planId"] == plan_id
    assert body["nextRunAt"] == "2027-01-02T02:00:00Z"
    assert body["lastResult"] is None
    assert (body["mode"], body["enabled"], body["version"]) == ("DRILL", True, 1)
    # and EventBridge Scheduler holds the schedule in the stack's group, in the same time zone
    remote = env.scheduler.get_schedule(Name=body["id"], GroupName=GROUP)
    assert remote["ScheduleExpression"] == "cron(0 3 ? * SAT#1 *)"
    assert remote["ScheduleExpressionTimezone"] == "Europe/Berlin"
    assert remote["State"] == "ENABLED"
    assert remote["FlexibleTimeWindow"] == {"Mode": "OFF"}
    assert remote["Target"]["RoleArn"] == ROLE_ARN
    assert json.loads(remote["Target"]["Input"])["scheduledTime"] == "<aws.scheduler.scheduled-time>"
    # and the list and the single read show it
    listed = env.api.get(f"/recovery-plans/{plan_id}/schedules", as_="Viewer")
    assert [item["id"] for item in listed.json["items"]] == [body["id"]]
    assert env.api.get(f"/recovery-plans/{plan_id}/schedules/{body['id']}", as_="Viewer").json == body


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**CRON, "mode": "RECOVERY"}, "mode"),
        ({**CRON, "expression": "cron(0 3 * * * *)"}, "expression"),
        ({**CRON, "expression": "every day"}, "expression"),
        ({**CRON, "expression": "cron(61 3 ? * SAT *)"}, "expression"),
        ({**CRON, "expression": "rate(30 minutes)"}, "expression"),
        ({**CRON, "expression": "cron(*/5 * ? * MON *)"}, "expression"),
        ({**CRON, "timezone": "Mars/Olympus"}, "timezone"),
    ],
)
def test_schedule_is_refused_naming_the_field_when_the_input_is_bad(
    env: Fixture, body: dict[str, Any], field: str
) -> None:
    plan_id = make_plan(env.api)

    response = env.api.post(f"/recovery-plans/{plan_id}/schedules", body)

    assert response.status == 400, response.text
    assert response.field_names == [field]


def test_rate_below_an_hour_is_refused_with_the_reason_when_posted(env: Fixture) -> None:
    plan_id = make_plan(env.api)

    response = env.api.post(
        f"/recovery-plans/{plan_id}/schedules", {**CRON, "expression": "rate(59 minutes)"}
    )

    assert response.status == 400
    assert "at most hourly" in response.json["error"]["fields"][0]["message"]


def test_only_an_admin_schedules_drills_when_an_operator_tries(env: Fixture) -> None:
    plan_id = make_plan(env.api)

    assert env.api.post(f"/recovery-plans/{plan_id}/schedules", CRON, as_="Operator").status == 403
    assert env.api.get(f"/recovery-plans/{plan_id}/schedules", as_="Viewer").status == 200


def test_schedule_of_a_missing_plan_is_not_found_when_posted(env: Fixture) -> None:
    assert env.api.post("/recovery-plans/rp-missing/schedules", CRON).status == 404


def test_update_replaces_the_schedule_and_a_stale_version_is_refused_when_put(env: Fixture) -> None:
    # Given a schedule
    plan_id = make_plan(env.api)
    schedule = env.api.post(f"/recovery-plans/{plan_id}/schedules", CRON).json
    path = f"/recovery-plans/{plan_id}/schedules/{schedule['id']}"

    # When it is disabled and moved to a daily rate
    env.clock.moment = START + timedelta(minutes=3)
    changed = env.api.put(path, {**CRON, "expression": "rate(1 day)", "enabled": False, "version": 1})

    # Then the new version is stored and Scheduler's copy is disabled; a disabled schedule has no next run
    assert changed.status == 200, changed.text
    assert (changed.json["version"], changed.json["enabled"], changed.json["nextRunAt"]) == (2, False, None)
    remote = env.scheduler.get_schedule(Name=schedule["id"], GroupName=GROUP)
    assert (remote["State"], remote["ScheduleExpression"]) == ("DISABLED", "rate(1 day)")
    # and enabled again, the rate counts from when it was set
    enabled = env.api.put(path, {**CRON, "expression": "rate(1 day)", "version": 2})
    assert enabled.json["nextRunAt"] == "2026-12-06T10:20:00Z"
    # and a write with the version read before is a 409
    stale = env.api.put(path, {**CRON, "version": 1})
    assert stale.status == 409


def test_plan_with_schedules_is_not_deleted_and_names_them_when_deleted(env: Fixture) -> None:
    plan_id = make_plan(env.api)
    schedule = env.api.post(f"/recovery-plans/{plan_id}/schedules", CRON).json

    refused = env.api.delete(f"/recovery-plans/{plan_id}")

    assert refused.status == 409
    assert schedule["id"] in refused.json["error"]["message"]
    # once the schedule is deleted (Scheduler's copy with it), the plan can go
    assert env.api.delete(f"/recovery-plans/{plan_id}/schedules/{schedule['id']}").status == 204
    assert env.scheduler.list_schedules(GroupName=GROUP, NamePrefix=schedule["id"])["Schedules"] == []
    assert env.api.delete(f"/recovery-plans/{plan_id}").status == 204


def test_firing_starts_one_drill_as_the_schedule_when_delivered_twice(env: Fixture) -> None:
    # Given a schedule
    plan_id = make_plan(env.api)
    schedule = env.api.post(f"/recovery-plans/{plan_id}/schedules", CRON).json
    at = datetime(2027, 1, 2, 2, 0, tzinfo=UTC)
    env.clock.moment = at

    # When Scheduler delivers the firing, and delivers it again
    first = env.fire(schedule["id"], at)
    again = env.fire(schedule["id"], at)

    # Then one drill runs, started by the schedule, and the repeat starts nothing
    execution_id = first["result"]["executionId"]
    assert execution_id
    assert first["duplicate"] is False
    assert again == {"scheduleId": schedule["id"], "duplicate": True, "result": None}
    runs = env.api.get("/executions", query={"planId": plan_id}, as_="Viewer").json["items"]
    assert [(r["id"], r["startedBy"], r["mode"]) for r in runs] == [
        (execution_id, f"schedule:{schedule['id']}", "DRILL")
    ]
    # and the audit trail names the schedule as who started it
    audit = env.api.get("/audit", query={"resourceId": execution_id}).json["items"]
    assert [(a["action"], a["actor"]) for a in audit] == [("StartExecution", f"schedule:{schedule['id']}")]
    # and the schedule shows the result
    shown = env.api.get(f"/recovery-plans/{plan_id}/schedules/{schedule['id']}").json
    assert shown["lastResult"]["executionId"] == execution_id
    assert shown["lastResult"]["error"] is None


def test_firing_records_and_publishes_why_when_the_plan_is_busy(env: Fixture) -> None:
    # Given a plan already running a drill
    plan_id = make_plan(env.api)
    schedule = env.api.post(f"/recovery-plans/{plan_id}/schedules", CRON).json
    busy = env.api.post("/executions", {"planId": plan_id, "mode": "DRILL"}, as_="Operator")
    assert busy.status == 202, busy.text

    # When the schedule fires
    fired = env.fire(schedule["id"], datetime(2027, 1, 2, 2, 0, tzinfo=UTC))

    # Then no second drill starts, the reason is on the schedule and published to the topic
    assert fired["result"]["executionId"] is None
    assert busy.json["executionId"] in fired["result"]["error"]
    shown = env.api.get(f"/recovery-plans/{plan_id}/schedules/{schedule['id']}").json
    assert shown["lastResult"]["error"] == fired["result"]["error"]
    messages = env.notifications()
    assert [(m["scheduleId"], m["planId"]) for m in messages] == [(schedule["id"], plan_id)]
    assert busy.json["executionId"] in messages[0]["reason"]


def test_firing_records_why_and_starts_nothing_when_readiness_is_blocked(env: Fixture) -> None:
    # Given a plan whose only server is still in its initial sync
    plan_id = make_plan(env.api, "syncing", server=11)
    schedule = env.api.post(f"/recovery-plans/{plan_id}/schedules", CRON).json

    # When the schedule fires
    fired = env.fire(schedule["id"], datetime(2027, 1, 2, 2, 0, tzinfo=UTC))

    # Then no drill starts and the schedule says why
    assert fired["result"]["executionId"] is None
    assert fired["result"]["error"].startswith("readiness is BLOCKED")
    assert env.api.get("/executions", query={"planId": plan_id}).json["items"] == []
    assert [m["scheduleId"] for m in env.notifications()] == [schedule["id"]]
