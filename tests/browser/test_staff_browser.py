"""The letter editor in headless Chromium: live preview, refused errors, publishing."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.staff.conftest import PASSWORD, reset_staff_tables
from tests.webapp.flow import SLUG
from webapp.staff.auth import hash_password

from .conftest import sign_in, watched_page
from .test_supporter_browser import fill_supporter_form

EDITOR = f"/staff/campaigns/{SLUG}/letters/nl"


@pytest.fixture
def staff_page(context, live_app):
    """A page that fails the test on script errors; a 422 for a refused template is expected."""
    reset_staff_tables(live_app.app, hash_password(PASSWORD))
    page, errors = watched_page(context, expected_refusal=EDITOR)
    yield page
    assert not errors, f"errors in the browser: {errors}"


@pytest.mark.browser
def test_editor_changes_a_letter_and_a_supporter_gets_it(staff_page, live_app):
    page = staff_page
    page.goto(f"{EDITOR}?lang=en")
    expect(page).to_have_url(re.compile(r"/staff/login"))
    sign_in(page, "editor")
    expect(page).to_have_url(re.compile(r"/letters/nl"))

    source = page.locator("textarea[name=source]")
    body = page.locator(".preview-body")
    expect(body).to_contain_text("Geachte")
    text = source.input_value()
    assert "{{ supporter.name }}" in text

    # Typing changes the preview, through the preview endpoint.
    source.fill(text.replace("{{ supporter.name }}", "{{ supporter.name }}\nPS: Verdrag nu!"))
    expect(body).to_contain_text("PS: Verdrag nu!")

    # An invalid template shows its error and cannot be saved.
    source.fill(text + "\n{{ target.nickname }}\n")
    expect(page.locator(".preview-error")).to_contain_text("nickname")
    page.get_by_role("button", name="Save and publish").click()
    expect(page.locator(".preview-error")).to_contain_text("Line")
    expect(page.locator(".preview-error")).to_be_visible()

    # A valid one is saved and published.
    page.locator("textarea[name=source]").fill(
        text.replace("{{ supporter.name }}", "{{ supporter.name }}\nPS: Verdrag nu!"))
    page.get_by_role("button", name="Save and publish").click()
    expect(page.locator(".flash.ok")).to_contain_text("Published")

    # A supporter now gets the new text.
    supporter_page = page.context.new_page()
    fill_supporter_form(supporter_page)
    expect(supporter_page.locator("form.letters")).to_contain_text("PS: Verdrag nu!")
    supporter_page.close()
