"""Unconfirmed letters expire; texts and details are erased after the retention period."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from database import utcnow
from webapp.app_state import app_state
from webapp.delivery.retention import purge
from webapp.models import Letter, LetterEvent, LetterState, Notice, Submission

from .flow import confirm_latest, letters_form, run_worker, step_one, step_two
from .pages import csrf_token


def _purge(app, days_later: float):
    config = app_state(app).config
    with app_state(app).database.session_factory() as session:
        result = purge(session, retention_days=config.retention_days,
                       confirm_max_age_seconds=config.confirm_max_age_seconds,
                       now=utcnow() + timedelta(days=days_later))
        session.commit()
    return result


def test_unconfirmed_letters_are_cancelled_when_the_link_expires(app, client):
    step_two(client, letters_form(step_one(client)))
    assert _purge(app, 6).cancelled == 0
    assert _purge(app, 8).cancelled == 2
    assert _purge(app, 9).cancelled == 0  # once
    with app_state(app).database.session_factory() as session:
        submission = session.scalar(select(Submission))
        # Their texts are gone at once; they never became letters to send.
        assert submission.pending_letters is None and submission.confirmed_at is None
        assert session.scalars(select(Letter)).all() == []
        assert submission.supporter_email == "jane@example.org"  # until the retention ends
    retention = app_state(app).config.retention_days
    assert _purge(app, retention + 1).erased_submissions == 1
    with app_state(app).database.session_factory() as session:
        submission = session.scalar(select(Submission))
        assert submission.supporter_email == "" and submission.erased_at is not None


def test_a_cancelled_submission_cannot_be_confirmed(app, client):
    step_two(client, letters_form(step_one(client)))
    with app_state(app).database.session_factory() as session:
        public_id = session.scalar(select(Submission.public_id))
    link = f"/confirm/{app_state(app).confirmation_tokens.make(public_id)}"
    page = client.get(link).get_data(as_text=True)
    _purge(app, 8)
    response = client.post(link, data={"csrf_token": csrf_token(page)})
    assert response.status_code == 410
    assert "no longer stored" in response.get_data(as_text=True)
    with app_state(app).database.session_factory() as session:
        assert session.scalars(select(Letter)).all() == []


def test_unconfirmed_letters_are_not_erased_before_their_link_expires(app, client):
    step_two(client, letters_form(step_one(client)))
    config = app_state(app).config
    with app_state(app).database.session_factory() as session:
        result = purge(session, retention_days=1,
                       confirm_max_age_seconds=config.confirm_max_age_seconds,
                       now=utcnow() + timedelta(days=3))
        session.commit()
        assert result.erased_submissions == 0 and result.cancelled == 0
        assert len(session.scalar(select(Submission)).pending()) == 2


def test_sent_letters_are_erased_after_retention(app, client):
    step_two(client, letters_form(step_one(client)))
    run_worker(app)
    with app_state(app).database.session_factory() as session:
        public_id = session.scalar(select(Submission.public_id))
    link = f"/confirm/{app_state(app).confirmation_tokens.make(public_id)}"
    page = client.get(link).get_data(as_text=True)
    client.post(link, data={"csrf_token": csrf_token(page)})
    run_worker(app)
    run_worker(app)

    retention = app_state(app).config.retention_days
    assert _purge(app, retention - 1).erased_submissions == 0
    assert _purge(app, retention + 1).erased_submissions == 1
    assert _purge(app, retention + 2).erased_submissions == 0  # once is enough
    with app_state(app).database.session_factory() as session:
        submission = session.scalar(select(Submission))
        assert submission.supporter_email == "" and submission.supporter_name == ""
        assert submission.erased_at is not None
        letters = session.scalars(select(Letter)).all()
        assert {(letter.body, letter.subject, letter.state) for letter in letters} == {
            ("", "", LetterState.SENT)}
        assert session.scalars(select(Notice)).all() == []


def test_keep_me_informed_keeps_an_address_only_once_it_was_confirmed(app, client):
    """Nobody verified an unconfirmed address: its wish to hear from us is not kept."""
    form = letters_form(step_one(client, wants_updates="y"))
    step_two(client, form)
    retention = app_state(app).config.retention_days
    assert _purge(app, retention + 1).erased_submissions == 1
    with app_state(app).database.session_factory() as session:
        submission = session.scalar(select(Submission))
        assert submission.wants_updates
        assert submission.supporter_email == "" and submission.supporter_name == ""


def test_errors_and_event_reasons_quoting_an_address_are_scrubbed(app, client):
    """Stored before texts were cleaned on the way in, or by a path that did not clean them:
    what stays for the counts keeps no address once the retention period has passed."""
    step_two(client, letters_form(step_one(client)))
    confirm_latest(app, client)
    run_worker(app)
    quoted = ("SendGrid 400: b'{\"message\":\"Reply-To jane@example.org refused\"}', "
              "550 <mp@parlement.example.nl>: Recipient address rejected")
    with app_state(app).database.session_factory() as session:
        letter_ids = list(session.scalars(select(Letter.id)))
        session.execute(update(Letter).values(last_error=quoted))
        session.add_all(LetterEvent(letter_id=letter_id, from_state=LetterState.SENT,
                                    to_state=LetterState.SENT, reason=f"retry: {quoted}"[:200],
                                    at=utcnow()) for letter_id in letter_ids)
        session.commit()

    retention = app_state(app).config.retention_days
    assert _purge(app, retention - 1).erased_submissions == 0
    with app_state(app).database.session_factory() as session:  # kept until then
        assert "jane@example.org" in session.scalar(select(Letter.last_error))
    assert _purge(app, retention + 1).erased_submissions == 1

    with app_state(app).database.session_factory() as session:
        errors = session.scalars(select(Letter.last_error)).all()
        reasons = session.scalars(select(LetterEvent.reason)).all()
    assert len(errors) == len(letter_ids) == 2
    assert errors == [quoted.replace("jane@example.org", "<address>")
                      .replace("mp@parlement.example.nl", "<address>")] * 2
    assert not [text for text in (*errors, *reasons) if "@" in text]
    assert sum("<address>" in reason for reason in reasons) == 2
