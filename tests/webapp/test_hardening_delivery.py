"""Hardening of the delivery path (issue "Hardening"), against a local SendGrid that checks
what the real one checks: concurrent 429s, mails that cannot be written, recipients' names
with "," or ";", and webhook batches holding characters no database stores.

Each test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from database import utcnow
from tests.apps import make_config
from webapp import create_app
from webapp.app_state import app_state
from webapp.delivery.worker import make_worker
from webapp.models import (
    DeliveryPause,
    Letter,
    LetterState,
    Notice,
    NoticeKind,
    NoticeState,
    Submission,
    WebhookEvent,
)

from .fake_sendgrid import SIGNATURE, TIMESTAMP, public_key_text, sign
from .flow import letters_form, step_one, step_two
from .pages import csrf_token


@pytest.fixture
def app(database_url, tmp_path, sendgrid):
    app = create_app(make_config(tmp_path, database_url, **sendgrid.settings()))
    yield app
    app_state(app).database.dispose()


def db(app):
    return app_state(app).database.session_factory()


def worker(app):
    with app.app_context():
        return make_worker(app, with_queue=False)


def write(app, email: str, **supporter) -> int:
    """A supporter writes to their two representatives ("send it for me"); the submission id."""
    client = app.test_client()
    response = step_two(client, letters_form(step_one(client, email=email, **supporter)),
                        action="send")
    assert response.status_code == 200
    with db(app) as session:
        return session.scalar(select(Submission.id).where(Submission.supporter_email == email))


def confirm(app, submission_id: int) -> list[int]:
    with db(app) as session:
        public_id = session.get_one(Submission, submission_id).public_id
    client = app.test_client()
    link = f"/confirm/{app_state(app).confirmation_tokens.make(public_id)}"
    page = client.get(link).get_data(as_text=True)
    assert client.post(link, data={"csrf_token": csrf_token(page)}).status_code == 303
    with db(app) as session:
        return list(session.scalars(select(Letter.id).where(Letter.submission_id == submission_id)
                                    .order_by(Letter.id)))


def notice_of(app, submission_id: int, kind: str = NoticeKind.CONFIRMATION) -> Notice:
    with db(app) as session:
        return session.scalars(select(Notice).where(Notice.submission_id == submission_id,
                                                    Notice.kind == kind)).one()


def all_at_once(calls) -> list:
    """Run the calls in threads started together; their results, or the exceptions raised."""
    results: list = [None] * len(calls)
    start = threading.Barrier(len(calls))

    def run(index, call):
        start.wait(timeout=20)
        try:
            results[index] = call()
        except Exception as error:  # noqa: BLE001  (reported by the test)
            results[index] = error

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


# --- 1. concurrent 429s -------------------------------------------------------------------

def test_concurrent_429s_all_record_the_pause_and_put_every_letter_back(app, sendgrid):
    letters = []
    for number in range(3):
        submission = write(app, f"supporter{number}@example.org")
        assert worker(app).send_notice(notice_of(app, submission).id) == "sent"
        letters += confirm(app, submission)
    assert len(letters) == 6
    sendgrid.received.clear()
    sendgrid.mode, sendgrid.reset_in = "rate_limited", 120
    sendgrid.barrier = threading.Barrier(len(letters))

    outcomes = all_at_once([lambda i=i: worker(app).send_letter(i) for i in letters])

    assert outcomes == ["retried"] * len(letters)
    assert len(sendgrid.received) == len(letters)
    with db(app) as session:
        rows = session.scalars(select(Letter).where(Letter.id.in_(letters))).all()
        assert {letter.state for letter in rows} == {LetterState.QUEUED}
        assert {letter.attempts for letter in rows} == {0}  # not the letters' fault
        assert all(letter.last_error and "429" in letter.last_error for letter in rows)
        assert all(letter.next_attempt_at is not None for letter in rows)
        pause = session.get(DeliveryPause, "rate_limit")
        assert pause is not None and pause.until is not None


def test_concurrent_429s_put_every_notice_back(app, sendgrid):
    submissions = [write(app, f"supporter{number}@example.org") for number in range(5)]
    notices = [notice_of(app, s).id for s in submissions]
    sendgrid.mode, sendgrid.reset_in = "rate_limited", 120
    sendgrid.barrier = threading.Barrier(len(notices))

    outcomes = all_at_once([lambda i=i: worker(app).send_notice(i) for i in notices])

    assert outcomes == ["retried"] * len(notices)
    with db(app) as session:
        rows = session.scalars(select(Notice).where(Notice.id.in_(notices))).all()
        assert {notice.state for notice in rows} == {NoticeState.QUEUED}
        assert {notice.attempts for notice in rows} == {0}  # as for letters: not counted
        assert all(notice.last_error and "429" in notice.last_error for notice in rows)
        assert session.get(DeliveryPause, "rate_limit") is not None


# --- 2. a notice that cannot be written -----------------------------------------------------

def _errors(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize(("column", "value", "secret"), [
    # Stored before the forms refused them, or by a path that did not check.
    ("supporter_name", "Jane\u2028Doe", "jane-private@example.org"),
    ("supporter_email", "jösé@example.org", "jösé"),
])
def test_a_notice_that_cannot_be_written_fails_once_visibly(app, sendgrid, caplog, column,
                                                            value, secret):
    submission = write(app, "jane-private@example.org")
    notice_id = notice_of(app, submission).id
    with db(app) as session:
        session.execute(update(Submission).where(Submission.id == submission)
                        .values({column: value}))
        if column == "supporter_email":
            session.execute(update(Notice).where(Notice.id == notice_id)
                            .values(to_address=value))
        session.commit()
    caplog.set_level(logging.INFO)

    assert worker(app).send_notice(notice_id) == "failed"

    notice = notice_of(app, submission)
    assert notice.state == NoticeState.FAILED
    assert notice.last_error and notice.last_error.startswith("cannot be written")
    assert secret not in notice.last_error
    errors = _errors(caplog)
    assert len(errors) == 1, [r.getMessage() for r in errors]
    assert errors[0].exc_info is None  # the builder's refusal: no traceback
    assert secret not in caplog.text
    # Nothing brings it back: not the sweep, not the next runs.
    later = utcnow() + timedelta(hours=1)
    assert ("notice", notice_id) not in worker(app).sweep(now=later).to_enqueue
    worker(app).run_once()
    assert notice_of(app, submission).state == NoticeState.FAILED
    assert len(_errors(caplog)) == 1
    assert sendgrid.received == []


def test_a_notice_that_keeps_stopping_its_worker_is_failed_by_the_sweep(app, sendgrid):
    submission = write(app, "jane@example.org")
    notice_id = notice_of(app, submission).id
    settings = worker(app).settings
    with db(app) as session:  # as if a worker had died with it, every time
        session.execute(update(Notice).where(Notice.id == notice_id).values(
            state=NoticeState.SENDING, attempts=settings.max_attempts,
            claimed_at=utcnow() - timedelta(minutes=10),
            enqueued_at=utcnow() - timedelta(minutes=10)))
        session.commit()
    assert ("notice", notice_id) not in worker(app).sweep().to_enqueue
    notice = notice_of(app, submission)
    assert notice.state == NoticeState.FAILED and notice.last_error


def test_a_notice_stuck_once_is_still_sent_again(app, sendgrid):
    submission = write(app, "jane@example.org")
    notice_id = notice_of(app, submission).id
    with db(app) as session:
        session.execute(update(Notice).where(Notice.id == notice_id).values(
            state=NoticeState.SENDING, attempts=1, claimed_at=utcnow() - timedelta(minutes=10),
            enqueued_at=utcnow() - timedelta(minutes=10)))
        session.commit()
    assert ("notice", notice_id) in worker(app).sweep().to_enqueue
    assert worker(app).send_notice(notice_id) == "sent"


# --- 3. names with "," or ";" -------------------------------------------------------------

def _recipient(body: dict) -> dict:
    return body["personalizations"][0]["to"][0]


def test_a_supporter_named_with_a_comma_gets_the_confirmation(app, sendgrid):
    submission = write(app, "jane@example.org", name="Doe, Jane")
    assert worker(app).send_notice(notice_of(app, submission).id) == "sent"
    assert _recipient(sendgrid.accepted[-1]) == {"email": "jane@example.org",
                                                 "name": '"Doe, Jane"'}


@pytest.mark.parametrize(("name", "sent_as"), [
    ("Jansen; Pieter", '"Jansen; Pieter"'),
    ("Jansen, Pieter (MEP)", '"Jansen, Pieter (MEP)"'),
    ('Jansen, "Piet"', None),  # a quote as well: the address alone
])
def test_letters_to_names_with_commas_or_semicolons_are_sent(app, sendgrid, name, sent_as):
    submission = write(app, "jane@example.org")
    worker(app).send_notice(notice_of(app, submission).id)
    letters = confirm(app, submission)
    with db(app) as session:
        session.execute(update(Letter).where(Letter.id.in_(letters)).values(target_name=name))
        session.commit()
    sendgrid.accepted.clear()
    assert [worker(app).send_letter(i) for i in letters] == ["sent", "sent"]
    for body in sendgrid.accepted:
        recipient = _recipient(body)
        assert recipient.get("name") == sent_as
        assert "," not in recipient["email"] and ";" not in recipient["email"]


# --- 4. webhook batches with characters no database stores ---------------------------------

@pytest.fixture
def webhook_app(database_url, tmp_path, sendgrid, signing_key):
    app = create_app(make_config(tmp_path, database_url, **sendgrid.settings(),
                                 sendgrid_webhook_public_key=public_key_text(signing_key)))
    yield app
    app_state(app).database.dispose()


def post_events(app, key, events):
    body = json.dumps(events).encode()  # "\u0000" and "\ud800" as JSON escapes them
    stamp = str(int(time.time()))
    return app.test_client().post("/webhooks/sendgrid", data=body, headers={
        "Content-Type": "application/json", TIMESTAMP: stamp, SIGNATURE: sign(key, body, stamp)})


def sent_letters(app) -> list[int]:
    submission = write(app, "jane@example.org")
    worker(app).send_notice(notice_of(app, submission).id)
    letters = confirm(app, submission)
    assert [worker(app).send_letter(i) for i in letters] == ["sent", "sent"]
    return letters


def _event(name, letter_id, **fields):
    return {"email": "x@example.org", "timestamp": int(time.time()), "event": name,
            "sg_event_id": uuid.uuid4().hex, "letter_id": str(letter_id), **fields}


def test_events_with_nul_or_lone_surrogates_are_stored_without_them(webhook_app, signing_key):
    first, second = sent_letters(webhook_app)
    events = [
        _event("delivered\x00", first, sg_event_id="ev\x00nul",
               sg_message_id="sg\x00id.filter", response="250 ok\x00"),
        _event("bounce", second, type="bounce", reason="550 \ud800no such user\x00",
               email="x\udfff@example.org", sg_event_id="ev\ud800surrogate"),
        _event("open", first, useragent="Mozilla\x00", sg_event_id=None),
    ]
    response = post_events(webhook_app, signing_key, events)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.json["applied"] == 3
    with db(webhook_app) as session:
        assert session.get_one(Letter, first).state == LetterState.DELIVERED
        bounced = session.get_one(Letter, second)
        assert bounced.state == LetterState.BOUNCED
        assert bounced.last_error == "mail service: bounce (550 no such user)"
        stored = session.scalars(select(WebhookEvent.event_id)).all()
        assert len(stored) == 3
        assert not any("\x00" in e or re.search("[\ud800-\udfff]", e) for e in stored)
    # The same batch again: recognised, applied once.
    again = post_events(webhook_app, signing_key, events)
    assert again.status_code == 200 and again.json["duplicates"] == 3


def test_webhook_without_a_key_is_a_quiet_404(database_url, tmp_path, sendgrid, signing_key,
                                              caplog):
    caplog.set_level(logging.INFO)
    app = create_app(make_config(tmp_path, database_url, **sendgrid.settings()))
    try:
        # One warning, as the app starts.
        warnings = [r for r in caplog.records if "SENDGRID_WEBHOOK_PUBLIC_KEY" in r.getMessage()]
        assert [r.levelno for r in warnings] == [logging.WARNING]
        caplog.clear()
        for _ in range(3):
            response = post_events(app, signing_key, [_event("delivered", 1)])
            assert response.status_code == 404
        assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []
        with db(app) as session:
            assert session.scalar(select(func.count()).select_from(WebhookEvent)) == 0
    finally:
        app_state(app).database.dispose()


def test_no_start_warning_without_sendgrid(database_url, tmp_path, caplog):
    caplog.set_level(logging.INFO)
    app = create_app(make_config(tmp_path, database_url))  # the file backend: no webhook
    try:
        assert "SENDGRID_WEBHOOK_PUBLIC_KEY" not in caplog.text
    finally:
        app_state(app).database.dispose()
