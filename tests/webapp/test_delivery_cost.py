"""What a letter costs the worker, counted rather than timed: statements and commits per letter,
and the thread count a worker starts with."""

from __future__ import annotations

import pytest
from sqlalchemy import event, select

from webapp.app_state import app_state
from webapp.delivery.outbox import move_letter
from webapp.delivery.worker import MAX_THREADS, default_threads
from webapp.models import Letter, LetterEvent, LetterState, PendingLetters

from . import test_delivery
from .test_delivery import confirmed_letters, session, worker

# The same app (on SQLite and PostgreSQL) as test_delivery's; the local SendGrid is
# tests/webapp/conftest.py's.
app = test_delivery.app


class Statements:
    """Counts the statements (and commits) the app's engine runs while it is active."""

    def __init__(self, app):
        self.engine = app_state(app).database.engine
        self.executed: list[str] = []
        self.commits = 0

    def _statement(self, conn, cursor, statement, parameters, context, executemany):
        self.executed.append(statement)

    def _commit(self, conn):
        self.commits += 1

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._statement)
        event.listen(self.engine, "commit", self._commit)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._statement)
        event.remove(self.engine, "commit", self._commit)


def test_a_letter_costs_a_fixed_few_statements_and_two_commits(app, client, sendgrid):
    first, last = confirmed_letters(app, client, sendgrid)
    sending = worker(app)
    with Statements(app) as counted:
        assert sending.send_letter(first) == "sent"
    postgres = app_state(app).database.engine.dialect.name == "postgresql"
    # Read (with the pause check), claim, commit, record the answer, count what is left of
    # the submission, commit. PostgreSQL writes each move's event in the move's own
    # statement and locks the submission before counting; SQLite needs a statement for
    # each event.
    assert len(counted.executed) == (5 if postgres else 6), counted.executed
    assert counted.commits == 2
    # The claim is committed before SendGrid is called (a fault then sends nothing twice).
    with Statements(app) as counted:
        assert sending.send_letter(last) == "sent"
    assert counted.commits == 2
    with session(app) as db:
        events = db.execute(select(LetterEvent.letter_id, LetterEvent.from_state,
                                   LetterEvent.to_state).order_by(LetterEvent.id)).all()
    assert [(e.from_state, e.to_state) for e in events if e.letter_id == first] == [
        (PendingLetters.STATE, LetterState.QUEUED), (LetterState.QUEUED, LetterState.SENDING),
        (LetterState.SENDING, LetterState.SENT)]


def test_moving_one_letter_claims_it_once_and_records_one_event(app, client, sendgrid):
    letter_id, _ = confirmed_letters(app, client, sendgrid)
    with session(app) as db:
        assert move_letter(db, letter_id, LetterState.QUEUED, LetterState.SENDING, "claimed",
                           attempts_change=1)
        # A second claim (another worker's) finds it taken.
        assert not move_letter(db, letter_id, LetterState.QUEUED, LetterState.SENDING,
                               "claimed", attempts_change=1)
        db.commit()
        letter = db.get_one(Letter, letter_id)
        assert (letter.state, letter.attempts) == (LetterState.SENDING, 1)
        assert db.scalars(select(LetterEvent.reason).where(
            LetterEvent.letter_id == letter_id,
            LetterEvent.to_state == LetterState.SENDING)).all() == ["claimed"]
        with pytest.raises(ValueError):
            move_letter(db, letter_id, LetterState.SENDING, LetterState.HELD, "no")


def test_default_threads_are_sized_to_cores_and_latency():
    # A letter waiting 0.1 s on SendGrid for each 0.01 s of CPU: ten threads keep a core busy.
    assert default_threads(cores=1, latency=0.1, cpu_per_letter=0.01) == 10
    assert default_threads(cores=2, latency=0.1, cpu_per_letter=0.01) == 20
    # Capped: each thread holds a database connection.
    assert default_threads(cores=64) == MAX_THREADS
    assert default_threads(cores=1, latency=0.0) == 1
