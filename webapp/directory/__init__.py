"""The representatives' directory as every process keeps it in memory, and its commands."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flask import has_app_context
from sqlalchemy.orm import Session, sessionmaker

from representatives.directory import Directory
from representatives.store import DatabasePostcodes, directory_version, load_directory

from ..app_state import app_state
from ..db import get_session
from ..recheck import BackgroundRefresh


@dataclass(frozen=True, slots=True)
class _Loaded:
    directory: Directory
    version: str


class DirectoryCache:
    """The directory of representatives, rebuilt in the background when the data changes.

    Targets are held in memory; postcodes are looked up in the database, one indexed query per
    visitor, in the request's own session. Checking the data's version costs one small query,
    done at most every `check_seconds` by a background thread, which also rebuilds the
    directory when the version moved: requests go on with the one they have meanwhile, and
    only the very first load is waited for.
    """

    def __init__(self, session_factory: sessionmaker, check_seconds: float = 30.0):
        self.session_factory = session_factory
        self._postcodes = DatabasePostcodes(self._lookup_session)
        self._recheck: BackgroundRefresh[_Loaded] = BackgroundRefresh(
            self._load, check_seconds, "directory of representatives"
        )

    def get(self) -> Directory:
        return self._recheck.get().directory

    def invalidate(self) -> None:
        """Check the data's version on the next use (this process just changed it)."""
        self._recheck.invalidate()

    def refresh(self) -> Directory:
        """Check and rebuild now, in this thread: for commands and tests, not requests."""
        return self._recheck.refresh().directory

    def _load(self, current: _Loaded | None) -> _Loaded | None:
        with self.session_factory() as session:
            version = directory_version(session)
            if current is not None and current.version == version:
                return None
            previous = None if current is None else current.directory
            return _Loaded(load_directory(session, self._postcodes, previous), version)

    @contextmanager
    def _lookup_session(self) -> Iterator[Session]:
        # In a request (or any app context), its own session: a second connection per lookup
        # could wait for a pool sized for one per thread (see Database.fit_pool).
        if has_app_context() and app_state().database.session_factory is self.session_factory:
            yield get_session()
            return
        with self.session_factory() as session:
            yield session
