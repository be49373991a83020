"""One importer per public data format, all with the same call shape and the same report.

Each importer is `f(session, path, *, dry_run=False, partial=False, allow_mass_retirement=False)
-> ImportReport`. It validates the whole file first and writes nothing when any row is
rejected (unless `partial=True`); it writes into the caller's session and the caller commits
(`run_import` does both).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from .base import ImportReport, Rejection
from .europarl import import_meps
from .pauseai import import_pauseai
from .project import DEFAULT_DATA, import_project
from .us_congress import import_legislators, import_zccd

Importer = Callable[..., ImportReport]

IMPORTERS: dict[str, Importer] = {
    "default": import_project,
    "pauseai-contacts": import_pauseai,
    "ep-meps-csv": import_meps,
    "us-legislators": import_legislators,
    "us-zccd": import_zccd,
}


def run_import(
    session_factory: sessionmaker,
    key: str,
    path: str | Path | None = None,
    **options,
) -> ImportReport:
    """Run importer `key` in its own session and commit when it wrote anything."""
    importer = IMPORTERS[key]
    session: Session
    with session_factory() as session:
        report = (
            importer(session, path, **options) if path is not None else importer(session, **options)
        )
        if report.written:
            session.commit()
        return report


__all__ = [
    "DEFAULT_DATA",
    "IMPORTERS",
    "ImportReport",
    "Rejection",
    "import_legislators",
    "import_meps",
    "import_pauseai",
    "import_project",
    "import_zccd",
    "run_import",
]
