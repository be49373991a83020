"""A US supporter on the real Congress data: their ZIP spans two districts, they choose
theirs, give the street address Congress needs, and get letters to print and to paste."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from representatives.importers import IMPORTERS
from tests.representatives.rep_support import shared_file
from tests.webapp.flow import SLUG
from webapp.app_state import app_state

from .conftest import watched_page

# In two Florida districts (zccd.csv): 5 and 6.
ZIP = "32080"
ADDRESS = "77 Quillfeather Lane\nSt. Augustine, FL 32080"


@pytest.fixture
def supporter_page(context):
    """A page that fails the test on script errors; a 422 for the refused step two (no
    street address yet) is expected."""
    page, errors = watched_page(context, expected_refusal=f"/c/{SLUG}/letters")
    yield page
    assert not errors, f"errors in the browser: {errors}"


@pytest.fixture
def us_congress(live_app):
    """The real members of Congress and ZIP table, beside the made-up test directory."""
    legislators = shared_file("us-congress-legislators", "legislators-current.yaml")
    zccd = shared_file("us-zip-to-district", "zccd.csv")
    with live_app.session() as session:
        assert IMPORTERS["us-legislators"](session, legislators).ok
        assert IMPORTERS["us-zccd"](session, zccd).ok
        session.commit()
    app_state(live_app.app).directory.refresh()


@pytest.mark.browser
@pytest.mark.usefixtures("us_congress")
def test_congress_letters_carry_the_street_address_to_print_and_to_paste(supporter_page):
    page = supporter_page
    page.goto(f"/c/{SLUG}?lang=en")
    form = page.locator("form.supporter")
    form.locator("[name=name]").fill("Jane Doe")
    form.locator("[name=email]").fill("jane@example.org")
    form.locator("select[name=country]").select_option("US")
    form.locator("[name=postcode]").fill(ZIP)
    show = form.get_by_role("button", name="Show my representatives and letters")
    show.click()

    # Nobody ticked, nor listed, until they choose their district.
    chooser = page.locator("#field-area select")
    expect(chooser.locator("option")).to_have_count(3)  # "Choose from 2", and the two
    expect(page.locator("article.target")).to_have_count(0)
    expect(page.locator("form.letters")).to_have_count(0)
    chooser.select_option(index=1)  # the first district, Florida 5
    show.click()

    letters = page.locator("form.letters")
    expect(letters).to_be_visible()
    house = letters.locator('article.target:has-text("Member of the House")')
    expect(house).to_have_count(1)
    expect(house.locator("input.target-toggle")).to_be_checked()
    # Congress takes no e-mail: nothing to send for them, the letters are theirs to send.
    expect(page.locator("#send")).to_have_count(0)
    expect(letters).to_contain_text("None of these people takes e-mail from us")

    street = page.locator("#field-street-address")
    expect(street).to_be_visible()
    boxes = letters.locator("input.target-toggle:checked")
    ticked = boxes.count()
    assert ticked == 3  # the representative and the state's two senators
    for _ in range(ticked):
        boxes.first.uncheck()
    expect(street).to_be_hidden()  # nobody ticked who needs it
    for box in letters.locator("input.target-toggle").all():
        box.check()
    expect(street).to_be_visible()

    # Without it: refused, in words, with the letters as they were.
    send_myself = page.get_by_role("button", name="Show my letters to send myself")
    send_myself.click()
    expect(page.locator("#field-street-address .error")).to_contain_text(
        "Please give your street address")
    page.locator("[name=street_address]").fill(ADDRESS)
    page.get_by_role("button", name="Show my letters to send myself").click()

    drafts = page.locator("article.draft")
    expect(drafts).to_have_count(3)
    signed = re.compile(r"Jane Doe\n77 Quillfeather Lane\nSt\. Augustine, FL 32080")
    # The representative takes letters by post: a printable letter, signed with the address.
    printable = page.locator("article.draft .printable")
    expect(printable.first.locator(".print-body")).to_have_text(signed)
    expect(printable.first.locator(".print-recipient")).to_contain_text("Washington")
    # A senator's contact form: the text ready to paste, address and all.
    by_form = drafts.filter(has=page.get_by_role("link", name="Open the contact form"))
    expect(by_form.first).to_be_visible()
    expect(by_form.first.locator("textarea")).to_have_value(signed)
    for textarea in drafts.locator("textarea").all():
        expect(textarea).to_have_value(signed)


@pytest.mark.browser
def test_send_it_for_me_is_offered_while_a_ticked_letter_can_go_by_email(page):
    """The made-up directory: in 94110 the representative takes e-mail, the senator a form."""
    page.goto(f"/c/{SLUG}?lang=en")
    form = page.locator("form.supporter")
    form.locator("[name=name]").fill("Jane Doe")
    form.locator("[name=email]").fill("jane@example.org")
    form.locator("select[name=country]").select_option("US")
    form.locator("[name=postcode]").fill("94110")
    form.get_by_role("button", name="Show my representatives and letters").click()

    send = page.locator("#send")
    expect(send).to_be_visible()
    by_email = page.locator('article.target[data-target="t:us-rep-12"] input.target-toggle')
    by_email.uncheck()
    expect(send).to_be_hidden()  # only the senator's contact form is left
    expect(page.locator("#field-street-address")).to_be_visible()  # a senator needs it too
    by_email.check()
    expect(send).to_be_visible()
