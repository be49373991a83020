"""The held queue in headless Chromium: an editor sets a rule, then releases one held letter
(the worker sends it) and cancels the other (the supporter is told by mail); then selects every
letter shown and releases them at once."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import sign_in, watched_page
from tests.staff.conftest import PASSWORD, reset_staff_tables
from tests.webapp.flow import read_outbox, run_worker
from tests.webapp.moderation_data import MEP, MINISTER, SLUG, TEXT, add_submission, set_rules
from webapp.app_state import app_state
from webapp.models import Letter, LetterState, Notice, NoticeKind
from webapp.staff.auth import hash_password
from webapp.supporters.operations import confirm_letters


@pytest.mark.browser
def test_editor_releases_one_held_letter_and_cancels_the_other(page, live_app):
    reset_staff_tables(live_app.app, hash_password(PASSWORD))
    page.goto(f"/staff/campaigns/{SLUG}/moderation?lang=en")
    expect(page).to_have_url(re.compile(r"/staff/login"))
    sign_in(page, "editor")
    expect(page).to_have_url(re.compile(r"/moderation"))
    page.fill("[name=held_words]", "scam")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".flash.ok")).to_contain_text("Saved")

    # A supporter confirms two letters with a listed word: both are held, none is sent.
    with live_app.session() as session:
        submission = add_submission(session, letters=((MINISTER, "A scam", TEXT),
                                                      (MEP, "A scam", TEXT)))
        session.commit()
        confirm_letters(session, submission)
        anna, pieter = session.scalars(select(Letter.id).order_by(Letter.id)).all()
    run_worker(live_app.app)
    outbox = app_state(live_app.app).config.mail_outbox_dir
    assert [m for m in read_outbox(outbox) if m["X-Letter-Id"]] == []

    page.goto(f"/staff/campaigns/{SLUG}/held?lang=en")
    expect(page.locator(".held-count")).to_contain_text("Held for review: 2")
    page.locator(f"#letter-{anna}").get_by_role("button", name="Release").click()
    expect(page.locator(".flash.ok")).to_contain_text("Released: 1")
    expect(page.locator(f"#letter-{anna}")).to_have_count(0)
    page.locator(f"#letter-{pieter}").get_by_role("button", name="Cancel").click()
    expect(page.locator(".flash.ok")).to_contain_text("Cancelled: 1")
    expect(page.get_by_text("No letter is held.")).to_be_visible()

    run_worker(live_app.app)
    with live_app.session() as session:
        assert session.get(Letter, anna).state == LetterState.SENT
        assert session.get(Letter, pieter).state == LetterState.CANCELLED
        assert set(session.scalars(select(Notice.kind))) >= {NoticeKind.CANCELLED}
    mails = read_outbox(outbox)
    assert [m["X-Letter-Id"] for m in mails if m["X-Letter-Id"]] == [str(anna)]
    [told] = [m for m in mails if "not sent" in str(m["Subject"])]
    assert told["To"].addresses[0].addr_spec == "jane@example.org"
    assert "Pieter JANSEN" in told.get_content() and "Anna de Vries" not in told.get_content()


@pytest.mark.browser
def test_editor_selects_every_letter_shown_and_releases_them(context, live_app):
    reset_staff_tables(live_app.app, hash_password(PASSWORD))
    set_rules(live_app.app, held_words="scam")
    # Two supporters, three held letters.
    with live_app.session() as session:
        jane = add_submission(session, letters=((MINISTER, "A scam", TEXT), (MEP, "A scam", TEXT)))
        kim = add_submission(
            session, email="kim@example.org", name="Kim Lee", letters=((MINISTER, "A scam", TEXT),)
        )
        session.commit()
        confirm_letters(session, jane)
        confirm_letters(session, kim)
        held = session.scalars(select(Letter.id).where(Letter.state == LetterState.HELD)).all()
    assert len(held) == 3

    page, errors = watched_page(context)
    page.goto(f"/staff/campaigns/{SLUG}/held?lang=en")
    expect(page).to_have_url(re.compile(r"/staff/login"))
    sign_in(page, "editor")
    expect(page).to_have_url(re.compile(r"/held"))
    boxes = page.locator("form.held-queue input[name=letter]")
    expect(boxes).to_have_count(3)
    page.get_by_role("button", name="Select all shown").click()
    for index in range(3):
        expect(boxes.nth(index)).to_be_checked()
    page.get_by_role("button", name="Select none").click()
    for index in range(3):
        expect(boxes.nth(index)).not_to_be_checked()
    page.get_by_role("button", name="Select all shown").click()
    page.get_by_role("button", name="Release ticked").click()
    expect(page.locator(".flash.ok")).to_contain_text("Released: 3 letters.")
    expect(page.get_by_text("No letter is held.")).to_be_visible()

    with live_app.session() as session:
        states = session.scalars(select(Letter.state).where(Letter.id.in_(held))).all()
    assert states == [LetterState.QUEUED] * 3
    assert not errors, f"errors in the browser: {errors}"
