"""An admin builds a protection group from a tag selector and a two-wave plan; a cycle is refused."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from tests.e2e.console.browser import Console
from tests.e2e.local_mode import http

GROUP, PLAN, TAG = "payroll-all", "payroll-dr", ("Application", "payroll")


def _choose(page: Page, trigger: Locator, option: str) -> None:
    """Open a Cloudscape select (or multiselect) and pick one option by its label."""
    trigger.click()
    page.get_by_role("option", name=re.compile(rf"^{re.escape(option)}\b")).first.click()
    page.keyboard.press("Escape")


def _add_wave(page: Page, title: str, group: str) -> Locator:
    """Add a wave (its form opens) and give it a protection group; returns its form."""
    page.get_by_role("button", name="Add wave").click()
    form = page.get_by_role("group", name=title)
    _choose(page, form.get_by_role("button", name=re.compile("^Protection groups")), group)
    return form


def _add_dependency(page: Page, form: Locator, prerequisite: str) -> None:
    _choose(page, form.get_by_role("button", name=re.compile("^Depends on")), prerequisite)
    form.get_by_role("button", name="Add dependency", exact=True).click()


def test_admin_builds_a_tag_group_and_a_two_wave_plan_and_a_cycle_is_refused_when_signed_in(
    console: Console,
) -> None:
    # Given the payroll servers free again (their demo group deleted) and the admin signed in
    mode, page = console.mode, console.page
    api, account, region = mode.endpoints["api"], mode.endpoints["accountId"], mode.endpoints["region"]
    token = mode.sign_in("Admin", mode.endpoints)
    groups = http("GET", f"{api}/protection-groups", token=token).body["items"]
    payroll = next(group for group in groups if group["name"] == "payroll")
    assert http("DELETE", f"{api}/protection-groups/{payroll['id']}", token=token).status == 204
    inventory = http("GET", f"{api}/drs/source-servers?accountId={account}&region={region}", token=token).body
    matching = sorted(s["hostname"] for s in inventory["items"] if s["tags"].get(TAG[0]) == TAG[1])
    assert matching
    console.sign_in("Admin")
    expect(page.get_by_role("heading", level=1, name="Dashboard")).to_be_visible()

    # When they start a protection group with a tag selector
    page.get_by_role("link", name="Protection groups").first.click()
    page.get_by_role("button", name="Create protection group").click()
    expect(page.get_by_role("heading", level=1, name="Create protection group")).to_be_visible()
    page.get_by_label("Name", exact=True).fill(GROUP)
    page.get_by_label("Account").fill(account)
    page.keyboard.press("Escape")
    page.get_by_label("Region").fill(region)
    page.keyboard.press("Escape")
    if page.get_by_label("Tag key 1").count() == 0:
        page.get_by_role("button", name="Add tag").click()
    page.get_by_label("Tag key 1").fill(TAG[0])
    page.get_by_label("Values (comma-separated) 1").fill(TAG[1])

    # Then the live preview lists exactly the servers carrying the tag
    preview = page.get_by_role("table", name="Servers the tag selector matches")
    for hostname in matching:
        expect(preview.get_by_text(hostname, exact=True)).to_be_visible()
    expect(preview.locator("tbody tr")).to_have_count(len(matching))
    console.shot("protection-group")

    # When they save it
    page.get_by_role("button", name="Create", exact=True).click()

    # Then the group is listed
    expect(page.get_by_role("heading", level=1, name="Protection groups")).to_be_visible()
    expect(page.get_by_role("link", name=GROUP, exact=True)).to_be_visible()

    # When they compose a plan of two waves, the second depending on the first
    page.get_by_role("link", name="Recovery plans").first.click()
    page.get_by_role("button", name="Create recovery plan").click()
    expect(page.get_by_role("heading", level=1, name="Create recovery plan")).to_be_visible()
    page.get_by_label("Name", exact=True).first.fill(PLAN)
    page.get_by_label("RTO target (minutes)").fill("60")
    first = _add_wave(page, "Wave 1 (wave-1)", GROUP)
    second = _add_wave(page, "Wave 2 (wave-2)", "crm-app")
    _add_dependency(page, second, "Wave 1")
    graph = page.get_by_role("figure", name="Dependency graph")
    expect(graph.locator(".react-flow__edge")).to_have_count(1)

    # And they try to make the first wave depend on the second
    page.get_by_role("button", name="Wave 1 (wave-1)").click()
    _add_dependency(page, first, "Wave 2")

    # Then the dependency is refused, the message naming the cycle, and the graph is unchanged
    expect(
        first.get_by_text("Refused: this dependency would close a cycle (wave-1 -> wave-2 -> wave-1).")
    ).to_be_visible()
    expect(graph.locator(".react-flow__edge")).to_have_count(1)
    console.shot("plan-cycle-refused")

    # When they save the plan, it is stored with its two waves and the one dependency
    page.get_by_role("button", name="Create", exact=True).click()
    expect(page.get_by_role("heading", level=1, name=f"Edit {PLAN}")).to_be_visible()
    plans = http("GET", f"{api}/recovery-plans", token=token).body["items"]
    saved = next(plan for plan in plans if plan["name"] == PLAN)
    assert [(w["id"], [d["waveId"] for d in w["dependsOn"]]) for w in saved["waves"]] == [
        ("wave-1", []),
        ("wave-2", ["wave-1"]),
    ]
