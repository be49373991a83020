"""Load shedding: a request the proxy stamped longer ago than the budget gets a quick 503 that
keeps the supporter's form; a fresh one is served; without a trusted proxy the stamp is
ignored (webapp/load_shedding.py)."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from tests.apps import make_config
from tests.embed.support import PARTNER, PARTNER_ORIGIN, add_partner, clear_partners
from webapp import create_app
from webapp.app_state import app_state
from webapp.load_shedding import seconds_since
from webapp.models import Submission

from .flow import SLUG, letters_form, step_one, supporter
from .pages import csrf_token, form_fields, text

HEADER = "X-Request-Start"


def stamp(seconds_ago: float) -> dict[str, str]:
    """The header as Heroku's router sets it: milliseconds since the epoch."""
    return {HEADER: str(int((time.time() - seconds_ago) * 1000))}


STALE = 5.0  # seconds: far over the budget below


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app(make_config(tmp_path, database_url, trusted_request_start_header=HEADER,
                                 load_shed_after_ms=800))
    yield app
    app_state(app).database.dispose()


def submissions(app) -> int:
    with app_state(app).database.session_factory() as session:
        return session.scalar(select(func.count()).select_from(Submission))


def test_the_stamp_is_read_in_every_unit_proxies_use():
    now = 1_700_000_000.0
    assert seconds_since("t=1699999999.250", now) == pytest.approx(0.75)  # nginx's ${msec}
    assert seconds_since("1699999999250", now) == pytest.approx(0.75)  # Heroku: ms
    assert seconds_since("t=1699999999250000", now) == pytest.approx(0.75)  # Apache: µs
    assert seconds_since("1699999999250000000", now) == pytest.approx(0.75)  # ns
    assert seconds_since(" 1700000000500 ", now) == 0.0  # the proxy's clock a little ahead
    for nonsense in ("", "t=", "soon", "nan", "inf", "-5", "0", "t=1e400"):
        assert seconds_since(nonsense, now) is None, nonsense
    # An hour ago is no wait in a line but a wrong clock or unit: not shed for it.
    assert seconds_since(str((now - 3600) * 1000), now) is None


def test_a_form_that_waited_too_long_comes_back_whole_in_the_supporters_language(app):
    client = app.test_client()
    page = client.get(f"/c/{SLUG}?lang=de").get_data(as_text=True)
    data = supporter(own_words='Mehr "Zeit" <bitte>\nfür uns.')
    data["csrf_token"] = csrf_token(page)
    response = client.post(f"/c/{SLUG}?lang=de", data=data, headers=stamp(STALE))

    assert response.status_code == 503
    assert response.headers["Retry-After"].isdigit()
    assert response.headers["Cache-Control"] == "no-store"
    page = text(response)
    assert '<html lang="de">' in page and "Gerade sehr viel los" in page
    assert "Noch einmal versuchen" in page
    # Every field as sent, the CSRF token included, to post again to the same address.
    fields = form_fields(response.get_data(as_text=True), f"/c/{SLUG}?lang=de")
    assert dict(fields) == data
    assert submissions(app) == 0

    # "Try again", once the line is short: the step is served with what they typed.
    again = client.post(f"/c/{SLUG}?lang=de", data=MultiDict(fields), headers=stamp(0.05))
    assert again.status_code == 200, text(again)
    assert letters_form(again)


def test_letters_that_waited_too_long_are_not_stored_and_are_kept_to_send_again(app):
    client = app.test_client()
    fields = letters_form(step_one(client)) + [("send", "x")]
    response = client.post(f"/c/{SLUG}/letters?lang=en", data=MultiDict(fields),
                           headers=stamp(STALE))
    assert response.status_code == 503
    assert submissions(app) == 0
    kept = form_fields(response.get_data(as_text=True), f"/c/{SLUG}/letters?lang=en")
    assert sorted(kept) == sorted(fields)  # the edited letters and the button pressed

    again = client.post(f"/c/{SLUG}/letters?lang=en", data=MultiDict(kept))
    assert again.status_code == 200, text(again)
    assert "Please check your inbox" in text(again)
    assert submissions(app) == 1


def test_a_request_within_the_budget_is_served(app):
    client = app.test_client()
    assert client.get(f"/c/{SLUG}", headers=stamp(0.2)).status_code == 200
    response = step_one(client)  # no stamp at all: nothing to go by, served
    assert response.status_code == 200


def test_a_page_asked_for_too_late_links_to_itself(app):
    response = app.test_client().get(f"/c/{SLUG}?lang=fr", headers=stamp(STALE))
    assert response.status_code == 503
    page = text(response)
    assert "Réessayer" in page and f'href="/c/{SLUG}?lang=fr"' in page
    assert "<form" not in page


def test_the_stamp_is_ignored_unless_a_proxy_is_said_to_set_it(database_url, tmp_path):
    app = create_app(make_config(tmp_path, database_url))  # TRUSTED_REQUEST_START_HEADER unset
    try:
        client = app.test_client()
        assert client.get(f"/c/{SLUG}", headers=stamp(STALE)).status_code == 200
        fields = letters_form(step_one(client)) + [("send", "x")]
        response = client.post(f"/c/{SLUG}/letters", data=MultiDict(fields),
                               headers=stamp(STALE))
        assert response.status_code == 200 and submissions(app) == 1
    finally:
        app_state(app).database.dispose()


def test_static_files_and_the_staff_area_are_served_late_rather_than_shed(app):
    client = app.test_client()
    static = client.get("/static/app.css", headers=stamp(STALE))
    static.close()  # a file's stream
    assert static.status_code == 200
    assert client.get("/embed.js", headers=stamp(STALE)).status_code == 200
    assert client.get("/staff/login", headers=stamp(STALE)).status_code == 200
    # No route: the 404 is as quick as any 503.
    assert client.get("/no-such-page", headers=stamp(STALE)).status_code == 404


def test_scripts_get_json_and_the_webhook_an_empty_503(app):
    client = app.test_client()
    response = client.get("/api/v1/campaigns", headers=stamp(STALE))
    assert response.status_code == 503 and response.headers["Retry-After"].isdigit()
    assert response.get_json()["error"]["code"] == "unavailable"
    challenge = client.get("/proof-of-work/challenge", headers=stamp(STALE))
    assert challenge.status_code == 503
    assert challenge.get_json()["error"]["code"] == "unavailable"
    webhook = client.post("/webhooks/sendgrid", json=[], headers=stamp(STALE))
    assert webhook.status_code == 503 and webhook.get_data() == b""


def test_an_embedded_form_comes_back_in_the_partners_frame(app):
    clear_partners(app)
    add_partner(app)
    client = app.test_client(use_cookies=False)
    embed = f"/embed/{PARTNER}/{SLUG}"
    query = {"origin": PARTNER_ORIGIN, "lang": "nl"}
    page = client.get(embed, query_string=query).get_data(as_text=True)
    data = MultiDict(form_fields(page, embed))
    for name, value in supporter().items():
        data[name] = value
    response = client.post(embed, query_string=query, data=data,
                           headers={"Origin": "http://localhost", **stamp(STALE)})
    assert response.status_code == 503
    assert f"frame-ancestors 'self' {PARTNER_ORIGIN}" in response.headers[
        "Content-Security-Policy"]
    assert "Het is nu erg druk" in text(response)
    kept = dict(form_fields(response.get_data(as_text=True), embed))
    assert kept["embed_token"] == data["embed_token"] and kept["email"] == data["email"]
    # Posted from another site's page: refused as the embed refuses it, nothing shown again.
    refused = client.post(embed, query_string=query, data=data,
                          headers={"Origin": "https://evil.example", **stamp(STALE)})
    assert refused.status_code == 403 and data["email"] not in text(refused)
