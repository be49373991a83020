"""The data desk in headless Chromium: an editor corrects a contact, re-checks it from the
queue, and the change shows on the desk and in the directory supporters are matched with."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from representatives.tables import ContactDetail
from tests.staff.conftest import PASSWORD, USERS, reset_staff_tables
from webapp.app_state import app_state
from webapp.staff.auth import hash_password

from .conftest import sign_in, watched_page

OLD = "minister@ezk.example.org"
NEW = "digitale.zaken@ezk.example.org"


@pytest.fixture
def desk_page(context, live_app):
    """A signed-out page that fails the test on script errors and failed requests."""
    reset_staff_tables(live_app.app, hash_password(PASSWORD))
    with app_state(live_app.app).database.session_factory() as session:
        contact = session.scalars(select(ContactDetail).where(ContactDetail.value == OLD)).one()
        contact.verified_on = date(2020, 1, 1)  # long due for a re-check
        session.commit()
    # The contact form refused on purpose (a check date in the future) answers 422.
    page, errors = watched_page(context, re.compile(r"/staff/data/contacts/\d+$"))
    yield page
    assert not errors, f"errors in the browser: {errors}"


@pytest.mark.browser
def test_an_editor_corrects_a_contact_and_rechecks_it_from_the_queue(desk_page, live_app):
    page = desk_page
    page.goto("/staff/data/?lang=en")
    expect(page).to_have_url(re.compile(r"/staff/login"))
    sign_in(page, "editor")

    # From the index to the country, to the minister's address.
    nav = page.get_by_role("navigation", name="Staff")
    nav.get_by_role("link", name="Data", exact=True).click()
    page.locator("#country-NL").get_by_role("link").click()
    expect(page.locator("h1")).to_contain_text("(NL)")
    row = page.locator("tr[id^=contact-]", has_text=OLD)
    expect(row).to_contain_text("2020-01-01")
    row.get_by_role("link", name="Edit").click()

    # A check date in the future is refused, the typing kept.
    page.fill("[name=value]", NEW)
    page.fill("[name=verified_on]", "2999-01-01")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".problems")).to_contain_text("in the future")
    expect(page.locator("[name=value]")).to_have_value(NEW)
    page.fill("[name=verified_on]", "2020-01-01")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".flash.ok")).to_contain_text("Saved")
    expect(page.locator("tr[id^=contact-]", has_text=NEW)).to_have_count(1)

    # Still checked long ago: the queue lists it, with its new address.
    page.get_by_role("link", name="Data", exact=True).click()
    page.get_by_role("link", name="Re-check queue").click()
    queued = page.locator("tr[id^=queue-contact-]", has_text=NEW)
    expect(queued).to_have_count(1)
    queued.get_by_role("button", name="Checked today").click()
    expect(page.locator(".flash.ok")).to_contain_text("checked today")
    expect(page).to_have_url(re.compile(r"/staff/data/queue"))
    expect(page.locator("tr[id^=queue-contact-]", has_text=NEW)).to_have_count(0)

    # The country page shows the new address, checked today by the editor.
    page.goto("/staff/data/country/NL?lang=en")
    row = page.locator("tr[id^=contact-]", has_text=NEW)
    expect(row).to_contain_text(date.today().isoformat())
    expect(row).to_contain_text(USERS["editor"])
    expect(page.locator("body")).not_to_contain_text(OLD)

    # Supporters are matched with the directory this server holds: it has the new address.
    target = app_state(live_app.app).directory.refresh().get("t:nl-minister")
    assert target is not None and target.email == NEW
