"""The share step after drafting or confirming, and in the receipt: plain links, encoded right,
in the supporter's language, and nothing loaded from another site."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import select

from letters.templates import DEFAULT_LANGUAGE
from tests.apps import make_config
from webapp import create_app
from webapp.app_state import app_state
from webapp.campaigns import file_campaigns
from webapp.models import Submission
from webapp.supporters.share_links import (
    BLUESKY,
    FACEBOOK,
    LINKEDIN,
    TELEGRAM,
    WHATSAPP,
    X_INTENT,
    campaign_page_url,
    share_links,
)
from webapp.supporters.share_step import share_text

from .flow import SLUG, letters_form, read_outbox, run_worker, step_one, step_two
from .pages import csrf_token, text

CAMPAIGN_URL = f"http://127.0.0.1:5000/c/{SLUG}"
NETWORKS = ["email", "whatsapp", "telegram", "x", "facebook", "bluesky", "linkedin"]


# --- the links themselves --------------------------------------------------------------------

def by_network(text_: str, url: str, subject: str = "Subject") -> dict[str, str]:
    return {link.network: link.url for link in share_links(text_, url, subject)}


def query(url: str) -> dict[str, str]:
    """A link's query, decoded as a network would read it (every field once)."""
    fields = parse_qs(urlsplit(url).query, keep_blank_values=True, strict_parsing=True)
    assert all(len(values) == 1 for values in fields.values()), fields
    return {name: values[0] for name, values in fields.items()}


TRICKY_TEXTS = [
    "Plain words with spaces",
    "Tom & Jerry wrote #1 + more? 50% = yes; a/b",
    "Ik schreef: „Een verdrag” — café, naïve, Größe, 条约, 조약",
    "كتبت إلى ممثليّ: «معاهدة في القمة القادمة». هل تكتب أنت أيضاً؟",  # right to left
    "שלום & עולם #1",
]
TRICKY_URL = "https://partner.example/act?campaign=a b&lang=nl#form"


@pytest.mark.parametrize("message", TRICKY_TEXTS)
def test_every_link_carries_the_text_and_address_exactly(message):
    links = by_network(message, TRICKY_URL, subject="Tom & Jerry #1 — ééé")
    assert list(links) == NETWORKS
    for url in links.values():
        # Nothing a browser or network would read as a separator, or drop, is left raw.
        tail = url.split("?", 1)[1]
        assert not re.search(r"[\s#+]", tail), url
        assert tail.isascii()
    both = f"{message} {TRICKY_URL}"
    assert query(links["whatsapp"]) == {"text": both}
    assert query(links["bluesky"]) == {"text": both}
    assert query(links["telegram"]) == {"url": TRICKY_URL, "text": message}
    assert query(links["x"]) == {"text": message, "url": TRICKY_URL}
    assert query(links["facebook"]) == {"u": TRICKY_URL}
    assert query(links["linkedin"]) == {"url": TRICKY_URL}


def test_each_network_gets_its_own_documented_address():
    links = by_network("Hello", CAMPAIGN_URL)
    assert links["whatsapp"].startswith(WHATSAPP + "?text=")
    assert links["telegram"].startswith(TELEGRAM + "?url=")
    assert links["x"].startswith(X_INTENT + "?text=")
    assert links["facebook"] == f"{FACEBOOK}?u=http%3A%2F%2F127.0.0.1%3A5000%2Fc%2F{SLUG}"
    assert links["bluesky"].startswith(BLUESKY + "?text=")
    assert links["linkedin"].startswith(LINKEDIN + "?url=")
    # Spaces are %20, which mail apps read too ("+" is a space only in form-encoded queries).
    assert "text=Hello%20http" in links["whatsapp"]


def test_the_email_link_has_subject_and_body_and_no_recipient():
    [mail] = [link for link in share_links("Tom & Jerry #1 ✓", CAMPAIGN_URL, "Subj & ect #2")
              if link.network == "email"]
    assert mail.url.startswith("mailto:?subject=")
    assert not mail.opens_a_page
    fields = query(mail.url.removeprefix("mailto:"))
    assert fields == {"subject": "Subj & ect #2", "body": f"Tom & Jerry #1 ✓\r\n\r\n{CAMPAIGN_URL}"}


def test_without_a_text_the_links_carry_the_address_alone():
    links = by_network("", CAMPAIGN_URL)
    assert query(links["whatsapp"]) == {"text": CAMPAIGN_URL}
    assert unquote(query(links["email"].removeprefix("mailto:"))["body"]) == CAMPAIGN_URL


def test_campaign_page_url():
    assert campaign_page_url("https://letters.example/", SLUG) == (
        f"https://letters.example/c/{SLUG}")
    assert campaign_page_url("https://x.example", "a b#c") == "https://x.example/c/a%20b%23c"


# --- on the pages --------------------------------------------------------------------------

class _Page(HTMLParser):
    """What a page loads on its own (scripts, styles, frames, images) and its share links."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.loads: list[str] = []
        self.share_links: dict[str, dict[str, str]] = {}
        self.in_share = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in {"script", "img", "iframe", "audio", "video", "source", "embed"} and a.get("src"):
            self.loads.append(a["src"])
        if tag == "link" and a.get("href"):
            self.loads.append(a["href"])
        if tag == "section" and "share" in (a.get("class") or "").split():
            self.in_share = True
        if tag == "a" and self.in_share and a.get("data-network"):
            self.share_links[a["data-network"]] = a


def parsed(response) -> _Page:
    assert response.status_code == 200, text(response)
    page = _Page()
    page.feed(response.get_data(as_text=True))
    return page


def check_share_section(response, language: str):
    """The share step as the supporter sees it in `language`, every link plain and safe."""
    page = parsed(response)
    # Nothing comes from another site: every script, style or frame is a path on ours (or
    # inline data, the empty icon).
    assert page.loads and all((url.startswith("/") and not url.startswith("//"))
                              or url.startswith("data:") for url in page.loads), page.loads
    assert "/static/share.js" in " ".join(page.loads)
    assert list(page.share_links) == NETWORKS
    for network, link in page.share_links.items():
        assert link["rel"] == "noopener noreferrer", network
        assert link.get("target") == (None if network == "email" else "_blank"), network
    with force_locale(language):
        expected = share_text(title(language))
    assert query(page.share_links["whatsapp"]["href"]) == {"text": f"{expected} {CAMPAIGN_URL}"}
    assert query(page.share_links["x"]["href"]) == {"text": expected, "url": CAMPAIGN_URL}
    mail = query(page.share_links["email"]["href"].removeprefix("mailto:"))
    assert mail == {"subject": title(language), "body": f"{expected}\r\n\r\n{CAMPAIGN_URL}"}
    shown = text(response)
    assert expected in shown
    assert f'id="share-url" type="url" readonly value="{CAMPAIGN_URL}"' in shown
    assert 'class="primary share-native"' in shown and 'data-copy="#share-url"' in shown
    return expected


def confirm_latest(app, client, lang: str):
    """Follow the newest confirmation link as the mail gives it (in the supporter's language)
    and press its button; the POST's response."""
    with app_state(app).database.session_factory() as session:
        public_id = session.scalar(select(Submission.public_id).order_by(Submission.id.desc()))
    link = f"/confirm/{app_state(app).confirmation_tokens.make(public_id)}?lang={lang}"
    page = client.get(link).get_data(as_text=True)
    return client.post(link, data={"csrf_token": csrf_token(page)})


def title(language: str) -> str:
    content, _ = file_campaigns()
    titles = content[SLUG].titles
    return titles.get(language) or titles[DEFAULT_LANGUAGE]


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_drafts_page_has_the_share_step(app, client, language):
    response = step_two(client, letters_form(step_one(client, lang=language)), action="draft",
                        lang=language)
    assert f'<html lang="{language}">' in text(response)
    with app.app_context():
        expected = check_share_section(response, language)
    assert title(language) in expected


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_page_after_confirming_has_the_share_step(app, client, outbox, language):
    step_two(client, letters_form(step_one(client, lang=language)), action="send", lang=language)
    confirmed = confirm_latest(app, client, lang=language)
    assert confirmed.status_code == 303
    response = client.get(confirmed.headers["Location"])
    assert f'<html lang="{language}">' in text(response)
    with app.app_context():
        check_share_section(response, language)


def test_check_your_inbox_asks_for_no_share_yet(client):
    # Nothing has been sent before the supporter confirms: the share step comes after that.
    response = step_two(client, letters_form(step_one(client)), action="send")
    assert "Please check your inbox" in text(response)
    assert 'class="share"' not in text(response)


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_receipt_has_the_share_lines(app, client, outbox, language):
    step_two(client, letters_form(step_one(client, lang=language)), action="send", lang=language)
    run_worker(app)
    assert confirm_latest(app, client, lang=language).status_code == 303
    run_worker(app)  # the letters
    run_worker(app)  # the receipt
    [receipt] = [m for m in read_outbox(outbox) if not m["X-Letter-Id"]
                 and "/confirm/" not in m.get_content()]
    body = receipt.get_content().replace("\r\n", "\n")
    with app.app_context(), force_locale(language):
        expected = share_text(title(language))
        share = gettext("Share")
    assert f"\n{expected}\n{share}: {CAMPAIGN_URL}\n" in body
    # Plain text with our own address: no network's link, no tracking parameter.
    assert "wa.me" not in body and "utm_" not in body and f"{CAMPAIGN_URL}?" not in body


def test_a_campaign_served_elsewhere_shares_the_configured_address(tmp_path, database_url):
    app = create_app(make_config(tmp_path, database_url, base_url="https://letters.example"))
    try:
        client = app.test_client()
        response = step_two(client, letters_form(step_one(client)), action="draft")
        page = parsed(response)
        assert query(page.share_links["linkedin"]["href"]) == {
            "url": f"https://letters.example/c/{SLUG}"}
    finally:
        app_state(app).database.dispose()
