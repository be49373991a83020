"""The representatives' directory as every process keeps it in memory, and its commands."""

from __future__ import annotations

from sqlalchemy.orm import sessionmaker

from representatives.directory import Directory
from representatives.store import directory_version, load_directory

from ..recheck import Recheck


class DirectoryCache:
    """The in-memory directory, reloaded when the data in the database changes.

    Matching is a dictionary look-up on this; checking the data's version costs one small
    query, done at most every `check_seconds`.
    """

    def __init__(self, session_factory: sessionmaker, check_seconds: float = 30.0):
        self.session_factory = session_factory
        self._directory: Directory | None = None
        self._version: str | None = None
        self._recheck = Recheck(check_seconds)

    def get(self) -> Directory:
        # With no directory yet there is nothing to serve: wait for the thread loading it.
        self._recheck.run_if_due(self._reload, wait=self._directory is None)
        if self._directory is None:
            # The wait above ends with it loaded or with the loading's error raised; a clear
            # error rather than None should that ever change.
            raise RuntimeError("the directory of representatives is not loaded")
        return self._directory

    def _reload(self) -> None:
        with self.session_factory() as session:
            version = directory_version(session)
            if version != self._version or self._directory is None:
                self._directory = load_directory(session)
                self._version = version

    def invalidate(self) -> None:
        self._recheck.invalidate()
