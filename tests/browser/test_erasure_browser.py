"""Erasing one's data from the link in a mail, in headless Chromium: afterwards not one text
column of the database holds the supporter's name, address, town or words."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.webapp.flow import read_outbox, run_worker
from tests.webapp.personal_data import where_found
from webapp.app_state import app_state

from .test_supporter_browser import send_step_one

SUPPORTER = {"name": "Wilhelmina Quistorp", "email": "w.quistorp.browser@example.org",
             "town": "Zierikzeeveld", "own_words": "Quokkas deserve a binding treaty on this."}


@pytest.mark.browser
def test_erase_from_the_link_in_the_confirmation_mail(page, live_app):
    app = live_app.app
    send_step_one(page, **SUPPORTER)
    page.get_by_role("button", name="Send it for me").click()
    expect(page.get_by_role("heading", name="Please check your inbox")).to_be_visible()
    run_worker(app)
    [mail] = [m for m in read_outbox(app_state(app).config.mail_outbox_dir)
              if SUPPORTER["email"] in str(m["To"])]
    body = mail.get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"http://127\.0\.0\.1:5000(/erase/\S+)", body).group(1)
    engine = app_state(app).database.engine
    personal = {"name": SUPPORTER["name"], "email": SUPPORTER["email"],
                "town": SUPPORTER["town"], "letter text": SUPPORTER["own_words"]}
    assert where_found(engine, personal)  # stored until now

    page.goto(link)
    expect(page.get_by_role("heading", name="Erase my data")).to_be_visible()
    assert where_found(engine, personal)  # opening the link erased nothing
    page.get_by_role("button", name="Erase my data now").click()
    expect(page.get_by_role("heading", name="Your data is erased")).to_be_visible()

    assert where_found(engine, personal) == []
    page.goto(link)
    expect(page.get_by_role("heading", name="Your data is erased")).to_be_visible()
