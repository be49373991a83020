"""The summit pages in Chromium: the table filters as the visitor types, a country's page leads
into the campaign with that country chosen."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.apps import migrate_database
from tests.webapp.flow import SLUG
from tests.webapp.test_summits_pages import shipped_summits


@pytest.fixture(scope="module")
def summits_template(tmp_path_factory):
    base = tmp_path_factory.mktemp("summits-browser")
    path = base / "summits.sqlite3"
    migrate_database(base, f"sqlite:///{path}", shipped_summits(base / "default.json"))
    return path


@pytest.fixture
def sqlite_template(summits_template):
    """The live app (tests/browser/conftest.py) on the shipped summits and a few governments."""
    return summits_template


def _row(page, name: str):
    return page.locator(".summit-table tbody tr").filter(
        has=page.get_by_role("rowheader", name=name, exact=True))


@pytest.mark.browser
def test_the_table_filters_as_one_types_and_a_country_leads_into_the_campaign(page):
    page.goto("/summits?lang=en")
    expect(page.get_by_role("heading", name="The AI summits", level=1)).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("Map: what each country did"))).to_be_visible()
    germany, france = _row(page, "Germany"), _row(page, "France")
    expect(germany).to_be_visible()
    expect(france).to_be_visible()

    page.get_by_label("Country name").press_sequentially("germ")
    expect(france).to_be_hidden()
    expect(germany).to_be_visible()
    expect(page.locator(".table-count")).to_have_text(re.compile(r"^1 of \d+ countries$"))
    assert page.url.endswith("q=germ")  # the address keeps the filter
    page.get_by_label("Country name").fill("zzzz")
    expect(page.get_by_text("No country matches this filter.")).to_be_visible()
    page.get_by_label("Country name").fill("")
    expect(france).to_be_visible()

    # A summit and an act are applied by the server, which redraws the table and the map.
    page.get_by_label("Summit", exact=True).select_option("paris-2025")
    page.get_by_label("What the country did").select_option("declined")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("heading", name="Who did what at AI Action Summit")).to_be_visible()
    expect(page.locator(".summit-table tbody tr:visible th")).to_have_text(
        ["United Kingdom", "United States"])

    page.get_by_role("link", name="Show every country").click()
    page.get_by_role("link", name="Germany", exact=True).click()
    expect(page.get_by_role("heading", name="Germany at the AI summits")).to_be_visible()
    expect(page.get_by_text("Endorsed: AI Impact Summit Declaration, New Delhi")).to_be_visible()
    expect(page.locator(".country-letters")).to_have_text(
        "Supporters in Germany have sent 0 letters in this campaign.")

    page.get_by_role("link", name="Write to them").click()
    expect(page).to_have_url(re.compile(rf"/c/{SLUG}\?country=DE&lang=en$"))
    expect(page.locator("select[name=country]")).to_have_value("DE")
    expect(page.locator(".letter-counter")).to_be_visible()
    page.get_by_role("link", name="The AI summits").click()
    expect(page.get_by_role("heading", name="The AI summits", level=1)).to_be_visible()
