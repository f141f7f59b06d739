"""A viewer sees the run controls but cannot use them, and is told why."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.console.browser import Console
from tests.e2e.local_mode import http


def test_run_controls_are_disabled_with_their_reason_when_signed_in_as_viewer(console: Console) -> None:
    # Given the viewer signed in
    page, plan_name = console.page, console.mode.endpoints["demoPlanName"]
    console.sign_in("Viewer")
    expect(page.get_by_role("heading", level=1, name="Dashboard")).to_be_visible()

    # When they open the demo plan
    page.get_by_role("link", name=plan_name).click()
    expect(page.get_by_role("heading", level=1, name=f"Edit {plan_name}")).to_be_visible()

    # Then both run controls are disabled, each with the reason of the role
    for control, reason in (
        ("Start drill", "Your role does not allow you to start drills."),
        ("Start recovery", "Your role does not allow you to start recoveries."),
    ):
        button = page.get_by_role("button", name=control)
        expect(button).to_be_disabled()
        button.hover()
        expect(page.get_by_text(reason, exact=True).last).to_be_visible()
        page.mouse.move(0, 0)
        expect(page.get_by_text(reason, exact=True).last).to_be_hidden()


def test_execution_controls_are_disabled_with_their_reason_when_a_viewer_watches_a_run(
    console: Console,
) -> None:
    # Given a drill of a one-wave plan of its own (no other test runs its servers), started by the operator
    mode, page = console.mode, console.page
    api = mode.endpoints["api"]
    admin, operator = mode.sign_in("Admin", mode.endpoints), mode.sign_in("Operator", mode.endpoints)
    groups = http("GET", f"{api}/protection-groups", token=admin).body["items"]
    crm_app = next(group for group in groups if group["name"] == "crm-app")
    wave = {"id": "crm-app", "name": "CRM application tier", "protectionGroupIds": [crm_app["id"]]}
    plan = http(
        "POST",
        f"{api}/recovery-plans",
        {"name": "crm-app-drill", "rtoTargetMinutes": 30, "waves": [wave]},
        token=admin,
    )
    assert plan.status == 201, plan.body
    run = http("POST", f"{api}/executions", {"planId": plan.body["id"], "mode": "DRILL"}, token=operator)
    assert run.status == 202, run.body

    # When the viewer opens it
    console.sign_in("Viewer")
    expect(page.get_by_role("heading", level=1, name="Dashboard")).to_be_visible()
    page.goto(f"{console.url}/executions/{run.body['executionId']}")
    expect(page.get_by_role("heading", level=1, name=run.body["executionId"])).to_be_visible()

    # Then every run control is disabled, naming the role as the reason
    for control in ("Pause", "Resume", "Cancel run"):
        expect(page.get_by_role("button", name=control, exact=True)).to_be_disabled()
    page.get_by_role("button", name="Pause", exact=True).hover()
    expect(
        page.get_by_text("Your role does not allow you to steer executions.", exact=True).last
    ).to_be_visible()


def test_sign_in_is_refused_when_the_password_is_wrong(console: Console) -> None:
    # Given the viewer's login with a wrong password
    console.sign_in("Viewer", password="Wrong-password-1")

    # Then the console stays on the sign-in form and says why
    expect(console.page.get_by_text("Incorrect username or password.", exact=True)).to_be_visible()
    expect(console.page.get_by_role("heading", level=1, name="Dashboard")).to_have_count(0)
