"""An admin schedules the demo plan's drill from its page: the next run shows at its zone's wall clock."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.console.browser import Console
from tests.e2e.local_mode import http

# 03:00 in Berlin on New Year's Day 2099: it never fires while the suite runs, so the demo plan stays free
EXPRESSION, ZONE, NEXT_RUN = "cron(0 3 1 1 ? 2099)", "Europe/Berlin", "Thu, 1 Jan 2099, 03:00 CET"


def test_admin_schedules_a_drill_and_sees_its_next_run_in_its_time_zone_when_saved(console: Console) -> None:
    # Given the admin signed in, on the demo plan's page
    mode, page = console.mode, console.page
    api = mode.endpoints["api"]
    token = mode.sign_in("Admin", mode.endpoints)
    plans = http("GET", f"{api}/recovery-plans", token=token).body["items"]
    plan_id = plans[0]["id"]
    console.sign_in("Admin")
    expect(page.get_by_role("heading", level=1, name="Dashboard")).to_be_visible()
    page.goto(f"{console.url}/recovery-plans/{plan_id}")
    expect(page.get_by_role("heading", name="Drill schedules")).to_be_visible()

    # When they add a schedule: a cron expression in Berlin time
    page.get_by_role("button", name="Add schedule").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Schedule expression").fill(EXPRESSION)
    dialog.get_by_label("Time zone").fill(ZONE)
    dialog.get_by_label("Schedule expression").click()  # closes the time zone suggestions
    dialog.get_by_role("button", name="Save").click()

    # Then the schedule is listed with its next run at the Berlin wall clock
    expect(page.get_by_text(NEXT_RUN)).to_be_visible()
    console.shot("plan-drill-schedule")
    schedules = http("GET", f"{api}/recovery-plans/{plan_id}/schedules", token=token).body["items"]
    assert [(s["expression"], s["timezone"], s["nextRunAt"]) for s in schedules] == [
        (EXPRESSION, ZONE, "2099-01-01T02:00:00Z")
    ]

    # and deleting it from the page removes it
    page.get_by_role("table", name="Drill schedules").get_by_role("button", name="Delete").click()
    expect(page.get_by_text("No drill schedules")).to_be_visible()
