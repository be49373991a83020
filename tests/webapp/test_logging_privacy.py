"""Logs carry ids and error classes, never a supporter's name, address or letter; an outage
is one clear line a minute, not a traceback for every request or thread (issue "Hardening").

Database errors are real ones: the driver's own error, raised as the statement runs, which
SQLAlchemy wraps with the statement's parameters (the supporter's details and letters). The
outages are simulated as tests/webapp/test_faults.py does: Redis and the database at an
address where nothing listens.
"""

from __future__ import annotations

import json
import logging
from http.server import BaseHTTPRequestHandler

import pytest
import redis.exceptions
from sqlalchemy import event, select

from database import utcnow
from letters.text import without_addresses
from tests.apps import make_config
from webapp import create_app
from webapp.app_state import app_state
from webapp.delivery.events import apply_events
from webapp.delivery.worker import make_worker
from webapp.log_privacy import OUTAGES, Outages, Throttle
from webapp.models import Letter, LetterEvent, LetterState, Notice, NoticeState, Submission

from .fake_sendgrid import FakeSendGrid
from .flow import letters_form, step_one, step_two, supporter
from .pages import csrf_token
from .test_faults import _unreachable_database_url

NAME, EMAIL, TOWN = "Jane Doe", "jane.private@example.org", "Utrecht"
OWN_WORDS = supporter()["own_words"]
# Nothing listens there (test_faults.py's UNREACHABLE_REDIS_URL is on port 1).
UNREACHABLE_REDIS_URL = "redis://:s3cret-password@127.0.0.1:6390/0"


@pytest.fixture(autouse=True)
def _fresh_outage_window():
    """Each test sees its outages' first line: the window is per process, not per app."""
    OUTAGES.throttle.reset()
    yield
    OUTAGES.throttle.reset()


def _private_details_in(text: str) -> list[str]:
    return [secret for secret in (NAME, EMAIL, TOWN, OWN_WORDS, "jane.private")
            if secret in text]


def _warnings(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno >= logging.WARNING]


def _raise_on(app, statement_start: str, error_class: str, message: str):
    """Make the driver fail the first statement that starts so, as a full disk or a broken
    constraint does: SQLAlchemy wraps the driver's error with the statement's parameters."""
    engine = app_state(app).database.engine

    @event.listens_for(engine, "before_cursor_execute")
    def _fail(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(statement_start):
            raise getattr(engine.dialect.dbapi, error_class)(message)

    return _fail


# --- 1. a database error during step two --------------------------------------------------

@pytest.mark.parametrize(("error_class", "status"), [
    ("OperationalError", 503),  # our handler: "please try again in a moment"
    ("InternalError", 500),  # unhandled: Flask logs it with its traceback
])
def test_a_database_error_in_step_two_logs_no_supporter_details(app, client, caplog,
                                                                error_class, status):
    letters = letters_form(step_one(client, name=NAME, email=EMAIL, town=TOWN))
    # Drivers quote the row in their own message too ("Key (email)=(...) already exists").
    _raise_on(app, "INSERT INTO SUBMISSION", error_class,
              f"could not write the row of {EMAIL}, {NAME}")
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: a 500 page, and a log
    caplog.set_level(logging.INFO)

    response = step_two(client, letters, action="send")

    assert response.status_code == status
    assert _private_details_in(caplog.text) == []
    assert error_class in caplog.text
    with app_state(app).database.session_factory() as session:
        assert session.scalars(select(Submission)).all() == []


def test_a_traceback_keeps_its_frames_but_not_the_messages(caplog):
    caplog.set_level(logging.INFO)
    try:
        try:
            raise KeyError(EMAIL)
        except KeyError as first:
            raise ValueError(f"no letter for {NAME}") from first
    except ValueError:
        logging.getLogger("webapp.test").exception("could not write letter 7")

    assert _private_details_in(caplog.text) == []
    assert "could not write letter 7" in caplog.text
    assert "KeyError" in caplog.text and "ValueError" in caplog.text
    assert "direct cause" in caplog.text
    assert "test_a_traceback_keeps_its_frames_but_not_the_messages" in caplog.text


# --- 2. the worker: a letter that cannot be written, the mail service's words ---------------

class _QuotingSendGrid(BaseHTTPRequestHandler):
    """Refuses every mail (400) and, as real mail services do, quotes the addresses."""

    protocol_version = "HTTP/1.1"

    def do_POST(self):  # noqa: N802  (http.server's naming)
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
        self.server.received.append(("", dict(self.headers), body))
        to = body["personalizations"][0]["to"][0]["email"]
        reply_to = (body.get("reply_to") or {}).get("email", "")
        data = json.dumps({"errors": [
            {"message": f"The to address {to} does not exist", "field": "to"},
            {"message": f"Reply-To <{reply_to}> refused", "field": "reply_to.email"},
        ]}).encode()
        self.send_response(400)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def quoting_sendgrid():
    server = FakeSendGrid()
    server.RequestHandlerClass = _QuotingSendGrid
    server.start()
    yield server
    server.stop()


@pytest.fixture
def sendgrid_app(database_url, tmp_path, quoting_sendgrid):
    app = create_app(make_config(tmp_path, database_url, mail_backend="sendgrid",
                                 sendgrid_api_key="SG.test",
                                 sendgrid_api_host=quoting_sendgrid.url,
                                 sendgrid_timeout_seconds=10.0))
    yield app
    app_state(app).database.dispose()


def _submit(app) -> int:
    client = app.test_client()
    response = step_two(client, letters_form(step_one(client, name=NAME, email=EMAIL,
                                                      town=TOWN)), action="send")
    assert response.status_code == 200
    with app_state(app).database.session_factory() as session:
        return session.scalar(select(Submission.id).where(Submission.supporter_email == EMAIL))


def _confirm(app, submission_id: int) -> list[int]:
    with app_state(app).database.session_factory() as session:
        public_id = session.get_one(Submission, submission_id).public_id
    client = app.test_client()
    link = f"/confirm/{app_state(app).confirmation_tokens.make(public_id)}"
    page = client.get(link).get_data(as_text=True)
    assert client.post(link, data={"csrf_token": csrf_token(page)}).status_code == 303
    with app_state(app).database.session_factory() as session:
        return list(session.scalars(select(Letter.id).where(
            Letter.submission_id == submission_id).order_by(Letter.id)))


def _worker(app):
    with app.app_context():
        return make_worker(app, with_queue=False)


def test_the_mail_services_words_are_neither_logged_nor_stored_with_addresses(
        sendgrid_app, caplog):
    app = sendgrid_app
    submission_id = _submit(app)
    with app_state(app).database.session_factory() as session:
        notice_id = session.scalar(select(Notice.id).where(Notice.submission_id == submission_id))
        # Confirmed by hand: the confirmation mail itself is refused too (below).
    caplog.set_level(logging.INFO)

    assert _worker(app).send_notice(notice_id) == "failed"  # a 400 is permanent
    letter_ids = _confirm(app, submission_id)
    outcomes = [_worker(app).send_letter(letter_id) for letter_id in letter_ids]

    assert outcomes == ["failed"] * len(letter_ids)
    assert f"letter {letter_ids[0]} not sent" in caplog.text  # the id, and what went wrong
    assert "SendGrid 400" in caplog.text and "<address>" in caplog.text
    assert _private_details_in(caplog.text) == []
    assert "@" not in caplog.text.replace("letters@campaign.example", "")
    with app_state(app).database.session_factory() as session:
        notice = session.get_one(Notice, notice_id)
        letters = session.scalars(select(Letter).where(Letter.id.in_(letter_ids))).all()
        reasons = session.scalars(select(LetterEvent.reason)
                                  .where(LetterEvent.letter_id.in_(letter_ids))).all()
    assert notice.state == NoticeState.FAILED
    stored = [notice.last_error or "", *(letter.last_error or "" for letter in letters),
              *reasons]
    assert all("@" not in text for text in stored), stored
    assert all("<address>" in (letter.last_error or "") for letter in letters)


def test_a_letter_that_cannot_be_written_is_logged_by_id(app, client, caplog, monkeypatch):
    submission_id = _submit(app)
    letter_ids = _confirm(app, submission_id)

    def refuse(_app, letter):
        raise ValueError(f"cannot write to {letter.to_address} for {EMAIL}")

    monkeypatch.setattr("webapp.delivery.worker.letter_message", refuse)
    caplog.set_level(logging.INFO)

    assert _worker(app).send_letter(letter_ids[0]) == "failed"

    assert f"letter {letter_ids[0]} cannot be written" in caplog.text
    assert "ValueError" in caplog.text  # with its traceback, without its message
    assert _private_details_in(caplog.text) == [] and "@" not in caplog.text
    with app_state(app).database.session_factory() as session:
        letter = session.get_one(Letter, letter_ids[0])
        reasons = session.scalars(select(LetterEvent.reason)
                                  .where(LetterEvent.letter_id == letter.id)).all()
    assert letter.state == LetterState.FAILED
    assert letter.last_error == "cannot write to <address> for <address>"
    assert all("@" not in reason for reason in reasons)


def test_a_bounce_is_recorded_without_the_address_it_quotes(app):
    submission_id = _submit(app)
    letter_id = _confirm(app, submission_id)[0]
    assert _worker(app).send_letter(letter_id) == "sent"
    with app_state(app).database.session_factory() as session:
        address = session.get_one(Letter, letter_id).to_address
        apply_events(session, [
            {"event": "processed", "sg_event_id": "p1", "letter_id": str(letter_id),
             "timestamp": 1_700_000_000, "email": address},
            {"event": "bounce", "type": "bounce", "sg_event_id": "b1",
             "letter_id": str(letter_id), "timestamp": 1_700_000_001, "email": address,
             "reason": f"550 5.1.1 <{address}>: Recipient address rejected"},
        ], utcnow())
        session.commit()
        letter = session.get_one(Letter, letter_id)
        reasons = session.scalars(select(LetterEvent.reason)
                                  .where(LetterEvent.letter_id == letter_id)).all()
    assert letter.state == LetterState.BOUNCED
    assert letter.last_error == ("mail service: bounce (550 5.1.1 <<address>>: Recipient "
                                 "address rejected)")
    assert all(address not in reason for reason in reasons)


# --- 3. outages: one line a minute ------------------------------------------------------------

def _outage_lines(caplog) -> list[logging.LogRecord]:
    return [r for r in _warnings(caplog) if "unreachable" in r.getMessage()]


def _assert_one_clear_line(caplog, where: str):
    warnings = _warnings(caplog)
    assert len(warnings) == 1, [r.getMessage() for r in warnings]
    line = warnings[0]
    assert where in line.getMessage() and "will retry" in line.getMessage()
    assert line.exc_info is None and not line.exc_text  # no traceback
    assert "s3cret" not in caplog.text


def test_redis_unreachable_gives_one_line_for_fifty_requests(database_url, tmp_path, caplog):
    app = create_app(make_config(tmp_path, database_url, redis_url=UNREACHABLE_REDIS_URL))
    caplog.set_level(logging.INFO)
    try:
        for number in range(25):  # step one and step two: 50 requests
            client = app.test_client()
            form = letters_form(step_one(client, email=f"supporter{number}@example.org"))
            assert step_two(client, form, action="send").status_code == 200
        with app_state(app).database.session_factory() as session:
            waiting = session.scalars(select(Notice.enqueued_at)).all()
    finally:
        app_state(app).database.dispose()

    assert len(waiting) == 25 and set(waiting) == {None}  # the sweep will queue them
    _assert_one_clear_line(caplog, "Redis unreachable at redis://127.0.0.1:6390/0")
    assert "supporter" not in caplog.text


def test_the_database_unreachable_gives_one_line_for_fifty_requests(database_url, tmp_path,
                                                                     caplog):
    app = create_app(make_config(tmp_path, _unreachable_database_url(database_url, tmp_path)))
    caplog.set_level(logging.INFO)
    try:
        client = app.test_client()
        statuses = {client.get("/c/treaty-at-next-summit").status_code for _ in range(50)}
    finally:
        app_state(app).database.dispose()

    assert statuses == {503}  # the page that already existed
    _assert_one_clear_line(caplog, "Database unreachable at ")


def test_a_worker_whose_queue_is_unreachable_logs_one_line(database_url, tmp_path, caplog):
    """huey's threads each log "Error reading from queue", with a traceback, every second."""
    app = create_app(make_config(tmp_path, database_url, redis_url=UNREACHABLE_REDIS_URL))
    queue = app_state(app).queue
    queue.worker = _worker(app)
    consumer = queue.huey.create_consumer(workers=4, worker_type="thread", periodic=True,
                                          max_delay=1.0)
    consumer.stop_flag.set()  # their waits between tries end at once
    workers = [worker for worker, _thread in consumer.worker_threads]
    scheduler = consumer._create_scheduler()  # what its thread runs
    caplog.set_level(logging.INFO)
    try:
        for _ in range(25):  # what 25 seconds of an outage bring
            for worker in workers:
                worker.loop()
            scheduler.loop()
    finally:
        app_state(app).database.dispose()

    _assert_one_clear_line(caplog, "Redis unreachable at redis://127.0.0.1:6390/0")


def test_a_worker_whose_database_is_unreachable_logs_one_line(database_url, tmp_path, caplog):
    app = create_app(make_config(tmp_path, _unreachable_database_url(database_url, tmp_path)))
    queue = app_state(app).queue
    queue.worker = _worker(app)
    caplog.set_level(logging.INFO)
    try:
        outcomes = {queue._tasks[kind].call_local(row_id)
                    for row_id in range(1, 26) for kind in ("letter", "notice")}
        queue.sweep_task.call_local()
    finally:
        app_state(app).database.dispose()

    assert outcomes == {"outage"}
    _assert_one_clear_line(caplog, "Database unreachable at ")
    # Each task is named at INFO, so that whoever looks closer sees which waited.
    assert "letter 25 put off until the service is back" in caplog.text


def test_an_outage_is_told_again_a_minute_later_with_what_was_held_back(caplog):
    clock = [0.0]
    outages = Outages(Throttle(window_seconds=60, clock=lambda: clock[0]))
    outages.places["Redis"] = "redis://127.0.0.1:6390/0"
    error = redis.exceptions.ConnectionError("Error 111 connecting")
    caplog.set_level(logging.INFO)

    for second in range(0, 130):
        clock[0] = float(second)
        for _ in range(10):
            assert outages.report(error)
    assert not outages.report(ValueError("not an outage"))

    lines = [r.getMessage() for r in _outage_lines(caplog)]
    assert len(lines) == 3  # at 0 s, 60 s and 120 s
    assert lines[1].endswith("(599 more since the last such line)")


# --- the placeholder ----------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("550 5.1.1 <jane@example.org>: Recipient address rejected",
     "550 5.1.1 <<address>>: Recipient address rejected"),
    ("b'{\"message\":\"jane.doe+x@example.org is invalid\"}'",
     "b'{\"message\":\"<address> is invalid\"}'"),
    ("sent to jösé@exämple.org.", "sent to <address>."),
    ("{'o'brien@example.ie': (550, b'no')}", "{'<address>': (550, b'no')}"),
    ("mailto:jane@example.org", "mailto:<address>"),
    ("no address @ here, nor in user@", "no address @ here, nor in user@"),
])
def test_addresses_are_replaced_by_a_placeholder(text, expected):
    assert without_addresses(text) == expected

