"""SQLAlchemy foundation shared by the domain packages and the web app (no Flask here)."""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import NamedTuple

from sqlalchemy import MetaData, Select, Table, create_engine, event, insert
from sqlalchemy.engine import Connection, Dialect, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import DeclarativeBase, sessionmaker

from .sqlite_writers import TurnTakingConnection

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


def utcnow() -> datetime:
    """Timezone-aware now, the only clock the models use."""
    return datetime.now(UTC)


def insert_or_merge(session, table):
    """An INSERT of the session's dialect, which has `on_conflict_do_nothing/do_update`."""
    from sqlalchemy.dialects.postgresql import insert as pg_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    dialect = session.get_bind().dialect.name
    return (pg_insert if dialect == "postgresql" else sqlite_insert)(table)


def as_utc(moment: datetime | None) -> datetime | None:
    """A time read back from the database, as aware UTC: SQLite returns it without a zone."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def make_engine(url: str, **kwargs) -> Engine:
    """Create an engine; SQLite gets the pragmas that make it safe for several processes."""
    if url.startswith("sqlite"):
        # Writers of several processes queue at a lock file, not in SQLite's sleeps.
        kwargs["connect_args"] = {"timeout": 30, "factory": TurnTakingConnection,
                                  **kwargs.get("connect_args", {})}
        engine = create_engine(url, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            # WAL lets the worker write while the web process reads; foreign keys are off by
            # default in SQLite.
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            # With WAL, NORMAL never corrupts the database and loses nothing when a process
            # dies; only a power cut can undo the last commits. It saves an fsync per commit.
            cursor.execute("PRAGMA synchronous=NORMAL")
            # The commit that fills the log past this many pages copies it into the database
            # and syncs both, holding the write lock meanwhile. At SQLite's default of 1,000,
            # each submission's 15 or so pages brought that about every 60 submissions; at
            # 10,000 (a log of up to 40 MB) it comes a tenth as often, and a page written by
            # many submissions in between (an index's last leaf) is copied once.
            cursor.execute("PRAGMA wal_autocheckpoint=10000")
            cursor.close()

        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def make_session_factory(engine: Engine) -> sessionmaker:
    return sessionmaker(bind=engine, expire_on_commit=False)


def _run_on_cursor(connection: Connection, sql: str, parameters) -> tuple:
    """Run SQL on the connection's own DBAPI cursor, inside its transaction; the first row
    returned, or () when none is. A driver error comes out as SQLAlchemy's, as from
    `Connection.execute` (an IntegrityError as `sqlalchemy.exc.IntegrityError`)."""
    cursor = connection.connection.cursor()
    try:
        cursor.execute(sql, parameters)
        row = cursor.fetchone() if cursor.description else None
        return () if row is None else row
    except connection.dialect.loaded_dbapi.Error as error:
        raise DBAPIError.instance(sql, parameters, error, connection.dialect.loaded_dbapi.Error,
                                  dialect=connection.dialect) from error
    finally:
        cursor.close()


class _PreparedSQL(NamedTuple):
    sql: str
    positional: bool
    # (column or parameter, the dialect's bind processor or None), in the order the SQL
    # binds them
    processors: tuple[tuple[str, Callable | None], ...]

    def parameters(self, values: Mapping):
        if self.positional:
            return tuple(values[name] if process is None else process(values[name])
                         for name, process in self.processors)
        return {name: values[name] if process is None else process(values[name])
                for name, process in self.processors}


class DriverInsert:
    """An INSERT compiled once per dialect and set of columns, run on the DBAPI cursor.

    For the app's hottest write (a submission and its confirmation mail): running a Core statement
    (compiled-cache look-up, an execution context, parameter processing, result set-up) cost
    SQLAlchemy twice what SQLite took to run it, and `exec_driver_sql` still half of it. The
    SQL and the type conversions still come from SQLAlchemy: the statement's compiled form,
    and each column's bind processor for the dialect; it runs inside the caller's transaction
    (see _run_on_cursor). A column left out would be given its default by the execution
    context this skips, so a call that leaves out a column with a default is refused.
    """

    def __init__(self, table: Table, returning: str | None = None):
        self.table, self.returning = table, returning
        self._prepared: dict[tuple[str, tuple[str, ...]], _PreparedSQL] = {}

    def _for(self, dialect: Dialect, columns: tuple[str, ...]) -> _PreparedSQL:
        prepared = self._prepared.get((dialect.name, columns))
        if prepared is None:
            statement = insert(self.table)
            if self.returning:
                statement = statement.returning(self.table.c[self.returning])
            compiled = statement.compile(dialect=dialect, column_keys=list(columns))
            names = list(compiled.positiontup) if compiled.positional else list(compiled.params)
            if sorted(names) != sorted(columns):
                raise ValueError(f"{self.table.name}: the INSERT binds {sorted(names)}; give "
                                 f"every column with a default, not only {sorted(columns)}")
            prepared = self._prepared[dialect.name, columns] = _PreparedSQL(
                compiled.string, compiled.positional,
                tuple((name, self.table.c[name].type.dialect_impl(dialect)
                       .bind_processor(dialect)) for name in names))
        return prepared

    def one(self, connection: Connection, values: Mapping):
        """Insert one row; the `returning` column's value (None without one)."""
        prepared = self._for(connection.dialect, tuple(values))
        returned = _run_on_cursor(connection, prepared.sql, prepared.parameters(values))
        return returned[0] if returned else None


class _PreparedSelect(NamedTuple):
    query: _PreparedSQL  # the SQL and its parameters' conversions
    row: type  # a named tuple of the selected columns
    results: tuple[Callable | None, ...]  # each column's result processor, or None


class DriverSelect:
    """A SELECT compiled once per dialect, run on the DBAPI cursor: for a read on every request.

    As with DriverInsert, the SQL and the conversions of parameters and results (each type's
    processors for the dialect) come from SQLAlchemy; only its execution steps, which cost
    more than SQLite took to find the row, are skipped. Every parameter is a named
    `bindparam`, given on each call. The row comes back as a named tuple of the selected
    columns, read-only.
    """

    def __init__(self, statement: Select):
        self.statement = statement
        self._prepared: dict[str, _PreparedSelect] = {}

    def _for(self, dialect: Dialect) -> _PreparedSelect:
        prepared = self._prepared.get(dialect.name)
        if prepared is None:
            compiled = self.statement.compile(dialect=dialect)
            names = list(compiled.positiontup) if compiled.positional else list(compiled.params)
            columns = list(self.statement.selected_columns)
            prepared = self._prepared[dialect.name] = _PreparedSelect(
                _PreparedSQL(compiled.string, compiled.positional, tuple(
                    (name, compiled.binds[name].type.dialect_impl(dialect)
                     .bind_processor(dialect)) for name in names)),
                namedtuple("Row", [column.key for column in columns]),
                tuple(column.type.dialect_impl(dialect).result_processor(dialect, None)
                      for column in columns))
        return prepared

    def first(self, connection: Connection, values: Mapping):
        """The first row, or None."""
        prepared = self._for(connection.dialect)
        raw = _run_on_cursor(connection, prepared.query.sql,
                             prepared.query.parameters(values))
        if not raw:
            return None
        return prepared.row._make(value if process is None else process(value)
                                  for value, process in zip(raw, prepared.results, strict=True))
