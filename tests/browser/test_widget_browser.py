"""The widget on a partner's page, in headless Chromium.

The partner's page is served from another site (http://localhost:<port>) than the app
(http://127.0.0.1:<port>), so the frame is third-party exactly as on a real partner's site.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from werkzeug.serving import make_server
from werkzeug.wrappers import Response

from tests.embed.support import add_partner
from tests.webapp.flow import SLUG, supporter
from webapp.models import Submission

from .conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    NAVIGATION_TIMEOUT_MS,
    SERVER_POLL_SECONDS,
    TIMEOUT_MS,
    _QuietHandler,
    sign_in,
)

PARTNER = "greens"
HOST_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Partner page</title></head>
<body>
<h1>Greens for AI Safety</h1>
<p>Write to your representatives:</p>
<div id="widget"></div>
<script>
  window.treatyEvents = [];
  document.addEventListener("treaty-letters", function (e) {{
    window.treatyEvents.push(e.detail);
  }});
</script>
<script src="{app}/embed.js" data-campaign="{slug}" data-partner="{partner}" data-lang="en"
        data-accent="#006644" data-target="#widget"{attributes} async></script>
<noscript><a href="{app}/c/{slug}">Write to your representatives</a></noscript>
</body></html>
"""


@contextmanager
def partner_site(app_url: str, attributes: str = "") -> Iterator[str]:
    """A partner's page on http://localhost:<port>, embedding the app on 127.0.0.1, with more
    of the snippet's `attributes` (where "{site}" is the partner's own address)."""

    def host(environ, start_response):
        site = f"http://localhost:{server.server_port}"
        page = HOST_PAGE.format(app=app_url, slug=SLUG, partner=PARTNER,
                                attributes=attributes.replace("{site}", site))
        return Response(page, mimetype="text/html")(environ, start_response)

    server = make_server("127.0.0.1", 0, host, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="partner-site", daemon=True,
                              kwargs={"poll_interval": SERVER_POLL_SECONDS})
    thread.start()
    try:
        yield f"http://localhost:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@pytest.fixture
def host_url(live_app) -> Iterator[str]:
    with partner_site(live_app.base_url) as url:
        add_partner(live_app.app, origins=(url,))
        yield url


def watch(page) -> list[str]:
    """Collect what goes wrong in the page (the frame's console included)."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    return errors


def complete_flow(page, action: str) -> dict:
    """A supporter fills in the widget and sends or drafts; return the host page's event."""
    frame = page.frame_locator("#widget iframe")
    form = frame.locator("form.supporter")
    expect(form).to_be_visible()
    data = supporter()
    form.locator("[name=name]").fill(data["name"])
    form.locator("[name=email]").fill(data["email"])
    form.locator("select[name=country]").select_option("NL")
    form.locator("[name=town]").fill(data["town"])
    form.locator("[name=own_words]").fill(data["own_words"])
    form.get_by_role("button", name="Show my representatives and letters").click()
    expect(frame.locator("article.target")).to_have_count(2)
    button = "Send it for me" if action == "sent" else "Open in my mail app"
    frame.get_by_role("button", name=button).click()
    page.wait_for_function("() => window.treatyEvents.length > 0")
    [event] = page.evaluate("() => window.treatyEvents")
    return event


def frame_height(page) -> int:
    return page.evaluate("() => document.querySelector('#widget iframe').offsetHeight")


def content_height(page) -> int:
    frame = page.frame_locator("#widget iframe")
    return frame.locator("html").evaluate(
        "html => Math.ceil(html.getBoundingClientRect().height)")


def check_resized(page) -> None:
    # The loader starts at 640 px; the frame reports its own height and the loader follows.
    page.wait_for_function(
        "() => { const f = document.querySelector('#widget iframe');"
        " return f && f.style.height !== '640px'; }")
    expect(page.frame_locator("#widget iframe").locator("main")).to_be_visible()
    page.wait_for_function(
        "([h]) => Math.abs(document.querySelector('#widget iframe').offsetHeight - h) <= 2",
        arg=[content_height(page)])


@pytest.mark.browser
def test_widget_loads_resizes_drafts_and_sends(context, live_app, host_url):
    page = context.new_page()
    errors = watch(page)
    page.goto(host_url)
    check_resized(page)
    first = frame_height(page)
    # The colours chosen in the snippet reach the frame.
    accent = page.frame_locator("#widget iframe").locator("html").evaluate(
        "html => getComputedStyle(html).getPropertyValue('--accent').trim()")
    assert accent == "#006644"
    # No counter unless the partner asks for it (data-counter="on").
    expect(page.frame_locator("#widget iframe").locator(".letter-counter")).to_have_count(0)

    event = complete_flow(page, "drafted")
    assert event == {"action": "drafted", "letters": 2, "campaign": SLUG, "partner": PARTNER}
    check_resized(page)
    assert frame_height(page) != first  # the drafts page is longer: the frame followed

    page.goto(host_url)
    event = complete_flow(page, "sent")
    assert event == {"action": "sent", "letters": 2, "campaign": SLUG, "partner": PARTNER}
    with live_app.session() as session:
        assert session.scalars(select(Submission.partner_code)).all() == [PARTNER]
    assert not errors, errors


@pytest.mark.browser
def test_widget_works_with_third_party_cookies_blocked(browser, live_app, host_url):
    # A second Chromium, launched the way the session's is, that blocks third-party cookies.
    blocking = browser.browser_type.launch(
        executable_path=str(CHROMIUM), headless=True,
        args=[*CHROMIUM_ARGS, "--test-third-party-cookie-phaseout"])
    try:
        context = blocking.new_context(locale="en-GB")
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
        page = context.new_page()
        errors = watch(page)
        # The supporter has been on the campaign's own site: it has a cookie there.
        page.goto(f"{live_app.base_url}/c/{SLUG}?lang=en")
        assert any(c["domain"] == "127.0.0.1" for c in context.cookies())
        cookies_sent = []
        page.on("request", lambda r: cookies_sent.append(r.url)
                if r.url.startswith(live_app.base_url) and "cookie" in r.headers else None)

        page.goto(host_url)
        check_resized(page)
        assert complete_flow(page, "sent")["action"] == "sent"
        page.goto(host_url)
        assert complete_flow(page, "drafted")["letters"] == 2
        # Not one request from the frame carried a cookie, yet everything worked.
        assert cookies_sent == []
        assert not errors, errors
    finally:
        blocking.close()


@pytest.mark.browser
def test_origin_not_allowed_sees_the_embed_refused(context, live_app, host_url):
    # The same page from another origin, which the partner did not list.
    with partner_site(live_app.base_url) as other_url:
        page = context.new_page()
        refused = []
        page.on("console", lambda m: refused.append(m.text)
                if "frame-ancestors" in m.text else None)
        page.goto(other_url)
        page.wait_for_selector("#widget iframe", state="attached")
        page.wait_for_timeout(500)
        for _ in range(20):
            if refused:
                break
            page.wait_for_timeout(100)
        assert refused, "the browser did not report the frame-ancestors refusal"
        frame = page.frame_locator("#widget iframe")
        expect(frame.locator("form.supporter")).to_have_count(0)
        assert page.evaluate("() => document.querySelector('#widget iframe').style.height") == (
            "640px")  # never resized: nothing from the frame reached the page


@pytest.mark.browser
def test_builder_writes_the_snippet_and_previews_it(page, live_app, host_url):
    # The builder lists every partner: staff sign in first.
    from tests.staff.conftest import PASSWORD, reset_staff_tables
    from webapp.staff.auth import hash_password

    reset_staff_tables(live_app.app, hash_password(PASSWORD))
    page.goto("/embed/builder")
    expect(page).to_have_url(re.compile(r"/staff/login"))
    sign_in(page, "viewer")
    expect(page).to_have_url(re.compile(r"/embed/builder"))
    snippet = page.locator("#b-snippet")
    expect(snippet).to_have_value(f'<script src="{live_app.base_url}/embed.js" '
                                  f'data-campaign="{SLUG}" data-partner="{PARTNER}" async>'
                                  f"</script>\n<noscript><a href=\"{live_app.base_url}/c/{SLUG}\">"
                                  "Write to your representatives</a></noscript>")
    preview = page.frame_locator("#preview iframe")
    expect(preview.locator("form.supporter")).to_be_visible()
    page.locator("#b-lang").select_option("nl")
    expect(snippet).to_have_value(re.compile(r'data-lang="nl"'))
    expect(page.frame_locator("#preview iframe").locator("html")).to_have_attribute("lang", "nl")
    expect(page.frame_locator("#preview iframe").locator(".letter-counter")).to_have_count(0)
    page.locator("#b-counter").check()
    expect(snippet).to_have_value(re.compile(r'data-counter="on"'))
    expect(page.frame_locator("#preview iframe").locator(".letter-counter")).to_be_visible()
    page.locator("#b-share-url").fill(f"{host_url}/act")
    page.locator("#b-share-url").press("Tab")
    expect(snippet).to_have_value(re.compile(rf'data-share-url="{re.escape(host_url)}/act"'))


# The partner shows the counter and has their own page shared ("{site}": the partner's site).
COUNTER_AND_SHARE = ' data-counter="on" data-share-url="{site}/act?from=share"'
# Headless Chromium on Linux has no share sheet of its own: this stands in for one, recording
# what it was given. An init script runs in every frame, the widget's included.
SHARE_SHEET = """navigator.share = function (data) {
  window.sharedWith = data; return Promise.resolve();
};"""


@pytest.fixture
def sharing_host_url(live_app) -> Iterator[str]:
    with partner_site(live_app.base_url, COUNTER_AND_SHARE) as url:
        add_partner(live_app.app, origins=(url,))
        yield url


@pytest.mark.browser
def test_widget_shows_the_counter_and_shares_the_partners_page(context, live_app,
                                                               sharing_host_url):
    context.add_init_script(SHARE_SHEET)
    page = context.new_page()
    errors = watch(page)
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(sharing_host_url)
    frame = page.frame_locator("#widget iframe")
    expect(frame.locator(".letter-counter")).to_be_visible()
    expect(frame.locator(".letter-counter")).to_contain_text("0")

    complete_flow(page, "drafted")
    share = frame.locator("section.share")
    expect(share).to_be_visible()
    shared_page = f"{sharing_host_url}/act?from=share"
    whatsapp = share.locator("a[data-network=whatsapp]")
    text = parse_qs(urlsplit(whatsapp.get_attribute("href")).query)["text"][0]
    assert text.startswith("I just wrote to my representatives") and text.endswith(shared_page)
    expect(whatsapp).to_have_attribute("target", "_blank")
    expect(whatsapp).to_have_attribute("rel", "noopener noreferrer")
    expect(share.locator("#share-url")).to_have_value(shared_page)
    expect(share.get_by_role("button", name="Copy the link")).to_be_visible()

    share.get_by_role("button", name="Share", exact=True).click()
    frame.locator("html").evaluate("() => new Promise(r => setTimeout(r, 0))")
    shared = frame.locator("html").evaluate("() => window.sharedWith")
    assert shared["url"] == shared_page and shared["text"] in text
    # Only the partner's page and our own were asked for anything: no network's script.
    assert requested and all(url.startswith((sharing_host_url, live_app.base_url))
                             for url in requested), requested
    assert not errors, errors


@pytest.mark.browser
def test_without_a_share_sheet_the_share_button_stays_hidden(context, live_app, host_url):
    page = context.new_page()
    page.goto(host_url)
    complete_flow(page, "drafted")
    frame = page.frame_locator("#widget iframe")
    has_sheet = frame.locator("html").evaluate("() => typeof navigator.share === 'function'")
    button = frame.locator("button.share-native")
    if has_sheet:
        expect(button).to_be_visible()
    else:
        expect(button).to_be_hidden()
    # The plain links are there either way, as ordinary links.
    expect(frame.locator("section.share a[data-network]")).to_have_count(7)
