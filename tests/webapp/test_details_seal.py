"""Step two takes the supporter's details unchecked only when they come back as step one
sealed them; anything else is checked again, as new input."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

import webapp.supporters.forms
from webapp.app_state import app_state
from webapp.models import Submission
from webapp.supporters.operations import NoTargets
from webapp.supporters.tokens import DetailsSeal

from .flow import letters_form, step_one, step_two
from .pages import text

VALUES = ("Jane Doe", "jane@example.org", "Utrecht", "NL", "", "Two\nlines", "")


def test_seal_holds_for_the_same_values_only():
    seal = DetailsSeal("k" * 32, max_age_seconds=60)
    made = seal.make(VALUES)
    assert seal.holds(VALUES, made)
    assert not seal.holds(("Jane Doe", "other@example.org", *VALUES[2:]), made)
    assert not seal.holds((*VALUES[:-1], "y"), made)
    assert not DetailsSeal("x" * 32, max_age_seconds=60).holds(VALUES, made)
    for broken in ("", "x", "a.b.c", made + "x", "é." + made.split(".")[1]):
        assert not seal.holds(VALUES, broken)


def test_seal_expires(monkeypatch):
    seal = DetailsSeal("k" * 32, max_age_seconds=60)
    made = seal.make(VALUES)
    later = time.time() + 61
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: later)
    assert not seal.holds(VALUES, made)


def _refuse_email_checks(monkeypatch):
    def refuse(*_args, **_kwargs):
        raise AssertionError("step two checked the details again")

    monkeypatch.setattr(webapp.supporters.forms, "validate_email", refuse)


def test_sealed_details_are_not_checked_again(app, client, monkeypatch):
    fields = letters_form(step_one(client, own_words="First line.\nSecond line."))
    # Browsers send line breaks in a field as CRLF.
    fields = [(k, v.replace("\n", "\r\n")) for k, v in fields]
    _refuse_email_checks(monkeypatch)
    response = step_two(client, fields)
    assert response.status_code == 200, text(response)[:500]
    assert "Please check your inbox" in text(response)


def test_changed_details_are_checked_again_and_used(app, client, monkeypatch):
    fields = letters_form(step_one(client))
    response = step_two(client, fields, changes={"email": "  Other@Example.org "})
    assert response.status_code == 200
    with app_state(app).database.session_factory() as session:
        assert session.scalars(select(Submission.supporter_email)).all() == ["Other@example.org"]
    _refuse_email_checks(monkeypatch)
    with pytest.raises(AssertionError, match="checked the details again"):
        step_two(client, fields, changes={"email": "third@example.org"})


def test_an_expired_seal_means_a_second_check_not_a_refusal(app, client, monkeypatch):
    fields = letters_form(step_one(client))
    # Older than any seal may be (the page's CSRF token, which lives as long, is still good).
    monkeypatch.setattr(app_state(app).details_seal, "max_age_seconds", -1)
    response = step_two(client, fields)
    assert response.status_code == 200
    assert "Please check your inbox" in text(response)
    _refuse_email_checks(monkeypatch)
    with pytest.raises(AssertionError, match="checked the details again"):
        step_two(client, fields)


def test_changed_details_that_match_no_one_show_step_one_with_the_reason(app, client):
    fields = letters_form(step_one(client))
    response = step_two(client, fields, changes={"country": "FR"})
    assert response.status_code == 422
    assert "We have no representatives for this country yet" in text(response)


def test_sealed_details_that_no_longer_match_show_step_one_with_the_reason(app, client,
                                                                         monkeypatch):
    fields = letters_form(step_one(client))
    # The directory changed between the two steps: nobody represents the supporter now.
    def nobody(campaign, content, country, postcode=None, area=None):
        raise NoTargets(country)

    monkeypatch.setattr("webapp.supporters.operations.match_supporter", nobody)
    response = step_two(client, fields)
    assert response.status_code == 422
    page = text(response)
    assert "We have no representatives for this country yet" in page
    assert 'value="Jane Doe"' in page
