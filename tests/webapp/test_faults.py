"""Faults, with real `flask delivery worker` / `flask delivery sweep` processes against the
local SendGrid: a worker killed (SIGKILL) before, during and after its call to SendGrid; the
queue store unreachable while supporters confirm; the database unreachable while a worker
runs; the same letters claimed by two workers at once.

Each test runs on SQLite with huey's SQLite queue, and on PostgreSQL with the Redis queue
(losing the database under a running worker: PostgreSQL only, through a proxy the test cuts).
No event webhook key is configured, so a letter whose fate is unknown is marked failed after
`unknown_after`, never sent again. After each: every letter is in exactly one terminal
state, reached by exactly one event, its events form one unbroken chain, and the local
SendGrid received each letter at most once (exactly once when it is `sent`).

The sweep's timeouts (`DeliverySettings`: claim_timeout 2 min, unknown_after 1 h,
requeue_after 5 min) have no environment variable, so a sweep *process* cannot be told to use
short ones: the tests either run the sweep in-process at a later `now`, or age the letters'
timestamps and run the real `flask delivery sweep --once`.
"""

from __future__ import annotations

import itertools
import sqlite3
import threading
from datetime import timedelta
from urllib.parse import urlsplit, urlunsplit

import pytest
from sqlalchemy import select, text, update

from database import make_engine, utcnow
from tests.apps import make_config
from tests.conftest import REDIS_URL, require_or_skip
from webapp import create_app
from webapp.app_state import app_state
from webapp.delivery.outbox import SweepResult
from webapp.delivery.worker import make_worker
from webapp.models import (
    Letter,
    LetterEvent,
    LetterState,
    Notice,
    NoticeKind,
    PendingLetters,
    Submission,
)

from .claim_probe import claimants
from .fake_sendgrid import FakeSendGrid, _Handler
from .flow import letters_form, step_one, step_two
from .pages import csrf_token
from .processes import Processes, TcpProxy, flask_env, free_port, wait_until

TERMINAL = {LetterState.SENT, LetterState.DELIVERED, LetterState.BOUNCED, LetterState.FAILED,
            LetterState.CANCELLED}
# Long enough for a worker to start and work, short enough to fail fast when it does not.
WAIT = 20.0
# What huey logs, once per task, when a task raises.
UNHANDLED = "Unhandled exception in task"
# What a worker started with `--log-level info` logs, once per task, when the database or the
# queue is unreachable; the outage itself gets one line a minute (webapp/log_privacy.py).
PUT_OFF = "put off until the service is back"
DATABASE_OUTAGE = "Database unreachable at"


# This process's own Redis database (tests/conftest.py): flushed before and after each test,
# which runs alone in it.
FAULTS_REDIS_URL = REDIS_URL
UNREACHABLE_REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1


# --- the local SendGrid, with a hook for "SendGrid took it, then the worker died" ----------

class _HookedHandler(_Handler):
    def send_response(self, code, message=None):
        # The 202 path has already put the mail in `accepted`: SendGrid has it. The hook runs,
        # and a closed gate holds the answer, before a single byte of it goes back.
        hook, gate = self.server.on_accept, self.server.gate
        if code == 202 and hook is not None:
            hook()
        if code == 202 and gate is not None:
            gate.wait(30)
        super().send_response(code, message)


class HookedSendGrid(FakeSendGrid):
    def __init__(self):
        super().__init__()
        self.RequestHandlerClass = _HookedHandler
        self.on_accept = None
        # An Event: while it is not set, SendGrid takes mail but holds its answers.
        self.gate: threading.Event | None = None

    def letters_received(self):
        return FakeSendGrid.letter_ids(self.received_bodies)

    def letters_accepted(self):
        return FakeSendGrid.letter_ids(self.accepted)


# --- fixtures ------------------------------------------------------------------------------

@pytest.fixture
def sendgrid():
    server = HookedSendGrid().start()
    yield server
    server.on_accept = None
    if server.gate is not None:
        server.gate.set()
    server.stop()


@pytest.fixture
def queue_url(database_url):
    """None (huey's SQLite queue in the instance folder) with SQLite; Redis with PostgreSQL."""
    if database_url.startswith("sqlite"):
        yield None
        return
    import redis

    client = redis.Redis.from_url(FAULTS_REDIS_URL, socket_connect_timeout=2)
    try:
        reachable = bool(client.ping())
    except redis.RedisError:
        reachable = False
    require_or_skip(reachable, f"Redis not reachable at {FAULTS_REDIS_URL}")
    client.flushdb()
    yield FAULTS_REDIS_URL
    client.flushdb()
    client.close()


def _app(tmp_path, database_url, sendgrid, redis_url):
    return create_app(make_config(tmp_path, database_url, redis_url=redis_url,
                                  **sendgrid.settings(timeout=10.0)))


@pytest.fixture
def app(database_url, tmp_path, sendgrid, queue_url):
    app = _app(tmp_path, database_url, sendgrid, queue_url)
    yield app
    app_state(app).database.dispose()


@pytest.fixture
def procs(app, tmp_path, sendgrid, queue_url, database_url):
    config = app_state(app).config
    processes = Processes(tmp_path, flask_env(
        instance_path=config.instance_path, database_url=database_url,
        sendgrid_url=sendgrid.url, redis_url=queue_url, timeout_seconds=10.0))
    yield processes
    processes.close()
    # Shown by pytest when the test failed.
    print(processes.logs())


# --- helpers -------------------------------------------------------------------------------

def db(app):
    return app_state(app).database.session_factory()


_supporters = itertools.count(1)


def write_letters(app, supporters: int = 1) -> list[str]:
    """Supporters write to their two representatives; return their submissions' public ids."""
    before = _public_ids(app)
    for _ in range(supporters):
        client = app.test_client()
        email = f"supporter{next(_supporters)}@example.org"
        response = step_two(client, letters_form(step_one(client, email=email)), action="send")
        assert response.status_code == 200
    public_ids = [p for p in _public_ids(app) if p not in before]
    assert len(public_ids) == supporters
    # The confirmation mails, sent here so that only letters and receipts reach the workers.
    with app.app_context():
        worker = make_worker(app, with_queue=False)
    with db(app) as session:
        notices = session.scalars(select(Notice.id).where(
            Notice.kind == NoticeKind.CONFIRMATION, Notice.state == "queued")).all()
    for notice_id in notices:
        # "skipped": a running worker took it from the queue first.
        assert worker.send_notice(notice_id) in ("sent", "skipped")
    return public_ids


def _public_ids(app) -> list[str]:
    with db(app) as session:
        return list(session.scalars(select(Submission.public_id).order_by(Submission.id)))


def confirm(app, public_ids: list[str]) -> list[int]:
    """Each supporter presses the button in their confirmation mail; return their letter ids."""
    for public_id in public_ids:
        client = app.test_client()
        link = f"/confirm/{app_state(app).confirmation_tokens.make(public_id)}"
        page = client.get(link).get_data(as_text=True)
        assert client.post(link, data={"csrf_token": csrf_token(page)}).status_code == 303
    with db(app) as session:
        return list(session.scalars(
            select(Letter.id).join(Submission).where(Submission.public_id.in_(public_ids))
            .order_by(Letter.id)))


def confirmed_letters(app, supporters: int = 1) -> list[int]:
    return confirm(app, write_letters(app, supporters))


def letters(app, ids) -> dict[int, Letter]:
    with db(app) as session:
        return {letter.id: letter for letter in
                session.scalars(select(Letter).where(Letter.id.in_(ids)))}


def states(app, ids) -> dict[int, str]:
    return {i: letter.state for i, letter in letters(app, ids).items()}


def wait_for_states(app, procs, ids, wanted, timeout=WAIT, what=None):
    wanted = {wanted} if isinstance(wanted, str) else set(wanted)
    return wait_until(lambda: all(s in wanted for s in states(app, ids).values()), timeout,
                      what or f"letters {ids} to be {sorted(wanted)}; now {states(app, ids)}",
                      on_timeout=procs.logs)


def sweep_later(app, later: timedelta) -> SweepResult:
    """The periodic sweep as it will run `later` from now, and what it puts on the queue."""
    with app.app_context():
        result = make_worker(app).sweep(now=utcnow() + later)
    for kind, row_id in result.to_enqueue:
        app_state(app).queue.enqueue(kind, row_id)
    return result


def settings(app):
    with app.app_context():
        return make_worker(app).settings


def assert_each_letter_once(app, sendgrid, ids) -> dict[int, str]:
    """One terminal state per letter, reached once, by one unbroken chain of events; SendGrid
    received each letter at most once, and every `sent` one exactly once."""
    received, accepted = sendgrid.letters_received(), sendgrid.letters_accepted()
    final = states(app, ids)
    with db(app) as session:
        events = session.scalars(select(LetterEvent).where(LetterEvent.letter_id.in_(ids))
                                 .order_by(LetterEvent.id)).all()
    assert sorted(final) == sorted(ids)
    for letter_id, state in final.items():
        assert state in TERMINAL, f"letter {letter_id} ended {state}"
        chain = [e for e in events if e.letter_id == letter_id]
        assert chain[0].from_state == PendingLetters.STATE
        for before, after in zip(chain, chain[1:], strict=False):
            assert after.from_state == before.to_state, f"letter {letter_id}: broken chain"
        assert chain[-1].to_state == state
        assert sum(e.to_state in TERMINAL for e in chain) == 1
        assert received[str(letter_id)] <= 1, f"letter {letter_id} reached SendGrid twice"
        if state == LetterState.SENT:
            assert accepted[str(letter_id)] == 1
    assert set(received) <= {str(i) for i in ids}
    return final


def receipts_sent(app, sendgrid) -> list[str]:
    """The texts of the receipts SendGrid accepted (the confirmations are notices too)."""
    with db(app) as session:
        receipts = {str(i) for i in session.scalars(
            select(Notice.id).where(Notice.kind == NoticeKind.RECEIPT))}
    return [body["content"][0]["value"] for body in list(sendgrid.accepted)
            if body.get("custom_args", {}).get("notice_id") in receipts]


def unsent_notices(app) -> list[int]:
    with db(app) as session:
        return list(session.scalars(select(Notice.id).where(Notice.state != "sent")))


def pending_tasks(app) -> int:
    return app_state(app).queue.huey.pending_count()


# --- killed before, during and after the call ---------------------------------------------

def _stall_before_the_call(database_url):
    """Stop the worker just before its claim is committed, so that it can be killed there;
    return (a function telling whether it is stopped there, a function that undoes it)."""
    if database_url.startswith("sqlite"):
        # SQLite: a trigger keeps the claim's UPDATE (which records that the hand-over
        # begins) busy, with the write lock held and nothing committed: no sleep in SQLite,
        # and no WITH in a trigger, so it counts a 10^9-row cross join. Killing the process
        # rolls the claim back.
        path = database_url.removeprefix("sqlite:///")
        with sqlite3.connect(path) as connection:
            connection.executescript("""
                CREATE TABLE fault_rows (n INTEGER);
                WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 1000)
                INSERT INTO fault_rows SELECT n FROM c;
                CREATE TRIGGER fault_slow_claim BEFORE UPDATE OF handover_started_at
                ON letter WHEN NEW.handover_started_at IS NOT NULL BEGIN
                    SELECT count(*) FROM fault_rows a, fault_rows b, fault_rows c;
                END;
            """)

        def stalled() -> bool:
            # The worker's claim holds the write lock: nobody else can start writing.
            probe = sqlite3.connect(path, timeout=0)
            try:
                probe.execute("BEGIN IMMEDIATE")
                probe.rollback()
                return False
            except sqlite3.OperationalError:
                return True
            finally:
                probe.close()

        def undo():
            with sqlite3.connect(path, timeout=30) as connection:
                connection.executescript("DROP TRIGGER fault_slow_claim; "
                                         "DROP TABLE fault_rows;")
        return stalled, undo
    # PostgreSQL: before the claim the worker reads the letter with its submission (to write
    # the letter); a lock on that table, held by this test, stops it there.
    engine = make_engine(database_url)
    connection = engine.connect()
    connection.execute(text("LOCK TABLE submission IN ACCESS EXCLUSIVE MODE"))

    def stalled() -> bool:
        with engine.connect() as probe:
            return bool(probe.scalar(text(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND query ILIKE '%submission%' AND pid <> pg_backend_pid()")))

    def undo():
        connection.rollback()
        connection.close()
        engine.dispose()
    return stalled, undo


def test_worker_killed_before_the_call(app, database_url, sendgrid, procs):
    ids = confirmed_letters(app)
    stalled, undo = _stall_before_the_call(database_url)
    try:
        # One thread: it takes one letter's id off the queue and is stopped before its claim
        # is committed; the other letter's id waits on the queue. Kill the worker right there.
        worker = procs.worker(threads=1)
        wait_until(stalled, WAIT, "the worker to be about to claim a letter",
                   on_timeout=procs.logs)
        worker.kill()
    finally:
        undo()
    # Nothing was claimed, nothing reached SendGrid: both letters are still queued.
    assert states(app, ids) == {i: LetterState.QUEUED for i in ids}
    assert {letter.handover_started_at for letter in letters(app, ids).values()} == {None}
    assert sendgrid.letters_received() == {}
    # The id the killed worker took off the queue is lost with it; the letters went on the
    # queue when they were confirmed, and once requeue_after has passed the sweep puts them
    # back: they never reached SendGrid, so sending them now cannot make them arrive twice.
    result = sweep_later(app, settings(app).requeue_after + timedelta(seconds=1))
    assert set(ids) <= {row_id for kind, row_id in result.to_enqueue if kind == "letter"}
    procs.worker(threads=2)
    wait_for_states(app, procs, ids, LetterState.SENT)
    final = assert_each_letter_once(app, sendgrid, ids)
    assert set(final.values()) == {LetterState.SENT}
    assert sendgrid.letters_received() == {str(i): 1 for i in ids}
    assert {letter.attempts for letter in letters(app, ids).values()} == {1}
    wait_until(lambda: receipts_sent(app, sendgrid), WAIT, "the receipt", on_timeout=procs.logs)


def test_worker_killed_during_the_call(app, sendgrid, procs):
    ids = confirmed_letters(app)
    sendgrid.mode, sendgrid.slow_seconds = "slow", 4.0  # SENDGRID_TIMEOUT_SECONDS is 10
    worker = procs.worker(threads=2)
    wait_until(lambda: len(sendgrid.letters_received()) == 2, WAIT,
               "both letters to reach SendGrid", on_timeout=procs.logs)
    worker.kill()
    sendgrid.mode = "ok"
    # SendGrid finishes with them after the worker is gone: they will arrive.
    wait_until(lambda: len(sendgrid.letters_accepted()) == 2, 10, "SendGrid to accept them")
    assert set(states(app, ids).values()) == {LetterState.SENDING}
    # A worker died with the letters in SendGrid's hands: whether they were accepted is
    # unknowable. The sweep never puts them back on the queue...
    result = sweep_later(app, settings(app).claim_timeout + timedelta(minutes=1))
    assert result.requeued_unsent == 0 and result.failed_unknown == 0
    assert result.to_enqueue == []
    # ...and after unknown_after marks them failed ("outcome unknown"), so they cannot arrive
    # twice. Here the real sweep command does it, on letters aged past unknown_after.
    with db(app) as session:
        aged = utcnow() - settings(app).unknown_after - timedelta(minutes=1)
        session.execute(update(Letter).where(Letter.id.in_(ids))
                        .values(claimed_at=aged, handover_started_at=aged))
        session.commit()
    procs.worker(threads=2)  # a new worker, for the receipt the sweep writes
    output = procs.run("delivery", "sweep", "--once")
    assert "failed 2 unknown" in output
    final = assert_each_letter_once(app, sendgrid, ids)
    assert set(final.values()) == {LetterState.FAILED}
    assert {letter.last_error for letter in letters(app, ids).values()} == {"outcome unknown"}
    # The supporter is told, and given the text to send themselves.
    receipt = wait_until(lambda: receipts_sent(app, sendgrid), WAIT, "the receipt",
                         on_timeout=procs.logs)[0]
    assert "We do not know whether these letters arrived" in receipt
    assert sendgrid.letters_received() == {str(i): 1 for i in ids}


def test_worker_killed_after_sendgrid_accepted(app, sendgrid, procs):
    ids = confirmed_letters(app)
    killing, killed, worker = threading.Lock(), threading.Event(), []

    def kill_the_worker():
        with killing:
            if not killed.is_set():
                worker[0].kill()  # SendGrid has the letter; the worker never hears "202"
                killed.set()

    sendgrid.on_accept = kill_the_worker
    worker.append(procs.worker(threads=1))  # one letter at a time: the first is in its hands
    wait_until(killed.is_set, WAIT, "SendGrid to accept a letter", on_timeout=procs.logs)
    sendgrid.on_accept = None
    assert not worker[0].alive()
    first = int(next(iter(sendgrid.letters_accepted())))
    second = next(i for i in ids if i != first)
    assert states(app, ids) == {first: LetterState.SENDING, second: LetterState.QUEUED}
    assert letters(app, [first])[first].handover_started_at is not None
    # The next worker sends the other letter, whose id is still on the queue, and leaves the
    # first alone; the sweep, once unknown_after has passed, marks it failed.
    procs.worker(threads=2)
    wait_for_states(app, procs, [second], LetterState.SENT)
    assert sweep_later(app, settings(app).claim_timeout + timedelta(minutes=1)
                       ).requeued_unsent == 0
    assert sweep_later(app, settings(app).unknown_after + timedelta(minutes=1)
                       ).failed_unknown == 1
    final = assert_each_letter_once(app, sendgrid, ids)
    assert final == {first: LetterState.FAILED, second: LetterState.SENT}
    # The letter that did arrive is reported as failed: the design errs on the side of never
    # sending twice (a delivery event from SendGrid's webhook would still set it right).
    assert sendgrid.letters_accepted() == {str(first): 1, str(second): 1}
    receipt = wait_until(lambda: receipts_sent(app, sendgrid), WAIT, "the receipt",
                         on_timeout=procs.logs)[0]
    assert "We have sent your letters to:" in receipt
    assert "We do not know whether these letters arrived" in receipt


# --- the queue store unreachable -----------------------------------------------------------

def test_queue_unreachable_while_confirming_letters_wait_in_the_database(
        app, database_url, tmp_path, sendgrid, procs):
    # The web process's queue store is down (nothing listens there).
    web = _app(tmp_path / "web", database_url, sendgrid, UNREACHABLE_REDIS_URL)
    try:
        ids = confirm(web, write_letters(web, supporters=2))  # both pages answer 303
    finally:
        app_state(web).database.dispose()
    waiting = letters(app, ids)
    assert len(ids) == 4
    assert {letter.state for letter in waiting.values()} == {LetterState.QUEUED}
    assert {letter.enqueued_at for letter in waiting.values()} == {None}
    # The queue store is back (the workers' queue): the sweep command puts them on it at once
    # (never enqueued, so not waiting for requeue_after), and a worker sends them.
    procs.worker(threads=2)
    output = procs.run("delivery", "sweep", "--once")
    assert "enqueued 4" in output
    wait_for_states(app, procs, ids, LetterState.SENT)
    assert_each_letter_once(app, sendgrid, ids)
    assert all(letter.enqueued_at is not None for letter in letters(app, ids).values())


# --- the database unreachable --------------------------------------------------------------

def _unreachable_database_url(database_url, tmp_path) -> str:
    if database_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'no-such-directory' / 'app.sqlite3'}"
    url = urlsplit(database_url)  # the same server's host, on a port nothing listens on
    return _with_host(database_url, url.hostname, free_port())


def test_worker_whose_database_is_unreachable_neither_dies_nor_sends(
        app, database_url, tmp_path, sendgrid, procs):
    ids = confirmed_letters(app, supporters=2)
    tasks = pending_tasks(app)
    assert tasks == len(ids) + 2  # the letters', and the two confirmation mails' ids
    lost = procs.start("delivery", "worker", "--threads", "2", "--log-level", "info",
                       DATABASE_URL=_unreachable_database_url(database_url, tmp_path))
    # It takes every id off the queue, cannot reach the database for any, and keeps running.
    wait_until(lambda: pending_tasks(app) == 0 and lost.output().count(PUT_OFF) == tasks,
               WAIT, "the worker to try every letter", on_timeout=procs.logs)
    assert lost.alive()
    # One line says so, not a traceback for each letter.
    assert lost.output().count(DATABASE_OUTAGE) == 1
    assert UNHANDLED not in lost.output() and "Traceback" not in lost.output()
    assert sendgrid.letters_received() == {}
    assert set(states(app, ids).values()) == {LetterState.QUEUED}
    assert lost.stop() == 0  # and a TERM still ends it cleanly
    # The queue entries are gone, the letters are not: requeue_after later the sweep puts
    # them back, and a worker that reaches the database sends each once.
    assert sweep_later(app, timedelta(seconds=10)).to_enqueue == []
    result = sweep_later(app, settings(app).requeue_after + timedelta(seconds=1))
    assert sorted(row_id for kind, row_id in result.to_enqueue if kind == "letter") == ids
    procs.worker(threads=2)
    wait_for_states(app, procs, ids, LetterState.SENT)
    assert_each_letter_once(app, sendgrid, ids)


def _with_host(url, host: str, port: int) -> str:
    parts = urlsplit(url)
    user = parts.netloc.rpartition("@")[0]
    return urlunsplit(parts._replace(netloc=f"{user}@{host}:{port}" if user else f"{host}:{port}"))


@pytest.mark.parametrize("database_url", [pytest.param("postgres", marks=pytest.mark.postgres)],
                         indirect=True)
def test_database_lost_and_back_while_the_worker_runs(app, database_url, sendgrid, procs):
    """PostgreSQL goes away under a running worker (through a proxy this test cuts, so the real
    server keeps running) in the middle of a call to SendGrid, and comes back."""
    url = urlsplit(database_url)
    proxy = TcpProxy(url.hostname, url.port or 5432).start()
    try:
        first = confirmed_letters(app)
        worker = procs.start("delivery", "worker", "--threads", "2", "--log-level", "info",
                             DATABASE_URL=_with_host(database_url, "127.0.0.1", proxy.port))
        wait_for_states(app, procs, first, LetterState.SENT)

        # Two letters are in SendGrid's hands, its answers not yet back, when the database
        # goes away. (The mails to the supporters go first: they would hold a thread.)
        supporter = write_letters(app)
        wait_until(lambda: receipts_sent(app, sendgrid) and not unsent_notices(app), WAIT,
                   "the mails to the supporters", on_timeout=procs.logs)
        sendgrid.gate = threading.Event()
        in_flight = confirm(app, supporter)
        wait_until(lambda: len(sendgrid.letters_accepted()) == 4, WAIT,
                   "SendGrid to take the letters", on_timeout=procs.logs)
        proxy.cut()
        sendgrid.gate.set()  # SendGrid answers 202
        # SendGrid took them, but the worker cannot record it.
        wait_until(lambda: worker.output().count(PUT_OFF) >= 2, WAIT,
                   "the worker to fail recording them", on_timeout=procs.logs)
        # While it is away, another supporter confirms: the worker takes the ids (two letters,
        # one confirmation mail) and fails on each.
        later = confirmed_letters(app)
        wait_until(lambda: pending_tasks(app) == 0 and worker.output().count(PUT_OFF) >= 5,
                   WAIT, "the worker to fail on the new letters", on_timeout=procs.logs)
        assert worker.alive()
        assert set(sendgrid.letters_received()) == {str(i) for i in first + in_flight}
        assert set(states(app, in_flight).values()) == {LetterState.SENDING}  # not recorded
        assert set(states(app, later).values()) == {LetterState.QUEUED}

        proxy.restore()
        # The same worker process carries on: the sweep re-queues what is due...
        result = sweep_later(app, settings(app).requeue_after + timedelta(seconds=1))
        assert sorted(i for kind, i in result.to_enqueue if kind == "letter") == later
        wait_for_states(app, procs, later, LetterState.SENT)
        # ...and leaves the letters SendGrid may have alone until they are marked failed.
        assert sweep_later(app, settings(app).unknown_after + timedelta(minutes=1)
                           ).failed_unknown == 2
        assert worker.alive()
    finally:
        proxy.close()
    ids = first + in_flight + later
    final = assert_each_letter_once(app, sendgrid, ids)
    assert [final[i] for i in ids] == [LetterState.SENT] * 2 + [LetterState.FAILED] * 2 + [
        LetterState.SENT] * 2


# --- the same letters claimed by two workers ----------------------------------------------

def test_two_workers_claiming_the_same_letters_send_each_once(app, sendgrid, procs):
    ids = confirmed_letters(app, supporters=4)
    # Every id on the queue three times in a row (as a sweep and a staff retry racing with
    # the confirmation would put it), so that both processes take the same id together.
    queue = app_state(app).queue
    queue.huey.flush()
    for letter_id in ids:
        for _ in range(3):
            queue.enqueue("letter", letter_id)
    sendgrid.mode, sendgrid.slow_seconds = "slow", 0.2
    workers = [procs.worker(threads=4) for _ in range(2)]
    wait_for_states(app, procs, ids, LetterState.SENT)
    wait_until(lambda: pending_tasks(app) == 0, WAIT, "the queue to empty")
    assert all(worker.alive() for worker in workers)
    assert_each_letter_once(app, sendgrid, ids)
    assert sendgrid.letters_received() == {str(i): 1 for i in ids}
    with db(app) as session:
        claims = session.scalars(select(LetterEvent.letter_id).where(
            LetterEvent.to_state == LetterState.SENDING)).all()
    assert sorted(claims) == ids  # one claim won per letter; the others found it taken


def _hold_writes(database_url):
    """Hold the lock every claim needs (reads go on); return a function that lets go."""
    if database_url.startswith("sqlite"):
        connection = sqlite3.connect(database_url.removeprefix("sqlite:///"),
                                     isolation_level=None)
        connection.execute("BEGIN IMMEDIATE")

        def release():
            connection.execute("ROLLBACK")
            connection.close()
        return release
    engine = make_engine(database_url)
    connection = engine.connect()
    connection.execute(text("LOCK TABLE letter IN EXCLUSIVE MODE"))

    def release():
        connection.rollback()
        connection.close()
        engine.dispose()
    return release


def test_two_worker_processes_claim_one_letter_at_the_same_moment(
        app, database_url, sendgrid, procs, tmp_path):
    ids = confirmed_letters(app)
    queue = app_state(app).queue
    queue.huey.flush()
    queue.enqueue("letter", ids[0])
    queue.enqueue("letter", ids[0])
    probe = tmp_path / "claims"
    probed = dict(FLASK_APP="tests.webapp.claim_probe:create_app", CLAIM_PROBE_FILE=str(probe))
    release = _hold_writes(database_url)
    try:
        # One thread each: the first to take an id waits at its claim and cannot take the
        # other, so when the queue is empty each process holds one and waits at the claim.
        procs.worker(threads=1, **probed), procs.worker(threads=1, **probed)
        wait_until(lambda: pending_tasks(app) == 0, WAIT, "both workers to take the id",
                   on_timeout=procs.logs)
        wait_until(lambda: len(claimants(probe)) == 2, WAIT,
                   "both workers to reach their conditional UPDATE", on_timeout=procs.logs)
    finally:
        release()  # both claims run now
    wait_for_states(app, procs, ids[:1], LetterState.SENT)
    assert sendgrid.letters_received() == {str(ids[0]): 1}
    with db(app) as session:
        claims = session.scalars(select(LetterEvent.letter_id).where(
            LetterEvent.to_state == LetterState.SENDING)).all()
    assert claims == [ids[0]]
    assert all(process.alive() for process in procs.started)
    # The other letter's id was taken off the queue above: the sweep puts it back.
    sweep_later(app, settings(app).requeue_after + timedelta(seconds=1))
    wait_for_states(app, procs, ids, TERMINAL)
    assert_each_letter_once(app, sendgrid, ids)
    assert set(states(app, ids).values()) == {LetterState.SENT}


def test_a_worker_with_more_threads_than_a_default_pool_sends_a_backlog(app, sendgrid, procs):
    # The Procfile's worker runs 16 threads, more than SQLAlchemy's default pool serves at
    # once (5 kept, 10 more): the worker widens its pool (Database.fit_pool) and the caches
    # do not make threads wait while one reloads (tests/webapp/test_worker_threads.py).
    ids = confirmed_letters(app, supporters=20)
    procs.worker(threads=16)
    wait_for_states(app, procs, ids, TERMINAL)
    assert_each_letter_once(app, sendgrid, ids)
    assert set(states(app, ids).values()) == {LetterState.SENT}
    assert UNHANDLED not in procs.logs()
