"""Ids go on the task queue after the transaction that wrote them commits, never before.

A view, a webhook or a worker registers the ids with `enqueue_after_commit(session, ...)`
while it writes the rows; the session factory's after-commit hook (installed once, by
create_app) hands them to the queue once the commit has succeeded, and a rollback forgets
them. A worker may so never take an id whose row it cannot read yet, and nothing stored
half-way is ever sent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker

_WAITING = "enqueue_after_commit"
_PUT = "put_after_commit"

Put = Callable[[str, list[int]], None]


def enqueue_after_commit(session: Session, kind: str, row_ids: Iterable[int]) -> None:
    """Put these ids ("letter" or "notice") on the queue once `session` commits."""
    ids = list(row_ids)
    if ids:
        session.info.setdefault(_WAITING, []).append((kind, ids))


def install(session_factory: sessionmaker, put: Put) -> None:
    """Hand each session's waiting ids to `put` after its commit; forget them otherwise.

    SQLAlchemy keeps a sessionmaker's listeners for the session class it makes, in a registry
    that holds that class weakly: a listener that referred to the factory (through `put`, the
    queue that holds it) would keep the class, the factory, its engine and the whole app alive
    for as long as the process runs. So the listeners are plain functions, and `put` reaches
    each session through the factory's `info`, which every session it makes starts with.
    """
    session_factory.configure(info={**session_factory.kw.get("info", {}), _PUT: put})
    event.listen(session_factory, "after_commit", _put_waiting)
    event.listen(session_factory, "after_transaction_end", _forget)


def _put_waiting(session: Session) -> None:
    put: Put = session.info[_PUT]
    for kind, ids in session.info.pop(_WAITING, []):
        put(kind, ids)


def _forget(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the outermost transaction ended without a commit
        session.info.pop(_WAITING, None)
