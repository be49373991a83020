"""Building the app in tests: its configuration, a migrated database, and the cleaning between
tests. The fixtures that use these are in tests/conftest.py."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text, update

from database import make_engine
from webapp import create_app
from webapp.app_state import app_state
from webapp.config import Config
from webapp.models import Campaign

# Every campaign setting staff or a test can change, at the value a new campaign gets: read off
# the model, so that a setting added later is reset too (a test that ticks 5 letters must not
# leave 5 ticked for the next test on the shared PostgreSQL database).
CAMPAIGN_DEFAULTS = {
    column.name: column.default.arg if column.default is not None else None
    for column in Campaign.__table__.columns
    if column.name not in {"id", "slug", "created_at"}
}


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
    """`flask db upgrade` and `flask campaigns sync`, through the app's CLI runner."""
    runner = app.test_cli_runner()
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["campaigns", "sync"])
    assert result.exit_code == 0, result.output


def migrate_database(base: Path, database_url: str,
                     load: Callable[[object], None] | None = None) -> None:
    """Migrate the database at `database_url` and `load(app)` data into it, through an app
    whose instance folder is under `base`; the app's connections are closed after."""
    app = create_app(make_config(base, database_url))
    migrate(app)
    if load is not None:
        load(app)
    app_state(app).database.dispose()


def migrated_sqlite(base: Path, load: Callable[[object], None] | None = None) -> str:
    """The address of a new SQLite file in `base`, migrated and with `load(app)` loaded: a
    module's own database, copied by nothing (tests that change it use another)."""
    url = f"sqlite:///{base / 'app.sqlite3'}"
    migrate_database(base, url, load)
    return url


def import_shipped_data(app) -> None:
    """What `flask setup` (make run) loads: the project's default data, nothing imported."""
    result = app.test_cli_runner().invoke(args=["reps", "import", "default"])
    assert result.exit_code == 0, result.output


@contextmanager
def running_app(tmp_path: Path, database_url: str, **overrides) -> Iterator[object]:
    """The app on `database_url`, its connections closed when the test is done with it."""
    app = create_app(make_config(tmp_path, database_url, **overrides))
    try:
        yield app
    finally:
        app_state(app).database.dispose()


def clear_outbox_tables(url: str) -> None:
    """Between PostgreSQL tests: empty what the app writes, keep the migrated directory data."""
    engine = make_engine(url)
    tables = ["webhook_event", "letter_event", "notice", "letter", "letter_text", "submission",
              "draft_count", "delivery_pause", "spent_challenge", "data_report",
              "target_response"]
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        connection.execute(update(Campaign.__table__).values(CAMPAIGN_DEFAULTS))
        # Bounces (the webhook's tests, its fuzz) mark directory addresses; the next test
        # starts with none marked.
        connection.execute(text(
            "UPDATE rep_contact_detail SET bounced_at = NULL WHERE bounced_at IS NOT NULL"))
    engine.dispose()
