"""Postcode tables: which area each postcode (or postcode prefix) lies in, from a CSV file.

Any country's table, read through a column mapping as generic-csv reads a sheet of people
(`--map postcode=pcds --map area=pcon --default country=GB`, or a JSON or TOML file). Fields:

- postcode: a postcode, or a prefix standing for every postcode that starts with it, when the
  cell ends with "*" or the row's `prefix` field says yes ("1012*": 1012 AB, 1012 CD, ...).
  Stored as matching reads it: no spaces, upper case, a US ZIP+4 as its ZIP.
- area: the area's label, as the members' data names it (generic-csv's `area`, "CA-12" in the
  US Congress data); several areas in one cell are separated by ";".
- country: an ISO code (or `--country`).
- area_name, parent: for areas new to the database, a name for staff and the label of the area
  containing it (a region, whose members are then found too). An existing area keeps its own.
- prefix: yes or no, for the row (usually a default for the file: `--default prefix=yes`).

An area has as many postcodes as the file gives it. A postcode in several areas has a row per
area (or several areas in its cell); matching then returns every candidate area with the note
"postcode_spans_areas", for the supporter to choose among them.

Tables of millions of rows: the file is read row by row, each row checked and sent into a
temporary table in batches, and the database computes the difference with `rep_postcode_area`,
so the import holds neither the file nor its rows in memory. As with every importer, nothing is
written when a row is rejected (unless `partial`), the rows this source listed before and no
longer lists are removed, and importing an unchanged file changes nothing.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any, ClassVar

from sqlalchemy import (
    ARRAY,
    Column,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    bindparam,
    delete,
    exists,
    func,
    insert,
    literal,
    select,
    text,
)
from sqlalchemy.orm import Session

from database import rowcount, utcnow

from ..directory import PREFIX_MARK, normalise_postcode
from ..tables import Area, PostcodeArea
from .base import (
    MASS_RETIREMENT_SHARE,
    CsvStream,
    FileProblem,
    ImportReport,
    _parents_first,
    record_run,
    rejected_file,
    report_progress,
)
from .generic_csv import ColumnMapping
from .naming import SOURCE_LENGTH, area_id, country_option

SOURCE = "postcode-csv"
FIELDS = ("country", "postcode", "area", "area_name", "parent", "prefix")
REQUIRED_FIELDS = ("country", "postcode", "area")
AREA_SEPARATOR = ";"
POSTCODE_LENGTH = 16  # PostcodeArea.postcode, the prefix mark included
# Rows sent to the database per statement: large enough that a 2-million-row file is some two
# hundred statements, small enough that a batch's memory does not count.
BATCH = 10_000
# A file that would remove more than MASS_RETIREMENT_SHARE of a source's rows is refused (a
# file cut short parses fine); below this many rows the share says little.
MASS_REMOVAL_MIN_ROWS = 100
_CODE = re.compile(r"[0-9A-Z][0-9A-Z-]*")
_YES = frozenset({"1", "y", "yes", "true", "prefix"})
_YES_OR_NO = _YES | {"", "0", "n", "no", "false"}


class PostcodeMapping(ColumnMapping):
    """Which column holds which field of a postcode table, and defaults for the others."""

    fields: ClassVar[tuple[str, ...]] = FIELDS


class _Checker:
    """Checks rows one at a time; remembers the areas they name (a few thousand, not millions)."""

    def __init__(self, report: ImportReport, columns: dict[str, int], defaults: dict[str, str]):
        self.report = report
        # Per field: its column (or None) and its default; read for every row of a large file.
        self._fields = {name: (columns.get(name), defaults.get(name, "")) for name in FIELDS}
        self.areas: dict[str, dict[str, Any]] = {}  # area id -> its rep_area row, if new
        self._first_line: dict[str, int] = {}  # area id -> the line that named it first
        self._names: dict[str, str] = {}  # area id -> area_name, as the file first gave them
        self._parents: dict[str, str] = {}  # area id -> parent label, likewise
        self._area_ids: dict[tuple[str, str], str] = {}
        self._countries: dict[str, str | FileProblem] = {}

    def value(self, cells: list[str], name: str) -> str:
        index, default = self._fields[name]
        return (cells[index].strip() if index is not None else "") or default

    def country(self, text: str) -> str | FileProblem:
        if text not in self._countries:
            try:
                self._countries[text] = country_option(text, what="country")
            except FileProblem as problem:
                self._countries[text] = problem
        return self._countries[text]

    def row(self, line: int, cells: list[str]) -> list[tuple[str, str, str]]:
        """(country, postcode key, area id) for each of the row's areas; [] when rejected."""
        problems: list[str] = []
        country = self.country(self.value(cells, "country"))
        if isinstance(country, FileProblem):
            problems.append(str(country))
        raw = self.value(cells, "postcode")
        prefix_cell = self.value(cells, "prefix").lower()
        if prefix_cell not in _YES_OR_NO:
            problems.append(f"prefix {prefix_cell!r}: expected yes or no")
        key = ""
        if not raw:
            problems.append("postcode is required")
        elif isinstance(country, str):
            prefix = raw.endswith(PREFIX_MARK) or prefix_cell in _YES
            code = normalise_postcode(country, raw.removesuffix(PREFIX_MARK))
            key = code + PREFIX_MARK if prefix else code
            if not _CODE.fullmatch(code):
                problems.append(f"bad postcode {raw!r}: letters, digits and '-' only")
            elif len(key) > POSTCODE_LENGTH:
                problems.append(f"postcode {raw!r} is longer than {POSTCODE_LENGTH} characters")
        cell = self.value(cells, "area")
        labels = [label.strip() for label in cell.split(AREA_SEPARATOR)]
        if not any(labels):
            problems.append("area is required")
        elif not all(labels):
            problems.append(f"empty area in {cell!r}")
        if problems:
            self.report.rejected.append((line, "; ".join(problems)))
            return []
        assert isinstance(country, str)  # a FileProblem was a problem, and the row rejected
        name, parent = self.value(cells, "area_name"), self.value(cells, "parent")
        found = []
        for label in dict.fromkeys(labels):  # once each, in the file's order
            area = self._area(line, country, label, name if len(labels) == 1 else "", parent)
            if area is None:
                return []
            found.append((country, key, area))
        return found

    def _area(self, line: int, country: str, label: str, name: str, parent: str) -> str | None:
        """The area's id, noting it (and its parent) for rep_area; None if the row is rejected."""
        area = self._area_ids.get((country, label))
        if area is None:
            area = self._area_ids[(country, label)] = area_id(country, label)
            self._first_line[area] = line
            self.areas[area] = {"name": label, "country": country, "classification": "district",
                                "parent_id": None, "ocd_id": None}  # fmt: skip
        problems = []
        first, known_name, known_parent = (self._first_line[area], self._names.get(area),
                                           self._parents.get(area))  # fmt: skip
        if name and known_name and name != known_name:
            problems.append(f"area_name {name!r} where line {first} has {known_name!r}")
        if parent and known_parent and parent != known_parent:
            problems.append(f"parent {parent!r} where line {first} has {known_parent!r}")
        if problems:
            self.report.rejected.append((line, f"area {label!r}: " + "; ".join(problems)))
            return None
        # The first row to give a name or a parent gives it (others may leave them out).
        if name and not known_name:
            self._names[area] = self.areas[area]["name"] = name
        if parent and not known_parent:
            self._parents[area] = parent
            parent_id = self.areas[area]["parent_id"] = area_id(country, parent)
            self.areas.setdefault(parent_id, {"name": parent, "country": country,
                                              "classification": "subdivision",
                                              "parent_id": None, "ocd_id": None})  # fmt: skip
        return area


class _Staging:
    """The file's rows in a temporary table of the session's connection, sent in batches."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.table = Table(
            "rep_postcode_import",
            MetaData(),
            Column("country", String(2)),
            Column("postcode", String(POSTCODE_LENGTH)),
            Column("area_id", String(64)),
            Column("line", Integer),
            prefixes=["TEMPORARY"],
        )
        connection = session.connection()
        # Left over in a pooled connection by an import that failed (SQLite creates it outside
        # the transaction, so a rollback does not remove it).
        self.table.drop(connection, checkfirst=True)
        self.table.create(connection)
        self.postgres = connection.dialect.name == "postgresql"
        self._batch: list[tuple[str, str, str, int]] = []
        if self.postgres:
            # One INSERT per batch, its columns sent as four arrays: executemany would send a
            # statement per row.
            t = self.table
            rows = func.unnest(
                bindparam("country", type_=ARRAY(String)),
                bindparam("postcode", type_=ARRAY(String)),
                bindparam("area_id", type_=ARRAY(String)),
                bindparam("line", type_=ARRAY(Integer)),
            ).table_valued("country", "postcode", "area_id", "line").render_derived()
            self._insert = insert(t).from_select(
                [t.c.country, t.c.postcode, t.c.area_id, t.c.line],
                select(rows.c.country, rows.c.postcode, rows.c.area_id, rows.c.line),
            )

    def add(self, country: str, key: str, area: str, line: int) -> None:
        self._batch.append((country, key, area, line))
        if len(self._batch) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if not self._batch:
            return
        if self.postgres:
            country, postcode, area, line = (list(column) for column in zip(*self._batch,
                                                                             strict=True))
            self.session.execute(self._insert, {"country": country, "postcode": postcode,
                                                "area_id": area, "line": line})  # fmt: skip
        else:
            self.session.execute(insert(self.table), [
                {"country": c, "postcode": p, "area_id": a, "line": n}
                for c, p, a, n in self._batch
            ])  # fmt: skip
        self._batch.clear()

    def finish(self) -> None:
        """Send the last batch and index the rows for the comparisons that follow."""
        self.flush()
        t = self.table
        Index("ix_rep_postcode_import", t.c.country, t.c.postcode, t.c.area_id).create(
            self.session.connection()
        )
        if self.postgres:
            # Autovacuum never analyses a temporary table: without statistics the planner
            # guesses its size when choosing how to compare it with the postcode table.
            self.session.execute(text("ANALYZE rep_postcode_import"))

    def drop(self) -> None:
        self.table.drop(self.session.connection())


def _note_duplicates(session: Session, staging: _Staging, report: ImportReport) -> None:
    """A warning for each postcode and area the file gives more than once (stored once)."""
    new = staging.table
    first, last = func.min(new.c.line, type_=Integer), func.max(new.c.line, type_=Integer)
    count = func.count()
    for row in session.execute(
        select(first, last, new.c.postcode, new.c.area_id, count)
        .group_by(new.c.country, new.c.postcode, new.c.area_id)
        .having(count > 1)
        .order_by(first)
    ):
        again = "again" if row[4] == 2 else f"{row[4] - 1} more times"
        report.warnings.append((row[1], f"{row[2]} in {row[3]} {again} (first on line "
                                        f"{row[0]}): stored once"))  # fmt: skip


def _add_areas(session: Session, areas: dict[str, dict[str, Any]], source: str) -> int:
    """Insert the areas the database does not have yet; existing ones keep what they have."""
    existing = set(session.scalars(select(Area.id)))
    now = utcnow()
    rows = [{"id": key, **row, "source": source, "created_at": now, "updated_at": now}
            for key, row in areas.items() if key not in existing]  # fmt: skip
    if rows:
        session.execute(insert(Area), _parents_first(rows))
    return len(rows)


def _finish(session: Session, staging: _Staging, checker: _Checker, report: ImportReport, *,
            partial: bool, allow_mass_retirement: bool) -> None:
    """Compare the rows read with the table and, unless a dry run, write the difference."""
    if report.rejected and not partial:
        return
    staging.finish()
    _note_duplicates(session, staging, report)
    source = report.source
    new, live = staging.table, PostcodeArea.__table__
    same = and_(live.c.country == new.c.country, live.c.postcode == new.c.postcode,
                live.c.area_id == new.c.area_id)  # fmt: skip
    added = select(new.c.country, new.c.postcode, new.c.area_id).distinct().where(
        ~exists().where(same)
    )
    gone = and_(live.c.source == source, ~exists().where(same))
    # A partial import proves nothing about the rows it left out: it removes none.
    removing = 0 if partial else session.scalar(
        select(func.count()).select_from(live).where(gone)
    ) or 0
    if removing and not allow_mass_retirement:
        held = session.scalar(select(func.count()).select_from(live)
                              .where(live.c.source == source)) or 0  # fmt: skip
        if held >= MASS_REMOVAL_MIN_ROWS and removing > held * MASS_RETIREMENT_SHARE:
            report.rejected.append((0, f"this import would remove {removing} of the {held} "
                                       "postcode rows this source lists now; if the file is "
                                       "complete, import it again with allow_mass_retirement"))
            return
    report_progress(0.9)
    if report.dry_run:
        report.added = session.scalar(select(func.count()).select_from(added.subquery())) or 0
        report.retired = removing
        return
    areas_added = _add_areas(session, checker.areas, source)
    if removing:
        report.retired = rowcount(session.execute(delete(live).where(gone)))
    report.added = rowcount(session.execute(
        insert(live).from_select(
            [live.c.country, live.c.postcode, live.c.area_id, live.c.source],
            added.add_columns(literal(source, String)),
        # SQLAlchemy keeps the count of rows only for UPDATE and DELETE unless asked.
        ).execution_options(preserve_rowcount=True)
    ))  # fmt: skip
    report.counts = {
        "area": {"added": areas_added, "updated": 0, "retired": 0},
        "postcode_area": {"added": report.added, "updated": 0, "retired": report.retired},
    }
    record_run(session, report)


def import_postcode_csv(
    session: Session,
    path: str | Path,
    *,
    dry_run: bool = False,
    partial: bool = False,
    allow_mass_retirement: bool = False,
    mapping: ColumnMapping | None = None,
    country: str | None = None,
    source: str = SOURCE,
) -> ImportReport:
    """Import a postcode (or postcode prefix) to area table through `mapping`.

    `country` is the default of the country field. Give each file its own `source`: an import
    removes the rows its source listed before and no longer lists, and only those.
    """
    started = time.perf_counter()
    mapping = PostcodeMapping(mapping.columns, mapping.defaults) if mapping else PostcodeMapping()
    if country and "country" not in mapping.defaults:
        mapping = mapping.merged(PostcodeMapping(defaults={"country": country}))
    report = ImportReport(source=source, path=str(path), dry_run=dry_run)
    try:
        if not 0 < len(source) <= SOURCE_LENGTH:
            raise FileProblem(f"the source name {source!r} must be 1 to {SOURCE_LENGTH} characters")
        stream = CsvStream(path, lambda line, why: report.rejected.append((line, why)))
        try:
            columns = mapping.resolve(stream.header, REQUIRED_FIELDS)
            checker = _Checker(
                report,
                {name: stream.header.index(column) for name, column in columns.items()},
                mapping.defaults,
            )
            # Should anything below fail, the caller rolls back: on PostgreSQL the temporary
            # table goes with the transaction, on SQLite the next import drops it.
            staging = _Staging(session)
            for line, cells in stream.rows():
                for country_code, key, area in checker.row(line, cells):
                    # Once a row is rejected nothing will be written: the rest is only checked.
                    if partial or not report.rejected:
                        staging.add(country_code, key, area, line)
            _finish(session, staging, checker, report, partial=partial,
                    allow_mass_retirement=allow_mass_retirement)
            staging.drop()
        finally:
            stream.close()
    except FileProblem as problem:
        return rejected_file(source, path, problem, dry_run=dry_run, started=started)
    report.seconds = time.perf_counter() - started
    report_progress(1.0)
    return report
