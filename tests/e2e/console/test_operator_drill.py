"""An operator runs the demo plan as a drill from the console and reads its report."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from tests.e2e.console.browser import Console
from tests.e2e.local_mode import http

DRILL_LIMIT_MS = 180_000


def _value_of(page: Page, label: str) -> Locator:
    """The value shown next to a key label (Cloudscape key-value pairs)."""
    return page.get_by_text(label, exact=True).locator("xpath=following-sibling::*[1]")


def test_operator_runs_a_drill_to_success_and_reads_its_report_when_signed_in(console: Console) -> None:
    # Given the operator signed in, on the dashboard
    mode, page = console.mode, console.page
    plan_id, plan_name = mode.endpoints["demoPlanId"], mode.endpoints["demoPlanName"]
    token = mode.sign_in("Operator", mode.endpoints)
    plan = http("GET", f"{mode.endpoints['api']}/recovery-plans/{plan_id}", token=token).body
    console.sign_in("Operator")
    expect(page.get_by_role("heading", level=1, name="Dashboard")).to_be_visible()
    expect(page.get_by_role("link", name=plan_name)).to_be_visible()
    # (servers whose only findings are warnings, such as never drilled, are ready for a drill)
    expect(_value_of(page, "Servers ready for a drill")).to_have_text(re.compile(r"^[1-9]\d* / \d+$"))
    console.shot("dashboard")

    # When they open the demo plan
    page.get_by_role("link", name=plan_name).click()
    expect(page.get_by_role("heading", level=1, name=f"Edit {plan_name}")).to_be_visible()

    # Then its dependency graph draws every wave
    graph = page.get_by_role("figure", name="Dependency graph")
    for wave in plan["waves"]:
        expect(graph.locator(".react-flow__node", has_text=wave["name"])).to_be_visible()
    expect(graph.locator(".react-flow__edge")).to_have_count(sum(len(w["dependsOn"]) for w in plan["waves"]))
    console.shot("plan-builder")

    # When they start a drill (the live view's event polls recorded)
    event_polls: list[str] = []
    page.on("request", lambda request: event_polls.append(request.url) if "/events" in request.url else None)
    page.get_by_role("button", name="Start drill").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text(f"Start a run of {plan_name}")
    dialog.get_by_role("button", name="Start drill").click()

    # Then the live view follows it to SUCCEEDED, every wave completed in its graph
    expect(page).to_have_url(re.compile(r"/executions/ex-"))
    live_graph = page.get_by_role("figure", name="Dependency graph")
    first = plan["waves"][0]["name"]
    expect(live_graph.locator(".react-flow__node", has_text=f"{first} · COMPLETED")).to_be_visible(
        timeout=DRILL_LIMIT_MS
    )
    console.shot("live-execution")
    expect(page.get_by_text("SUCCEEDED", exact=True)).to_be_visible(timeout=DRILL_LIMIT_MS)
    for wave in plan["waves"]:
        expect(
            live_graph.locator(".react-flow__node", has_text=f"{wave['name']} · COMPLETED")
        ).to_be_visible()
    # each wave's node counts its servers by where they stand, and the timeline groups them likewise
    expect(live_graph.get_by_test_id("wave-counts")).to_have_count(len(plan["waves"]))
    expect(live_graph.get_by_test_id("wave-counts").first).to_have_text(
        re.compile(r"^\d+ (healthy|launched)")
    )
    groups = page.locator("svg.gantt g[data-row$='/HEALTHY'], svg.gantt g[data-row$='/LAUNCHED']")
    expect(groups.first).to_be_visible()
    # the servers table shows where each server ended in its DRS job, filterable by wave
    servers = page.get_by_role("table", name="Servers")
    expect(servers.get_by_role("cell", name="Launch", exact=True).first).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^Wave")).first).to_be_visible()
    # and after the first load, the events were polled only for what came after the newest one held
    assert event_polls
    assert "after=" not in event_polls[0]
    assert any("after=" in url for url in event_polls[1:]), event_polls

    # When they open the report
    page.get_by_role("link", name="Report").click()

    # Then the measured RTO stands against the plan's target
    expect(page.get_by_role("heading", level=1, name=f"Report: {plan_name}")).to_be_visible()
    target = plan["rtoTargetMinutes"]
    expect(_value_of(page, "RTO target")).to_have_text(f"{target // 60} h {target % 60} min")
    expect(_value_of(page, "Measured RTO")).to_have_text(re.compile(r"^(\d+ h )?\d+(\.\d)? min$"))
    expect(page.get_by_text("Target met", exact=True)).to_be_visible()
    console.shot("report")
