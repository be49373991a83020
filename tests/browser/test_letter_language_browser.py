"""A letter switched to another language on step two, in Chromium: the text changes in place,
the page comes back at that letter, and the letter is stored in the language chosen."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from webapp.models import Submission

from .test_supporter_browser import ANNA, PIETER, fill_supporter_form, letter_of


@pytest.mark.browser
def test_switch_a_letters_language_then_send(page, live_app):
    fill_supporter_form(page)
    letter = letter_of(page, PIETER)
    body = letter.locator(".letter textarea[name$=-body]")
    expect(body).to_contain_text("verdrag")
    letter.get_by_label("Write this letter in").select_option("de")
    letter.get_by_role("button", name="Change").click()

    # The page comes back at that letter (its address ends in the letter's anchor).
    expect(page).to_have_url(re.compile(r"/letters\?lang=en#letter-1$"))
    letter = letter_of(page, PIETER)
    body = letter.locator(".letter textarea[name$=-body]")
    expect(body).to_be_visible()
    expect(body).to_contain_text("Vertrag")
    expect(body).not_to_contain_text("verdrag")
    expect(letter.get_by_label("Write this letter in")).to_have_value("de")
    expect(letter).to_contain_text("Opens with: Sehr geehrter Herr Jansen,")
    # The other letter stays in Dutch.
    expect(letter_of(page, ANNA).locator(".letter textarea[name$=-body]")).to_contain_text(
        "verdrag")

    page.get_by_role("button", name="Send it for me").click()
    expect(page.get_by_role("heading", name="Please check your inbox")).to_be_visible()
    with live_app.session() as session:
        letters = session.scalars(select(Submission)).one().pending()
    assert {letter.target_id: letter.language for letter in letters} == {
        ANNA: "nl", PIETER: "de"}


@pytest.mark.browser
def test_enter_in_a_subject_still_sends_rather_than_changing_a_language(page, live_app):
    fill_supporter_form(page)
    subject = letter_of(page, ANNA).locator(".letter input[name$=-subject]")
    subject.press("End")
    subject.press("Enter")
    expect(page.get_by_role("heading", name="Please check your inbox")).to_be_visible()
