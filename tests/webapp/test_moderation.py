"""Moderation where letters are confirmed: letters a rule matches are written as held, with
the rule in their event, and are not put on the task queue; the worker never sends them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from database import as_utc, utcnow
from webapp.app_state import app_state
from webapp.delivery.outbox import move_letters
from webapp.delivery.worker import make_worker
from webapp.models import Letter, LetterEvent, LetterState, RecentLetter
from webapp.moderation import rule_of
from webapp.supporters.operations import confirm_letters

from .flow import confirm_latest, letters_form, read_outbox, run_worker, step_one, step_two
from .moderation_data import MEP, MINISTER, TEXT, add_submission, clear_rules, set_rules


@pytest.fixture
def rules_app(app):
    clear_rules(app)
    yield app
    clear_rules(app)


def confirm(app, **submission) -> tuple[list[int], dict[str, tuple[str, str | None]]]:
    """Confirm a new submission: the ids put on the queue, and each letter's state and
    the reason of its last event, by target name."""
    with app_state(app).database.session_factory() as session:
        added = add_submission(session, **submission)
        session.commit()
        queued = confirm_letters(session, added)
        letters = session.scalars(select(Letter).where(Letter.submission_id == added.id)).all()
        reasons = {letter.target_name: (letter.state, session.scalars(
            select(LetterEvent.reason).where(LetterEvent.letter_id == letter.id)
            .order_by(LetterEvent.id.desc())).first()) for letter in letters}
        enqueued = {letter.target_name: letter.enqueued_at for letter in letters}
    for name, (state, _reason) in reasons.items():
        assert (enqueued[name] is None) == (state == LetterState.HELD)
    return queued, reasons


def test_without_rules_every_letter_is_queued(rules_app):
    queued, letters = confirm(rules_app)
    assert len(queued) == 2
    assert {state for state, _ in letters.values()} == {LetterState.QUEUED}


def test_a_listed_word_holds_that_letter_only(rules_app):
    set_rules(rules_app, held_words="scam\nIdiots")
    queued, letters = confirm(rules_app, letters=(
        (MINISTER, "A treaty now", TEXT + " Stop listening to IDIOTS."),
        (MEP, "A treaty now", TEXT)))
    assert letters["Anna de Vries"] == (LetterState.HELD, "held by rule words: idiots")
    assert letters["Pieter JANSEN"][0] == LetterState.QUEUED
    assert len(queued) == 1
    assert rule_of(letters["Anna de Vries"][1])[0] == "words"
    # In the subject too; words within other words do not count.
    _, letters = confirm(rules_app, letters=((MINISTER, "A SCAM", TEXT),
                                             (MEP, "Scammers", TEXT)))
    assert letters["Anna de Vries"][0] == LetterState.HELD
    assert letters["Pieter JANSEN"][0] == LetterState.QUEUED


def test_a_supporter_who_gives_the_targets_address_is_held(rules_app):
    set_rules(rules_app, hold_supporter_as_target=True)
    queued, letters = confirm(rules_app, email=" Minister@EZK.example.org")
    assert letters["Anna de Vries"] == (LetterState.HELD, "held by rule supporter_is_target")
    assert letters["Pieter JANSEN"][0] == LetterState.QUEUED and len(queued) == 1


def test_a_flood_of_near_copies_to_one_address_is_held(rules_app):
    set_rules(rules_app, flood_per_hour=2, flood_similarity=90)
    only_minister = ((MINISTER, "A treaty now", TEXT),)
    for _ in range(2):
        queued, letters = confirm(rules_app, letters=only_minister)
        assert letters["Anna de Vries"][0] == LetterState.QUEUED
    # The third near copy within the hour: held (a changed comma does not make it new).
    queued, letters = confirm(rules_app, letters=(
        (MINISTER, "A treaty now", TEXT.replace(",", ";")), (MEP, "A treaty now", TEXT)))
    assert letters["Anna de Vries"] == (
        LetterState.HELD, "held by rule flood: 2 near-identical letters in the past hour")
    assert letters["Pieter JANSEN"][0] == LetterState.QUEUED
    # A letter in the supporter's own words is not a copy, however busy the address.
    own = "I am a nurse in Utrecht and I worry about automated triage systems in hospitals."
    _, letters = confirm(rules_app, letters=((MINISTER, "A treaty now", own),))
    assert letters["Anna de Vries"][0] == LetterState.QUEUED


def test_the_flood_rule_looks_back_one_hour_and_the_sweep_forgets_older_letters(rules_app):
    set_rules(rules_app, flood_per_hour=1)
    only_minister = ((MINISTER, "A treaty now", TEXT),)
    confirm(rules_app, letters=only_minister)
    with app_state(rules_app).database.session_factory() as session:
        for row in session.scalars(select(RecentLetter)):
            row.at = utcnow() - timedelta(minutes=61)
        session.commit()
    _, letters = confirm(rules_app, letters=only_minister)
    assert letters["Anna de Vries"][0] == LetterState.QUEUED
    with app_state(rules_app).database.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(RecentLetter)) == 2
    with rules_app.app_context():
        make_worker(rules_app, with_queue=False).sweep()
    with app_state(rules_app).database.session_factory() as session:
        [kept] = session.scalars(select(RecentLetter)).all()
        assert kept.to_address == MINISTER[2] and utcnow() - as_utc(kept.at) < timedelta(minutes=5)


def test_rules_off_write_nothing_for_the_flood_rule(rules_app):
    set_rules(rules_app, held_words="scam")
    confirm(rules_app)
    with app_state(rules_app).database.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(RecentLetter)) == 0


def test_the_worker_and_the_sweep_never_send_a_held_letter(rules_app, outbox):
    set_rules(rules_app, held_words="scam")
    _, letters = confirm(rules_app, letters=((MINISTER, "A scam", TEXT), (MEP, "Fine", TEXT)))
    with app_state(rules_app).database.session_factory() as session:
        held = session.scalar(select(Letter.id).where(Letter.state == LetterState.HELD))
        # As if its id had been put on the queue long ago, or by mistake.
        session.execute(Letter.__table__.update().values(enqueued_at=None))
        session.commit()
    run_worker(rules_app)
    worker = make_worker(rules_app, with_queue=False)
    with rules_app.app_context():
        assert worker.send_letter(held) == "skipped"
        swept = worker.sweep(now=utcnow() + timedelta(hours=3))
    assert ("letter", held) not in swept.to_enqueue
    sent = [m for m in read_outbox(outbox) if m["X-Letter-Id"]]
    assert [m["X-Letter-Id"] for m in sent] != [] and str(held) not in {
        m["X-Letter-Id"] for m in sent}
    with app_state(rules_app).database.session_factory() as session:
        assert session.get(Letter, held).state == LetterState.HELD
        # Nor is the supporter's receipt sent while a letter waits for an editor.
        released = move_letters(session, Letter.id == held, LetterState.HELD, LetterState.QUEUED,
                                "released by staff")
        session.commit()
    assert released == [held]
    run_worker(rules_app)
    assert str(held) in {m["X-Letter-Id"] for m in read_outbox(outbox) if m["X-Letter-Id"]}


def test_held_through_the_supporters_own_confirmation(rules_app, client, outbox):
    """The real way: the form, the confirmation link, the worker."""
    set_rules(rules_app, held_words="daughter")  # in the supporter's own words (flow.supporter)
    step_two(client, letters_form(step_one(client)), action="send")
    assert confirm_latest(rules_app, client).status_code == 303
    run_worker(rules_app)
    with app_state(rules_app).database.session_factory() as session:
        states = session.scalars(select(Letter.state)).all()
    assert states and set(states) == {LetterState.HELD}
    assert [m for m in read_outbox(outbox) if m["X-Letter-Id"]] == []
