"""The JavaScript parts of the supporter's way, in headless Chromium.

Everything here also works without JavaScript (see tests/webapp); these tests check that the
enhancements in webapp/static/app.js do what they promise in a real browser.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.webapp.flow import SLUG, supporter
from webapp.models import Submission

ANNA = "t:nl-minister"
PIETER = "t:nl-mep"


def open_campaign(page):
    page.goto(f"/c/{SLUG}?lang=en")
    expect(page.locator("form.supporter")).to_be_visible()


def fill_supporter_form(page, **changes):
    """Step one with the test data's Dutch supporter: their minister and MEP are offered."""
    send_step_one(page, **changes)
    expect(page.locator("article.target")).to_have_count(2)


def send_step_one(page, **changes):
    """Step one as a person does it: type the details, choose the country, submit."""
    data = supporter(**changes)
    open_campaign(page)
    form = page.locator("form.supporter")
    form.locator("[name=name]").fill(data["name"])
    form.locator("[name=email]").fill(data["email"])
    form.locator("select[name=country]").select_option(data["country"])
    if data["postcode"]:
        form.locator("[name=postcode]").fill(data["postcode"])
    form.locator("[name=town]").fill(data["town"])
    form.locator("[name=own_words]").fill(data["own_words"])
    form.get_by_role("button", name="Show my representatives and letters").click()
    expect(page.locator("form.letters")).to_be_visible()


def card(page, target_id: str):
    return page.locator(f'article.target[data-target="{target_id}"]')


def letter_of(page, target_id: str):
    """The shared letter a target is one of the recipients of."""
    return page.locator(".shared-letter").filter(has=card(page, target_id))


@pytest.mark.browser
def test_unticked_target_is_folded_away_and_not_sent(page, live_app):
    fill_supporter_form(page)
    anna, pieter = card(page, ANNA), card(page, PIETER)
    expect(anna).to_contain_text("Anna de Vries")
    expect(pieter).to_contain_text("Pieter JANSEN")
    expect(pieter).to_contain_text("Opens with: Geachte heer Jansen,")
    anna_letter, pieter_letter = letter_of(page, ANNA), letter_of(page, PIETER)
    for letter in (anna_letter, pieter_letter):
        expect(letter.locator(".letter textarea")).to_be_visible()
        expect(letter.locator(".letter textarea")).to_be_enabled()

    pieter.locator("input.target-toggle").uncheck()

    # Pieter was the only recipient of his letter: it folds away and is not submitted.
    expect(pieter).to_have_class(re.compile(r"\bunselected\b"))
    expect(pieter_letter).to_have_class(re.compile(r"\bunselected\b"))
    fields = pieter_letter.locator(".letter input"), pieter_letter.locator(".letter textarea")
    for field in fields:
        expect(field).to_be_hidden()
        expect(field).to_be_disabled()
    # The ticked one is untouched.
    expect(anna).not_to_have_class(re.compile(r"\bunselected\b"))
    expect(anna_letter.locator(".letter textarea")).to_be_enabled()

    # Ticking again brings the letter back, unticking once more folds it away again.
    pieter.locator("input.target-toggle").check()
    expect(pieter).not_to_have_class(re.compile(r"\bunselected\b"))
    expect(pieter_letter.locator(".letter textarea")).to_be_visible()
    expect(pieter_letter.locator(".letter textarea")).to_be_enabled()
    pieter.locator("input.target-toggle").uncheck()
    expect(pieter_letter.locator(".letter textarea")).to_be_disabled()

    page.get_by_role("button", name="Send it for me").click()
    expect(page.get_by_role("heading", name="Please check your inbox")).to_be_visible()

    with live_app.session() as session:
        letters = session.scalars(select(Submission)).one().pending()
        assert [(letter.target_id, letter.target_name) for letter in letters] == [
            (ANNA, "Anna de Vries")
        ]
        assert letters[0].to_address == "minister@ezk.example.org"
        assert "Jane Doe" in letters[0].body


@pytest.mark.browser
def test_copy_button_puts_subject_and_letter_on_the_clipboard(context, page, live_app):
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_app.base_url)
    fill_supporter_form(page)
    page.get_by_role("button", name="Open in my mail app").click()
    expect(page.get_by_role("heading", name="Send the letters from your own mail")).to_be_visible()
    drafts = page.locator("article.draft")
    expect(drafts).to_have_count(2)

    first = drafts.first
    button = first.locator("button.copy")
    expect(button).to_be_visible()  # app.js shows it only where the browser can copy
    expect(button).to_have_text("Copy the letter")
    subject = first.locator(".subject").inner_text().strip()
    body = first.locator("textarea").input_value()
    assert subject and body.startswith("Geachte")

    button.click()
    # The label goes back after two seconds; the class stays.
    expect(button).to_have_text("Copied", timeout=1_500)
    expect(button).to_have_class(re.compile(r"\bcopied\b"))

    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied.startswith(subject)
    assert "Geachte" in copied and "Jane Doe" in copied and "Utrecht" in copied
    assert copied.replace("\r\n", "\n").endswith(body.replace("\r\n", "\n"))
    expect(button).to_have_text("Copy the letter", timeout=4_000)


@pytest.mark.browser
def test_postcode_field_only_for_countries_with_districts(page):
    open_campaign(page)
    country = page.locator("form.supporter select[name=country]")
    postcode_field = page.locator("#field-postcode")
    expect(country).to_have_attribute("data-postcode-countries", re.compile(r"\bUS\b"))

    country.select_option("NL")
    expect(postcode_field).to_be_hidden()
    country.select_option("US")
    expect(postcode_field).to_be_visible()
    expect(postcode_field.locator("input[name=postcode]")).to_be_editable()
    country.select_option("NL")
    expect(postcode_field).to_be_hidden()
