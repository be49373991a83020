"""What the logs may hold: ids and error classes, never a supporter's name, address or letter;
and an outage as one clear line a minute, not a traceback for every request.

Installed once per process (`install`, called by create_app through `errors.init_app`):

- Every logged traceback keeps its frames (file, line, code) but not the exceptions' messages.
  A database error quotes the statement's parameters or the row that clashed; a mail service's
  answer may quote the recipient; none of that is ours to control. It is done where a record is
  made (`logging.setLogRecordFactory`), so it holds whichever library logs and whichever handler
  (Flask's, gunicorn's, huey's, a test's) writes the line.
- An outage (the database, Redis, the queue's file) is reported by `report_outage`: one line a
  minute for each place and kind of error, saying where and what, never a password. Our code
  calls it where it catches such an error; `OutageFilter`, on the loggers of the libraries that
  log these errors themselves (Flask's log of an unhandled error, huey's consumer and tasks,
  SQLAlchemy's pool), turns their tracebacks into the same line.
"""

from __future__ import annotations

import logging
import re
import sqlite3
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import redis.exceptions
from sqlalchemy import exc as sa_exc

if TYPE_CHECKING:
    from .config import Config

log = logging.getLogger("webapp.outages")

DATABASE = "Database"
REDIS = "Redis"
QUEUE_FILE = "Task queue file"

# The loggers of libraries that log outage errors with a traceback, once per request, thread
# or retry. (Flask's own logger, named after the app, is added by `install`.)
LIBRARY_LOGGERS = (
    "huey",  # "Unhandled exception in task ..."
    "huey.consumer",
    "huey.consumer.Worker",  # "Error reading from queue", by every thread, every second
    "huey.consumer.Scheduler",  # "Error reading schedule.", every second
    "sqlalchemy.pool.impl.QueuePool",  # "Exception during reset or similar"
)

# What an outage means for letters, said in its line.
_MEANWHILE = {
    DATABASE: "nothing new is stored or sent meanwhile, stored letters are kept",
    REDIS: "letters are kept in the database and the sweep queues them",
    QUEUE_FILE: "letters are kept in the database and the sweep queues them",
}

# "scheme://user:password@" (the user may be empty, as in Redis URLs).
_PASSWORD = re.compile(r"^([\w+.-]+://)([^/@:]*):[^/@]*@")

_HIDDEN = "(message not logged: it may quote a supporter's details)"


# --- what an error may say in a log ------------------------------------------------------

def describe(error: BaseException) -> str:
    """An error as a log may name it: its class, and the database driver's class beneath it."""
    name = type(error).__name__
    orig = getattr(error, "orig", None)
    if isinstance(error, sa_exc.DBAPIError) and isinstance(orig, BaseException):
        return f"{name} ({type(orig).__module__}.{type(orig).__name__})"
    return name


def _chain(error: BaseException) -> Iterator[BaseException]:
    """The error, then what caused it or was being handled when it happened (each once)."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or (None if current.__suppress_context__
                                        else current.__context__)


def private_traceback(error: BaseException) -> str:
    """The traceback Python would print, each exception's message replaced by a note.

    The frames name our code and the libraries', never a value; the messages are what may
    hold a statement's parameters, a row, a recipient.
    """
    parts: list[str] = []
    chain = list(_chain(error))
    for position, exc in enumerate(reversed(chain)):
        if position:
            parts.append("\nThe above exception was the direct cause of the following exception:"
                         "\n\n" if exc.__cause__ is not None else
                         "\nDuring handling of the above exception, another exception "
                         "occurred:\n\n")
        if exc.__traceback__ is not None:
            parts.append("Traceback (most recent call last):\n")
            parts.extend(traceback.format_tb(exc.__traceback__))
        kind = type(exc)
        module = "" if kind.__module__ == "builtins" else f"{kind.__module__}."
        parts.append(f"{module}{kind.__qualname__}: {_HIDDEN}\n")
    return "".join(parts).rstrip("\n")


def redacted_url(url: str) -> str:
    """A database or Redis URL fit for a log: no password, no query (which may hold one)."""
    return _PASSWORD.sub(lambda m: m[1] + (f"{m[2]}@" if m[2] else ""), url.partition("?")[0])


# --- outages -----------------------------------------------------------------------------

def outage_service(error: BaseException) -> str | None:
    """Which service an error says is unavailable (DATABASE, REDIS, QUEUE_FILE), if any.

    The error and what it was raised from, not what was being handled when it happened: a
    fault in the code that handles an outage is a fault of its own, with its own traceback.
    """
    causes: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in causes:
        causes.append(current)
        current = current.__cause__
    for exc in causes:
        if isinstance(exc, (sa_exc.OperationalError, sa_exc.InterfaceError,
                            sa_exc.DisconnectionError)):
            return DATABASE
        if isinstance(exc, (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)):
            return REDIS
        if isinstance(exc, sqlite3.OperationalError):
            # Not wrapped by SQLAlchemy, so not the app's database: huey's SQLite storage.
            return QUEUE_FILE
        psycopg = sys.modules.get("psycopg")
        if psycopg is not None and isinstance(exc, (psycopg.OperationalError,
                                                    psycopg.InterfaceError)):
            return DATABASE  # unwrapped: SQLAlchemy's pool logs these itself
    return None


class Throttle:
    """Lets a key through once per window; counts what it held back meanwhile."""

    def __init__(self, window_seconds: float = 60.0,
                 clock: Callable[[], float] = time.monotonic):
        self.window = window_seconds
        self.clock = clock
        self._lock = threading.Lock()
        self._last: dict[tuple, tuple[float, int]] = {}

    def allow(self, key: tuple, now: float | None = None) -> tuple[bool, int]:
        """Whether to let this one through, and how many were held back since the last.

        `now` on the throttle's clock; the clock's time when not given."""
        now = self.clock() if now is None else now
        with self._lock:
            last = self._last.get(key)
            if last is not None and now - last[0] < self.window:
                self._last[key] = (last[0], last[1] + 1)
                return False, 0
            self._last[key] = (now, 0)
            return True, last[1] if last else 0

    def reset(self) -> None:
        with self._lock:
            self._last.clear()


class Outages:
    """One line a minute for each kind of outage, however many requests or threads meet it."""

    def __init__(self, throttle: Throttle | None = None):
        self.throttle = throttle or Throttle()
        # Where each service is, as this process's config says (set by `install`).
        self.places: dict[str, str] = {}

    def report(self, error: BaseException) -> bool:
        """Log the outage `error` shows (held back if the same was logged within the window);
        False, logging nothing, when it is not an outage: the caller deals with it."""
        service = outage_service(error)
        if service is None:
            return False
        self.report_kind(service, describe(error))
        return True

    def report_kind(self, service: str, kind: str) -> None:
        where = self.places.get(service, "the configured address")
        allowed, held_back = self.throttle.allow((service, where, kind))
        if allowed:
            since = f" ({held_back} more since the last such line)" if held_back else ""
            log.log(logging.ERROR if service == DATABASE else logging.WARNING,
                    "%s unreachable at %s: %s; will retry; %s%s",
                    service, where, kind, _MEANWHILE[service], since)


OUTAGES = Outages()


def report_outage(error: BaseException) -> bool:
    """Report an outage once a minute (see `Outages.report`); False if `error` is not one."""
    return OUTAGES.report(error)


class OutageFilter(logging.Filter):
    """On a library's logger: a record about an outage becomes `report_outage`'s line."""

    def filter(self, record: logging.LogRecord) -> bool:
        outage = getattr(record, "outage", None)
        if outage is None:
            return True
        OUTAGES.report_kind(*outage)
        return False


# --- the record factory ------------------------------------------------------------------

class _PrivateRecords:
    """Wraps the record factory: a record with a traceback gets it without the messages."""

    def __init__(self, factory: Callable[..., logging.LogRecord]):
        self.factory = factory

    def __call__(self, *args, **kwargs) -> logging.LogRecord:
        record = self.factory(*args, **kwargs)
        exc_info = record.exc_info
        if exc_info and exc_info[1] is not None:
            error = exc_info[1]
            record.exc_text = private_traceback(error)
            record.exc_info = None  # so that no formatter writes the messages after all
            service = outage_service(error)
            # Names only, not the error: a formatter that writes every attribute would str() it.
            record.outage = (service, describe(error)) if service else None
        return record


def install(config: Config, app_logger: str) -> None:
    """Once per process: private tracebacks, and outages as one line a minute."""
    OUTAGES.places[DATABASE] = redacted_url(config.database_url)
    if config.redis_url:
        OUTAGES.places[REDIS] = redacted_url(config.redis_url)
    OUTAGES.places[QUEUE_FILE] = str(config.instance_path / "queue.sqlite3")
    if not isinstance(logging.getLogRecordFactory(), _PrivateRecords):
        logging.setLogRecordFactory(_PrivateRecords(logging.getLogRecordFactory()))
    for name in (app_logger, *LIBRARY_LOGGERS):
        logger = logging.getLogger(name)
        if not any(isinstance(f, OutageFilter) for f in logger.filters):
            logger.addFilter(OutageFilter())
