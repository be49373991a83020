"""The embed's forms are posted by its own frame, a document of our origin inside the partner's
page: `Origin` is ours and `Sec-Fetch-Site` is same-origin (tests/browser/test_widget_browser.py
runs it in Chromium). A post made by any other page, the partner's included, is refused
(webapp/security.py)."""

from __future__ import annotations

from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from tests.webapp.pages import form_fields, text
from webapp.app_state import app_state
from webapp.models import Submission

from .support import EMBED, PARTNER_ORIGIN, QUERY, step_one_form

FRAME = {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"}
FOREIGN = [
    {"Origin": PARTNER_ORIGIN, "Sec-Fetch-Site": "cross-site"},  # the partner's own page
    {"Origin": PARTNER_ORIGIN},
    {"Sec-Fetch-Site": "cross-site"},
    {"Origin": "null"},
]


def submissions(app) -> int:
    with app_state(app).database.session_factory() as session:
        return session.scalar(select(func.count()).select_from(Submission))


def test_posts_from_other_pages_are_refused_and_store_nothing(app, partner):
    client = app.test_client(use_cookies=False)
    data = step_one_form(client)
    for headers in FOREIGN:
        refused = client.post(EMBED, query_string=QUERY, data=data, headers=headers)
        assert refused.status_code == 403, headers
        assert "Jane Doe" not in text(refused)
    letters_page = client.post(EMBED, query_string=QUERY, data=data, headers=FRAME)
    assert letters_page.status_code == 200, text(letters_page)
    fields = MultiDict([*form_fields(letters_page.get_data(as_text=True), "/letters"),
                        ("send", "x")])
    for headers in FOREIGN:
        refused = client.post(f"{EMBED}/letters", query_string=QUERY, data=fields,
                              headers=headers)
        assert refused.status_code == 403, headers
    assert submissions(app) == 0
    sent = client.post(f"{EMBED}/letters", query_string=QUERY, data=fields, headers=FRAME)
    assert sent.status_code == 200, text(sent)
    assert submissions(app) == 1


def test_embed_pages_keep_their_own_policy_and_are_not_stored(app, partner):
    client = app.test_client(use_cookies=False)
    page = client.get(EMBED, query_string=QUERY)
    letters_page = client.post(EMBED, query_string=QUERY, data=step_one_form(client),
                               headers=FRAME)
    for response in (page, letters_page):
        assert response.headers["Cache-Control"] == "no-store"
        assert f"frame-ancestors 'self' {PARTNER_ORIGIN}" in (
            response.headers["Content-Security-Policy"])
        assert "camera=()" in response.headers["Permissions-Policy"]
