"""The app on SQLite and on PostgreSQL, migrated with Alembic, with test data loaded."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import text

from database import make_engine
from tests.conftest import POSTGRES_URL, postgres_available, require_or_skip
from webapp import create_app
from webapp.app_state import app_state
from webapp.config import Config

from .data import load_test_directory


def make_config(tmp_path: Path, database_url: str, **overrides) -> Config:
    values = dict(
        secret_key="test-secret",
        database_url=database_url,
        instance_path=tmp_path / "instance",
        testing=True,
        mail_outbox_dir=tmp_path / "outbox",
        base_url="http://127.0.0.1:5000",
        mail_from_address="letters@campaign.example",
        ratelimit_enabled=False,
    )
    values.update(overrides)
    return Config(**values)


def migrate(app) -> None:
    from flask import Flask  # noqa: F401  (the command runs inside the app)

    runner = app.test_cli_runner()
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["campaigns", "sync"])
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """One migrated SQLite file with the test data; each test gets a copy."""
    base = tmp_path_factory.mktemp("sqlite-template")
    path = base / "template.sqlite3"
    app = create_app(make_config(base, f"sqlite:///{path}"))
    migrate(app)
    load_test_directory(app)
    app_state(app).database.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_migrated(tmp_path_factory) -> str:
    require_or_skip(postgres_available(), f"PostgreSQL not reachable at {POSTGRES_URL}")
    engine = make_engine(POSTGRES_URL)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    base = tmp_path_factory.mktemp("pg")
    app = create_app(make_config(base, POSTGRES_URL))
    migrate(app)
    load_test_directory(app)
    app_state(app).database.dispose()
    return POSTGRES_URL


def _clear_outbox_tables(url: str) -> None:
    """Between PostgreSQL tests: empty what the app writes, keep the migrated directory data."""
    engine = make_engine(url)
    tables = ["webhook_event", "letter_event", "notice", "letter", "letter_text", "submission",
              "draft_count", "delivery_pause"]
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        connection.execute(text(
            "UPDATE campaign SET status = 'open', sending_paused = false, "
            "per_target_hourly_cap = NULL, send_window_start = NULL, send_window_end = NULL, "
            "test_recipient = NULL"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        path = tmp_path / "app.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("postgres_migrated")
    _clear_outbox_tables(url)
    return url


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app(make_config(tmp_path, database_url))
    yield app
    app_state(app).database.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def outbox(app) -> Path:
    return app_state(app).config.mail_outbox_dir
