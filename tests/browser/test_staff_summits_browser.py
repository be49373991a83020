"""The summit pages of the staff area in headless Chromium: an editor edits a summit and adds a
country's row."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from representatives.importers.project import import_project
from representatives.tables import Summit, SummitParticipation
from tests.browser.conftest import sign_in
from tests.staff.conftest import PASSWORD, reset_staff_tables
from webapp.staff.auth import hash_password

STATEMENT = "Paris Statement"
ELYSEE = "https://www.elysee.fr/statement"
SERIES = {
    "format": "treaty-letters/representatives",
    "version": 1,
    "summits": [{"id": "paris-2025", "name": "AI Action Summit", "host_country": "FR",
                 "city": "Paris", "start_date": "2025-02-10", "end_date": "2025-02-11",
                 "documents": [{"title": STATEMENT, "date": "2025-02-11", "url": ELYSEE}]}],
    "participation": [{"summit": "paris-2025", "document": STATEMENT, "status": "signed",
                       "source_url": ELYSEE, "countries": ["FR", "DE"]}],
}


@pytest.fixture
def series_app(live_app, tmp_path):
    """The live app with staff accounts and a one-summit series, as the project's data is."""
    reset_staff_tables(live_app.app, hash_password(PASSWORD))
    path = tmp_path / "series.json"
    path.write_text(json.dumps(SERIES), encoding="utf-8")
    with live_app.session() as session:
        assert import_project(session, path).written
        session.commit()
    return live_app


@pytest.mark.browser
def test_an_editor_edits_a_summit_and_adds_a_country(series_app, page):
    page.goto("/staff/summits?lang=en")
    expect(page).to_have_url(re.compile(r"/staff/login"))
    sign_in(page, "editor")
    expect(page).to_have_url(re.compile(r"/staff/summits"))

    page.get_by_role("link", name="AI Action Summit").click()
    page.get_by_label("City").fill("Paris, Grand Palais")
    page.get_by_label("Date of document 1").fill("2025-02-12")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".flash.ok")).to_contain_text("Saved.")
    expect(page.get_by_label("City")).to_have_value("Paris, Grand Palais")

    page.get_by_role("link", name="Who signed, endorsed or declined").click()
    page.get_by_role("link", name=STATEMENT).click()
    expect(page.locator("table.participation")).to_contain_text("Germany (DE)")
    page.select_option("#add-country", "IT")
    page.select_option("#add-status", "endorsed")
    page.fill("#add-source", "https://www.governo.it/statement")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.locator(".flash.ok")).to_contain_text("Saved.")
    row = page.locator("#row-IT")
    expect(row).to_contain_text("Italy (IT)")
    expect(row).to_contain_text("endorsed")

    with series_app.session() as session:
        summit = session.get(Summit, "paris-2025")
        assert (summit.city, summit.documents[0]["date"], summit.source) == (
            "Paris, Grand Palais", "2025-02-12", "staff")
        italy = session.scalars(select(SummitParticipation).where(
            SummitParticipation.country == "IT")).one()
        assert (italy.document, italy.status, italy.source) == (STATEMENT, "endorsed", "staff")
