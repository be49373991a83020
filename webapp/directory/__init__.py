"""The representatives' directory as every process keeps it in memory, and its commands."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flask import has_app_context
from sqlalchemy.orm import Session, sessionmaker

from representatives.directory import Directory
from representatives.store import DatabasePostcodes, directory_version, load_directory

from ..app_state import app_state
from ..db import get_session
from ..recheck import BackgroundRefresh

# From this many targets on, a new directory is set aside from the garbage collector (see
# _built_aside): below it, a full collection of the whole process is short anyway.
FREEZE_FROM_TARGETS = 10_000


def _built_aside(build: Callable[[], Directory], freeze_from: int) -> Directory:
    """`build()`, without the garbage collector stopping every thread meanwhile or later.

    A full collection visits every object of the process that can refer to others, holding the
    interpreter lock throughout: the targets, channels and tuples of a large directory make it
    long, and building one allocates enough to set off several, each while requests wait.
    Automatic collections wait until the build is done; then, if the directory is large, every
    object alive (the directory's among them) is frozen, so that later collections skip them.
    A directory holds no reference cycles: once replaced, reference counting frees it, frozen
    or not.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        directory = build()
        if len(directory) >= freeze_from:
            gc.freeze()
        return directory
    finally:
        if enabled:
            gc.enable()


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

    def __init__(self, session_factory: sessionmaker, check_seconds: float = 30.0,
                 freeze_from: int = FREEZE_FROM_TARGETS):
        self.session_factory = session_factory
        self.freeze_from = freeze_from
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
            directory = _built_aside(lambda: load_directory(session, self._postcodes),
                                     self.freeze_from)
            return _Loaded(directory, version)

    @contextmanager
    def _lookup_session(self) -> Iterator[Session]:
        # In a request (or any app context), its own session: a second connection per lookup
        # could wait for a pool sized for one per thread (see Database.fit_pool).
        if has_app_context() and app_state().database.session_factory is self.session_factory:
            yield get_session()
            return
        with self.session_factory() as session:
            yield session
