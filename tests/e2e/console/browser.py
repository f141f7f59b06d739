"""The console in Debian's Chromium, driven by Playwright: sign-in as a demo user, screenshots."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Page, ViewportSize, expect

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
VIEWPORT: ViewportSize = {"width": 1280, "height": 800}
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

    def shot(self, name: str) -> Path:
        """A 1280x800 screenshot of the viewport, once the page has stopped loading and shows no spinner."""
        self.page.wait_for_load_state("networkidle")
        expect(self.page.get_by_text("Loading", exact=True)).to_have_count(0)
        path = self.screenshots / f"{name}.png"
        self.page.screenshot(path=path)
        return path
