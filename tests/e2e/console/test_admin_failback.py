"""An admin brings the demo plan home from the console: a recovery, the failback clients connected by
local mode's demo action, the failback in reverse order, then re-protect and the clean-up.

The loop changes the demo fleet (its servers end recovered and failed back), so it runs on a local
mode of its own rather than the one the other browser tests share."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, Playwright, expect

from tests.e2e.console.browser import Console
from tests.e2e.console.conftest import TIME_SCALE, open_console
from tests.e2e.local_mode import LocalMode, http, start_local_mode

RUN_LIMIT_MS = 240_000
EXECUTION_URL = re.compile(r"/executions/(ex-[0-9A-Za-z-]+)$")
ON_PREMISES_NOTE = "local mode connects failback clients for the demo"


@pytest.fixture(scope="module")
def failback_local_mode(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalMode]:
    mode = start_local_mode(tmp_path_factory.mktemp("failback-local-state"), TIME_SCALE)
    try:
        yield mode
    finally:
        mode.kill()


@pytest.fixture
def admin_console(
    chromium_driver: Playwright, failback_local_mode: LocalMode, screenshots: Path, tmp_path: Path
) -> Iterator[Console]:
    with open_console(chromium_driver, failback_local_mode, screenshots, tmp_path) as console:
        yield console


def _execution_id(page: Page) -> str:
    match = EXECUTION_URL.search(page.url)
    assert match, page.url
    return match.group(1)


def _ended(page: Page, status: str) -> None:
    expect(page.get_by_text(status, exact=True).first).to_be_visible(timeout=RUN_LIMIT_MS)


def _cells(table: Locator, column: int) -> list[str]:
    return [cell.strip() for cell in table.locator(f"tbody tr td:nth-child({column})").all_inner_texts()]


def test_admin_recovers_fails_back_and_reprotects_the_demo_plan_from_the_console(
    admin_console: Console,
) -> None:
    console = admin_console
    mode, page = console.mode, console.page
    plan_name = mode.endpoints["demoPlanName"]
    token = mode.sign_in("Admin", mode.endpoints)
    console.sign_in("Admin")
    expect(page.get_by_role("heading", level=1, name="Dashboard")).to_be_visible()

    # Given a recovery of the demo plan, started from the plan and confirmed by its name
    page.get_by_role("link", name=plan_name).click()
    page.get_by_role("button", name="Start recovery").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label(f"Type the plan name ({plan_name}) to confirm a recovery").fill(plan_name)
    dialog.get_by_role("button", name="Start recovery").click()
    expect(page).to_have_url(EXECUTION_URL)
    recovery_id = _execution_id(page)
    _ended(page, "SUCCEEDED")
    servers = {
        s["sourceServerId"]
        for w in http("GET", f"{mode.endpoints['api']}/executions/{recovery_id}", token=token).body["waves"]
        for s in w["servers"]
    }

    # When the admin opens "Fail back": the failback readiness names the on-premises servers whose
    # failback client is not connected
    page.get_by_role("button", name="Fail back").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text(f"Fail back {plan_name}")
    readiness = dialog.get_by_role("table", name="Failback readiness")
    expect(readiness).to_contain_text("no failback client is connected")
    console.shot("failback-readiness")

    # When they connect the failback clients with local mode's demo action
    dialog.get_by_role("button", name="Connect failback clients (local mode demo)").click()

    # Then local mode says it did so for the demo only, connecting the on-premises servers and
    # skipping the EC2-origin one (its failback reverses replication)
    expect(dialog).to_contain_text(ON_PREMISES_NOTE)
    connected = dialog.get_by_role("table", name="Failback clients (local mode demo)")
    expect(connected.locator("tbody tr")).to_have_count(len(servers))
    results = _cells(connected, 2)
    assert results.count("Skipped") == 1, results
    assert set(results) == {"Connected", "Skipped"}, results
    # and the readiness, checked again, no longer finds a client missing
    expect(dialog.get_by_text("Checking which servers can fail back")).to_have_count(0)
    expect(dialog.get_by_text("no failback client is connected", exact=False)).to_have_count(0)

    # When they type the plan's name and start the failback
    dialog.get_by_label(f"Type the plan name ({plan_name}) to confirm the failback").fill(plan_name)
    dialog.get_by_role("button", name="Start failback").click()

    # Then the failback's live view names its source recovery and follows it to SUCCEEDED
    expect(page).not_to_have_url(re.compile(f"/executions/{recovery_id}$"))
    expect(page).to_have_url(EXECUTION_URL)
    failback_id = _execution_id(page)
    expect(page.get_by_role("link", name=recovery_id)).to_be_visible()
    expect(page.get_by_text("Failback of", exact=False).first).to_be_visible()
    _ended(page, "SUCCEEDED")
    console.shot("failback-succeeded")

    # When they re-protect: every server of the run is protected again in the original direction
    page.get_by_role("button", name="Re-protect").click()
    reprotected = page.get_by_role("table", name="Re-protect results")
    expect(reprotected.locator("tbody tr")).to_have_count(len(servers))
    assert set(_cells(reprotected, 1)) == servers
    failed = [row for row in reprotected.locator("tbody tr").all_inner_texts() if "Failed" in row]
    assert set(_cells(reprotected, 2)) == {"Re-protected"}, " | ".join(failed)
    console.shot("reprotected")

    # When they clean up, confirming first: each recovery instance is disconnected from DRS
    page.get_by_role("button", name="Clean up failback").click()
    page.get_by_role("dialog").get_by_role("button", name="Clean up failback").click()
    cleaned = page.get_by_role("table", name="Clean-up results")
    expect(cleaned.locator("tbody tr")).to_have_count(len(servers))
    assert "Failed" not in _cells(cleaned, 3), _cells(cleaned, 4)

    # Then the run list shows the failback with a link to its source recovery
    page.get_by_role("link", name="History", exact=True).first.click()
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=failback_id, exact=True))
    expect(row).to_contain_text("Failback of")
    expect(row.get_by_role("link", name=recovery_id)).to_be_visible()
