"""Fixtures for the representatives tests: a throwaway database and the shared public data."""

from __future__ import annotations

from pathlib import Path

import pytest
from rep_support import REP_TABLES, make_database, shared_file
from sqlalchemy import create_engine, delete, text
from sqlalchemy.engine import make_url

from database import Base, make_engine, make_session_factory
from tests.conftest import BASE_POSTGRES_URL, POSTGRES_URL, postgres_available, require_or_skip


@pytest.fixture
def engine(tmp_path):
    engine = make_database(tmp_path / "representatives.db")
    yield engine
    engine.dispose()


@pytest.fixture
def session_factory(engine):
    return make_session_factory(engine)


@pytest.fixture
def session(session_factory):
    with session_factory() as session:
        yield session


@pytest.fixture
def meps_csv() -> Path:
    return shared_file("eu-parliament-meps", "meps.csv")


@pytest.fixture
def legislators_yaml() -> Path:
    return shared_file("us-congress-legislators", "legislators-current.yaml")


@pytest.fixture
def zccd_csv() -> Path:
    return shared_file("us-zip-to-district", "zccd.csv")


@pytest.fixture
def pauseai_json() -> Path:
    return shared_file("pauseai-summits-contacts", "contacts.json")


@pytest.fixture(scope="session")
def postgres_reps_url() -> str:
    """A PostgreSQL database of this process holding only this package's tables, emptied."""
    require_or_skip(postgres_available(), f"PostgreSQL not reachable at {BASE_POSTGRES_URL}")
    url = make_url(POSTGRES_URL)
    name = f"{url.database}_reps"
    admin = create_engine(BASE_POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            if not connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                      {"name": name}).scalar():  # fmt: skip
                connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    reps_url = url.set(database=name).render_as_string(hide_password=False)
    engine = make_engine(reps_url)
    Base.metadata.drop_all(engine, tables=REP_TABLES)
    Base.metadata.create_all(engine, tables=REP_TABLES)
    engine.dispose()
    return reps_url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_engine(request, tmp_path):
    """An empty database of this package's tables, on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        engine = make_database(tmp_path / "representatives.db")
    else:
        engine = make_engine(request.getfixturevalue("postgres_reps_url"))
        with engine.begin() as connection:
            for table in reversed(REP_TABLES):  # children before the tables they refer to
                connection.execute(delete(table))
    yield engine
    engine.dispose()
