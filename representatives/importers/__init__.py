"""One importer per public data format, all with the same call shape and the same report.

Each importer is `f(session, path, *, dry_run=False, partial=False, allow_mass_retirement=False,
**its own options) -> ImportReport` (`build_options` reads those options from a command line).
It validates the whole file first and writes nothing when any row is
rejected (unless `partial=True`); it writes into the caller's session and the caller commits
(`run_import` does both).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from .base import ImportReport, Rejection, progress_to
from .europarl import import_meps
from .everypolitician import import_everypolitician_csv
from .generic_csv import ColumnMapping, MappingError, import_generic_csv, load_mapping, parse_pairs
from .pauseai import import_pauseai
from .popolo import import_popolo
from .postcodes import PostcodeMapping, import_postcode_csv
from .project import DEFAULT_DATA, import_project
from .us_congress import import_legislators, import_zccd

Importer = Callable[..., ImportReport]

IMPORTERS: dict[str, Importer] = {
    "default": import_project,
    "pauseai-contacts": import_pauseai,
    "ep-meps-csv": import_meps,
    "us-legislators": import_legislators,
    "us-zccd": import_zccd,
    "everypolitician-csv": import_everypolitician_csv,
    "popolo-json": import_popolo,
    "generic-csv": import_generic_csv,
    "postcode-csv": import_postcode_csv,
}
# The fields a --mapping may name, by importer (generic-csv's by default).
MAPPINGS: dict[str, type[ColumnMapping]] = {"postcode-csv": PostcodeMapping}
# What each format reads, for `flask reps import --help`: the fields a mapping names, or the
# columns and keys of a published file.
FORMAT_FIELDS: dict[str, str] = {
    "default": "no FILE: the project's own data (summits, participation, government offices)",
    "pauseai-contacts": "contacts.json: countries[].contacts[] with name, title, organization, "
    "role_type, email, source_url, verified_date",
    "ep-meps-csv": "columns epid, country, first_name, last_name, email (and gender, party, "
    "eugroup, phone, since, and one column per committee code: M, S, C or V)",
    "us-legislators": "legislators-current.yaml: id (bioguide), name (first, last, "
    "official_full), bio (gender), terms (type, state, district, party, start, contact_form, "
    "address, phone)",
    "us-zccd": "columns state_fips, state_abbr, zcta, cd",
    "everypolitician-csv": "columns id, name, sort_name, email, group (party), area_id, area, "
    "chamber, start_date, end_date, gender (given_name, family_name, honorific_prefix, phone)",
    "popolo-json": "persons, organizations, memberships, areas (Popolo JSON)",
    "generic-csv": "fields " + ", ".join(ColumnMapping.fields)
    + " (--map FIELD=COLUMN, --default FIELD=VALUE)",
    "postcode-csv": "fields " + ", ".join(PostcodeMapping.fields)
    + " (--map FIELD=COLUMN, --default FIELD=VALUE)",
}
_COMMON = frozenset({"dry_run", "partial", "allow_mass_retirement"})


class OptionError(ValueError):
    """An option the chosen importer does not take, lacks, or cannot read."""


def importer_options(key: str) -> dict[str, bool]:
    """The importer's own options (beyond the common ones): name -> whether it is required."""
    parameters = inspect.signature(IMPORTERS[key]).parameters.values()
    return {
        p.name: p.default is inspect.Parameter.empty
        for p in parameters
        if p.kind is inspect.Parameter.KEYWORD_ONLY and p.name not in _COMMON
    }


def needs_path(key: str) -> bool:
    """Whether the importer needs a file (the project's `default` has one built in)."""
    path = inspect.signature(IMPORTERS[key]).parameters.get("path")
    return path is not None and path.default is inspect.Parameter.empty


def build_options(
    key: str,
    *,
    country: str | None = None,
    source: str | None = None,
    source_url: str | None = None,
    as_of: str | date | None = None,
    role: str | None = None,
    mapping: str | Path | None = None,
    columns: list[str] | tuple[str, ...] = (),
    defaults: list[str] | tuple[str, ...] = (),
) -> dict[str, Any]:
    """The keyword options for importer `key` from command-line values; OptionError if one
    does not apply to it, a required one is missing, or a value cannot be read."""
    accepted = importer_options(key)
    given: dict[str, Any] = {
        name: value
        for name, value in (
            ("country", country),
            ("source", source),
            ("source_url", source_url),
            ("as_of", as_of),
            ("role", role),
        )
        if value not in (None, "")
    }
    if mapping or columns or defaults:
        kind = MAPPINGS.get(key, ColumnMapping)
        try:
            found = load_mapping(mapping, kind) if mapping else kind()
            given["mapping"] = found.merged(
                kind(parse_pairs(columns), parse_pairs(defaults, what="--default"))
            )
        except MappingError as exc:
            raise OptionError(str(exc)) from exc
    if isinstance(given.get("as_of"), str):
        try:
            given["as_of"] = date.fromisoformat(given["as_of"])
        except ValueError:
            raise OptionError(f"--as-of {as_of!r}: expected YYYY-MM-DD") from None
    flags = {"mapping": "--mapping/--map/--default"}
    for name in given:
        if name not in accepted:
            flag = flags.get(name, "--" + name.replace("_", "-"))
            raise OptionError(f"{flag} does not apply to {key}")
    missing = [name for name, required in accepted.items() if required and name not in given]
    if missing:
        raise OptionError(
            f"{key} needs " + ", ".join("--" + name.replace("_", "-") for name in missing)
        )
    return given


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
    "FORMAT_FIELDS",
    "IMPORTERS",
    "ColumnMapping",
    "ImportReport",
    "MAPPINGS",
    "OptionError",
    "PostcodeMapping",
    "Rejection",
    "build_options",
    "import_everypolitician_csv",
    "import_generic_csv",
    "import_legislators",
    "import_meps",
    "import_pauseai",
    "import_popolo",
    "import_postcode_csv",
    "import_project",
    "import_zccd",
    "importer_options",
    "needs_path",
    "progress_to",
    "run_import",
]
