"""Headless Chromium (Debian's, through Playwright) against the real app on 127.0.0.1."""

from __future__ import annotations

import re
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import WSGIRequestHandler, make_server

from tests.apps import make_config
from tests.conftest import require_or_skip
from webapp.app_state import app_state

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# Short, so that a broken page fails fast instead of hanging the run.
TIMEOUT_MS = 5_000
NAVIGATION_TIMEOUT_MS = 10_000
# How often a server thread looks whether shutdown() was called: each test waits that long for
# its servers to stop (socketserver's default is half a second).
SERVER_POLL_SECONDS = 0.02


class _QuietHandler(WSGIRequestHandler):
    """Keep the access log out of the test output; errors are still logged."""

    def log_request(self, code="-", size="-"):
        pass


@dataclass
class LiveApp:
    app: object
    base_url: str

    def session(self):
        return app_state(self.app).database.session_factory()


@pytest.fixture
def live_config() -> dict:
    """Settings a test module changes for its live app (a fixture it overrides): none here."""
    return {}


@pytest.fixture
def live_app(sqlite_template, tmp_path, live_config) -> Iterator[LiveApp]:
    """The app on a fresh copy of the migrated SQLite file, served by werkzeug in a thread."""
    from webapp import create_app

    path = tmp_path / "app.sqlite3"
    shutil.copy(sqlite_template, path)
    app = create_app(make_config(tmp_path, f"sqlite:///{path}", **live_config))
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="live-app", daemon=True,
                              kwargs={"poll_interval": SERVER_POLL_SECONDS})
    thread.start()
    try:
        yield LiveApp(app=app, base_url=f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        app_state(app).database.dispose()


@pytest.fixture(scope="session")
def browser():
    require_or_skip(
        CHROMIUM.exists(), f"Chromium not found at {CHROMIUM} (install Debian's chromium package)"
    )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def context(browser, live_app):
    context = browser.new_context(base_url=live_app.base_url, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
    try:
        yield context
    finally:
        context.close()


def watched_page(context, expected_refusal: str | re.Pattern[str] | None = None):
    """A new page, and the list its script errors, blocked loads and error answers go to;
    `expected_refusal`: the end of an address (or a pattern found in it) whose 422 is part of
    the test."""
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
    # Also catches what the Content-Security-Policy blocks, and failed loads (reported below
    # with their address instead).
    page.on(
        "console",
        lambda m: (
            errors.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource")
            else None
        ),
    )

    def answered(r) -> None:
        address = r.url.split("?")[0]
        refused_on_purpose = r.status == 422 and (
            address.endswith(expected_refusal) if isinstance(expected_refusal, str)
            else expected_refusal is not None and expected_refusal.search(address) is not None)
        if r.status >= 400 and not refused_on_purpose and not r.url.endswith("/favicon.ico"):
            errors.append(f"{r.status} for {r.url}")

    page.on("response", answered)
    return page, errors


@pytest.fixture
def page(context):
    page, errors = watched_page(context)
    yield page
    assert not errors, f"errors in the browser: {errors}"


def sign_in(page, role: str = "editor") -> None:
    """Sign in on the staff login page the browser shows, as the test user with `role`."""
    from tests.staff.conftest import PASSWORD, USERS

    page.fill("[name=email]", USERS[role])
    page.fill("[name=password]", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
