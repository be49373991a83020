"""The proof of work before "send it for me" (ALTCHA's widget, self-hosted) in headless
Chromium: on our own page and inside a partner's embed, under our Content-Security-Policy, with
no request to anyone but us; and without JavaScript."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select, update

from tests.embed.support import add_partner
from tests.webapp.flow import SLUG
from webapp.models import Campaign, SpentChallenge, Submission

from .test_supporter_browser import fill_supporter_form
from .test_widget_browser import PARTNER, complete_flow, partner_site, watch

CHALLENGE = "/proof-of-work/challenge"


@pytest.fixture
def live_config() -> dict:
    # Small: the widget's own shortest check (half a second) is what the tests wait for.
    return {"proof_of_work_complexity": 200}


@pytest.fixture
def proving(live_app):
    """The live app with the campaign asking for a proof of work."""
    with live_app.session() as session:
        session.execute(update(Campaign).where(Campaign.slug == SLUG).values(proof_of_work=True))
        session.commit()
    return live_app


def requests_of(context) -> list[str]:
    """Every address the browser asks for, from pages, frames and workers alike."""
    seen: list[str] = []
    context.on("request", lambda request: seen.append(request.url))
    return seen


def only_local(urls: list[str]) -> None:
    hosts = {urlsplit(url).hostname for url in urls if not url.startswith("data:")}
    assert hosts <= {"127.0.0.1", "localhost"}, hosts


def counts(live_app) -> tuple[int, int]:
    with live_app.session() as session:
        return (session.scalar(select(func.count()).select_from(Submission)),
                session.scalar(select(func.count()).select_from(SpentChallenge)))


@pytest.mark.browser
def test_send_it_for_me_proves_and_is_stored(context, page, proving):
    seen = requests_of(context)
    fill_supporter_form(page)
    widget = page.locator("altcha-widget")
    expect(widget).to_be_attached()
    # The widget has come to life: the custom element is defined, from our own file.
    page.wait_for_function("() => customElements.get('altcha-widget') !== undefined")
    assert not any(CHALLENGE in url for url in seen)  # nothing is solved before it is needed

    page.get_by_role("button", name="Send it for me").click()
    expect(page.get_by_role("heading", name="Please check your inbox")).to_be_visible()
    assert counts(proving) == (1, 1)
    assert sum(CHALLENGE in url for url in seen) == 1
    assert any("pbkdf2.worker.js" in url for url in seen)  # the worker, from our own file
    only_local(seen)
    # The page fixture fails the test on any console error: a blocked style, script or
    # worker (the Content-Security-Policy) would be one.


@pytest.mark.browser
def test_open_in_my_mail_app_asks_for_no_proof(context, page, proving):
    seen = requests_of(context)
    fill_supporter_form(page)
    page.get_by_role("button", name="Open in my mail app").click()
    expect(page.locator(".draft").first).to_be_visible()
    assert not any(CHALLENGE in url for url in seen)
    assert counts(proving) == (0, 0)
    only_local(seen)


@pytest.fixture
def host_url(proving) -> Iterator[str]:
    with partner_site(proving.base_url) as url:
        add_partner(proving.app, origins=(url,))
        yield url


def serve_late(app, monkeypatch, path_end: str, seconds: float = 1.0) -> None:
    """The file whose address ends in `path_end` reaches the browser `seconds` after it asks
    for it: a slow connection."""
    serve = app.wsgi_app

    def slowly(environ, start_response):
        if environ.get("PATH_INFO", "").endswith(path_end):
            time.sleep(seconds)
        return serve(environ, start_response)

    monkeypatch.setattr(app, "wsgi_app", slowly)


@pytest.mark.browser
@pytest.mark.parametrize("widget_late", [False, True], ids=["widget-in-time", "widget-late"])
def test_send_it_for_me_in_the_embed(context, proving, host_url, monkeypatch, widget_late):
    if widget_late:
        # The supporter presses "Send it for me" as soon as the letters show, before the
        # widget's script has come in: the press is held, then proved, not sent without its
        # proof (which would tell them to switch JavaScript on).
        serve_late(proving.app, monkeypatch, "/altcha.min.js")
    seen = requests_of(context)
    page = context.new_page()
    errors = watch(page)
    page.goto(host_url)
    event = complete_flow(page, "sent")
    assert event == {"action": "sent", "letters": 2, "campaign": SLUG, "partner": PARTNER}
    assert counts(proving) == (1, 1)
    assert sum(CHALLENGE in url for url in seen) == 1
    only_local(seen)
    assert not errors, errors


@pytest.mark.browser
def test_without_javascript_the_letters_stay_and_the_mail_app_is_offered(browser, proving):
    context = browser.new_context(base_url=proving.base_url, locale="en-GB",
                                  java_script_enabled=False)
    try:
        page = context.new_page()
        # (Chromium with scripts switched off by Playwright still parses <noscript> as if they
        # ran, so the notice there is checked in tests/webapp/test_proof_of_work.py.)
        fill_supporter_form(page)
        body = page.locator("textarea").first
        body.fill(body.input_value() + "\nMy own last line.")
        page.get_by_role("button", name="Send it for me").click()
        expect(page.get_by_role("alert").first).to_contain_text("needs JavaScript")
        expect(page.locator("textarea").first).to_have_value(re.compile(r"My own last line\.$"))
        assert counts(proving) == (0, 0)
        # Opening the letters in the mail app works without JavaScript.
        page.get_by_role("button", name="Open in my mail app").click()
        expect(page.locator(".draft").first).to_be_visible()
    finally:
        context.close()
