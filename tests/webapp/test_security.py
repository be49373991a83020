"""Cross-site posts refused by what the browser says of their origin, and the security headers
(webapp/security.py; issue "Hardening"). The staff area's and the embed's own cases are in
tests/staff/test_staff_cross_site.py and tests/embed/test_embed_cross_site.py."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from tests.apps import make_config
from tests.embed.support import add_partner, clear_partners
from webapp import create_app
from webapp.app_state import app_state
from webapp.models import Letter, Submission

from .flow import SLUG, letters_form, step_one, step_two, supporter
from .pages import csrf_token, text

# The test client's requests go to http://localhost; BASE_URL is http://127.0.0.1:5000.
FOREIGN = [
    {"Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "same-site"},  # a sibling subdomain is not us either
    {"Origin": "https://evil.example"},
    {"Origin": "null"},
    {"Origin": "http://localhost:8080"},
    {"Origin": "https://localhost"},
    {"Origin": "http://localhost", "Sec-Fetch-Site": "cross-site"},
]
OWN = [
    {},  # old browsers, scripts, the test client: the tokens decide
    {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"},
    {"Sec-Fetch-Site": "none"},  # typed by the user
    {"Origin": "http://localhost:80"},
    {"Origin": "http://127.0.0.1:5000"},  # BASE_URL, the public address
]
CROSS_SITE = {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}
SAME_ORIGIN = {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"}
REFUSED = "This form may only be sent from the campaign's own pages."


def count(app, model) -> int:
    with app_state(app).database.session_factory() as session:
        return session.scalar(select(func.count()).select_from(model))


def post_step_one(client, headers, lang="en"):
    page = client.get(f"/c/{SLUG}?lang={lang}").get_data(as_text=True)
    return client.post(f"/c/{SLUG}?lang={lang}", headers=headers,
                       data={**supporter(), "csrf_token": csrf_token(page)})


def confirm_link(app) -> str:
    with app_state(app).database.session_factory() as session:
        public_id = session.scalars(select(Submission.public_id)).one()
    return f"/confirm/{app_state(app).confirmation_tokens.make(public_id)}"


# --- cross-site posts -------------------------------------------------------------------------

@pytest.mark.parametrize("headers", FOREIGN)
def test_step_one_from_another_site_is_refused(client, headers):
    response = post_step_one(client, headers)
    assert response.status_code == 403
    page = text(response)
    assert REFUSED in page
    assert "Jane Doe" not in page and 'action="/c/' not in page  # nothing sent is shown again


@pytest.mark.parametrize("headers", OWN)
def test_step_one_from_our_own_pages_passes(client, headers):
    response = post_step_one(client, headers)
    assert response.status_code == 200, text(response)
    assert letters_form(response)


def test_the_refusal_is_in_the_visitors_language(client):
    response = post_step_one(client, CROSS_SITE, lang="de")
    assert response.status_code == 403
    assert "Dieses Formular kann nur von den Seiten der Kampagne aus gesendet werden." in (
        text(response))


@pytest.mark.parametrize("action", ["send", "draft"])
def test_step_two_from_another_site_stores_nothing(app, client, action):
    fields = letters_form(step_one(client))
    refused = client.post(f"/c/{SLUG}/letters?lang=en", headers=CROSS_SITE,
                          data=MultiDict([*fields, (action, "x")]))
    assert refused.status_code == 403
    assert "Jane Doe" not in text(refused)
    assert count(app, Submission) == 0
    sent = client.post(f"/c/{SLUG}/letters?lang=en", headers=SAME_ORIGIN,
                       data=MultiDict([*fields, (action, "x")]))
    assert sent.status_code == 200, text(sent)
    assert count(app, Submission) == (1 if action == "send" else 0)


def test_confirming_from_another_site_sends_nothing(app, client):
    step_two(client, letters_form(step_one(client)), action="send")
    link = confirm_link(app)
    token = csrf_token(client.get(link).get_data(as_text=True))
    refused = client.post(link, headers={"Sec-Fetch-Site": "cross-site"},
                          data={"csrf_token": token})
    assert refused.status_code == 403
    with app_state(app).database.session_factory() as session:
        assert session.scalars(select(Submission.confirmed_at)).one() is None
    assert count(app, Letter) == 0
    confirmed = client.post(link, headers=SAME_ORIGIN, data={"csrf_token": token})
    assert confirmed.status_code == 303
    assert count(app, Letter) == 2


def test_an_address_no_route_has_still_answers_404(client):
    assert client.post("/no-such-page", headers=CROSS_SITE).status_code == 404


def test_behind_a_proxy_our_origin_is_the_one_the_browser_used(tmp_path, database_url):
    app = create_app(make_config(tmp_path, database_url, trusted_proxies=1))
    try:
        client = app.test_client()
        proxied = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
        page = client.get(f"/c/{SLUG}?lang=en", headers=proxied).get_data(as_text=True)
        data = {**supporter(), "csrf_token": csrf_token(page)}
        for origin, status in (("https://localhost", 200), ("http://localhost", 403)):
            response = client.post(f"/c/{SLUG}?lang=en", data=data, headers={
                **proxied, "Origin": origin,
                # Flask-WTF checks the Referer of HTTPS posts too.
                "Referer": f"https://localhost/c/{SLUG}?lang=en"})
            assert response.status_code == status, origin
    finally:
        app_state(app).database.dispose()


# --- what stays open to other sites ----------------------------------------------------------

def test_the_partner_api_is_not_affected(app, client):
    clear_partners(app)
    key = add_partner(app)
    response = client.post(
        f"/api/v1/campaigns/{SLUG}/submissions", json={"supporter": supporter()},
        headers={"Authorization": f"Bearer {key}", **CROSS_SITE})
    assert response.status_code == 202, response.get_json()
    assert count(app, Submission) == 1


def test_the_sendgrid_webhook_is_not_affected(client):
    # Without a verification key the view itself answers a quiet 404 (a refusal would be 403);
    # signed batches are tested in test_webhooks.py.
    response = client.post("/webhooks/sendgrid", json=[], headers=CROSS_SITE)
    assert response.status_code == 404


# --- headers ---------------------------------------------------------------------------------

def test_hsts_only_in_production(tmp_path, database_url, client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    app = create_app(make_config(tmp_path, database_url, production=True))
    try:
        for path in ("/", "/static/app.css", "/no-such-page"):
            with app.test_client().get(path) as response:
                assert response.headers["Strict-Transport-Security"] == (
                    "max-age=31536000; includeSubDomains"), path
    finally:
        app_state(app).database.dispose()


def test_pages_deny_features_we_never_use(client):
    for path in ("/", f"/c/{SLUG}", "/no-such-page"):
        policy = client.get(path).headers["Permissions-Policy"]
        for feature in ("camera", "microphone", "geolocation", "payment", "usb",
                        "interest-cohort"):
            assert f"{feature}=()" in policy, (path, feature)
    assert "Permissions-Policy" in post_step_one(client, {}).headers


def test_the_headers_we_had_stay(client):
    headers = client.get("/").headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "frame-ancestors 'self'" in headers["Content-Security-Policy"]


def test_pages_with_letters_or_personal_data_are_not_stored(app, client):
    letters_page = step_one(client)
    pages = {
        "letters": letters_page,
        "form shown again": step_one(client, email="not an address"),
        "draft": step_two(client, letters_form(letters_page), action="draft"),
        "check inbox": step_two(client, letters_form(letters_page), action="send"),
        "refused": post_step_one(client, CROSS_SITE),
    }
    link = confirm_link(app)
    confirm = client.get(link)
    pages["confirm"] = confirm
    confirmed = client.post(link, data={"csrf_token": csrf_token(confirm.get_data(as_text=True))})
    pages["confirmed"] = client.get(confirmed.headers["Location"])
    pages["not found"] = client.get("/no-such-page")
    assert pages["form shown again"].status_code == 422
    for name, response in pages.items():
        assert response.headers["Cache-Control"] == "no-store", name


def test_api_answers_are_not_stored(app, client):
    clear_partners(app)
    auth = {"Authorization": f"Bearer {add_partner(app)}"}
    for path in ("/api/v1/campaigns", "/api/v1/nothing-here", "/api/v1/openapi.json"):
        assert client.get(path, headers=auth).headers["Cache-Control"] == "no-store", path


def test_the_campaign_page_and_static_files_stay_cacheable(client):
    for path in ("/", f"/c/{SLUG}?lang=de"):
        assert "no-store" not in client.get(path).headers.get("Cache-Control", ""), path
    with client.get("/static/app.css") as static:
        assert static.status_code == 200 and "no-store" not in static.headers["Cache-Control"]
        assert static.headers["ETag"]
    assert client.get("/embed.js").headers["Cache-Control"] == "public, max-age=300"
