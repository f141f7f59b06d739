"""The dashboard's readiness panel: the score of the last scan, its trend over simulated days, and each
finding with a link to where it is fixed."""

from __future__ import annotations

import json
import re
import urllib.request

from playwright.sync_api import Locator, Page, expect

from tests.e2e.console.browser import VIEWPORT, Console
from tests.e2e.local_mode import LocalMode, http, readiness_scan

DAY_SECONDS = 86_400
DAYS = 3
FIXES = {  # a finding's code -> its fix link's label and where it leads (``{}``: the finding's resource)
    "UNPROTECTED_SERVER": ("Add to a protection group", "/protection-groups/new"),
    "SELECTION_DRIFT": ("Open the plan", "/recovery-plans/{}"),
    "STALE_DRILL": ("Open the plan", "/recovery-plans/{}"),
    "LAST_DRILL_FAILED": ("Open the plan", "/recovery-plans/{}"),
    "ACCOUNT_UNREACHABLE": ("Check the account", "/settings"),
}


def _next_day(mode: LocalMode) -> None:
    """Move the simulated clock (the product's and DRS's) a day on, through the simulator's control API."""
    request = urllib.request.Request(  # noqa: S310 - the local simulator's own endpoint
        f"{mode.endpoints['drs']}/_sim/clock/advance",
        data=json.dumps({"seconds": DAY_SECONDS}).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        assert response.status == 200


def _value_of(page: Page, label: str) -> Locator:
    """The value shown next to a key label (Cloudscape key-value pairs)."""
    return page.get_by_text(label, exact=True).locator("xpath=following-sibling::*[1]")


def _plotted_points(line: Locator) -> int:
    """How many points a chart's line joins (d3's linear path: one ``M``, then an ``L`` per point)."""
    path = line.get_attribute("d") or ""
    return path.count("L") + 1 if path.startswith("M") else 0


def test_dashboard_shows_the_readiness_score_its_trend_and_findings_linked_to_their_fix_when_scanned_daily(
    console: Console,
) -> None:
    # Given readiness scanned on demand on several simulated days
    mode, page = console.mode, console.page
    api = mode.endpoints["api"]
    operator, viewer = mode.sign_in("Operator", mode.endpoints), mode.sign_in("Viewer", mode.endpoints)
    for day in range(DAYS):
        if day:
            _next_day(mode)
        readiness = readiness_scan(api, operator, viewer)
    history = readiness["history"]
    assert len({entry["date"] for entry in history}) == len(history) >= DAYS, history
    assert history[-1] == {"date": readiness["checkedAt"][:10], "score": readiness["score"]}
    findings = readiness["findings"]
    plans = [f for f in findings if f["code"] == "STALE_DRILL"]
    assert plans, findings  # a plan never drilled, or drilled too long ago, is there to fix

    # When the viewer opens the dashboard
    console.sign_in("Viewer")
    expect(page.get_by_role("heading", level=1, name="Dashboard")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Readiness", exact=True)).to_be_visible()

    # Then the panel shows the last scan's score
    expect(_value_of(page, "Readiness score")).to_contain_text(re.compile(rf"^{readiness['score']}(?!\d)"))
    checked = readiness["checkedAt"]
    scanned = page.get_by_text(re.compile(r"^Scanned .+ ago$"))
    expect(scanned).to_have_attribute("title", re.compile(rf"^{checked[:10]} {checked[11:19]}"))

    # And the trend chart plots one point per day of history
    chart = page.get_by_role("application", name="Score over time")
    expect(chart).to_be_visible()
    line = chart.locator("path[clip-path]")  # the series' line (the chart draws no threshold)
    expect(line).to_have_count(1)
    assert _plotted_points(line) == len(history), line.get_attribute("d")

    # And every finding is a row naming its resource, with a link to its fix where the console has one
    table = page.get_by_role("table", name="Findings")
    expect(table.locator("tbody tr")).to_have_count(len(findings))
    for finding in findings:
        row = table.locator("tbody tr").filter(has_text=finding["message"]).first
        expect(row).to_contain_text(finding["resourceId"])
        if finding["code"] in FIXES:
            label, href = FIXES[finding["code"]]
            link = row.get_by_role("link", name=label)
            expect(link).to_have_attribute("href", href.format(finding["resourceId"]))
            # within the page's width, so that nobody has to scroll the table sideways to find it
            box = link.bounding_box()
            assert box is not None
            assert box["x"] + box["width"] <= VIEWPORT["width"], (finding["code"], box)
    console.shot("dashboard-readiness")

    # When they follow a stale plan's link
    stale = plans[0]
    plan = http("GET", f"{api}/recovery-plans/{stale['resourceId']}", token=viewer).body
    table.locator("tbody tr").filter(has_text=stale["message"]).get_by_role(
        "link", name="Open the plan"
    ).click()

    # Then they are on that plan's page, where its drill is started or scheduled
    expect(page.get_by_role("heading", level=1, name=f"Edit {plan['name']}")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/recovery-plans/{re.escape(stale['resourceId'])}$"))
