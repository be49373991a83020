"""Delivery through the real `sendgrid` client against a local SendGrid: every answer class,
pauses, the kill switch, drip delivery, test mode, the sweep, and two workers racing."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeoutError

from database import as_utc, utcnow
from tests.apps import make_config
from webapp import create_app
from webapp.app_state import app_state
from webapp.delivery.worker import make_worker
from webapp.models import Campaign, DeliveryPause, Letter, LetterEvent, LetterState, Notice

from .fake_sendgrid import FakeSendGrid
from .flow import letters_form, step_one, step_two
from .pages import csrf_token


@pytest.fixture
def app(database_url, tmp_path, sendgrid):
    # A short timeout, for the timeout test, yet long enough that a busy machine (parallel
    # test workers) answers in time.
    app = create_app(make_config(tmp_path, database_url, **sendgrid.settings(timeout=2.0)))
    yield app
    app_state(app).database.dispose()


def session(app):
    return app_state(app).database.session_factory()


def worker(app):
    with app.app_context():
        return make_worker(app, with_queue=False)


def confirmed_letters(app, client, sendgrid) -> list[int]:
    """A supporter writes to two people and confirms; the confirmation mail goes out."""
    step_two(client, letters_form(step_one(client)), action="send")
    worker(app).run_once()
    with session(app) as db:
        from webapp.models import Submission

        public_id = db.scalar(select(Submission.public_id).order_by(Submission.id.desc()))
    link = f"/confirm/{app_state(app).confirmation_tokens.make(public_id)}"
    page = client.get(link).get_data(as_text=True)
    assert client.post(link, data={"csrf_token": csrf_token(page)}).status_code == 303
    sendgrid.received.clear()
    sendgrid.accepted.clear()
    with session(app) as db:
        return list(db.scalars(select(Letter.id).order_by(Letter.id)))


def states(app) -> list[str]:
    with session(app) as db:
        return list(db.scalars(select(Letter.state).order_by(Letter.id)))


def test_accepted_letters_are_sent_with_their_id(app, client, sendgrid):
    ids = confirmed_letters(app, client, sendgrid)
    for letter_id in ids:
        assert worker(app).send_letter(letter_id) == "sent"
    assert states(app) == [LetterState.SENT, LetterState.SENT]
    assert FakeSendGrid.letter_ids(sendgrid.accepted) == {str(i): 1 for i in ids}
    with session(app) as db:
        assert db.scalar(select(Letter.provider_message_id).where(Letter.id == ids[0])) == "sg-1"


@pytest.mark.parametrize("answer", ["bad", "too_large"])
def test_400_and_413_fail_at_once_and_the_supporter_gets_the_text(app, client, sendgrid, answer):
    ids = confirmed_letters(app, client, sendgrid)
    sendgrid.script = [answer]
    assert worker(app).send_letter(ids[0]) == "failed"
    assert worker(app).send_letter(ids[0]) == "skipped"  # never retried
    assert len(sendgrid.received) == 1
    worker(app).send_letter(ids[1])
    worker(app).run_once()  # the receipt
    receipt = sendgrid.accepted[-1]
    text = receipt["content"][0]["value"]
    assert "We could not deliver these letters" in text
    assert receipt["personalizations"][0]["to"][0]["email"] == "jane@example.org"


def test_a_letter_that_cannot_be_written_fails_and_goes_back_to_the_supporter(
        app, client, sendgrid):
    ids = confirmed_letters(app, client, sendgrid)
    broken = worker(app)
    broken.build_letter = lambda letter: "".join([None])  # a TypeError, as a bad letter gives
    assert broken.send_letter(ids[0]) == "failed"
    assert states(app)[0] == LetterState.FAILED
    with session(app) as db:
        reasons = db.scalars(select(LetterEvent.reason).where(LetterEvent.letter_id == ids[0])
                             .order_by(LetterEvent.id)).all()
    assert reasons[-1].startswith("cannot be written")
    assert not sendgrid.received


def test_a_database_fault_while_writing_a_letter_leaves_it_queued(app, client, sendgrid):
    # Not the letter's fault (here: no connection free in the pool): it must not be failed
    # and handed back to the supporter; it waits, and the sweep puts it on the queue again.
    ids = confirmed_letters(app, client, sendgrid)
    starved = worker(app)

    def no_connection(letter):
        raise SQLAlchemyTimeoutError("QueuePool limit of size 5 overflow 10 reached")

    starved.build_letter = no_connection
    with pytest.raises(SQLAlchemyTimeoutError):
        starved.send_letter(ids[0])
    assert states(app) == [LetterState.QUEUED, LetterState.QUEUED]
    assert not sendgrid.received
    assert worker(app).send_letter(ids[0]) == "sent"


def test_server_errors_retry_with_backoff_then_fail(app, client, sendgrid):
    ids = confirmed_letters(app, client, sendgrid)
    sendgrid.mode = "down"
    assert worker(app).send_letter(ids[0]) == "retried"
    with session(app) as db:
        letter = db.get(Letter, ids[0])
        assert letter.state == LetterState.QUEUED and letter.attempts == 1
        assert as_utc(letter.next_attempt_at) > utcnow() + timedelta(seconds=10)
    assert worker(app).send_letter(ids[0]) == "deferred"  # not before its time
    for _ in range(worker(app).settings.max_attempts - 1):
        with session(app) as db:
            db.execute(update(Letter).where(Letter.id == ids[0]).values(next_attempt_at=None))
            db.commit()
        worker(app).send_letter(ids[0])
    assert states(app)[0] == LetterState.FAILED
    assert len(sendgrid.received) == worker(app).settings.max_attempts


def test_unreachable_service_is_retried(database_url, tmp_path, client):
    """Connection refused: the request never left, so trying again is safe."""
    app = create_app(make_config(tmp_path, database_url, mail_backend="sendgrid",
                                 sendgrid_api_key="SG.test",
                                 sendgrid_api_host="http://127.0.0.1:1"))
    client = app.test_client()
    step_two(client, letters_form(step_one(client)), action="send")
    assert worker(app).run_once().retried == 1  # the confirmation mail
    app_state(app).database.dispose()


@pytest.mark.parametrize("answer", ["slow", "drop"])
def test_no_answer_is_never_sent_again_blindly(app, client, sendgrid, answer):
    """A timeout or a dropped connection after the request went out: SendGrid may have it."""
    ids = confirmed_letters(app, client, sendgrid)
    sendgrid.mode, sendgrid.slow_seconds = answer, 4.0
    assert worker(app).send_letter(ids[0]) == "unknown"
    assert states(app)[0] == LetterState.SENDING
    sendgrid.mode = "ok"
    worker(app).run_once()
    assert states(app) == [LetterState.SENDING, LetterState.SENT]
    # No delivery event within the hour and no webhook configured: failed, never resent.
    assert worker(app).sweep(now=utcnow() + timedelta(hours=2)).failed_unknown == 1
    assert states(app)[0] == LetterState.FAILED
    assert FakeSendGrid.letter_ids(sendgrid.received_bodies)[str(ids[0])] == 1


def test_with_delivery_events_an_unreported_letter_goes_again(app, client, sendgrid):
    """With the event webhook, SendGrid reports every letter it takes; silence means it did
    not take this one, so it can go again without arriving twice."""
    from webapp.delivery.outbox import DeliverySettings

    ids = confirmed_letters(app, client, sendgrid)
    sendgrid.mode = "drop"
    assert worker(app).send_letter(ids[0]) == "unknown"
    sendgrid.mode = "ok"
    with_events = worker(app)
    with_events.settings = DeliverySettings(events_report_handover=True)
    # Until the webhook is seen working, silence proves nothing: the letter waits.
    assert with_events.sweep(now=utcnow() + timedelta(hours=2)).requeued_unsent == 0
    assert with_events.send_letter(ids[1]) == "sent"
    with session(app) as db:  # SendGrid reported the later letter
        db.execute(update(Letter).where(Letter.id == ids[1])
                   .values(last_event="processed", last_event_at=utcnow()))
        db.commit()
    assert with_events.sweep(now=utcnow() + timedelta(hours=2)).requeued_unsent == 1
    with_events.run_once()
    assert states(app) == [LetterState.SENT, LetterState.SENT]


def test_with_a_silent_webhook_an_unreported_letter_fails_after_a_day(app, client, sendgrid):
    from webapp.delivery.outbox import DeliverySettings

    ids = confirmed_letters(app, client, sendgrid)
    sendgrid.mode = "drop"
    assert worker(app).send_letter(ids[0]) == "unknown"
    with_events = worker(app)
    with_events.settings = DeliverySettings(events_report_handover=True)
    assert with_events.sweep(now=utcnow() + timedelta(hours=25)).failed_unknown == 1
    assert FakeSendGrid.letter_ids(sendgrid.received_bodies)[str(ids[0])] == 1


def test_rate_limit_pauses_everything_until_the_reset(app, client, sendgrid):
    ids = confirmed_letters(app, client, sendgrid)
    sendgrid.script = ["rate_limited"]
    sendgrid.reset_in = 120
    assert worker(app).send_letter(ids[0]) == "retried"
    with session(app) as db:
        pause = db.get(DeliveryPause, "rate_limit")
        assert pause is not None and pause.until is not None
        assert db.get(Letter, ids[0]).attempts == 0  # not the letter's fault
    assert worker(app).send_letter(ids[1]) == "deferred"
    assert len(sendgrid.received) == 1
    with session(app) as db:  # the reset has come
        db.execute(update(DeliveryPause).values(until=utcnow() - timedelta(seconds=1)))
        db.execute(update(Letter).values(next_attempt_at=None))
        db.commit()
    worker(app).run_once()
    assert states(app) == [LetterState.SENT, LetterState.SENT]


@pytest.mark.parametrize("answer", ["unauthorized", "forbidden"])
def test_bad_key_pauses_the_queue_until_staff_resume(app, client, sendgrid, answer):
    ids = confirmed_letters(app, client, sendgrid)
    sendgrid.script = [answer]
    assert worker(app).send_letter(ids[0]) == "retried"
    assert worker(app).run_once().sent == 0
    assert states(app) == [LetterState.QUEUED, LetterState.QUEUED]  # nothing lost
    runner = app.test_cli_runner()
    assert "PAUSED (auth)" in runner.invoke(args=["delivery", "status"]).output
    result = runner.invoke(args=["delivery", "resume"])
    assert result.exit_code == 0, result.output
    worker(app).run_once()
    assert states(app) == [LetterState.SENT, LetterState.SENT]


def test_kill_switch_stops_at_once_and_resumes_without_loss(app, client, sendgrid):
    ids = confirmed_letters(app, client, sendgrid)
    runner = app.test_cli_runner()
    slug = "treaty-at-next-summit"
    assert runner.invoke(args=["delivery", "campaign", slug, "--stop"]).exit_code == 0
    assert worker(app).run_once().sent == 0
    assert sendgrid.received == []
    assert runner.invoke(args=["delivery", "campaign", slug, "--go"]).exit_code == 0
    worker(app).run_once()
    assert states(app) == [LetterState.SENT, LetterState.SENT]
    assert len(FakeSendGrid.letter_ids(sendgrid.accepted)) == len(ids)


def test_per_target_cap_spreads_letters_out(app, client, sendgrid):
    first = confirmed_letters(app, client, sendgrid)
    with session(app) as db:
        db.execute(update(Campaign).values(per_target_hourly_cap=1))
        db.commit()
    worker(app).run_once()
    second = [i for i in confirmed_letters(app, app.test_client(), sendgrid) if i not in first]
    assert worker(app).send_letter(second[0]) == "deferred"
    with session(app) as db:
        wait = db.get(Letter, second[0]).next_attempt_at
    assert wait is not None
    assert sendgrid.received == []


def test_send_window_holds_letters_until_it_opens(app, client, sendgrid):
    ids = confirmed_letters(app, client, sendgrid)
    hour = utcnow().hour
    with session(app) as db:  # a window that opened an hour from now
        db.execute(update(Campaign).values(send_window_start=(hour + 1) % 24,
                                           send_window_end=(hour + 2) % 24,
                                           send_window_tz="UTC"))
        db.commit()
    assert worker(app).send_letter(ids[0]) == "deferred"
    with session(app) as db:
        wait = as_utc(db.get(Letter, ids[0]).next_attempt_at)
    assert timedelta(0) < wait - utcnow() <= timedelta(hours=1)


def test_test_mode_sends_every_letter_to_staff(app, client, sendgrid):
    confirmed_letters(app, client, sendgrid)
    with session(app) as db:
        db.execute(update(Campaign).values(test_recipient="staff@campaign.example"))
        db.commit()
    worker(app).run_once()
    letters = [b for b in sendgrid.accepted if b.get("custom_args", {}).get("letter_id")]
    assert len(letters) == 2
    for body in letters:
        assert body["personalizations"][0]["to"][0]["email"] == "staff@campaign.example"
        assert body["subject"].startswith("[TEST for ")


def test_sweep_requeues_a_letter_never_handed_over(app, client, sendgrid):
    ids = confirmed_letters(app, client, sendgrid)
    with session(app) as db:  # as if a worker died between claiming and calling SendGrid
        db.execute(update(Letter).where(Letter.id == ids[0]).values(
            state=LetterState.SENDING, claimed_at=utcnow() - timedelta(minutes=5)))
        db.commit()
    result = worker(app).sweep()
    assert result.requeued_unsent == 1
    worker(app).run_once()
    assert states(app) == [LetterState.SENT, LetterState.SENT]
    assert FakeSendGrid.letter_ids(sendgrid.accepted) == {str(i): 1 for i in ids}


def test_sweep_never_resends_a_letter_that_may_have_arrived(app, client, sendgrid):
    ids = confirmed_letters(app, client, sendgrid)
    with session(app) as db:  # as if a worker died while SendGrid had the letter
        db.execute(update(Letter).where(Letter.id == ids[0]).values(
            state=LetterState.SENDING, claimed_at=utcnow() - timedelta(hours=2),
            handover_started_at=utcnow() - timedelta(hours=2)))
        db.commit()
    assert worker(app).sweep().failed_unknown == 1
    worker(app).run_once()
    assert states(app) == [LetterState.FAILED, LetterState.SENT]
    assert str(ids[0]) not in FakeSendGrid.letter_ids(sendgrid.received_bodies)


def test_reminder_after_a_day_once(app, client, sendgrid):
    step_two(client, letters_form(step_one(client)), action="send")
    later = utcnow() + timedelta(hours=25)
    assert worker(app).sweep(now=later).reminders == 1
    assert worker(app).sweep(now=later).reminders == 0
    worker(app).run_once()
    subjects = [b["subject"] for b in sendgrid.accepted]
    assert any(s.startswith("Reminder:") for s in subjects)
    with session(app) as db:
        assert len(db.scalars(select(Notice)).all()) == 2


def test_two_workers_racing_for_one_letter_send_it_once(app, client, sendgrid):
    ids = confirmed_letters(app, client, sendgrid)
    sendgrid.mode, sendgrid.slow_seconds = "slow", 0.3
    outcomes: list[str] = []
    barrier = threading.Barrier(4)

    def race(letter_id):
        barrier.wait()
        outcomes.append(worker(app).send_letter(letter_id))

    threads = [threading.Thread(target=race, args=(i,)) for i in ids for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["sent", "sent", "skipped", "skipped"]
    assert FakeSendGrid.letter_ids(sendgrid.received_bodies) == {str(i): 1 for i in ids}
    with session(app) as db:
        sent_events = db.scalars(select(LetterEvent).where(
            LetterEvent.to_state == LetterState.SENT)).all()
        assert len(sent_events) == 2
