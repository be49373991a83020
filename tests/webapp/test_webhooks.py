"""SendGrid's Event Webhook: signed batches move sent letters on and mark addresses that bounce.

Events are signed here exactly as SendGrid signs them: ECDSA P-256 with SHA-256 over the
timestamp header followed by the raw body, base64 DER signature, and the public key given to
the app as base64 DER SubjectPublicKeyInfo (what SendGrid's settings page shows).
"""

from __future__ import annotations

import base64
import json
import threading
import time
import uuid
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives import serialization
from sqlalchemy import func, select

from database import utcnow
from representatives.tables import ContactDetail
from tests.apps import make_config
from webapp import create_app
from webapp.app_state import app_state
from webapp.delivery.outbox import move_letters, queue_submission
from webapp.models import (
    Letter,
    LetterEvent,
    LetterState,
    Notice,
    NoticeKind,
    NoticeState,
    Submission,
    WebhookEvent,
)

from .fake_sendgrid import SIGNATURE, TIMESTAMP, new_signing_key, public_key_text, sign
from .flow import letters_form, read_outbox, run_worker, step_one, step_two
from .pages import csrf_token

URL = "/webhooks/sendgrid"
MINISTER = "minister@ezk.example.org"
MEP = "pieter.jansen@ep.example.org"


@pytest.fixture
def app(database_url, tmp_path, signing_key):
    # The addresses a test marks as bounced are unmarked before the next (tests/apps.py).
    app = create_app(make_config(tmp_path, database_url,
                                 sendgrid_webhook_public_key=public_key_text(signing_key)))
    yield app
    app_state(app).database.dispose()


def post(client, private_key, events=None, *, body: bytes | None = None,
         timestamp: int | None = None, headers: dict | None = None):
    """POST a batch as SendGrid does: JSON body, timestamp and signature headers."""
    if body is None:
        body = json.dumps(events).encode()
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    sent_headers = {"Content-Type": "application/json", TIMESTAMP: stamp,
                    SIGNATURE: sign(private_key, body, stamp)}
    if headers is not None:
        sent_headers = headers
    return client.post(URL, data=body, headers=sent_headers)


def event(name: str, letter_id=None, email: str = MEP, **fields) -> dict:
    """One event as SendGrid writes it; custom args (letter_id) are top-level keys."""
    data = {
        "email": email,
        "timestamp": int(time.time()),
        "event": name,
        "sg_event_id": uuid.uuid4().hex,
        "sg_message_id": "14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0",
        "smtp-id": "<14c5d75ce93.dfd.64b469@ismtpd-555>",
    }
    if letter_id is not None:
        data["letter_id"] = str(letter_id)
    data.update(fields)
    return data


def bounce(letter_id, email=MEP, kind="bounce", **fields) -> dict:
    fields = {"status": "5.1.1",
              "reason": "550 5.1.1 The email account that you tried to reach does not exist",
              **fields}
    return event("bounce", letter_id, email=email, type=kind, **fields)


def send_letters(app, client, email="jane@example.org") -> dict[str, int]:
    """A supporter sends and confirms; the worker sends. Returns letter ids by address."""
    step_two(client, letters_form(step_one(client, email=email)), action="send")
    run_worker(app)
    with app_state(app).database.session_factory() as session:
        public_id = session.scalars(
            select(Submission.public_id).where(Submission.supporter_email == email)
        ).one()
    link = f"/confirm/{app_state(app).confirmation_tokens.make(public_id)}"
    page = client.get(link).get_data(as_text=True)
    assert client.post(link, data={"csrf_token": csrf_token(page)}).status_code == 303
    run_worker(app)
    with app_state(app).database.session_factory() as session:
        letters = session.scalars(
            select(Letter).join(Submission).where(Submission.supporter_email == email)
        ).all()
        assert {letter.state for letter in letters} == {LetterState.SENT}
        return {letter.to_address: letter.id for letter in letters}


def letter(app, letter_id: int) -> Letter:
    with app_state(app).database.session_factory() as session:
        return session.get(Letter, letter_id)


def transitions(app, letter_id: int) -> list[tuple[str, str]]:
    with app_state(app).database.session_factory() as session:
        return [(e.from_state, e.to_state) for e in session.scalars(
            select(LetterEvent).where(LetterEvent.letter_id == letter_id)
            .order_by(LetterEvent.id))]


def recorded_events(app) -> int:
    with app_state(app).database.session_factory() as session:
        return session.scalar(select(func.count()).select_from(WebhookEvent))


def bounced_contacts(app) -> set[str]:
    with app_state(app).database.session_factory() as session:
        return set(session.scalars(select(ContactDetail.value)
                                   .where(ContactDetail.bounced_at.is_not(None))))


def test_delivered_moves_a_sent_letter_on(app, client, signing_key):
    ids = send_letters(app, client)
    sent_at = utcnow().replace(microsecond=0)
    processed = event("processed", ids[MEP], timestamp=int(sent_at.timestamp()))
    delivered = event("delivered", ids[MEP], response="250 OK",
                      timestamp=int(sent_at.timestamp()) + 2)
    response = post(client, signing_key, [processed, delivered])
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.json["applied"] == 2 and response.json["delivered"] == 1

    delivered_letter = letter(app, ids[MEP])
    assert delivered_letter.state == LetterState.DELIVERED
    assert delivered_letter.last_event == "delivered"
    assert delivered_letter.last_event_at.replace(tzinfo=None) == \
        sent_at.replace(tzinfo=None) + timedelta(seconds=2)
    assert transitions(app, ids[MEP])[-1] == (LetterState.SENT, LetterState.DELIVERED)
    assert letter(app, ids[MINISTER]).state == LetterState.SENT  # untouched
    assert recorded_events(app) == 2


def test_hard_bounce_marks_the_address_and_the_directory_drops_it(app, client, signing_key):
    ids = send_letters(app, client)
    # SendGrid lowercases nothing for us: the address may come back in any case.
    response = post(client, signing_key, [bounce(ids[MEP], email=MEP.upper())])
    assert response.status_code == 200
    assert response.json["bounced"] == 1 and response.json["addresses_marked"] == 1

    bounced = letter(app, ids[MEP])
    assert bounced.state == LetterState.BOUNCED
    assert bounced.last_event == "bounce"
    assert "does not exist" in bounced.last_error
    assert transitions(app, ids[MEP])[-1] == (LetterState.SENT, LetterState.BOUNCED)
    assert bounced_contacts(app) == {MEP}
    assert letter(app, ids[MINISTER]).state == LetterState.SENT

    # The directory no longer offers the address: with no other channel the MEP is not
    # offered at all, and a new supporter's letters only go to the minister. (The webhook
    # asked for a rebuild, which runs in the background; here it runs at once.)
    assert app_state(app).directory.refresh().get("t:nl-mep") is None
    with app.test_client() as other:
        step_two(other, letters_form(step_one(other, email="sam@example.org")), action="send")
    with app_state(app).database.session_factory() as session:
        pending = session.scalars(
            select(Submission).where(Submission.supporter_email == "sam@example.org")
        ).one().pending()
        assert [letter.to_address for letter in pending] == [MINISTER]


def test_soft_bounce_neither_moves_the_letter_nor_marks_the_address(app, client, signing_key):
    ids = send_letters(app, client)
    blocked = bounce(ids[MEP], kind="blocked", reason="421 try again later")
    response = post(client, signing_key, [blocked, event("deferred", ids[MINISTER],
                                                         email=MINISTER)])
    assert response.status_code == 200
    assert response.json["addresses_marked"] == 0
    assert letter(app, ids[MEP]).state == LetterState.SENT
    assert letter(app, ids[MEP]).last_event == "blocked"
    assert letter(app, ids[MINISTER]).last_event == "deferred"
    assert bounced_contacts(app) == set()


def test_dropped_bounces_the_letter_and_marks_the_address_unless_about_our_message(
    app, client, signing_key
):
    ids = send_letters(app, client)
    response = post(client, signing_key, [
        event("dropped", ids[MEP], reason="Bounced Address"),
        event("dropped", ids[MINISTER], email=MINISTER, reason="Spam Content"),
    ])
    assert response.status_code == 200
    assert response.json["bounced"] == 2
    assert letter(app, ids[MEP]).state == LetterState.BOUNCED
    assert letter(app, ids[MINISTER]).state == LetterState.BOUNCED
    # Our own message was judged, not the minister's address.
    assert bounced_contacts(app) == {MEP}


def test_spam_report_and_opens_are_recorded_without_moving_the_letter(app, client,
                                                                      signing_key):
    ids = send_letters(app, client)
    now = int(time.time())
    response = post(client, signing_key, [
        event("open", ids[MEP], timestamp=now - 5),
        event("spamreport", ids[MEP], timestamp=now),
    ])
    assert response.status_code == 200
    assert letter(app, ids[MEP]).state == LetterState.SENT
    assert letter(app, ids[MEP]).last_event == "spamreport"
    assert transitions(app, ids[MEP])[-1] == (LetterState.SENDING, LetterState.SENT)


def test_an_older_event_arriving_late_does_not_overwrite_a_newer_one(app, client,
                                                                     signing_key):
    ids = send_letters(app, client)
    now = int(time.time())
    post(client, signing_key, [event("delivered", ids[MEP], timestamp=now)])
    assert post(client, signing_key,
                [event("processed", ids[MEP], timestamp=now)]).status_code == 200
    assert post(client, signing_key,
                [event("deferred", ids[MEP], timestamp=now - 60)]).status_code == 200
    assert letter(app, ids[MEP]).last_event == "delivered"
    assert letter(app, ids[MEP]).state == LetterState.DELIVERED


def _claimed_and_handed_over(app, client) -> dict[str, int]:
    """Letters a worker claimed and handed to SendGrid, then died before recording it."""
    step_two(client, letters_form(step_one(client)), action="send")
    run_worker(app)  # the confirmation mail
    with app_state(app).database.session_factory() as session:
        submission = session.scalar(select(Submission))
        queue_submission(session, submission)
        move_letters(session, Letter.submission_id == submission.id, LetterState.QUEUED,
                     LetterState.SENDING, "claimed by a worker", claimed_at=utcnow(),
                     handover_started_at=utcnow())
        session.commit()
        return {row.to_address: row.id for row in session.scalars(select(Letter))}


def test_event_for_a_letter_whose_worker_died_after_handover(app, client, signing_key, outbox):
    ids = _claimed_and_handed_over(app, client)
    response = post(client, signing_key, [event("delivered", ids[MEP])])
    assert response.status_code == 200
    mep_letter = letter(app, ids[MEP])
    assert mep_letter.state == LetterState.DELIVERED
    assert mep_letter.sent_at is not None  # counts towards the per-target hourly cap
    assert mep_letter.provider_message_id == "14c5d75ce93"
    assert transitions(app, ids[MEP])[-2:] == [
        (LetterState.SENDING, LetterState.SENT), (LetterState.SENT, LetterState.DELIVERED)]
    assert letter(app, ids[MINISTER]).state == LetterState.SENDING
    assert response.json["receipts"] == 0  # one letter is still on its way

    # The last one settled by an event: nobody else will write the supporter's receipt.
    response = post(client, signing_key, [event("processed", ids[MINISTER], email=MINISTER)])
    assert response.json["receipts"] == 1
    assert letter(app, ids[MINISTER]).state == LetterState.SENT
    with app_state(app).database.session_factory() as session:
        assert session.scalars(select(Notice.kind).where(Notice.state == NoticeState.QUEUED)
                               ).all() == [NoticeKind.RECEIPT]
    run_worker(app)
    [receipt] = [m for m in read_outbox(outbox) if m["X-Notice-Id"]
                 and "Thank you for taking part" in m.get_content()]
    assert receipt["To"].addresses[0].addr_spec == "jane@example.org"
    assert "Anna de Vries" in receipt.get_content()


def test_receipt_lists_letters_delivered_before_it_was_written(app, client, signing_key,
                                                               outbox):
    ids = _claimed_and_handed_over(app, client)
    post(client, signing_key, [event("delivered", ids[MEP]),
                               event("delivered", ids[MINISTER], email=MINISTER)])
    run_worker(app)
    [receipt] = [m for m in read_outbox(outbox) if m["X-Notice-Id"]
                 and "Thank you for taking part" in m.get_content()]
    assert "Anna de Vries" in receipt.get_content()
    assert "Pieter JANSEN" in receipt.get_content()


def test_forged_signature_is_refused_and_changes_nothing(app, client, signing_key):
    ids = send_letters(app, client)
    response = post(client, new_signing_key(), [bounce(ids[MEP])])
    assert response.status_code == 403
    assert response.json == {"error": "bad signature"}
    assert letter(app, ids[MEP]).state == LetterState.SENT
    assert letter(app, ids[MEP]).last_event is None
    assert recorded_events(app) == 0 and bounced_contacts(app) == set()


def test_body_changed_after_signing_is_refused(app, client, signing_key):
    ids = send_letters(app, client)
    signed = json.dumps([event("delivered", ids[MEP])]).encode()
    stamp = str(int(time.time()))
    headers = {TIMESTAMP: stamp, SIGNATURE: sign(signing_key, signed, stamp)}
    forged = json.dumps([bounce(ids[MEP])]).encode()
    assert client.post(URL, data=forged, headers=headers).status_code == 403
    # The timestamp is part of what is signed, too.
    headers[TIMESTAMP] = str(int(stamp) - 1)
    assert client.post(URL, data=signed, headers=headers).status_code == 403
    assert letter(app, ids[MEP]).state == LetterState.SENT
    assert recorded_events(app) == 0


@pytest.mark.parametrize("offset", [-301, 301, -10**9])
def test_timestamp_outside_the_replay_window_is_refused(app, client, signing_key, offset):
    response = post(client, signing_key, [event("delivered", 1)],
                    timestamp=int(time.time()) + offset)
    assert response.status_code == 403
    assert "replay window" in response.json["error"]
    assert recorded_events(app) == 0


def test_timestamp_inside_the_window_is_accepted(app, client, signing_key):
    response = post(client, signing_key, [event("delivered", 1)],
                    timestamp=int(time.time()) - 240)
    assert response.status_code == 200


def test_replayed_request_is_answered_but_applied_once(app, client, signing_key):
    ids = send_letters(app, client)
    body = json.dumps([event("delivered", ids[MEP]), event("processed", ids[MINISTER],
                                                            email=MINISTER)]).encode()
    stamp = str(int(time.time()))
    headers = {TIMESTAMP: stamp, SIGNATURE: sign(signing_key, body, stamp)}
    first = client.post(URL, data=body, headers=headers)
    again = client.post(URL, data=body, headers=headers)
    assert first.status_code == again.status_code == 200
    assert first.json["applied"] == 2
    assert again.json["applied"] == 0 and again.json["duplicates"] == 2
    assert transitions(app, ids[MEP]).count((LetterState.SENT, LetterState.DELIVERED)) == 1
    assert recorded_events(app) == 2


def test_duplicate_event_ids_in_one_batch_count_once(app, client, signing_key):
    ids = send_letters(app, client)
    delivered = event("delivered", ids[MEP])
    response = post(client, signing_key, [delivered, dict(delivered), dict(delivered)])
    assert response.status_code == 200
    assert response.json["applied"] == 1 and response.json["duplicates"] == 2
    assert transitions(app, ids[MEP]).count((LetterState.SENT, LetterState.DELIVERED)) == 1
    assert recorded_events(app) == 1


def test_same_batch_delivered_twice_at_once_is_applied_once(app, signing_key):
    ids = send_letters(app, app.test_client())
    body = json.dumps([event("delivered", ids[MEP]), bounce(ids[MINISTER], email=MINISTER)]
                      ).encode()
    stamp = str(int(time.time()))
    headers = {TIMESTAMP: stamp, SIGNATURE: sign(signing_key, body, stamp)}
    barrier = threading.Barrier(4)
    responses = []

    def deliver():
        client = app.test_client()
        barrier.wait()
        responses.append(client.post(URL, data=body, headers=headers))

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [r.status_code for r in responses] == [200] * 4
    assert sum(r.json["applied"] for r in responses) == 2
    assert transitions(app, ids[MEP]).count((LetterState.SENT, LetterState.DELIVERED)) == 1
    assert transitions(app, ids[MINISTER]).count((LetterState.SENT, LetterState.BOUNCED)) == 1
    assert recorded_events(app) == 2


def test_events_without_a_letter_of_ours_are_recorded_and_ignored(app, client, signing_key):
    ids = send_letters(app, client)
    response = post(client, signing_key, [
        event("delivered"),  # no letter_id: e.g. a confirmation mail to a supporter
        event("delivered", notice_id="3"),
        event("bounce", 999999, type="bounce"),
        event("delivered", "not-a-number"),
        event("delivered", -4),
        event("delivered", str(2**40)),
        {**event("delivered"), "letter_id": 1.5},
        "not an event",
        {"event": "delivered"},  # no id at all
    ])
    assert response.status_code == 200
    assert response.json["unmapped"] == 8 and response.json["invalid"] == 1
    assert response.json["applied"] == 0
    assert recorded_events(app) == 8
    with app_state(app).database.session_factory() as session:
        assert set(session.scalars(select(WebhookEvent.letter_id))) == {None}
    assert {letter(app, i).state for i in ids.values()} == {LetterState.SENT}
    assert bounced_contacts(app) == set()


def test_bounce_of_another_address_does_not_mark_the_target(app, client, signing_key):
    """In test mode letters go to staff: their bounce says nothing about the target."""
    ids = send_letters(app, client)
    response = post(client, signing_key, [bounce(ids[MEP], email="staff@campaign.example")])
    assert response.status_code == 200
    assert letter(app, ids[MEP]).state == LetterState.BOUNCED
    assert bounced_contacts(app) == set()


@pytest.mark.parametrize("body", [b"{not json", b'{"event": "delivered"}', b"", b"\xff\xfe",
                                  b"[" * 100000 + b"]" * 100000])
def test_malformed_body_is_a_400_or_403_never_500(app, client, signing_key, body):
    response = post(client, signing_key, body=body)
    # Bytes that are not UTF-8 cannot be what SendGrid signed.
    assert response.status_code == (403 if body == b"\xff\xfe" else 400)
    assert "error" in response.json


def test_missing_or_garbled_headers_are_refused(app, client, signing_key):
    body = json.dumps([event("delivered", 1)]).encode()
    stamp = str(int(time.time()))
    good = sign(signing_key, body, stamp)
    for headers in ({}, {TIMESTAMP: stamp}, {SIGNATURE: good},
                    {TIMESTAMP: "yesterday", SIGNATURE: good},
                    {TIMESTAMP: "9" * 5000, SIGNATURE: good},
                    {TIMESTAMP: stamp, SIGNATURE: "***not base64***"},
                    {TIMESTAMP: stamp, SIGNATURE: "abc"},
                    {TIMESTAMP: stamp, SIGNATURE: base64.b64encode(b"x" * 70).decode()}):
        response = post(client, signing_key, body=body, headers=headers)
        assert response.status_code == 403, headers
    assert recorded_events(app) == 0


def test_unsigned_events_are_refused_when_no_key_is_configured(database_url, tmp_path,
                                                               signing_key, caplog):
    """Without a key there is no webhook: a plain 404, and nothing logged per request."""
    app = (create_app(make_config(tmp_path, database_url)))
    try:
        caplog.clear()
        response = post(app.test_client(), signing_key, [event("delivered", 1)])
        assert response.status_code == 404
        assert "SENDGRID_WEBHOOK_PUBLIC_KEY" not in caplog.text
        assert recorded_events(app) == 0
    finally:
        app_state(app).database.dispose()


def test_unusable_key_is_a_503_not_a_500(database_url, tmp_path, signing_key):
    app = (create_app(make_config(tmp_path, database_url,
                                                sendgrid_webhook_public_key="not a key")))
    try:
        response = post(app.test_client(), signing_key, [event("delivered", 1)])
        assert response.status_code == 503
    finally:
        app_state(app).database.dispose()


def test_key_in_pem_form_is_accepted_too(database_url, tmp_path, signing_key):
    pem = signing_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()
    app = (create_app(make_config(tmp_path, database_url,
                                                sendgrid_webhook_public_key=pem)))
    try:
        assert post(app.test_client(), signing_key, [event("open")]).status_code == 200
    finally:
        app_state(app).database.dispose()


def test_a_full_size_batch_is_accepted(app, client, signing_key):
    """SendGrid batches up to 768 KB, more than the app accepts from any form."""
    events = [event("open", useragent="x" * 400) for _ in range(1500)]
    body = json.dumps(events).encode()
    assert len(body) > app.config["MAX_CONTENT_LENGTH"]
    response = post(client, signing_key, body=body)
    assert response.status_code == 200
    assert response.json["unmapped"] == 1500


def test_second_delivery_waits_for_the_first_and_skips_what_it_stored(app, client):
    """The race itself, step by step: the first transaction is open when the second starts."""
    from webapp.delivery.events import apply_events

    ids = send_letters(app, client)
    batch = [event("delivered", ids[MEP]), bounce(ids[MINISTER], email=MINISTER)]
    factory = app_state(app).database.session_factory
    second = {}

    def deliver_again():
        with factory() as session:
            second["summary"] = apply_events(session, batch, utcnow())
            session.commit()

    with factory() as first:
        assert apply_events(first, batch, utcnow()).applied == 2
        thread = threading.Thread(target=deliver_again)
        thread.start()
        thread.join(0.5)
        assert thread.is_alive()  # waiting for the first transaction's rows
        first.commit()
    thread.join(30)
    assert second["summary"].applied == 0 and second["summary"].duplicates == 2
    assert transitions(app, ids[MEP]).count((LetterState.SENT, LetterState.DELIVERED)) == 1
    assert recorded_events(app) == 2


def test_staff_can_offer_a_bounced_address_again(app):
    from sqlalchemy import update

    from representatives.tables import ContactDetail

    with app_state(app).database.session_factory() as session:
        session.execute(update(ContactDetail).where(
            ContactDetail.value == "minister@ezk.example.org").values(bounced_at=utcnow()))
        session.commit()
    result = app.test_cli_runner().invoke(args=["reps", "unbounce", "Minister@EZK.example.org"])
    assert result.exit_code == 0 and "1 contact(s) offered again" in result.output
    with app_state(app).database.session_factory() as session:
        assert session.scalar(select(ContactDetail.bounced_at).where(
            ContactDetail.value == "minister@ezk.example.org")) is None
