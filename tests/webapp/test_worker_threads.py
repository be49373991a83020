"""What many threads in one process (a `flask delivery worker --threads N`) need from the
shared parts: the caches of campaigns and representatives, and the database's connection pool.
"""

from __future__ import annotations

import threading

from sqlalchemy import text

from webapp.app_state import app_state
from webapp.db import Database
from webapp.directory import DirectoryCache

SLUG = "treaty-at-next-summit"


def _held_elsewhere(lock: threading.Lock):
    """Hold `lock` in another thread (as a thread busy reloading would); return its release."""
    taken, release = threading.Event(), threading.Event()

    def hold():
        with lock:
            taken.set()
            release.wait(30)

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    assert taken.wait(5)

    def let_go():
        release.set()
        thread.join(5)

    return let_go


def _returns_within(seconds: float, call):
    result, done = {}, threading.Event()

    def run():
        result["value"] = call()
        done.set()

    threading.Thread(target=run, daemon=True).start()
    assert done.wait(seconds), "waited for the thread that is reloading"
    return result["value"]


def test_campaigns_due_for_a_check_are_served_while_another_thread_reloads(app):
    campaigns = app_state(app).campaigns
    before = campaigns.get(SLUG)
    campaigns.invalidate()  # the next use checks the database
    let_go = _held_elsewhere(campaigns._recheck._lock)
    try:
        # Waiting would hold this thread's connection while the reloading one needs another.
        assert _returns_within(2, lambda: campaigns.get(SLUG)) is before
    finally:
        let_go()
    assert campaigns.get(SLUG) is not None  # and the check itself runs once the lock is free


def test_the_directory_due_for_a_check_is_served_while_another_thread_reloads(app):
    cache = app_state(app).directory
    before = cache.get()
    cache.invalidate()
    let_go = _held_elsewhere(cache._recheck._lock)
    try:
        assert _returns_within(2, cache.get) is before
    finally:
        let_go()


class _WatchedLock:
    """A lock that tells when a thread asks for it and is willing to wait."""

    def __init__(self, lock):
        self._lock = lock
        self.waited_for = threading.Event()

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        if blocking:
            self.waited_for.set()
        return self._lock.acquire(blocking, timeout)

    def release(self) -> None:
        self._lock.release()


def test_the_first_directory_is_waited_for(app):
    # With nothing loaded yet there is nothing to serve: a thread waits for the one loading.
    cache = DirectoryCache(app_state(app).database.session_factory)
    lock = _WatchedLock(cache._recheck._lock)
    cache._recheck._lock = lock
    let_go = _held_elsewhere(lock._lock)
    waiting = threading.Thread(target=cache.get, daemon=True)
    waiting.start()
    assert lock.waited_for.wait(5), "the thread did not wait for the lock"
    assert waiting.is_alive()  # it cannot have gone on: the lock is still held
    let_go()
    waiting.join(10)
    assert not waiting.is_alive() and cache.get() is not None


def test_fit_pool_keeps_a_connection_for_each_thread(database_url):
    database = Database(database_url)
    try:
        database.fit_pool(18)
        assert database.engine.pool.size() == 18
        # 18 sessions at once, each with its connection: SQLAlchemy's default pool (5 + 10)
        # would make the 16th wait its 30 s timeout and fail.
        sessions = [database.session_factory() for _ in range(18)]
        try:
            for session in sessions:
                assert session.execute(text("SELECT 1")).scalar() == 1
            assert all(s.get_bind() is database.engine for s in sessions)
        finally:
            for session in sessions:
                session.close()
        assert database.engine.pool.checkedin() == 18  # kept for reuse, not closed
        database.fit_pool(4)  # never shrinks
        assert database.engine.pool.size() == 18
    finally:
        database.dispose()


def test_fit_pool_leaves_an_in_memory_database_alone():
    # An in-memory SQLite database lives in its one connection: there is no pool to widen.
    database = Database("sqlite://")
    pool = database.engine.pool
    database.fit_pool(18)
    assert database.engine.pool is pool
    database.dispose()
