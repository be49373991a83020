"""SQLAlchemy foundation shared by the domain packages and the web app (no Flask here)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar, overload

from sqlalchemy import MetaData, Table, create_engine, event
from sqlalchemy.engine import CursorResult, Engine, Result
from sqlalchemy.orm import DeclarativeBase, sessionmaker

# Stable constraint names, so that Alembic migrations are the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)

    if TYPE_CHECKING:
        # SQLAlchemy types `__table__` as any FromClause; every model here is mapped to a
        # Table, whose .insert()/.update()/.delete() the Core statements on `__table__` use.
        __table__: ClassVar[Table]


def utcnow() -> datetime:
    """Timezone-aware now, the only clock the models use."""
    return datetime.now(UTC)


def insert_or_merge(session, table):
    """An INSERT of the session's dialect, which has `on_conflict_do_nothing/do_update`."""
    from sqlalchemy.dialects.postgresql import insert as pg_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    dialect = session.get_bind().dialect.name
    return (pg_insert if dialect == "postgresql" else sqlite_insert)(table)


def rowcount(result: Result[Any]) -> int:
    """How many rows the UPDATE or DELETE that `Session.execute` ran matched.

    Its result is a CursorResult, which has `rowcount`; the Session's types promise only a
    Result, whichever the statement.
    """
    assert isinstance(result, CursorResult)
    return result.rowcount


@overload
def as_utc(moment: datetime) -> datetime: ...
@overload
def as_utc(moment: datetime | None) -> datetime | None: ...
def as_utc(moment: datetime | None) -> datetime | None:
    """A time read back from the database, as aware UTC: SQLite returns it without a zone."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def make_engine(url: str, **kwargs) -> Engine:
    """Create an engine; SQLite gets the pragmas that make it safe for several processes."""
    # A statement's error would otherwise quote its parameters (a supporter's name, address,
    # letters) wherever it is logged or shown.
    kwargs.setdefault("hide_parameters", True)
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"timeout": 30, **kwargs.get("connect_args", {})}
        engine = create_engine(url, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            # WAL lets the worker write while the web process reads; foreign keys are off by
            # default in SQLite; a writer waits for another's lock rather than failing.
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            # With WAL, NORMAL never corrupts the database and loses nothing when a process
            # dies; only a power cut can undo the last commits. It saves an fsync per commit.
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def make_session_factory(engine: Engine) -> sessionmaker:
    return sessionmaker(bind=engine, expire_on_commit=False)
