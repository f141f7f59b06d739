"""A viewer sees the run controls but cannot use them, and is told why."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.console.browser import Console


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


def test_sign_in_is_refused_when_the_password_is_wrong(console: Console) -> None:
    # Given the viewer's login with a wrong password
    console.sign_in("Viewer", password="Wrong-password-1")

    # Then the console stays on the sign-in form and says why
    expect(console.page.get_by_text("Incorrect username or password.", exact=True)).to_be_visible()
    expect(console.page.get_by_role("heading", level=1, name="Dashboard")).to_have_count(0)
