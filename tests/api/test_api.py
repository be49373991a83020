"""Every /api/v1 endpoint: answers, bad keys, bad JSON, missing and over-long fields."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.apps import make_config
from tests.embed.support import CONSENT, PARTNER, PARTNER_ORIGIN, add_partner
from tests.webapp.flow import SLUG, read_outbox, run_worker
from tests.webapp.pages import csrf_token
from webapp import create_app
from webapp.api.errors import ERROR_CODES
from webapp.app_state import app_state
from webapp.models import Campaign, CampaignStatus, Letter, LetterState, Submission
from webapp.partners import service
from webapp.partners.models import PartnerConsent

JANE = {"name": "Jane Doe", "email": "jane@example.org", "town": "Utrecht", "country": "NL",
        "own_words": "My daughter will grow up with whatever we build now."}


def error_code(response) -> str:
    body = response.get_json()
    assert set(body["error"]) >= {"code", "message"}, body
    assert body["error"]["code"] in ERROR_CODES + ("unavailable",)
    return body["error"]["code"]


def test_openapi_document_needs_no_key(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.get_json()
    assert document["openapi"].startswith("3.")
    assert set(document["paths"]) == {
        "/openapi.json", "/campaigns", "/campaigns/{slug}/targets", "/campaigns/{slug}/render",
        "/campaigns/{slug}/submissions", "/consents"}
    assert document["servers"] == [{"url": "http://localhost/api/v1"}]


@pytest.mark.parametrize("headers, code", [
    ({}, "missing_key"),
    ({"Authorization": "Basic abc"}, "missing_key"),
    ({"Authorization": "Bearer "}, "missing_key"),
    ({"Authorization": "Bearer tl_not-a-key"}, "invalid_key"),
    ({"Authorization": "Bearer " + "x" * 5000}, "invalid_key"),
])
def test_bad_keys_are_refused(client, api_key, headers, code):
    response = client.get("/api/v1/campaigns", headers=headers)
    assert response.status_code == 401
    assert error_code(response) == code


def test_revoked_key_and_inactive_partner(app, client, api_key):
    auth = {"Authorization": f"Bearer {api_key}"}
    assert client.get("/api/v1/campaigns", headers=auth).status_code == 200
    with app_state(app).database.session_factory() as session:
        assert service.revoke_key(session, api_key[:12])
        session.commit()
    response = client.get("/api/v1/campaigns", headers=auth)
    assert response.status_code == 401 and error_code(response) == "invalid_key"


def test_keys_are_stored_hashed(app, api_key):
    from webapp.partners.models import ApiKey

    with app_state(app).database.session_factory() as session:
        [row] = session.scalars(select(ApiKey)).all()
    assert api_key not in (row.key_hash, row.prefix) and row.key_hash == service.hash_key(api_key)


def test_list_campaigns(client, auth):
    response = client.get("/api/v1/campaigns", headers=auth)
    assert response.status_code == 200
    [campaign] = response.get_json()["campaigns"]
    assert campaign["slug"] == SLUG and campaign["status"] == "open"
    assert "en" in campaign["languages"] and campaign["titles"]["en"]


def test_targets_for_country_and_postcode(client, auth):
    response = client.get(f"/api/v1/campaigns/{SLUG}/targets?country=nl", headers=auth)
    assert response.status_code == 200
    body = response.get_json()
    assert [t["id"] for t in body["targets"]] == ["t:nl-minister", "t:nl-mep"]
    assert body["targets"][0]["can_send_for_me"] is True
    assert body["targets"][0]["channels"] == [
        {"kind": "email", "value": "minister@ezk.example.org",
         "source_url": "https://example.org/source", "checked_on": "2026-01-01",
         "checked_on_stored_copy": False}]
    assert body["targets"][0]["addressed_by_title"] is False
    us = client.get(f"/api/v1/campaigns/{SLUG}/targets?country=US&postcode=94110",
                    headers=auth).get_json()
    assert {t["id"] for t in us["targets"]} == {"t:us-senator", "t:us-rep-12"}


@pytest.mark.parametrize("query, status, code", [
    ("", 422, "invalid_field"),
    ("country=Netherlands", 422, "invalid_field"),
    ("country=XX", 422, "unknown_country"),
    ("country=US", 422, "postcode_required"),
    ("country=US&postcode=00000", 422, "unknown_postcode"),
    ("country=US&postcode=" + "9" * 17, 422, "invalid_field"),
])
def test_targets_errors(client, auth, query, status, code):
    response = client.get(f"/api/v1/campaigns/{SLUG}/targets?{query}", headers=auth)
    assert response.status_code == status, response.get_json()
    assert error_code(response) == code


def test_unknown_campaign_path_and_method(client, auth):
    response = client.get("/api/v1/campaigns/nope/targets?country=NL", headers=auth)
    assert response.status_code == 404 and error_code(response) == "not_found"
    response = client.get("/api/v1/nothing-here", headers=auth)
    assert response.status_code == 404 and error_code(response) == "not_found"
    response = client.delete("/api/v1/campaigns", headers=auth)
    assert response.status_code == 405 and error_code(response) == "method_not_allowed"
    # The site's own pages still answer in HTML.
    assert "text/html" in client.get("/no-such-page").content_type


def test_render_letter_for_a_target(client, auth):
    response = client.post(f"/api/v1/campaigns/{SLUG}/render", headers=auth,
                           json={"supporter": JANE, "target_id": "t:nl-mep"})
    assert response.status_code == 200, response.get_json()
    letter = response.get_json()
    assert letter["language"] == "nl"
    assert letter["body"].startswith("Geachte heer Jansen,")
    assert "Jane Doe" in letter["body"] and "My daughter" in letter["body"]
    assert letter["subject"]


@pytest.mark.parametrize("payload, code, field", [
    ({"target_id": "t:nl-mep"}, "invalid_field", "supporter"),
    ({"supporter": JANE}, "invalid_field", "target_id"),
    ({"supporter": {**JANE, "name": ""}, "target_id": "t:nl-mep"}, "invalid_field",
     "supporter.name"),
    ({"supporter": {**JANE, "name": "x" * 101}, "target_id": "t:nl-mep"}, "invalid_field",
     "supporter.name"),
    ({"supporter": {**JANE, "name": "Jane\r\nBcc: x"}, "target_id": "t:nl-mep"},
     "invalid_field", "supporter.name"),
    ({"supporter": {**JANE, "email": "not-an-address"}, "target_id": "t:nl-mep"},
     "invalid_field", "supporter.email"),
    ({"supporter": {**JANE, "own_words": "w" * 1001}, "target_id": "t:nl-mep"},
     "invalid_field", "supporter.own_words"),
    ({"supporter": {**JANE, "town": 12}, "target_id": "t:nl-mep"}, "invalid_field",
     "supporter.town"),
    ({"supporter": JANE, "target_id": "t:gb-minister"}, "unknown_target", None),
])
def test_render_errors(client, auth, payload, code, field):
    response = client.post(f"/api/v1/campaigns/{SLUG}/render", headers=auth, json=payload)
    assert response.status_code == 422
    assert error_code(response) == code
    if field:
        assert field in response.get_json()["error"]["fields"]


@pytest.mark.parametrize("data, content_type", [
    ("{not json", "application/json"),
    ("[1, 2]", "application/json"),
    ('"text"', "application/json"),
    ('{"supporter": {}}', "text/plain"),
    ("", "application/json"),
])
def test_bad_json(client, auth, data, content_type):
    for endpoint in ("render", "submissions"):
        response = client.post(f"/api/v1/campaigns/{SLUG}/{endpoint}", headers=auth,
                               data=data, content_type=content_type)
        assert response.status_code == 400
        assert error_code(response) == "invalid_json"


def test_too_large_body(client, auth):
    response = client.post(f"/api/v1/campaigns/{SLUG}/submissions", headers=auth,
                           data="x" * (600 * 1024), content_type="application/json")
    assert response.status_code == 413 and error_code(response) == "payload_too_large"


def test_submit_then_confirm_as_the_web_form(app, client, auth, outbox):
    response = client.post(f"/api/v1/campaigns/{SLUG}/submissions", headers=auth,
                           json={"supporter": JANE, "partner_consent": True})
    assert response.status_code == 202, response.get_json()
    body = response.get_json()
    assert body["status"] == "pending_confirmation"
    assert {letter["target_id"] for letter in body["letters"]} == {"t:nl-minister", "t:nl-mep"}
    with app_state(app).database.session_factory() as session:
        submission = session.scalars(select(Submission)).one()
        assert submission.partner_code == PARTNER
        assert session.scalars(select(Letter)).all() == []  # waiting for confirmation
        assert {letter.target_id for letter in submission.pending()} == {
            "t:nl-minister", "t:nl-mep"}
        # Consent counts once the address is confirmed, not before.
        assert session.scalars(select(PartnerConsent)).all() == []

    run_worker(app)
    [confirmation] = read_outbox(outbox)
    link = re.search(r"http://127\.0\.0\.1:5000(/confirm/\S+)", confirmation.get_content())
    page = client.get(link.group(1))
    confirmed = client.post(link.group(1),
                            data={"csrf_token": csrf_token(page.get_data(as_text=True))})
    assert confirmed.status_code == 303
    run_worker(app)
    with app_state(app).database.session_factory() as session:
        assert set(session.scalars(select(Letter.state))) == {LetterState.SENT}
        [consent] = session.scalars(select(PartnerConsent)).all()
        assert consent.consent_text == CONSENT


def test_submit_own_letters_once_per_idempotency_key(app, client, auth):
    payload = {"supporter": JANE, "idempotency_key": "order-12345",
               "letters": [{"target_id": "t:nl-minister", "subject": "Een verdrag",
                            "body": "Geachte minister,\n\nEen verdrag graag.\n\nJane"}]}
    first = client.post(f"/api/v1/campaigns/{SLUG}/submissions", headers=auth, json=payload)
    assert first.status_code == 202, first.get_json()
    second = client.post(f"/api/v1/campaigns/{SLUG}/submissions", headers=auth, json=payload)
    assert second.status_code == 200 and second.get_json()["duplicate"] is True
    with app_state(app).database.session_factory() as session:
        [letter] = session.scalars(select(Submission)).one().pending()
        assert letter.subject == "Een verdrag"
        assert letter.body == "Geachte minister,\n\nEen verdrag graag.\n\nJane"
        assert session.scalars(select(PartnerConsent)).all() == []


@pytest.mark.parametrize("letters, code, field", [
    ([], "invalid_field", "letters"),
    ("all", "invalid_field", "letters"),
    ([{"subject": "x"}], "invalid_field", "letters[0].target_id"),
    ([{"target_id": "t:nl-mep", "subject": "s" * 201}], "invalid_field", "letters[0].subject"),
    ([{"target_id": "t:nl-mep", "body": "b" * 10001}], "invalid_field", "letters[0].body"),
    ([{"target_id": "t:nl-mep", "body": "   "}], "invalid_field", "letters[0].body"),
    ([{"target_id": "t:nl-mep", "subject": "a\nb"}], "invalid_field", "letters[0].subject"),
    ([{"target_id": "t:nl-mep"}, {"target_id": "t:nl-mep"}], "invalid_field",
     "letters[1].target_id"),
    ([{"target_id": "t:us-senator"}], "unknown_target", None),
    ([{"target_id": "t:nl-mep"}] * 101, "invalid_field", "letters"),
])
def test_submit_errors(app, client, auth, letters, code, field):
    response = client.post(f"/api/v1/campaigns/{SLUG}/submissions", headers=auth,
                           json={"supporter": JANE, "letters": letters})
    assert response.status_code == 422, response.get_json()
    assert error_code(response) == code
    if field:
        assert field in response.get_json()["error"]["fields"]
    with app_state(app).database.session_factory() as session:
        assert session.scalars(select(Submission)).all() == []


def test_submit_field_types(client, auth):
    for payload, field in [
        ({"supporter": JANE, "partner_consent": "yes"}, "partner_consent"),
        ({"supporter": JANE, "idempotency_key": "short"}, "idempotency_key"),
        ({"supporter": {**JANE, "wants_updates": "y"}}, "supporter.wants_updates"),
        ({"supporter": {**JANE, "country": None}}, "supporter.country"),
    ]:
        response = client.post(f"/api/v1/campaigns/{SLUG}/submissions", headers=auth,
                               json=payload)
        assert response.status_code == 422, payload
        assert field in response.get_json()["error"]["fields"]


def test_nothing_to_send_and_closed_campaign(app, client, auth):
    us = {**JANE, "country": "US", "postcode": "94110"}
    response = client.post(f"/api/v1/campaigns/{SLUG}/submissions", headers=auth,
                           json={"supporter": us, "letters": [{"target_id": "t:us-senator"}]})
    assert response.status_code == 422 and error_code(response) == "nothing_to_send"
    with app_state(app).database.session_factory() as session:
        session.scalars(select(Campaign)).one().status = CampaignStatus.CLOSED
        session.commit()
    response = client.post(f"/api/v1/campaigns/{SLUG}/submissions", headers=auth,
                           json={"supporter": JANE})
    assert response.status_code == 409 and error_code(response) == "campaign_closed"


def test_cors_only_for_the_partners_origins(client, auth):
    allowed = client.get("/api/v1/campaigns", headers={**auth, "Origin": PARTNER_ORIGIN})
    assert allowed.headers["Access-Control-Allow-Origin"] == PARTNER_ORIGIN
    other = client.get("/api/v1/campaigns", headers={**auth, "Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers
    preflight = client.options("/api/v1/campaigns", headers={
        "Origin": PARTNER_ORIGIN, "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "authorization"})
    assert preflight.status_code == 204
    assert "Authorization" in preflight.headers["Access-Control-Allow-Headers"]
    refused = client.options("/api/v1/campaigns", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in refused.headers


def test_limits_per_key(tmp_path, database_url):
    from tests.embed.support import clear_partners

    app = create_app(make_config(tmp_path, database_url, ratelimit_enabled=True,
                                 api_ratelimit_per_key="3 per minute"))
    try:
        clear_partners(app)
        first = add_partner(app)
        second = add_partner(app, code="other", origins=())
        client = app.test_client()
        statuses = [client.get("/api/v1/campaigns", headers={"Authorization": f"Bearer {first}"})
                    .status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        limited = client.get("/api/v1/campaigns", headers={"Authorization": f"Bearer {first}"})
        assert error_code(limited) == "rate_limited"
        other = client.get("/api/v1/campaigns", headers={"Authorization": f"Bearer {second}"})
        assert other.status_code == 200  # each key has its own limit
    finally:
        app_state(app).database.dispose()
