"""One letter per inbox: targets who share an e-mail address (a ministry's general inbox) get
one letter naming them all, and share the per-target hourly cap."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select, update

from letters.salutations.shared_inbox import neutral_salutation, salutation_for_all
from representatives.model import Channel, ChannelKind, Target, TargetKind
from representatives.tables import ContactDetail, Membership, Person
from webapp.app_state import app_state
from webapp.delivery.worker import make_worker
from webapp.models import Campaign, Letter, LetterState, PendingLetters, Submission

from .data import _contact, _membership, _person
from .flow import confirm_latest, letters_form, step_one, step_two
from .pages import text

SHARED = "info@ezk.example.org"
JUNIORS = ("t:nl-junior-1", "t:nl-junior-2")


@pytest.fixture
def shared_inbox(app):
    """Two more Dutch ministers whose only address is the ministry's general inbox, written
    in two ways (case and spaces differ)."""
    people = [(JUNIORS[0], "Bram Bakker", "Bram", "Bakker", "male", SHARED),
              (JUNIORS[1], "Carla Smit", "Carla", "Smit", "female", " Info@EZK.example.org ")]
    with app_state(app).database.session_factory() as session:
        for pid, name, given, family, gender, address in people:
            session.add(_person(pid, name, given, family, gender=gender))
            session.flush()
            session.add_all([
                _membership(pid, "t:nl-ezk", "minister", "Staatssecretaris", "NL", "nl"),
                _contact(pid, "email", address),
            ])
        session.commit()
    app_state(app).directory.refresh()
    yield JUNIORS
    with app_state(app).database.session_factory() as session:
        for model in (ContactDetail, Membership, Person):
            column = model.id if model is Person else model.person_id
            session.execute(model.__table__.delete().where(column.in_(JUNIORS)))
        session.commit()
    app_state(app).directory.refresh()


def pending(app) -> list:
    with app_state(app).database.session_factory() as session:
        value = session.scalar(select(Submission.pending_letters)
                               .order_by(Submission.id.desc()))
    return PendingLetters.unpack(value)


def test_send_stores_one_letter_to_the_shared_address(app, client, shared_inbox):
    first = step_one(client)
    ticked = {v for k, v in letters_form(first) if k.endswith("-targets")}
    assert set(JUNIORS) <= ticked
    assert step_two(client, letters_form(first), action="send").status_code == 200
    letters = pending(app)
    shared = [p for p in letters if p.to_address.strip().lower() == SHARED]
    assert len(shared) == 1
    letter = shared[0]
    assert letter.target_name == "Bram Bakker, Carla Smit"
    assert letter.target_id == JUNIORS[0]  # the first one's id: one per letter row
    # Mr Bakker and Ms Smit have different salutations: the neutral form fits both.
    assert letter.salutation in (neutral_salutation(letter.language),
                                 "Dear Ministers,")
    assert letter.salutation != ""
    # The other minister, with her own address, still gets her own letter.
    assert any(p.target_id == "t:nl-minister" for p in letters)


def test_draft_shows_the_shared_letter_once_with_both_names(app, client, shared_inbox):
    first = step_one(client)
    page = text(step_two(client, letters_form(first), action="draft"))
    articles = page.split('<article class="draft"')[1:]
    to_shared = [a for a in articles if re.search(re.escape(SHARED), a, re.I)]
    assert len(to_shared) == 1, page
    assert "Bram Bakker, Carla Smit" in to_shared[0]
    assert f'data-letters="{len(articles)}"' in page


def test_the_hourly_cap_counts_per_address(app, client, shared_inbox):
    """Two supporters, one writing to each of the two; cap 1: the second letter waits."""
    for skipped in reversed(JUNIORS):
        fields = [(k, v) for k, v in letters_form(step_one(client))
                  if not (k.endswith("-targets") and v == skipped)]
        assert step_two(client, fields, action="send").status_code == 200
        assert confirm_latest(app, client).status_code == 303
    with app_state(app).database.session_factory() as session:
        session.execute(update(Campaign).values(per_target_hourly_cap=1))
        session.commit()
        ids = {target: session.scalar(select(Letter.id).where(Letter.target_id == target))
               for target in JUNIORS}
    with app.app_context():
        worker = make_worker(app, with_queue=False)
        assert worker.send_letter(ids[JUNIORS[0]]) == "sent"
        assert worker.send_letter(ids[JUNIORS[1]]) == "deferred"
    with app_state(app).database.session_factory() as session:
        held = session.get_one(Letter, ids[JUNIORS[1]])
        assert held.state == LetterState.QUEUED and held.next_attempt_at is not None


def _minister(n: int, role: str, gender: str) -> Target:
    return Target(f"gb:{n}", f"Name {n}", TargetKind.MINISTER, role, "DSIT", "GB", "en",
                  (Channel(ChannelKind.EMAIL, SHARED),), given_name="Name",
                  family_name=str(n), gender=gender)


def test_one_salutation_for_all():
    state, junior = _minister(1, "Secretary of State", "male"), _minister(2, "Minister", "female")
    assert salutation_for_all([junior, junior], "en") == "Dear Minister,"
    assert salutation_for_all([state, junior], "en") == "Dear Ministers,"
    assert salutation_for_all([state, junior], "de") == "Sehr geehrte Damen und Herren,"
