"""One local mode for the whole browser suite, and a fresh Chromium profile per test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Playwright, expect, sync_playwright

from tests.e2e.console.browser import CHROMIUM, CHROMIUM_ARGS, VIEWPORT, WAIT_MS, Console
from tests.e2e.local_mode import LocalMode, start_local_mode

TIME_SCALE = "600"
SCREENSHOTS_VARIABLE = "DRS_CONSOLE_SCREENSHOTS"
HERE = Path(__file__).parent


def pytest_configure(config: pytest.Config) -> None:
    # Known to pytest-xdist; declared here too for runs without it (-p no:xdist) under --strict-markers.
    config.addinivalue_line("markers", "xdist_group(name): run the group's tests on one xdist worker")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """One group, so that one local mode serves the suite when xdist runs with ``--dist loadgroup``."""
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.xdist_group("console-browser"))


@pytest.fixture(scope="session")
def console_local_mode(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalMode]:
    mode = start_local_mode(tmp_path_factory.mktemp("console-local-state"), TIME_SCALE)
    try:
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


@contextmanager
def open_console(driver: Playwright, mode: LocalMode, screenshots: Path, tmp_path: Path) -> Iterator[Console]:
    """The console of ``mode`` in Chromium, with a fresh profile under ``tmp_path``."""
    context = driver.chromium.launch_persistent_context(
        tmp_path / "profile",
        executable_path=CHROMIUM,
        headless=True,
        args=CHROMIUM_ARGS,
        viewport=VIEWPORT,
    )
    context.set_default_timeout(WAIT_MS)
    try:
        page = context.pages[0] if context.pages else context.new_page()
        yield Console(page, mode, screenshots)
    finally:
        context.close()


@pytest.fixture
def console(
    chromium_driver: Playwright, console_local_mode: LocalMode, screenshots: Path, tmp_path: Path
) -> Iterator[Console]:
    with open_console(chromium_driver, console_local_mode, screenshots, tmp_path) as console:
        yield console
