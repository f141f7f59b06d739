"""One local mode for the whole browser suite, and a fresh Chromium profile per test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Playwright, expect, sync_playwright

from tests.e2e.console.browser import CHROMIUM, CHROMIUM_ARGS, VIEWPORT, WAIT_MS, Console
from tests.e2e.local_mode import ROOT, LocalMode, free_port, run_deploy_local

TIME_SCALE = "600"
SCREENSHOTS_VARIABLE = "DRS_CONSOLE_SCREENSHOTS"


@pytest.fixture(scope="session")
def console_local_mode(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalMode]:
    state_dir = tmp_path_factory.mktemp("console-local-state")
    log = state_dir / "deploy-local.log"
    arguments = ["--port", str(free_port()), "--time-scale", TIME_SCALE]
    if (ROOT / "frontend" / "dist" / "index.html").is_file():
        # The test command builds the console first; rebuilding here would race with whoever edits it.
        arguments.append("--skip-console-build")
    mode = LocalMode(run_deploy_local(*arguments, state_dir=state_dir, log=log), state_dir, log)
    try:
        mode.wait_ready()
        yield mode
    finally:
        mode.kill()


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    chosen = os.environ.get(SCREENSHOTS_VARIABLE)
    directory = Path(chosen) if chosen else tmp_path_factory.mktemp("console-screenshots")
    directory.mkdir(parents=True, exist_ok=True)
    return directory


@pytest.fixture(scope="session")
def chromium_driver() -> Iterator[Playwright]:
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package")
    expect.set_options(timeout=WAIT_MS)
    with sync_playwright() as driver:
        yield driver


@pytest.fixture
def console(
    chromium_driver: Playwright, console_local_mode: LocalMode, screenshots: Path, tmp_path: Path
) -> Iterator[Console]:
    context = chromium_driver.chromium.launch_persistent_context(
        tmp_path / "profile",
        executable_path=CHROMIUM,
        headless=True,
        args=CHROMIUM_ARGS,
        viewport=VIEWPORT,
    )
    context.set_default_timeout(WAIT_MS)
    try:
        page = context.pages[0] if context.pages else context.new_page()
        yield Console(page, console_local_mode, screenshots)
    finally:
        context.close()
