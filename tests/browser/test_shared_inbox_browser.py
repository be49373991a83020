"""One letter per inbox, in headless Chromium: a British supporter whose two ministers share one
private office inbox sends them ONE letter naming both, opening with a salutation and closing
with a closing that fit both, and exactly one mail reaches that inbox.

The shipped data has no British inbox shared by two people, so the test imports a small sheet
of made-up ministers (tests/browser/fixtures/gb-shared-inbox.csv, example.org addresses)
through the campaign-sheet importer, as staff would.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from representatives.importers import IMPORTERS
from representatives.tables import ContactDetail, Person
from tests.webapp.flow import read_outbox, run_worker
from webapp.app_state import app_state
from webapp.models import Letter

from .test_supporter_browser import card, letter_of, send_step_one

SHEET = Path(__file__).parent / "fixtures" / "gb-shared-inbox.csv"
INBOX = "private.office@dsit-test.example.org"
SUPPORTER = {"name": "Harriet Vane", "email": "harriet.vane.browser@example.org",
             "country": "GB", "town": "Oxford", "own_words": ""}


@pytest.fixture
def shared_ministers(live_app) -> list[str]:
    with live_app.session() as session:
        report = IMPORTERS["generic-csv"](session, SHEET, source="gb-shared-inbox-test")
        assert report.ok and report.added == 2, report.rejected
        session.commit()
        ids = session.scalars(select(Person.id).join(ContactDetail)
                              .where(ContactDetail.value == INBOX).order_by(Person.name)).all()
    app_state(live_app.app).directory.refresh()
    assert len(ids) == 2  # Dana, then Rowan
    return list(ids)


@pytest.mark.browser
def test_ministers_sharing_an_inbox_get_one_letter_naming_both(page, live_app,
                                                               shared_ministers):
    app = live_app.app
    send_step_one(page, **SUPPORTER)
    dana, rowan = (card(page, target_id) for target_id in shared_ministers)
    expect(dana).to_contain_text("Opens with: Dear Secretary of State,")
    expect(rowan).to_contain_text("Opens with: Dear Minister,")
    for minister in (dana, rowan):
        expect(minister).to_contain_text("Closes with: Yours sincerely,")
        expect(minister.locator("input.target-toggle")).to_be_checked()
    # One text for both, edited once; the closing is not in it.
    shared = letter_of(page, shared_ministers[0])
    expect(shared).to_have_count(1)
    expect(letter_of(page, shared_ministers[1]).locator(".letter textarea")).to_have_count(1)
    body = shared.locator(".letter textarea")
    assert "Yours sincerely" not in body.input_value()
    body.fill(body.input_value().replace("Harriet Vane",
                                         "Please reply to both of us.\n\nHarriet Vane"))

    page.get_by_role("button", name="Send it for me").click()
    expect(page.get_by_role("heading", name="Please check your inbox")).to_be_visible()
    run_worker(app)
    outbox = app_state(app).config.mail_outbox_dir
    [confirmation] = [m for m in read_outbox(outbox) if SUPPORTER["email"] in str(m["To"])]
    text = confirmation.get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"http://127\.0\.0\.1:5000(/confirm/\S+)", text).group(1)
    page.goto(link)
    page.get_by_role("button", name="Yes, send my letters").click()
    expect(page.get_by_text("on their way")).to_be_visible()
    run_worker(app)

    to_inbox = [m for m in read_outbox(outbox)
                if m["X-Letter-Id"] and m["To"].addresses[0].addr_spec == INBOX]
    assert len(to_inbox) == 1
    mail = to_inbox[0]
    assert mail["To"].addresses[0].display_name == "Dana Testperson, Rowan Testperson"
    letter = mail.get_content().replace("\r\n", "\n")
    # "Dear Secretary of State," and "Dear Minister,": the plural of their office fits both,
    # and "Yours sincerely," agrees with it, once, before the supporter's name.
    assert letter.startswith("Dear Ministers,\n\n")
    assert letter.rstrip().endswith(
        "Please reply to both of us.\n\nYours sincerely,\n\nHarriet Vane\nOxford")
    assert letter.count("Yours sincerely,") == 1
    with live_app.session() as session:
        rows = session.scalars(select(Letter).where(Letter.to_address == INBOX)).all()
        assert len(rows) == 1 and rows[0].state == "sent"
