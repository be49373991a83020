"""An app nobody holds any more is freed with its database connections' machinery: processes
that build many (the tests, the benchmarks) do not grow with every one."""

from __future__ import annotations

import gc
import weakref

from sqlalchemy import create_engine, text
from sqlalchemy.orm import sessionmaker

from tests.apps import make_config
from webapp import create_app
from webapp.app_state import app_state
from webapp.delivery.after_commit import enqueue_after_commit, install


def test_a_dropped_app_is_freed_with_its_session_factory_and_engine(tmp_path):
    app = create_app(make_config(tmp_path, f"sqlite:///{tmp_path / 'app.sqlite3'}"))
    database = app_state(app).database
    with database.session_factory() as session:  # its after-commit hook runs once
        session.execute(text("SELECT 1"))
        session.commit()
    freed = [weakref.ref(app), weakref.ref(database.session_factory),
             weakref.ref(database.engine)]
    database.dispose()
    del app, database, session
    gc.collect()
    assert [ref() for ref in freed] == [None, None, None]


def test_ids_reach_the_queue_after_their_commit_and_a_rollback_forgets_them():
    factory = sessionmaker(bind=create_engine("sqlite://"))
    put: list[tuple[str, list[int]]] = []
    install(factory, lambda kind, ids: put.append((kind, ids)))
    with factory() as session:
        session.execute(text("SELECT 1"))
        enqueue_after_commit(session, "letter", [1, 2])
        session.rollback()
        session.execute(text("SELECT 1"))
        enqueue_after_commit(session, "notice", [3])
        assert put == []
        session.commit()
    assert put == [("notice", [3])]
