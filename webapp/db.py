"""One SQLAlchemy session per request, committed only by the view that changes things."""

from __future__ import annotations

from flask import Flask, current_app, g
from sqlalchemy.orm import Session, sessionmaker

from database import make_engine, make_session_factory


class Database:
    def __init__(self, url: str):
        self.engine = make_engine(url)
        self.session_factory: sessionmaker = make_session_factory(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()


def init_app(app: Flask, database_url: str) -> Database:
    database = Database(database_url)
    app.extensions["database"] = database

    @app.teardown_appcontext
    def _close_session(_exc):
        session = g.pop("db_session", None)
        if session is not None:
            # Anything not committed by the view is rolled back: nothing is stored half-way.
            session.close()

    return database


def get_database() -> Database:
    return current_app.extensions["database"]


def get_session() -> Session:
    """The request's session, opened on first use."""
    if "db_session" not in g:
        g.db_session = get_database().session_factory()
    return g.db_session
