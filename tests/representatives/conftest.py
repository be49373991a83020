"""Fixtures for the representatives tests: a throwaway database and the shared public data."""

from __future__ import annotations

from pathlib import Path

import pytest
from rep_support import make_database, shared_file

from database import make_session_factory


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
