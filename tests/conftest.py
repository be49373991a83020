"""Fixtures shared by all tests: paths, the shared data sets, the database back-ends, and the
app on SQLite and on PostgreSQL, migrated with Alembic, with the test data loaded.

Under pytest-xdist every worker process has its own PostgreSQL database and Redis database
(see `POSTGRES_URL` and `REDIS_URL`); its temporary folders are its own already.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from database import make_engine
from letters.templates import load_all_campaigns
from tests.apps import clear_outbox_tables, migrate_database, running_app
from tests.webapp.data import load_test_directory
from webapp.app_state import app_state
from webapp.campaigns import file_campaigns

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = PROJECT_ROOT.parent / "shared" / "data"
IN_CI = bool(os.environ.get("CI"))

# "gw0", "gw1"... in a pytest-xdist worker, set before this file is imported; "" without xdist.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
WORKER_NUMBER = int(WORKER.removeprefix("gw")) if WORKER else 0

BASE_POSTGRES_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
BASE_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
REDIS_DATABASES = 16  # Redis's default number of databases


def _worker_postgres_url(base: str) -> str:
    """The base database without xdist; `<base>_gw0`, `<base>_gw1`... in its workers."""
    if not WORKER:
        return base
    url = make_url(base)
    return url.set(database=f"{url.database}_{WORKER}").render_as_string(hide_password=False)


def _worker_redis_url(base: str) -> str:
    """The base database number for one process or the first worker; one less for each next.

    Counting down from the default 15 gives the first two workers the databases these tests
    used before there were workers.
    """
    parts = urlsplit(base)
    number = (int(parts.path.strip("/") or 0) - WORKER_NUMBER) % REDIS_DATABASES
    return urlunsplit(parts._replace(path=f"/{number}"))


POSTGRES_URL = _worker_postgres_url(BASE_POSTGRES_URL)
REDIS_URL = _worker_redis_url(BASE_REDIS_URL)


# Tests that share an expensive setup, each set run by one xdist worker: one Chromium rather
# than one per worker, and the real data sets imported once (module-scoped fixtures).
SHARED_SETUP = (
    "tests/browser/",
    "tests/representatives/test_rep_importers.py::",
    "tests/webapp/test_real_data.py::",
)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """`--dist load`, except that each SHARED_SETUP set goes to one worker as one unit.

    What `--dist loadgroup` with xdist_group marks would do, but pytest-xdist 3.8 ignores the
    marks under pytest 9.2 (pytest-dev/pytest-xdist#1386).
    """
    if config.getvalue("dist") != "load":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class SharedSetupScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return next((prefix for prefix in SHARED_SETUP if nodeid.startswith(prefix)), nodeid)

    return SharedSetupScheduling(config, log)


def require_or_skip(condition: bool, reason: str) -> None:
    """Skip when something outside the project is missing, but fail in CI, which has it all."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{reason} (CI must have it)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    require_or_skip(SHARED_DATA.is_dir(), f"shared data sets not found at {SHARED_DATA}")
    return SHARED_DATA


def postgres_available() -> bool:
    """Whether the server of TEST_POSTGRES_URL answers (this worker's database may not exist)."""
    try:
        engine = create_engine(BASE_POSTGRES_URL, connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
        return True
    except Exception:  # noqa: BLE001  (any failure means: not available)
        return False


def create_worker_database() -> None:
    """Create this worker's PostgreSQL database on the base's server, unless it exists."""
    if POSTGRES_URL == BASE_POSTGRES_URL:
        return
    name = make_url(POSTGRES_URL).database
    engine = create_engine(BASE_POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            exists = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            ).scalar()
            if not exists:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()


def redis_available() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


# --- the app -----------------------------------------------------------------------------

@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """One migrated SQLite file with the test data, per process; each test gets a copy."""
    base = tmp_path_factory.mktemp("sqlite-template")
    path = base / "template.sqlite3"
    migrate_database(base, f"sqlite:///{path}", load_test_directory)
    return path


@pytest.fixture(scope="session")
def postgres_migrated(tmp_path_factory) -> str:
    """This process's PostgreSQL database, emptied, migrated and loaded with the test data."""
    require_or_skip(postgres_available(), f"PostgreSQL not reachable at {BASE_POSTGRES_URL}")
    create_worker_database()
    engine = make_engine(POSTGRES_URL)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    migrate_database(tmp_path_factory.mktemp("pg"), POSTGRES_URL, load_test_directory)
    return POSTGRES_URL


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        path = tmp_path / "app.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("postgres_migrated")
    clear_outbox_tables(url)
    return url


@pytest.fixture
def app(database_url, tmp_path):
    with running_app(tmp_path, database_url) as app:
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def outbox(app) -> Path:
    return app_state(app).config.mail_outbox_dir


@pytest.fixture(scope="session", autouse=True)
def _file_campaigns_stay_as_loaded():
    """Every app of a process shares the campaigns loaded from the files: none may change them."""
    yield
    if file_campaigns.cache_info().currsize:
        content, _ = file_campaigns()
        assert content == load_all_campaigns(), "a test or the app changed the shared campaigns"
