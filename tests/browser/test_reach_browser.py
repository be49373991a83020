"""A fresh install's data, in Chromium: a supporter from a country with a government target of
its own and one from a summit country without, each to a letter."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.apps import import_shipped_data, migrate_database
from tests.webapp.flow import SLUG

from .test_supporter_browser import send_step_one


@pytest.fixture(scope="module")
def shipped_template(tmp_path_factory):
    base = tmp_path_factory.mktemp("shipped")
    path = base / "shipped.sqlite3"
    migrate_database(base, f"sqlite:///{path}", import_shipped_data)
    return path


@pytest.fixture
def sqlite_template(shipped_template):
    """The live app (tests/browser/conftest.py) on the shipped data rather than the test data."""
    return shipped_template


def _draft(page) -> None:
    # "Open in my mail app"; where nobody takes e-mail, "Show my letters to send myself".
    page.get_by_role("button", name=re.compile("Open in my mail app|Show my letters")).click()
    expect(page.locator("h1[data-letters-done=drafted]")).to_be_visible()


@pytest.mark.browser
def test_the_country_list_says_what_a_supporter_can_do_before_anything_is_typed(page):
    page.goto(f"/c/{SLUG}?lang=en")
    options = page.locator("select[name=country] option")
    expect(options.filter(has_text="Poland — government")).to_have_count(1)
    expect(options.filter(has_text="Japan — government, by post")).to_have_count(1)
    expect(options.filter(has_text="Senegal — the next summit's host")).to_have_count(1)
    expect(page.locator("#country-hint")).to_contain_text(
        "you can also write to the government of Switzerland")


@pytest.mark.browser
def test_a_polish_supporter_writes_to_their_own_government_and_the_next_host(page):
    send_step_one(page, country="PL", town="Somewhere")
    polish = page.locator('article.target[data-target="pl:minister-digital-affairs"]')
    expect(polish).to_contain_text("Minister of Digital Affairs")
    expect(polish).to_contain_text("kancelaria@cyfra.gov.pl")
    expect(polish).to_contain_text("Minister of Digital Affairs, Ministry of Digital Affairs")
    expect(polish).to_contain_text("Source: gov.pl, checked")
    expect(polish).to_contain_text("(on a stored copy of the page)")
    expect(polish.get_by_role("link", name="Wrong address or person?")).to_be_visible()
    expect(page.get_by_role("heading", name="The host of the next AI summit")).to_be_visible()
    _draft(page)
    drafts = page.locator("article.draft")
    polish_draft = drafts.filter(has=page.locator('[href*="kancelaria@cyfra.gov.pl"]'))
    expect(polish_draft).to_have_count(1)
    expect(polish_draft.locator("textarea")).to_contain_text("Pan")  # a Polish salutation
    # Switzerland's department for communications takes letters on paper.
    expect(drafts.filter(has_text="Bundeshaus Nord")).to_have_count(1)


@pytest.mark.browser
def test_a_senegalese_supporter_with_no_target_of_their_own_still_gets_a_letter(page):
    send_step_one(page, country="SN", town="Somewhere")
    expect(page.locator("p.notice").first).to_contain_text(
        "We have no contacts yet for anyone in Senegal.")
    suggest = page.get_by_role("link", name="Tell us whom to write to there")
    expect(suggest).to_have_attribute("href", f"/c/{SLUG}/suggest?lang=en&country=SN")
    expect(page.get_by_role("heading", name="The host of the next AI summit")).to_be_visible()
    swiss = page.locator("article.target").filter(has_text="Bundeshaus Nord")
    expect(swiss).to_contain_text("Chosen because Switzerland hosts the next AI summit.")
    # Nobody here takes e-mail from us: no "send it for me".
    expect(page.get_by_role("button", name="Send it for me")).to_have_count(0)
    _draft(page)
    expect(page.locator("article.draft")).not_to_have_count(0)
    swiss_draft = page.locator("article.draft").filter(has_text="Bundeshaus Nord")
    expect(swiss_draft).to_contain_text("takes letters by post")
    # Printed, the letter comes alone, with the address block (app.css, @media print).
    expect(swiss_draft.get_by_role("button", name="Print this letter")).to_be_visible()
    expect(swiss_draft.locator(".printable")).to_be_hidden()
    expect(swiss_draft.locator("textarea")).to_contain_text("Sehr geehrte Damen und Herren,")
