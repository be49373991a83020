"""The directory cache and the garbage collector: a large directory is built without automatic
collections and then set aside from them (see webapp.directory._built_aside)."""

from __future__ import annotations

import gc

import pytest

import webapp.directory
from webapp.app_state import app_state
from webapp.directory import DirectoryCache


@pytest.fixture
def watched_build(monkeypatch):
    """Record whether automatic collections were on while the directory was built."""
    seen: list[bool] = []
    real = webapp.directory.load_directory

    def load(session, postcodes):
        seen.append(gc.isenabled())
        return real(session, postcodes)

    monkeypatch.setattr(webapp.directory, "load_directory", load)
    return seen


def test_a_small_directory_is_built_without_collections_and_not_frozen(app, watched_build):
    assert gc.isenabled()
    frozen = gc.get_freeze_count()
    directory = DirectoryCache(app_state(app).database.session_factory).get()
    assert len(directory) < webapp.directory.FREEZE_FROM_TARGETS
    assert watched_build == [False]
    assert gc.isenabled() and gc.get_freeze_count() == frozen


def test_a_large_directory_is_set_aside_from_the_collector(app, watched_build):
    cache = DirectoryCache(app_state(app).database.session_factory, freeze_from=1)
    try:
        directory = cache.get()
        assert watched_build == [False] and gc.isenabled()
        assert gc.get_freeze_count() > 0
        assert gc.is_tracked(directory)
        # Frozen: in the permanent generation, which no collection visits.
        assert not any(obj is directory for obj in gc.get_objects())
    finally:
        gc.unfreeze()  # give the test process's objects back to the collector


def test_a_failed_build_turns_the_collector_back_on(app, monkeypatch):
    def fail(session, postcodes):
        raise RuntimeError("no directory today")

    monkeypatch.setattr(webapp.directory, "load_directory", fail)
    with pytest.raises(RuntimeError, match="no directory today"):
        DirectoryCache(app_state(app).database.session_factory).get()
    assert gc.isenabled()
