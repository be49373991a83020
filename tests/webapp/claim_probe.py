"""The app for worker processes that tell a fault test when they reach their claim.

Given as FLASK_APP: the app of wsgi.py, which also appends a line (its pid) to the file named
by CLAIM_PROBE_FILE each time the process is about to run a claim, the conditional UPDATE that
moves a letter from queued to sending. A test that holds the lock every claim needs waits for
these lines instead of guessing how long the workers take to get there.
"""

from __future__ import annotations

import os

from sqlalchemy import event
from sqlalchemy.engine import Engine

from webapp import create_app as _create_app


def is_claim(statement: str) -> bool:
    # webapp.delivery.outbox's move to "sending": the one UPDATE that sets claimed_at (on
    # PostgreSQL inside a WITH that also writes its event).
    return "UPDATE letter SET state" in statement and "claimed_at" in statement


def create_app():
    path = os.environ["CLAIM_PROBE_FILE"]

    def before_cursor_execute(connection, cursor, statement, parameters, context, many):
        if is_claim(statement):
            with open(path, "a") as probe:
                probe.write(f"{os.getpid()}\n")

    event.listen(Engine, "before_cursor_execute", before_cursor_execute)
    return _create_app()


def claimants(path) -> set[str]:
    """The pids that have reached a claim."""
    return set(path.read_text().split()) if path.exists() else set()
