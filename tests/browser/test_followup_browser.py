"""Follow up in headless Chromium: the supporter answers "did they reply?" from the link in
their mail, staff record the reply, and the next supporter sees it on the target's card."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.staff.conftest import PASSWORD, reset_staff_tables
from tests.webapp.flow import run_worker
from tests.webapp.followup_support import (
    last_sent,
    links_in,
    questionnaire_mails,
    sent_submission,
)
from webapp.app_state import app_state
from webapp.followup import operations
from webapp.staff.auth import hash_password

from .test_supporter_browser import fill_supporter_form


@pytest.mark.browser
def test_answer_from_the_mail_then_staff_record_it_and_the_card_shows_it(page, live_app):
    app = live_app.app
    reset_staff_tables(app, hash_password(PASSWORD))
    submission_id = sent_submission(app, app.test_client())
    with live_app.session() as session:
        operations.add_due_questionnaires(
            session, last_sent(app, submission_id) + timedelta(days=15))
        session.commit()
    run_worker(app)
    [mail] = questionnaire_mails(app_state(app).config.mail_outbox_dir)
    yes_link = links_in(mail)[0]
    target_name = mail.get_content().split("-" * 60)[1].strip().splitlines()[0]

    # The link opens a page with the answer chosen; only its button records it.
    page.goto(yes_link)
    expect(page.locator("h1")).to_contain_text(target_name)
    expect(page.locator("input[name=answer][value=yes]")).to_be_checked()
    page.locator("textarea[name=reply]").fill("Thank you for writing. We support a treaty.")
    page.get_by_role("button", name="Save my answer").click()
    expect(page.locator("p.notice")).to_contain_text("your answer is saved")
    expect(page.locator("textarea[name=reply]")).to_have_value("")  # nothing asked twice

    # An editor reads the reply and records it.
    page.goto("/staff/replies?lang=en")
    sign_in(page, "editor")
    expect(page).to_have_url(re.compile(r"/staff/"))
    page.goto("/staff/replies?lang=en")
    expect(page.locator("table.staff-table")).to_contain_text(target_name)
    page.locator("table.staff-table details summary").first.click()
    expect(page.locator("table.staff-table")).to_contain_text("We support a treaty.")
    page.get_by_role("link", name="Record for this target").first.click()
    page.locator("input[name=on_date]").fill("2026-11-20")
    page.locator("input[name=link]").fill("https://example.org/their-reply")
    page.get_by_role("button", name="Record", exact=True).click()
    expect(page.locator(".flash.ok")).to_contain_text(target_name)

    # The next supporter sees it on that target's card.
    supporter_page = page.context.new_page()
    fill_supporter_form(supporter_page, email="next@example.org")
    card = supporter_page.locator("article.target", has_text=target_name)
    expect(card.locator(".standing")).to_contain_text("Replied (")
    expect(card.locator(".standing a")).to_have_attribute("href", "https://example.org/their-reply")
    supporter_page.close()
