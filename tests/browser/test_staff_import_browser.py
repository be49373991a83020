"""Importing representatives from the staff area in headless Chromium: an editor uploads a
sheet of MPs, reads the dry run, applies it, and supporters are offered the new MP."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.staff.conftest import PASSWORD, reset_staff_tables
from webapp.staff.auth import hash_password

from .test_supporter_browser import send_step_one

SHEET = "\n".join([
    "name,kind,role,body,country,E-mail",
    "Piet de Boer,mp,Member of the House of Representatives,Tweede Kamer,NL,piet@example.org",
    "Kees Bakker,mp,Member of the House of Representatives,Tweede Kamer,NL,kees@@example",
]) + "\n"
# Rebuilding the directory after an import happens in the background: the first pages after
# it may still show the one before.
ATTEMPTS = 10


@pytest.fixture
def staff_app(live_app):
    reset_staff_tables(live_app.app, hash_password(PASSWORD))
    return live_app


@pytest.mark.browser
def test_an_editor_imports_a_sheet_of_mps(staff_app, page):
    page.goto("/staff/data/import?lang=en")
    expect(page).to_have_url(re.compile(r"/staff/login"))
    sign_in(page, "editor")
    expect(page).to_have_url(re.compile(r"/staff/data/import"))

    page.locator("input[name=fmt][value=generic-csv]").check()
    page.locator("input[name=upload]").set_input_files(files=[{
        "name": "tweede-kamer.csv", "mimeType": "text/csv", "buffer": SHEET.encode()}])
    page.get_by_role("button", name="Upload and map the columns").click()

    # The columns named like fields are mapped already; the e-mail column is not.
    expect(page.get_by_label("Column for name")).to_have_value("name")
    expect(page.get_by_label("Column for email")).to_have_value("")
    page.get_by_label("Column for email").select_option("E-mail")
    page.locator("[name=source]").fill("tweede-kamer")
    page.locator("[name=partial]").check()
    page.get_by_role("button", name="Dry run").click()

    report = page.locator(".import-report")
    expect(report).to_contain_text("1 added, 0 updated, 0 retired, 1 rejected")
    expect(report.locator(".import-reasons")).to_contain_text("line 3")
    expect(report.locator(".import-reasons")).to_contain_text("bad email 'kees@@example'")
    expect(report.locator(".import-people")).to_contain_text("Piet de Boer")

    report.get_by_role("button", name="Apply").click()
    expect(page.locator(".flash.ok")).to_contain_text(
        "Imported: 1 added, 0 updated, 0 retired, 1 rows left out.")
    expect(page.locator(".import-runs")).to_contain_text("tweede-kamer")

    supporter = page.context.new_page()
    for _attempt in range(ATTEMPTS):
        send_step_one(supporter)
        if supporter.locator("article.target", has_text="Piet de Boer").count():
            break
        supporter.wait_for_timeout(300)
    expect(supporter.locator("article.target", has_text="Piet de Boer")).to_have_count(1)
    expect(supporter.locator("article.target", has_text="Kees Bakker")).to_have_count(0)
    supporter.close()
