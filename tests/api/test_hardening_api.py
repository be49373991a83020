"""/api/v1 against the "Hardening" review: bodies that broke the parser, unknown fields, NUL
and lone surrogates refused at the edge, the partner's consent only once confirmed."""

from __future__ import annotations

import json
import logging

import pytest
from sqlalchemy import func, select

from tests.embed.support import CONSENT
from tests.webapp.flow import SLUG, confirm_latest
from webapp.api.errors import ERROR_CODES
from webapp.app_state import app_state
from webapp.models import Submission
from webapp.partners.models import PartnerConsent

JANE = {"name": "Jane Doe", "email": "jane@example.org", "town": "Utrecht", "country": "NL",
        "own_words": "My daughter will grow up with whatever we build now."}
SUBMISSIONS = f"/api/v1/campaigns/{SLUG}/submissions"
RENDER = f"/api/v1/campaigns/{SLUG}/render"


def error(response) -> dict:
    body = response.get_json()
    assert body is not None, response.get_data(as_text=True)[:200]
    assert body["error"]["code"] in ERROR_CODES + ("unavailable",), body
    return body["error"]


def submission_count(app) -> int:
    with app_state(app).database.session_factory() as session:
        return session.scalar(select(func.count()).select_from(Submission))


def consents(app) -> list[PartnerConsent]:
    with app_state(app).database.session_factory() as session:
        return list(session.scalars(select(PartnerConsent)))


def post(client, auth, path, raw: str):
    return client.post(path, headers=auth, data=raw, content_type="application/json")


# --- bodies the JSON parser cannot take --------------------------------------------------

DEEP = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize("raw", [
    DEEP,
    '{"supporter": ' + DEEP + "}",
    '{"supporter": ' + '{"a": ' * 50_000 + "1" + "}" * 50_000 + "}",
])
def test_deeply_nested_bodies_are_refused(app, client, auth, caplog, raw):
    for path in (RENDER, SUBMISSIONS):
        with caplog.at_level(logging.ERROR):
            response = post(client, auth, path, raw)
        assert response.status_code == 400, (path, response.status_code)
        assert error(response)["code"] == "invalid_json"
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert submission_count(app) == 0


@pytest.mark.parametrize("where", [
    '"supporter": {"name": "Jane \\ud800", "email": "jane@example.org", "country": "NL"}',
    '"supporter": {"name": "Jane", "email": "jane@example.org", "country": "NL", '
    '"town": "\\udfff"}',
    '"supporter": {"name": "Jane", "email": "jane@example.org", "country": "NL"}, '
    '"idempotency_key": "order-\\ud83d-1234"',
    '"supporter": {"name": "Jane", "email": "jane@example.org", "country": "NL"}, '
    '"letters": [{"target_id": "t:nl-mep", "body": "Dear \\udc00 MEP"}]',
    '"supporter": {"name": "Jane", "email": "jane@example.org", "country": "NL"}, '
    '"\\ud800": 1',
])
def test_lone_surrogates_are_refused(app, client, auth, where):
    for path in (RENDER, SUBMISSIONS):
        response = post(client, auth, path, "{" + where + ', "target_id": "t:nl-mep"}'
                        if path == RENDER else "{" + where + "}")
        assert response.status_code in {400, 422}, (path, response.status_code)
        error(response)
    assert submission_count(app) == 0


def test_the_email_rate_limit_reads_a_broken_body_without_failing(tmp_path, database_url):
    from tests.apps import make_config
    from tests.embed.support import add_partner, clear_partners
    from webapp import create_app

    app = create_app(make_config(tmp_path, database_url, ratelimit_enabled=True))
    try:
        clear_partners(app)
        auth = {"Authorization": f"Bearer {add_partner(app)}"}
        client = app.test_client()
        for raw in (DEEP, '{"supporter": {"email": "\\ud800@example.org"}}'):
            response = post(client, auth, SUBMISSIONS, raw)
            assert response.status_code in {400, 422}
            error(response)
    finally:
        app_state(app).database.dispose()


# --- NUL in any field --------------------------------------------------------------------

@pytest.mark.parametrize("field", ["name", "email", "town", "postcode", "own_words",
                                   "country"])
def test_nul_in_the_supporter_is_refused(app, client, auth, field):
    value = JANE.get(field) or "1234"
    payload = {"supporter": {**JANE, field: value[:2] + "\x00" + value[2:]}}
    for path, extra in ((RENDER, {"target_id": "t:nl-mep"}), (SUBMISSIONS, {})):
        response = client.post(path, headers=auth, json={**payload, **extra})
        assert response.status_code == 422, (path, response.get_json())
    assert submission_count(app) == 0


@pytest.mark.parametrize("extra", [
    {"letters": [{"target_id": "t:nl-mep\x00"}]},
    {"letters": [{"target_id": "t:nl-mep", "subject": "A\x00treaty"}]},
    {"letters": [{"target_id": "t:nl-mep", "body": "A treaty\x00, please."}]},
    {"idempotency_key": "order-\x00-12345"},
])
def test_nul_in_the_letters_and_options_is_refused(app, client, auth, extra):
    response = client.post(SUBMISSIONS, headers=auth, json={"supporter": JANE, **extra})
    assert response.status_code == 422, response.get_json()
    error(response)
    assert submission_count(app) == 0


# --- unknown fields ----------------------------------------------------------------------

@pytest.mark.parametrize("payload, unknown", [
    ({"supporter": JANE, "target_ids": ["t:nl-mep"]}, "target_ids"),
    ({"supporter": {**JANE, "emial": "jane@example.org"}}, "supporter.emial"),
    ({"supporter": JANE, "letters": [{"target_id": "t:nl-mep", "text": "Hello"}]},
     "letters[0].text"),
    ({"supporter": JANE, "partner-consent": True}, "partner-consent"),
])
def test_unknown_fields_in_a_submission_are_refused(app, client, auth, payload, unknown):
    response = client.post(SUBMISSIONS, headers=auth, json=payload)
    assert response.status_code == 422, response.get_json()
    body = error(response)
    assert body["code"] == "invalid_field"
    assert unknown in body["fields"] and unknown in body["message"]
    assert submission_count(app) == 0


def test_unknown_fields_in_a_render_are_refused(client, auth):
    response = client.post(RENDER, headers=auth,
                           json={"supporter": {**JANE, "title": "Dr"}, "target_id": "t:nl-mep",
                                 "lang": "en"})  # "language" is a field; "lang" is not
    assert response.status_code == 422, response.get_json()
    assert set(error(response)["fields"]) == {"supporter.title", "lang"}


def test_openapi_request_bodies_take_no_other_fields(client):
    document = client.get("/api/v1/openapi.json").get_json()
    supporter = document["components"]["schemas"]["Supporter"]
    assert supporter["additionalProperties"] is False
    for path in ("/campaigns/{slug}/render", "/campaigns/{slug}/submissions"):
        schema = document["paths"][path]["post"]["requestBody"]["content"][
            "application/json"]["schema"]
        assert schema["additionalProperties"] is False, path
    letters = document["paths"]["/campaigns/{slug}/submissions"]["post"]["requestBody"][
        "content"]["application/json"]["schema"]["properties"]["letters"]
    assert letters["items"]["additionalProperties"] is False


# --- one letter per target ---------------------------------------------------------------

def test_each_target_once(app, client, auth):
    response = client.post(SUBMISSIONS, headers=auth, json={
        "supporter": JANE, "letters": [{"target_id": "t:nl-mep"}] * 40})
    assert response.status_code == 422
    assert "letters[1].target_id" in error(response)["fields"]
    assert submission_count(app) == 0


# --- the partner's consent ---------------------------------------------------------------

def test_partner_consent_counts_once_the_supporter_confirms(app, client, auth):
    response = client.post(SUBMISSIONS, headers=auth,
                           data=json.dumps({"supporter": JANE, "partner_consent": True}),
                           content_type="application/json")
    assert response.status_code == 202, response.get_json()
    assert consents(app) == []
    assert confirm_latest(app, client).status_code == 303
    [consent] = consents(app)
    assert consent.consent_text == CONSENT and consent.supporter_email == "jane@example.org"
