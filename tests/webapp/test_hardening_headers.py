"""What the forms and the API accept, the mail builder can send (issue "Hardening").

A name or subject with U+2028 (LINE SEPARATOR) or an address with a non-ASCII local part used
to pass the form and then fail in the worker, at every retry. Now the one rule of
letters/text.py refuses them where they are typed, with a message, on every way in.
"""

from __future__ import annotations

import pytest
from sqlalchemy import delete, func, select

from webapp.app_state import app_state
from webapp.models import Letter, Notice, NoticeState, Submission
from webapp.partners import service
from webapp.partners.models import ApiKey, Partner, PartnerConsent, PartnerDraftCount

from .flow import SLUG, letters_form, read_outbox, run_worker, step_one, step_two
from .pages import text

UNSENDABLE_ADDRESS = "We cannot send mail to an address with accented or non-Latin letters"


def stored(app) -> tuple[int, int]:
    with app_state(app).database.session_factory() as session:
        return (session.scalar(select(func.count()).select_from(Submission)),
                session.scalar(select(func.count()).select_from(Letter)))


# --- the web form ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["Jane\u2028Doe", "Jane\u2029Doe", "Jane\x85Doe"])
def test_names_the_mail_cannot_carry_are_refused_by_the_form(app, client, name):
    response = step_one(client, name=name)
    assert response.status_code == 422
    assert "single line" in text(response)
    assert stored(app) == (0, 0)


def test_an_address_with_accents_before_the_at_is_refused_with_a_clear_message(app, client):
    response = step_one(client, email="jösé@example.org")
    assert response.status_code == 422
    assert UNSENDABLE_ADDRESS in text(response)
    assert stored(app) == (0, 0)


def test_an_address_with_a_non_ascii_domain_is_taken_in_its_ascii_form(app, client, outbox):
    response = step_two(client, letters_form(step_one(client, email="jane@bücher.example")),
                        action="send")
    assert response.status_code == 200
    with app_state(app).database.session_factory() as session:
        assert session.scalars(select(Submission.supporter_email)).one() == (
            "jane@xn--bcher-kva.example")
    run_worker(app)
    [confirmation] = read_outbox(outbox)
    assert confirmation["To"].addresses[0].addr_spec == "jane@xn--bcher-kva.example"
    with app_state(app).database.session_factory() as session:
        assert set(session.scalars(select(Notice.state))) == {NoticeState.SENT}


@pytest.mark.parametrize("action", ["send", "draft"])
def test_a_subject_with_a_line_separator_is_refused_for_both_choices(app, client, action):
    fields = letters_form(step_one(client))
    subject = next(k for k, _ in fields if k.endswith("-subject"))
    response = step_two(client, fields, action=action,
                        changes={subject: "A treaty\u2028Bcc: x@example.org"})
    # Before: "send" stored letters that could never be written; "draft" answered 500.
    assert response.status_code == 422
    assert "single line" in text(response)
    assert stored(app) == (0, 0)


# --- the API ----------------------------------------------------------------------------------
# (JSON can also carry lone surrogates, "\ud800": is_header_safe and is_plain_text refuse them,
# and the API refuses such a body before any field is read.)

JANE = {"name": "Jane Doe", "email": "jane@example.org", "town": "Utrecht", "country": "NL",
        "own_words": "My daughter will grow up with whatever we build now."}


@pytest.fixture
def auth(app):
    with app_state(app).database.session_factory() as session:
        for model in (PartnerConsent, PartnerDraftCount, ApiKey, Partner):
            session.execute(delete(model))
        partner = service.create_partner(session, code="hardening", name="Hardening",
                                         origins=["https://partner.example"])
        key = service.create_key(session, partner, "tests")
        session.commit()
    return {"Authorization": f"Bearer {key}"}


def submit(client, auth, supporter=None, letters=None):
    payload: dict = {"supporter": {**JANE, **(supporter or {})}}
    if letters is not None:
        payload["letters"] = letters
    return client.post(f"/api/v1/campaigns/{SLUG}/submissions", headers=auth, json=payload)


@pytest.mark.parametrize(("supporter", "letters", "field"), [
    ({"name": "Jane\u2028Doe"}, None, "supporter.name"),
    ({"town": "Utrecht\u2029Centrum"}, None, "supporter.town"),
    ({"email": "jösé@example.org"}, None, "supporter.email"),
    (None, [{"target_id": "t:nl-mep", "subject": "Hello\u2028there"}], "letters[0].subject"),
])
def test_the_api_refuses_what_the_mail_cannot_carry(app, client, auth, supporter, letters,
                                                    field):
    response = submit(client, auth, supporter, letters)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["error"]["fields"]
    assert stored(app) == (0, 0)


def test_the_api_explains_an_unsendable_address(app, client, auth):
    response = submit(client, auth, {"email": "jösé@example.org"})
    [message] = response.get_json()["error"]["fields"]["supporter.email"]
    assert UNSENDABLE_ADDRESS in message


def test_what_the_api_accepts_is_sent(app, client, auth, outbox):
    response = submit(client, auth, {"name": "Doe, Jane \u201cJJ\u201d",
                                     "email": "jane@bücher.example"},
                      [{"target_id": "t:nl-mep", "subject": "Un traité\u00a0– maintenant"}])
    assert response.status_code == 202, response.get_json()
    run_worker(app)
    [confirmation] = read_outbox(outbox)
    assert confirmation["To"].addresses[0].display_name == "Doe, Jane \u201cJJ\u201d"
