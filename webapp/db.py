"""One SQLAlchemy session per request, committed only by the view that changes things."""

from __future__ import annotations

from flask import Flask, g
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from database import make_engine, make_session_factory

from .app_state import app_state


class Database:
    def __init__(self, url: str):
        self.url = url
        self.engine = make_engine(url)
        self.session_factory: sessionmaker = make_session_factory(self.engine)

    def fit_pool(self, connections: int) -> None:
        """Keep `connections` open for reuse: a threaded worker needs one per thread, and more.

        SQLAlchemy's default pool keeps 5 and lets 10 more be opened and closed again after
        each use, then makes a 16th thread wait: with 16 threads, letters waited for a
        connection or paid for a new one. Call it before the first connection; the session
        factory (and its hooks) follows the new engine.
        """
        if not isinstance(self.engine.pool, QueuePool) or self.engine.pool.size() >= connections:
            return
        self.engine.dispose()
        self.engine = make_engine(self.url, pool_size=connections, max_overflow=connections)
        self.session_factory.configure(bind=self.engine)

    def dispose(self) -> None:
        self.engine.dispose()


def init_app(app: Flask, database_url: str) -> Database:
    database = Database(database_url)

    @app.teardown_appcontext
    def _close_session(_exc):
        session = g.pop("db_session", None)
        if session is not None:
            # Anything not committed by the view is rolled back: nothing is stored half-way.
            session.close()

    return database


def get_database() -> Database:
    return app_state().database


def get_session() -> Session:
    """The request's session, opened on first use."""
    if "db_session" not in g:
        g.db_session = get_database().session_factory()
    return g.db_session
