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


def _held_load(monkeypatch):
    """Make the directory's next loads wait in `load_directory` until released.

    Returns (started, release): `started` is set once a load is waiting.
    """
    import webapp.directory

    started, release = threading.Event(), threading.Event()
    real = webapp.directory.load_directory

    def held(session, postcodes, previous):
        started.set()
        assert release.wait(30), "the test never released the load"
        return real(session, postcodes, previous)

    monkeypatch.setattr(webapp.directory, "load_directory", held)
    return started, release


def _change_the_data(app) -> None:
    """Something the directory's version notices (and no other test: the same content)."""
    from sqlalchemy import update

    from database import utcnow
    from representatives.tables import Person

    with app_state(app).database.session_factory() as session:
        session.execute(update(Person).where(Person.id == "t:nl-mep").values(updated_at=utcnow()))
        session.commit()


def test_the_directory_due_for_a_check_is_rebuilt_in_the_background(app, monkeypatch):
    cache = app_state(app).directory
    before = cache.get()
    started, release = _held_load(monkeypatch)
    _change_the_data(app)
    cache.invalidate()
    try:
        # The rebuild starts in another thread; this one goes on with what it has.
        assert _returns_within(5, cache.get) is before
        assert started.wait(5), "no rebuild began"
        # While the rebuild waits, every caller is served at once, postcode lookups included.
        assert _returns_within(5, cache.get) is before
        match = _returns_within(5, lambda: cache.get().match("US", "94110"))
        assert [m.target.id for m in match.targets] == ["t:us-rep-12", "t:us-senator"]
    finally:
        release.set()
    cache._recheck.join(10)
    after = cache.get()
    assert after is not before and after.get("t:nl-mep") is not None


def test_the_first_directory_is_waited_for(app, monkeypatch):
    # With nothing loaded yet there is nothing to serve: a thread waits for the one loading.
    cache = DirectoryCache(app_state(app).database.session_factory)
    started, release = _held_load(monkeypatch)
    lock = _WatchedLock(cache._recheck._first)
    cache._recheck._first = lock
    loading = threading.Thread(target=cache.get, daemon=True)
    loading.start()
    assert started.wait(5), "the first load did not begin"
    waiting = threading.Thread(target=cache.get, daemon=True)
    waiting.start()
    assert lock.waited_for.wait(5), "the second thread did not wait for the first load"
    assert waiting.is_alive()  # it cannot have gone on: the first load still holds the lock
    release.set()
    for thread in (loading, waiting):
        thread.join(10)
        assert not thread.is_alive()
    assert cache.get().get("t:nl-mep") is not None


def test_a_request_looks_up_postcodes_with_its_own_connection(app):
    from webapp.db import get_session

    directory = app_state(app).directory.get()
    pool = app_state(app).database.engine.pool
    with app.test_request_context():
        get_session().execute(text("SELECT 1"))  # the request holds a connection already
        held = pool.checkedout()
        match = directory.match("US", "94110")
        # No second connection per lookup: with a pool of one per thread it could wait.
        assert pool.checkedout() == held
    assert [m.target.id for m in match.targets] == ["t:us-rep-12", "t:us-senator"]


class _WatchedLock:
    """A lock that tells when a thread asks for it and is willing to wait."""

    def __init__(self, lock):
        self._lock = lock
        self.waited_for = threading.Event()

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        if blocking and self._lock.locked():
            self.waited_for.set()
        return self._lock.acquire(blocking, timeout)

    def release(self) -> None:
        self._lock.release()

    def __enter__(self):
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()


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


def test_a_reload_keeps_what_did_not_change_from_the_directory_in_use(app):
    from representatives.tables import Person

    cache = app_state(app).directory
    before = cache.refresh()
    session_factory = app_state(app).database.session_factory

    def rename(name: str) -> None:
        with session_factory() as session:
            session.get(Person, "t:us-senator").name = name
            session.commit()

    old_name = before.get("t:us-senator").name
    rename("Sam Renamed")
    try:
        after = cache.refresh()
        assert after is not before and after.get("t:us-senator").name == "Sam Renamed"
        # The rest are kept as the directory in use held them: not held twice during a reload.
        assert after.packed("t:nl-mep") is before.packed("t:nl-mep")
        assert after.packed("t:us-rep-12") is before.packed("t:us-rep-12")
        assert after.get("t:nl-mep") == before.get("t:nl-mep")
    finally:
        rename(old_name)
        cache.refresh()
