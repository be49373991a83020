"""Helpers the representatives tests share: the shared public data and a throwaway database."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from database import Base, make_engine
from representatives import tables

PROJECT_ROOT = Path(__file__).resolve().parents[2]
# The public data sets live beside the project, never inside it (see ../shared/data/README.md).
SHARED_DATA = (PROJECT_ROOT / ".." / "shared" / "data").resolve()

REP_TABLES = [
    model.__table__
    for model in (
        tables.Area,
        tables.Organization,
        tables.Person,
        tables.Membership,
        tables.ContactDetail,
        tables.PostcodeArea,
        tables.Summit,
        tables.SummitParticipation,
        tables.ImportRun,
    )
]


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def shared_file(*parts: str) -> Path:
    """A file of ../shared/data; skip without it, but fail in CI, which must run these tests."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.is_file():
        message = f"needs the public data file {path} (../shared/data is absent in a fresh clone)"
        if in_ci():
            pytest.fail(f"CI is set but {message}")
        pytest.skip(message)
    return path


def make_database(path: Path):
    """An engine on a new SQLite file holding only this package's tables."""
    engine = make_engine(f"sqlite:///{path}")
    # Only our tables: other packages' models may be imported in the same test run.
    Base.metadata.create_all(engine, tables=REP_TABLES)
    return engine
