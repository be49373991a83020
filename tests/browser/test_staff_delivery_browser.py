"""Steering sending and downloading an export from the staff area, in headless Chromium."""

from __future__ import annotations

import csv
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.staff.conftest import PASSWORD, reset_staff_tables
from tests.staff.letters_data import SLUG, add_submission
from webapp.app_state import app_state
from webapp.models import Campaign
from webapp.staff.auth import hash_password

from .conftest import sign_in, watched_page


@pytest.fixture
def editor_page(context, live_app):
    reset_staff_tables(live_app.app, hash_password(PASSWORD))
    page, errors = watched_page(context)
    page.goto(f"/staff/campaigns/{SLUG}?lang=en")
    sign_in(page, "editor")
    expect(page).to_have_url(re.compile(rf"/staff/campaigns/{SLUG}"))
    yield page
    assert not errors, f"errors in the browser: {errors}"


def sending_paused(app) -> bool:
    with app_state(app).database.session_factory() as session:
        return session.scalar(select(Campaign.sending_paused).where(Campaign.slug == SLUG))


@pytest.mark.browser
def test_editor_stops_and_resumes_sending(editor_page, live_app):
    page = editor_page
    page.get_by_role("link", name="Sending", exact=True).click()
    expect(page.locator("#sending-state")).to_contain_text("Sending on")
    page.get_by_role("button", name="Stop sending").click()
    expect(page.locator(".flash.ok")).to_contain_text("Sending stopped")
    expect(page.locator("#sending-state")).to_contain_text("Sending stopped")
    assert sending_paused(live_app.app)
    page.get_by_role("button", name="Resume sending").click()
    expect(page.locator("#sending-state")).to_contain_text("Sending on")
    assert not sending_paused(live_app.app)


@pytest.mark.browser
def test_filtered_export_is_downloaded(editor_page, live_app, tmp_path):
    app = live_app.app
    add_submission(app, country="NL", letters=[("t:nl-minister", "Anna de Vries", "sent"),
                                               ("t:nl-mep", "Pieter Jansen", "queued")])
    add_submission(app, country="DE", letters=[("t:de-minister", "Max Muster", "sent")])
    page = editor_page
    page.get_by_role("link", name="Letters written").click()
    page.fill("[name=country]", "NL")
    page.select_option("[name=state]", "sent")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("#letters tbody tr")).to_have_count(1)
    with page.expect_download() as download_info:
        page.locator("#export-aggregates").click()
    path = tmp_path / "letters.csv"
    download_info.value.save_as(path)
    with path.open(newline="", encoding="utf-8") as file:
        table = list(csv.reader(file))
    assert table[0] == ["day", "state", "country", "target_id", "target_name", "letters"]
    assert [row[1:] for row in table[1:]] == [
        ["sent", "NL", "t:nl-minister", "Anna de Vries", "1"]]
