"""The console in Debian's Chromium, driven by Playwright: sign-in as a demo user, page visits, screenshots."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.local_mode import LocalMode

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 800}
WAIT_MS = 20_000  # one page state; polling stops as soon as it holds


@dataclass
class Console:
    """One browser page on local mode's console, signed in as one demo user."""

    page: Page
    mode: LocalMode
    screenshots: Path

    @property
    def url(self) -> str:
        return str(self.mode.endpoints["console"])

    def sign_in(self, group: str, password: str | None = None) -> None:
        user = self.mode.user(group)
        self.page.goto(self.url)
        self.page.get_by_label("User name").fill(user["username"])
        self.page.get_by_label("Password").fill(password if password is not None else user["password"])
        self.page.get_by_role("button", name="Sign in").click()

    def open(self, path: str, heading: str | re.Pattern[str]) -> None:
        """Follow the console's own route (client-side, as a click would) and wait for the page heading."""
        self.page.goto(self.url + path)
        expect(self.page.get_by_role("heading", level=1, name=heading)).to_be_visible(timeout=WAIT_MS)

    def shot(self, name: str) -> Path:
        """A 1280x800 screenshot of the viewport, once the page has stopped loading."""
        self.page.wait_for_load_state("networkidle")
        path = self.screenshots / f"{name}.png"
        self.page.screenshot(path=path)
        return path
