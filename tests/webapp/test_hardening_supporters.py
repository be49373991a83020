"""The supporter's pages against the "Hardening" review: one letter per target, form keys and
NUL checked at the edge, step two kept after a CSRF failure, consents only once confirmed."""

from __future__ import annotations

import logging
import re

import pytest
from sqlalchemy import func, select

from letters.rendering import Supporter
from tests.embed.support import (
    CONSENT,
    PARTNER,
    add_partner,
    clear_partners,
    embed_step_one,
    embed_step_two,
    open_embed,
)
from webapp.app_state import app_state
from webapp.models import Campaign, Letter, Submission
from webapp.partners.models import Partner, PartnerConsent
from webapp.supporters import operations

from .flow import SLUG, confirm_latest, letters_form, step_one, step_two, supporter
from .pages import text

ISSUED_FORM_KEY = re.compile(r"[A-Za-z0-9_-]{32}")


def stored(app) -> tuple[int, int]:
    with app_state(app).database.session_factory() as session:
        return (session.scalar(select(func.count()).select_from(Submission)),
                session.scalar(select(func.count()).select_from(Letter)))


def submissions(app) -> list[Submission]:
    with app_state(app).database.session_factory() as session:
        return list(session.scalars(select(Submission).order_by(Submission.id)))


def consent_texts(app) -> list[str | None]:
    with app_state(app).database.session_factory() as session:
        return list(session.scalars(select(Submission.partner_consent_text)
                                    .order_by(Submission.id)))


def consents(app) -> list[PartnerConsent]:
    with app_state(app).database.session_factory() as session:
        return list(session.scalars(select(PartnerConsent).order_by(PartnerConsent.id)))


def repeated_groups(fields, times: int) -> list[tuple[str, str]]:
    """Step two's form with every letter group sent `times` times, under new numbers."""
    groups: dict[int, list[tuple[str, str]]] = {}
    others = []
    for name, value in fields:
        if name.startswith("groups-"):
            _, index, suffix = name.split("-", 2)
            groups.setdefault(int(index), []).append((suffix, value))
        else:
            others.append((name, value))
    repeated = list(others)
    for copy in range(times):
        for index, items in groups.items():
            number = copy * len(groups) + index
            repeated += [(f"groups-{number}-{suffix}", value) for suffix, value in items]
    return repeated


# --- 1. one letter per target ------------------------------------------------------------

def test_letter_groups_repeated_are_refused_and_the_letters_kept(app, client):
    fields = letters_form(step_one(client))
    body = next(k for k, _ in fields if k.endswith("-body"))
    fields = [(k, "My own edited words." if k == body else v) for k, v in fields]
    # Two letters (minister, MEP), each twenty times: forty groups, the most a form takes.
    response = step_two(client, repeated_groups(fields, 20))
    page = text(response)
    assert response.status_code == 422, page
    assert "only one letter" in page
    assert "My own edited words." in page  # the letters are still there
    assert stored(app) == (0, 0)


def test_a_target_ticked_in_two_letters_is_refused(app, client):
    fields = letters_form(step_one(client))
    # The minister's letter offered to the MEP as well, and ticked for both.
    recipients = next(k for k, _ in fields if k.endswith("-recipients"))
    prefix = recipients.removesuffix("recipients")
    language = dict(fields)[recipients].split(":", 1)[0]
    changed = [(k, v) for k, v in fields if k not in {recipients, f"{prefix}targets"}]
    changed += [(recipients, f"{language}:1:t:nl-minister,t:nl-mep"),
                (f"{prefix}targets", "t:nl-minister"), (f"{prefix}targets", "t:nl-mep")]
    response = step_two(client, changed)
    assert response.status_code == 422, text(response)
    assert "only one letter" in text(response)
    assert "Pieter JANSEN" in text(response)  # who is ticked twice
    assert stored(app) == (0, 0)


def test_a_target_listed_twice_in_one_letter_is_refused(app, client):
    fields = letters_form(step_one(client))
    recipients, value = next((k, v) for k, v in fields if k.endswith("-recipients"))
    language, greet, ids = value.split(":", 2)
    response = step_two(client, fields, changes={recipients: f"{language}:{greet}:{ids},{ids}"})
    assert response.status_code == 422, text(response)
    assert "only one letter" in text(response)
    assert stored(app) == (0, 0)


@pytest.mark.parametrize("send_for_me", [True, False])
def test_submit_letters_refuses_two_letters_to_one_target(app, send_for_me):
    with app.app_context(), app_state(app).database.session_factory() as session:
        campaign = session.scalars(select(Campaign)).one()
        content = app_state(app).campaigns.get(SLUG)
        target = operations.match_supporter(campaign, content, "NL").targets[0].target
        draft = operations.DraftLetter(target=target, subject="A treaty", text="Please.",
                                       salutation="", language="nl")
        sender = operations.Sender(Supporter(name="Jane Doe", email="jane@example.org",
                                             town="", own_words="", country="NL"),
                                   "", False, "en")
        with pytest.raises(operations.DuplicateTargets):
            operations.submit_letters(session, campaign, sender, [draft, draft],
                                      send_for_me=send_for_me,
                                      form_key=operations.new_form_key())
    assert stored(app) == (0, 0)


# --- 2. form keys and NUL, checked at the edge -------------------------------------------

@pytest.mark.parametrize("form_key", ["key\x00key", "k" * 65, "k" * 5000, "short", "",
                                      "a-key with spaces and é, 32 chr"])
def test_a_form_key_we_did_not_issue_is_replaced(app, client, caplog, form_key):
    fields = letters_form(step_one(client))
    with caplog.at_level(logging.ERROR):
        response = step_two(client, fields, changes={"form_key": form_key})
    assert response.status_code == 200, text(response)
    assert "Please check your inbox" in text(response)
    [submission] = submissions(app)
    assert ISSUED_FORM_KEY.fullmatch(submission.form_key)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_page_shown_again_carries_a_form_key_we_issued(app, client):
    fields = letters_form(step_one(client))
    body = next(k for k, _ in fields if k.endswith("-body"))
    response = step_two(client, fields, changes={"form_key": "x\x00" * 40, body: ""})
    assert response.status_code == 422
    assert ISSUED_FORM_KEY.fullmatch(dict(letters_form(response))["form_key"])


@pytest.mark.parametrize("field", ["name", "email", "town", "postcode", "own_words",
                                   "country"])
def test_nul_in_step_one_is_refused(app, client, field):
    value = supporter()[field] or "1234"
    response = step_one(client, **{field: value[:2] + "\x00" + value[2:]})
    assert response.status_code == 422, text(response)
    assert stored(app) == (0, 0)


def test_nul_in_any_field_of_step_two_never_reaches_the_database(app, client):
    fields = letters_form(step_one(client))
    for name in dict(fields):
        for action in ("send", "draft"):
            # A new form each time, or the first one sent would make the others duplicates.
            changes = {"form_key": operations.new_form_key(),
                       name: dict(fields)[name] + "\x00"}
            response = step_two(client, fields, action=action, changes=changes)
            # 400: a CSRF token with a NUL in it is no token.
            assert response.status_code in {200, 400, 422}, (name, response.status_code)
    with app_state(app).database.session_factory() as session:
        rows = session.execute(select(Submission.__table__)).mappings().all()
    assert rows  # some went through: the fields that are no text, or were checked anew
    for row in rows:
        for column, value in row.items():
            assert "\x00" not in str(value), column


# --- 4. a CSRF failure on step two keeps the letters --------------------------------------

@pytest.mark.parametrize("how", ["bad_token", "expired"])
def test_csrf_failure_on_step_two_shows_the_letters_again(app, client, how):
    fields = letters_form(step_one(client))
    body = next(k for k, _ in fields if k.endswith("-body"))
    # In the letter's language (a Dutch supporter's first letter is Dutch): words in another
    # would stop the send once with the language hint, which is not what this test is about.
    edited = "Geachte minister,\n\nMijn eigen woorden, herschreven na een lange lunch.\n\nJane"
    changes = {body: edited}
    if how == "bad_token":
        changes["csrf_token"] = "not-a-token"
    limit = app.config.get("WTF_CSRF_TIME_LIMIT", 3600)
    if how == "expired":
        app.config["WTF_CSRF_TIME_LIMIT"] = -1  # every token is past its time
    try:
        response = step_two(client, fields, changes=changes)
    finally:
        app.config["WTF_CSRF_TIME_LIMIT"] = limit
    page = text(response)
    assert response.status_code == 400, page
    assert "expired or was sent twice" in page
    again = letters_form(response)
    assert dict(again)[body] == edited
    assert dict(again)["csrf_token"] != "not-a-token"  # a fresh one: re-sending works below
    assert dict(again)["form_key"] == dict(fields)["form_key"]
    assert stored(app) == (0, 0)

    sent = step_two(client, again)
    assert sent.status_code == 200, text(sent)
    assert "Please check your inbox" in text(sent)
    [submission] = submissions(app)
    assert edited in {letter.text for letter in submission.pending()}


# --- 5. consents count once the address is confirmed -------------------------------------

@pytest.fixture
def partner(app):
    clear_partners(app)
    add_partner(app)
    return PARTNER


def test_partner_consent_is_recorded_when_the_supporter_confirms(app, partner):
    client = app.test_client(use_cookies=False)
    sent = embed_step_two(client, embed_step_one(client, consent=True, wants_updates="y"), "send")
    assert sent.status_code == 200, text(sent)
    assert consents(app) == []  # nobody has confirmed this address yet
    assert consent_texts(app) == [CONSENT]
    # The partner changes its box meanwhile: what counts is what the supporter ticked.
    with app_state(app).database.session_factory() as session:
        session.scalars(select(Partner)).one().consent_text = "Something else entirely."
        session.commit()
    browser = app.test_client()  # the confirmation mail opens in the supporter's browser
    assert confirm_latest(app, browser).status_code == 303
    [consent] = consents(app)
    assert (consent.supporter_email, consent.consent_text) == ("jane@example.org", CONSENT)
    with app.app_context(), app_state(app).database.session_factory() as session:
        # Confirmed again (a second click, another process): no second consent.
        assert operations.confirm_letters(session, session.scalars(select(Submission)).one()
                                          ) == []
    assert len(consents(app)) == 1


def test_no_partner_consent_without_confirmation(app, partner):
    client = app.test_client(use_cookies=False)
    response = embed_step_one(client, consent=True, wants_updates="y")
    drafted = embed_step_two(client, response, "draft")
    assert drafted.status_code == 200, text(drafted)
    assert consents(app) == []  # "open in my mail app" confirms no address
    embed_step_two(client, response, "send")
    assert consents(app) == []


def test_the_embed_says_when_a_consent_counts(app, partner):
    client = app.test_client(use_cookies=False)
    page = text(open_embed(client))
    box = page.split('class="field checkbox partner-consent"', 1)[1].split("</div>", 1)[0]
    assert "once you confirm your e-mail address" in box
    letters = text(embed_step_one(client, consent=True, wants_updates="y"))
    assert "is not passed on" in letters  # beside "Open in my mail app"


def test_no_partner_consent_box_no_consent(app, partner):
    with app_state(app).database.session_factory() as session:
        session.scalars(select(Partner)).one().consent_text = ""
        session.commit()
    client = app.test_client(use_cookies=False)
    embed_step_two(client, embed_step_one(client, consent=True, wants_updates="y"), "send")
    assert consent_texts(app) == [None]
    assert confirm_latest(app, app.test_client()).status_code == 303
    assert consents(app) == []
