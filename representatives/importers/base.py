"""What every importer shares: the report, reading files safely, validating, and writing a diff.

An importer only parses and validates its format into a `Dataset` of plain rows. `apply` then
compares that with what the database holds and writes the difference in bulk, so that each
format's module stays about the format and the history rules live in one place:

- nothing is written when any row was rejected, unless the caller asks for a partial import;
- people the same source listed before but no longer lists are retired, never deleted; their
  memberships get an end date and their contacts a `retired_at`, so bounce history survives;
- a re-import of an unchanged file changes no row (0 added, 0 updated);
- rows staff wrote, corrected or retired in the browser (source "staff") stay as staff left
  them: not overwritten, not retired, not brought back, and a contact address staff corrected
  is not added back beside the correction. The report lists them in `kept`.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import time
import unicodedata
from collections.abc import Callable, Iterator
from collections.abc import Set as AbstractSet
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypedDict
from urllib.parse import urlsplit

import pycountry
from email_validator import EmailNotValidError, validate_email
from sqlalchemy import and_, bindparam, insert, or_, select, update
from sqlalchemy.orm import Session

from database import utcnow

from ..tables import (
    STAFF_SOURCE,
    Area,
    ContactDetail,
    ImportRun,
    Membership,
    Organization,
    Person,
    PostcodeArea,
    Summit,
    SummitParticipation,
    text_limit,
)

Rejection = tuple[int | str, str]  # (line, row number or record name; 0 for the whole file, why)

# A clean import that would retire more than this share of a source's people is refused unless
# the caller confirms: a file cut short at a row boundary parses fine and would otherwise retire
# everyone after the cut. After an election, staff pass `allow_mass_retirement=True`.
MASS_RETIREMENT_SHARE = 0.5
MASS_RETIREMENT_MIN_PEOPLE = 20


@dataclass
class ImportReport:
    """What an import did (or, for a dry run, would do)."""

    source: str
    path: str
    added: int = 0  # people, summits, participation rows and postcodes that were new
    updated: int = 0  # of those, ones that changed (a person counts once for all their rows)
    retired: int = 0  # people retired, and rows the source no longer lists removed
    rejected: list[Rejection] = field(default_factory=list)
    # Imported, but with a part left out: a malformed optional field (e.g. a contact form URL
    # with a typo) is dropped rather than holding back the person or the whole file.
    warnings: list[Rejection] = field(default_factory=list)
    # Rows the file would change, bring back or add again, kept as staff left them instead.
    kept: list[Rejection] = field(default_factory=list)
    # Imported as given, with a value the file left out taken from a table the project ships
    # (a Belgian MEP's language from the electoral college that elected them): said so that
    # staff can check it, not a problem with the file.
    notes: list[Rejection] = field(default_factory=list)
    dry_run: bool = False
    written: bool = False
    # Per table: {"person": {"added": 3, "updated": 1, "retired": 0}, ...}
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    # The people behind the headline counts, as (id, name) by what happens to them: "added",
    # "updated", "retired" (a retired person's name is not in the file, so None), for a staff
    # page to list what a dry run would do.
    people: dict[str, list[tuple[str, str | None]]] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.rejected

    def summary(self) -> str:
        """One line for a log or a staff page."""
        state = "dry run" if self.dry_run else ("written" if self.written else "nothing written")
        kept = f", {len(self.kept)} kept as staff left them" if self.kept else ""
        return (
            f"{self.source}: {self.added} added, {self.updated} updated, {self.retired} retired, "
            f"{len(self.rejected)} rejected, {len(self.warnings)} warnings{kept} "
            f"({state}, {self.seconds:.2f} s)"
        )


class FileProblem(Exception):
    """The file as a whole cannot be read; reported as a rejection of line 0."""


# --- progress --------------------------------------------------------------------------------

# A command line shows a progress bar; the importers report how far they are without knowing
# who listens, so their signatures stay the same. Parsing covers 0-0.8, writing 0.8-1.
_PROGRESS: ContextVar[Callable[[float], None] | None] = ContextVar("import_progress", default=None)
PARSED = 0.8


@contextmanager
def progress_to(callback: Callable[[float], None]):
    """Within the block, importers call `callback(fraction_done)` as they go."""
    token = _PROGRESS.set(callback)
    try:
        yield
    finally:
        _PROGRESS.reset(token)


def report_progress(fraction: float) -> None:
    """Tell the listener, if any, that `fraction` (0-1) of the import is done."""
    callback = _PROGRESS.get()
    if callback is not None:
        callback(min(max(fraction, 0.0), 1.0))


class ContactSource(TypedDict):
    """The keywords of `Dataset.add_contact` that all of one member's contacts share."""

    person_id: str
    source_url: str | None
    verified_on: date | None


@dataclass
class Dataset:
    """One import's parsed rows, keyed as the database keys them."""

    organizations: dict[str, dict[str, Any]] = field(default_factory=dict)
    areas: dict[str, dict[str, Any]] = field(default_factory=dict)
    people: dict[str, dict[str, Any]] = field(default_factory=dict)
    memberships: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Keyed by (person_id, organization_id, kind, value).
    contacts: dict[tuple[str | None, str | None, str, str], dict[str, Any]] = field(
        default_factory=dict
    )
    postcodes: set[tuple[str, str, str]] = field(default_factory=set)
    summits: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Keyed by (summit_id, country, document).
    participations: dict[tuple[str, str, str], dict[str, Any]] = field(default_factory=dict)
    rejected: list[Rejection] = field(default_factory=list)
    warnings: list[Rejection] = field(default_factory=list)
    notes: list[Rejection] = field(default_factory=list)
    # Organization and area ids the file only refers to (a campaign's sheet naming a body):
    # added when new, but an existing row keeps its name and classification.
    referenced_organizations: set[str] = field(default_factory=set)
    referenced_areas: set[str] = field(default_factory=set)

    def reject(self, where: int | str, reason: str) -> None:
        self.rejected.append((where, reason))

    def warn(self, where: int | str, reason: str) -> None:
        self.warnings.append((where, reason))

    def note(self, where: int | str, reason: str) -> None:
        self.notes.append((where, reason))

    def add_contact(
        self,
        kind: str,
        value: str,
        *,
        person_id: str | None = None,
        organization_id: str | None = None,
        label: str | None = None,
        source_url: str | None = None,
        verified_on: date | None = None,
        stored_copy: bool = False,
    ) -> None:
        key = (person_id, organization_id, kind, value)
        self.contacts[key] = {
            "person_id": person_id,
            "organization_id": organization_id,
            "kind": kind,
            "value": value,
            "label": label,
            "source_url": source_url,
            "verified_on": verified_on,
            "stored_copy": stored_copy,
        }


# --- reading -------------------------------------------------------------------------------


def read_text(path: str | Path) -> str:
    """The file as text; FileProblem unless it is readable UTF-8 (a BOM is allowed)."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise FileProblem(f"cannot read the file: {exc.strerror or exc}") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FileProblem(
            f"not UTF-8 text: byte 0x{data[exc.start]:02x} on line {line} "
            "(save the file as UTF-8; was it exported as Latin-1 or Windows-1252?)"
        ) from exc


def read_csv(
    text: str, required: tuple[str, ...], dataset: Dataset
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line, row) for each well-formed row; reject short or long rows as they come.

    FileProblem if a required column is missing or the quoting is broken (a file cut off inside
    a quoted field).
    """
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    lines = max(text.count("\n"), 1)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise FileProblem("the file is empty") from None
    except csv.Error as exc:
        raise FileProblem(f"line 1: {exc}") from exc
    missing = [name for name in required if name not in header]
    if missing:
        raise FileProblem(f"missing column(s): {', '.join(missing)}")
    width = len(header)
    count = 0
    try:
        for row in reader:
            count += 1
            if not row or (len(row) == 1 and not row[0].strip()):
                continue  # blank line
            if len(row) != width:
                dataset.reject(
                    reader.line_num,
                    f"{len(row)} fields where the header has {width} (a truncated or misquoted "
                    "row)",
                )
                continue
            if count % 2000 == 0:
                report_progress(PARSED * reader.line_num / lines)
            yield reader.line_num, {h: v.strip() for h, v in zip(header, row, strict=True)}
    except csv.Error as exc:
        raise FileProblem(f"line {reader.line_num}: {exc} (is the file truncated?)") from exc


class CsvStream:
    """A CSV file read row by row, for files too large to hold in memory (a postcode table).

    `header` is its first row; `rows()` yields (line, cells) of the rows as wide as the header
    and reports the others to `reject`. FileProblem when the file cannot be read, is not UTF-8
    (a BOM is allowed) or its quoting is broken.
    """

    def __init__(self, path: str | Path, reject: Callable[[int, str], None]) -> None:
        try:
            self._binary = open(path, "rb")  # closed by close(), once the rows are read
        except OSError as exc:
            raise FileProblem(f"cannot read the file: {exc.strerror or exc}") from exc
        self._size = max(os.fstat(self._binary.fileno()).st_size, 1)
        self._text = io.TextIOWrapper(self._binary, encoding="utf-8-sig", newline="")
        self._reader = csv.reader(self._text, strict=True)
        self._reject = reject
        try:
            self.header = [h.strip() for h in self._read()]
        except StopIteration:
            self.close()
            raise FileProblem("the file is empty") from None
        except FileProblem:
            self.close()
            raise

    def _read(self) -> list[str]:
        try:
            return next(self._reader)
        except UnicodeDecodeError as exc:
            raise FileProblem(
                f"not UTF-8 text: byte 0x{exc.object[exc.start]:02x} near line "
                f"{self._reader.line_num + 1} (save the file as UTF-8; was it exported as "
                "Latin-1 or Windows-1252?)"
            ) from exc
        except csv.Error as exc:
            raise FileProblem(
                f"line {self._reader.line_num}: {exc} (is the file truncated?)"
            ) from exc

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        width = len(self.header)
        count = 0
        while True:
            try:
                row = self._read()
            except StopIteration:
                return
            count += 1
            if not row or (len(row) == 1 and not row[0].strip()):
                continue  # blank line
            if len(row) != width:
                self._reject(
                    self._reader.line_num,
                    f"{len(row)} fields where the header has {width} (a truncated or misquoted "
                    "row)",
                )
                continue
            if count % 20_000 == 0:
                report_progress(PARSED * self._binary.tell() / self._size)
            yield self._reader.line_num, row

    def close(self) -> None:
        self._text.close()


# --- validating ----------------------------------------------------------------------------


def language_code(value: str) -> str | None:
    """An ISO 639-1 code as stored ("nl"), with its region where the written language differs
    ("pt-BR", from "pt-br" or "PT-BR"); None when `value` is not one."""
    language, _, region = value.strip().partition("-")
    code = f"{language.lower()}-{region.upper()}" if region else language.lower()
    if not _LANGUAGE_CODE.fullmatch(code):
        return None
    # Two letters are not yet a language: "xx" would store fine and fall back to English
    # for every letter without anyone noticing.
    if pycountry.languages.get(alpha_2=code[:2]) is None:
        return None
    if region and pycountry.countries.get(alpha_2=code[3:]) is None:
        return None
    return code


_LANGUAGE_CODE = re.compile(r"[a-z]{2}(-[A-Z]{2})?")


def language_problem(value: str) -> str | None:
    """Why a language a file gives for a membership is not one letters can be written in."""
    if language_code(value) is not None:
        return None
    return (f"bad language {value!r}: expected an ISO 639-1 code such as 'fr', or one with "
            "its region such as 'pt-BR'")


def email_problem(value: str) -> str | None:
    """Why `value` is not a usable email address, or None."""
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError as exc:
        return f"bad email {value!r}: {exc}"
    return None


def url_problem(value: str) -> str | None:
    """Why `value` is not an http(s) URL, or None."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in value:
        return f"bad URL {value!r}"
    return None


def parse_date(value: Any) -> date | None:
    """A date from ISO text (or a date YAML already parsed); ValueError if malformed."""
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


_PARTIAL_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:T[0-9:.]+(?:Z|[+-][0-9:]+)?)?")


def parse_partial_date(value: Any, *, end: bool = False) -> date | None:
    """'2024', '2024-05' or '2024-05-21' (Popolo and EveryPolitician dates); ValueError if bad.

    A year or a month stands for its first day, or with `end=True` its last day, so that a
    term that "ended in 2019" is over on 2019-12-31, not on 1 January.
    """
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    found = _PARTIAL_DATE.fullmatch(str(value).strip())
    if not found:
        raise ValueError(f"not a date: {value!r}")
    year, month, day = found.groups()
    if day:
        return date(int(year), int(month), int(day))
    if month:
        first = date(int(year), int(month), 1)
        if not end:
            return first
        following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        return date.fromordinal(following.toordinal() - 1)
    return date(int(year), 12, 31) if end else date(int(year), 1, 1)


# --- writing -------------------------------------------------------------------------------

_PERSON_COLUMNS = ("name", "given_name", "family_name", "honorific_prefix", "gender", "by_title")
_ORGANIZATION_COLUMNS = ("name", "classification", "country")
# Organization columns a format may leave out, and then leaves as they are (see _plan_shared).
_OPTIONAL_ORGANIZATION_COLUMNS = ("local_name",)
_AREA_COLUMNS = ("name", "country", "classification", "parent_id", "ocd_id")
_MEMBERSHIP_COLUMNS = (
    "person_id",
    "organization_id",
    "kind",
    "role",
    "country",
    "area_id",
    "language",
    "party",
    "start_date",
    "source_url",
    "verified_on",
    "stored_copy",
)
# Membership columns a format may leave out, and then leaves as they are (see
# _plan_memberships).
_OPTIONAL_MEMBERSHIP_COLUMNS = ("priority", "political_group", "committees", "local_role")
_CONTACT_COLUMNS = ("label", "source_url", "verified_on", "stored_copy")
_SUMMIT_COLUMNS = (
    "name", "host_country", "city", "start_date", "end_date", "status", "year", "source_url",
    "documents",
)
# Columns only some formats fill (the project's own: offices, stored copies, announced
# summits), with what the others mean by leaving them out.
_DEFAULTS: dict[str, dict[str, Any]] = {
    "people": {"by_title": False},
    "memberships": {"stored_copy": False},
    "summits": {"status": "held", "year": None, "documents": None},
}
_PARTICIPATION_COLUMNS = ("status", "source_url", "note")


@dataclass
class _Changes:
    """What one table needs: rows to insert, rows to update by key, rows to retire or delete."""

    inserts: list[dict] = field(default_factory=list)
    updates: list[dict] = field(default_factory=list)
    retires: list[dict] = field(default_factory=list)
    deletes: list[dict] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "added": len(self.inserts),
            "updated": len(self.updates),
            "retired": len(self.retires) + len(self.deletes),
        }


@dataclass
class _Plan:
    source: str
    now: datetime
    retiring: bool  # False for a partial import: absence from it proves nothing
    tables: dict[str, _Changes] = field(default_factory=dict)
    touched: set[str] = field(default_factory=set)  # people with any changed row of their own
    # Rows the file would change but staff edited in the browser, kept as staff left them.
    kept: list[Rejection] = field(default_factory=list)
    active_people: int = 0  # people this source listed before the import, for the safety check

    def __getitem__(self, table: str) -> _Changes:
        return self.tables.setdefault(table, _Changes())

    def stamp(self, row: dict, *, new: bool) -> dict:
        row = {**row, "source": self.source, "updated_at": self.now}
        if new:
            row["created_at"] = self.now
        return row


KEPT_EDITED = "kept as staff edited it; the file differs"
KEPT_RETIRED = "retired by staff; kept retired"
KEPT_ENDED = "ended by staff; kept ended"


def _keep_staff_row(plan: _Plan, where: str, changed: bool, *, retired: bool,
                    ended: str = KEPT_RETIRED) -> None:
    """A row staff wrote, corrected or retired is left as it is; listed when the file would
    have changed it or brought it back."""
    if retired:
        plan.kept.append((where, ended))
    elif changed:
        plan.kept.append((where, KEPT_EDITED))


def _with_staff_check(old: dict, row: dict) -> dict:
    """`row` as the import writes it over an imported row staff re-checked: a check staff made
    later than the file's stays (the file is older news); a later one in the file is the
    import's own, no longer the staff member's."""
    if old["checked_by"] is None or old["verified_on"] is None:
        return row
    if row["verified_on"] is None or row["verified_on"] <= old["verified_on"]:
        return {**row, "verified_on": old["verified_on"], "stored_copy": old["stored_copy"]}
    return {**row, "checked_by": None}


def _rows(session: Session, *columns) -> list[dict[str, Any]]:
    return [dict(row) for row in session.execute(select(*columns)).mappings()]


def _changed(old: dict[str, Any], new: dict[str, Any], columns: tuple[str, ...]) -> bool:
    return any(old[c] != new[c] for c in columns)


def _columns(model, names: tuple[str, ...]) -> list:
    return [getattr(model, name) for name in names]


def _plan_shared(
    plan: _Plan, session: Session, table: str, model, new: dict, columns,
    referenced: AbstractSet[str] = frozenset(), optional: tuple[str, ...] = (),
) -> None:
    """Bodies, areas and summits: shared between sources and kept for history, never retired.

    A row staff edited in the browser stays as they left it: a re-import must not undo it.
    `optional` columns are compared and written only when the format gives them: a list of
    MEPs that knows no body's name in its own language must not clear the one another file
    gave.
    """
    columns = tuple(columns) + _given(new, optional)
    changes = plan[table]
    old = {r["id"]: r for r in _rows(session, model.id, model.source, *_columns(model, columns))}
    for key, row in new.items():
        if key not in old:
            changes.inserts.append(plan.stamp({"id": key, **row}, new=True))
        elif key in referenced or not _changed(old[key], row, columns):
            continue
        elif old[key]["source"] == STAFF_SOURCE:
            plan.kept.append((f"{table} {key}", KEPT_EDITED))
        else:
            changes.updates.append(plan.stamp({"id": key, **row}, new=False))


def _beside_staff_next(session: Session, summits: dict[str, dict[str, Any]]) -> dict:
    """The file's summits as an import may write them: while a summit staff marked is the
    next, the file's next is written as announced, so that one summit at most is the next."""
    staff_next = session.scalar(select(Summit.id).where(
        Summit.source == STAFF_SOURCE, Summit.status == "next").limit(1))
    if staff_next is None:
        return summits
    return {key: {**row, "status": "announced"} if row["status"] == "next" and key != staff_next
            else row for key, row in summits.items()}


def _plan_people(plan: _Plan, session: Session, new: dict) -> None:
    """New, changed, back after a retirement, or gone from this source (retired)."""
    changes = plan["person"]
    old_people = {
        r["id"]: r
        for r in _rows(
            session, Person.id, Person.source, Person.retired_at,
            *_columns(Person, _PERSON_COLUMNS),
        )
    }  # fmt: skip
    # A row another source wrote with the same content stays theirs: two sources listing the
    # same minister must not take the row from each other on every import.
    for key, row in new.items():
        old = old_people.get(key)
        if old is None:
            changes.inserts.append(plan.stamp({"id": key, **row, "retired_at": None}, new=True))
        elif old["source"] == STAFF_SOURCE:
            _keep_staff_row(plan, f"person {key}", _changed(old, row, _PERSON_COLUMNS),
                            retired=old["retired_at"] is not None)
        elif _changed(old, row, _PERSON_COLUMNS) or old["retired_at"] is not None:
            changes.updates.append(plan.stamp({"id": key, **row, "retired_at": None}, new=False))
            plan.touched.add(key)
    if plan.retiring:
        changes.retires = [
            {"id": key, "retired_at": plan.now, "updated_at": plan.now}
            for key, old in old_people.items()
            if old["source"] == plan.source and old["retired_at"] is None and key not in new
        ]
    plan.active_people = sum(
        1 for old in old_people.values() if old["source"] == plan.source and not old["retired_at"]
    )


def _given(new: dict, optional: tuple[str, ...]) -> tuple[str, ...]:
    """The `optional` columns any of the `new` rows gives, each then set (None where a row
    leaves it out) in every row: one statement writes them all."""
    given = tuple(c for c in optional if any(c in row for row in new.values()))
    for row in new.values():
        for column in given:
            row.setdefault(column, None)
    return given


def _plan_memberships(plan: _Plan, session: Session, new: dict) -> None:
    """Memberships end rather than disappear; one that comes back is reopened."""
    changes = plan["membership"]
    # A priority, group, committees or local title are compared (and written) only by formats
    # that give them: importing the European Parliament's list again must not reset the
    # priorities a campaign set, nor a campaign's sheet without committees clear the
    # Parliament's.
    columns = _MEMBERSHIP_COLUMNS + _given(new, _OPTIONAL_MEMBERSHIP_COLUMNS)
    old_memberships = {
        r["id"]: r
        for r in _rows(
            session, Membership.id, Membership.source, Membership.end_date,
            Membership.checked_by, *_columns(Membership, columns),
        )
    }  # fmt: skip
    for key, row in new.items():
        old = old_memberships.get(key)
        if old is None:
            changes.inserts.append(plan.stamp({"id": key, **row, "end_date": None}, new=True))
            plan.touched.add(row["person_id"])
            continue
        if old["source"] == STAFF_SOURCE:
            _keep_staff_row(plan, f"membership {key}", _changed(old, row, columns),
                            retired=old["end_date"] is not None, ended=KEPT_ENDED)
            continue
        row = _with_staff_check(old, row)
        if not _changed(old, row, columns) and old["end_date"] is None:
            continue
        changes.updates.append(plan.stamp({"id": key, **row, "end_date": None}, new=False))
        plan.touched.add(row["person_id"])
    if plan.retiring:
        for key, old in old_memberships.items():
            if old["source"] == plan.source and old["end_date"] is None and key not in new:
                changes.retires.append(
                    {"id": key, "end_date": plan.now.date(), "updated_at": plan.now}
                )
                plan.touched.add(old["person_id"])


def _plan_contacts(plan: _Plan, session: Session, new: dict) -> None:
    """Matched on (owner, kind, value); `bounced_at` belongs to the delivery side, kept as is.

    An address staff corrected is matched on what the import wrote before the correction
    (`imported_kind`, `imported_value`): the file's old address is not added back.
    """
    changes = plan["contact_detail"]
    rows = _rows(
        session, ContactDetail.id, ContactDetail.person_id, ContactDetail.organization_id,
        ContactDetail.kind, ContactDetail.value, ContactDetail.source, ContactDetail.retired_at,
        ContactDetail.checked_by, ContactDetail.imported_kind, ContactDetail.imported_value,
        *_columns(ContactDetail, _CONTACT_COLUMNS),
    )  # fmt: skip
    old_contacts = {(r["person_id"], r["organization_id"], r["kind"], r["value"]): r
                    for r in rows}
    corrected = {
        (r["person_id"], r["organization_id"], r["imported_kind"], r["imported_value"]): r
        for r in rows
        if r["source"] == STAFF_SOURCE and r["imported_value"] is not None
        and (r["imported_kind"], r["imported_value"]) != (r["kind"], r["value"])
    }
    for key, row in new.items():
        old = old_contacts.get(key)
        if old is None:
            if (correction := corrected.get(key)) is not None:
                plan.kept.append((_contact_name(key), f"corrected by staff to "
                                  f"{correction['kind']} {correction['value']}; not added back"))
                continue
            changes.inserts.append(
                plan.stamp({**row, "bounced_at": None, "retired_at": None}, new=True)
            )
        elif old["source"] == STAFF_SOURCE:
            _keep_staff_row(plan, _contact_name(key), _changed(old, row, _CONTACT_COLUMNS),
                            retired=old["retired_at"] is not None)
            continue
        else:
            row = _with_staff_check(old, row)
            if not _changed(old, row, _CONTACT_COLUMNS) and old["retired_at"] is None:
                continue
            update_row = {"id": old["id"], **{c: row[c] for c in _CONTACT_COLUMNS}}
            if "checked_by" in row:
                update_row["checked_by"] = row["checked_by"]
            changes.updates.append(plan.stamp({**update_row, "retired_at": None}, new=False))
        if row["person_id"]:
            plan.touched.add(row["person_id"])
    if plan.retiring:
        for key, old in old_contacts.items():
            if old["source"] == plan.source and old["retired_at"] is None and key not in new:
                changes.retires.append(
                    {"id": old["id"], "retired_at": plan.now, "updated_at": plan.now}
                )
                if old["person_id"]:
                    plan.touched.add(old["person_id"])


def _contact_name(key: tuple[str | None, str | None, str, str]) -> str:
    person_id, organization_id, kind, value = key
    return f"contact_detail {person_id or organization_id} {kind} {value}"


def _plan_participations(plan: _Plan, session: Session, new: dict) -> None:
    """Facts a source may correct: rows it stopped listing are deleted.

    Rows staff wrote in the browser stay as they are, and so do the documents of a summit staff
    edited: the file's rows for a document that summit no longer lists (staff renamed or
    removed it) are left out.
    """
    changes = plan["summit_participation"]
    staff_titles: dict[str, set[str]] = {}
    for summit_id, documents in session.execute(
            select(Summit.id, Summit.documents).where(Summit.source == STAFF_SOURCE)):
        if isinstance(documents, list):  # a summit without a list of documents takes any title
            staff_titles[str(summit_id)] = {
                str(d.get("title")) for d in documents if isinstance(d, dict)} | {""}
    left_out: set[tuple[str, str]] = set()
    old_rows = {
        (r["summit_id"], r["country"], r["document"]): r
        for r in _rows(
            session, SummitParticipation.id, SummitParticipation.summit_id,
            SummitParticipation.country, SummitParticipation.document,
            SummitParticipation.source, *_columns(SummitParticipation, _PARTICIPATION_COLUMNS),
        )
    }  # fmt: skip
    for key, row in new.items():
        old = old_rows.get(key)
        if old is not None and old["source"] == STAFF_SOURCE:
            if _changed(old, row, _PARTICIPATION_COLUMNS):
                plan.kept.append((f"summit_participation {'/'.join(key)}",
                                  "kept as staff edited it; the file differs"))
            continue
        if key[2] not in staff_titles.get(key[0], {key[2]}):
            left_out.add((key[0], key[2]))
            continue
        if old is None:
            keyed = {"summit_id": key[0], "country": key[1], "document": key[2], **row}
            changes.inserts.append(plan.stamp(keyed, new=True))
        elif _changed(old, row, _PARTICIPATION_COLUMNS):
            changes.updates.append(plan.stamp({"id": old["id"], **row}, new=False))
    plan.kept.extend(
        (f"summit {summit_id}", f"rows for {title!r} left out: staff renamed or removed it")
        for summit_id, title in sorted(left_out))
    if plan.retiring:
        changes.deletes = [
            {"pid": old["id"]}
            for key, old in old_rows.items()
            if old["source"] == plan.source and key not in new
        ]


def _plan_postcodes(plan: _Plan, session: Session, new: set) -> None:
    """A plain set: rows this source wrote and no longer lists are deleted."""
    changes = plan["postcode_area"]
    # Only the rows this import can touch: an import without postcodes reads none.
    countries = {c for c, _, _ in new}
    old_codes = {
        (r.country, r.postcode, r.area_id): r.source
        for r in session.execute(
            select(
                PostcodeArea.country, PostcodeArea.postcode, PostcodeArea.area_id,
                PostcodeArea.source,
            ).where(or_(PostcodeArea.source == plan.source, PostcodeArea.country.in_(countries)))
        )
    }  # fmt: skip
    changes.inserts = [
        {"country": c, "postcode": p, "area_id": a, "source": plan.source}
        for (c, p, a) in new
        if (c, p, a) not in old_codes
    ]
    if plan.retiring:
        changes.deletes = [
            {"c": c, "p": p, "a": a}
            for (c, p, a), owner in old_codes.items()
            if owner == plan.source and (c, p, a) not in new
        ]


# Each planned table and its model, in the order rows can be written (referenced first).
_MODELS = (
    ("organization", Organization), ("area", Area), ("summit", Summit), ("person", Person),
    ("membership", Membership), ("contact_detail", ContactDetail),
    ("summit_participation", SummitParticipation), ("postcode_area", PostcodeArea),
)


def _write(plan: _Plan, session: Session) -> None:
    """Bulk statements, parents before children."""

    def insert_rows(model, rows: list[dict]) -> None:
        if rows:
            session.execute(insert(model), rows)

    def update_rows(model, rows: list[dict]) -> None:
        # ORM "bulk UPDATE by primary key": one executemany per set of keys.
        if rows:
            session.execute(update(model), rows)

    insert_rows(Area, _parents_first(plan["area"].inserts))
    update_rows(Area, plan["area"].updates)
    # Areas were written above (parents first); postcode rows have their own statements.
    for table, model in _MODELS:
        if model in (Area, PostcodeArea):
            continue
        insert_rows(model, plan[table].inserts)
        update_rows(model, plan[table].updates)
        update_rows(model, plan[table].retires)
    if deletes := plan["summit_participation"].deletes:
        participation = SummitParticipation.__table__
        session.execute(
            participation.delete().where(participation.c.id == bindparam("pid")), deletes
        )
    if deletes := plan["postcode_area"].deletes:
        postcode_area = PostcodeArea.__table__
        session.execute(
            postcode_area.delete().where(
                and_(
                    postcode_area.c.country == bindparam("c"),
                    postcode_area.c.postcode == bindparam("p"),
                    postcode_area.c.area_id == bindparam("a"),
                )
            ),
            deletes,
        )
    insert_rows(PostcodeArea, plan["postcode_area"].inserts)


def _parents_first(rows: list[dict]) -> list[dict]:
    """Order area rows so that a parent is inserted before the areas inside it."""
    pending = {r["id"]: r for r in rows}
    done: list[dict] = []
    while pending:
        ready = [r for r in pending.values() if r["parent_id"] not in pending]
        if not ready:  # a cycle; let the database report it
            ready = list(pending.values())
        for row in ready:
            done.append(row)
            del pending[row["id"]]
    return done


def _too_long(plan: _Plan) -> list[Rejection]:
    """Rows the import would write with text longer than its column holds."""
    found: list[Rejection] = []
    for table, model in _MODELS:
        limits = {c.name: limit for c in model.__table__.columns
                  if (limit := text_limit(c)) is not None}
        changes = plan[table]
        for row in (*changes.inserts, *changes.updates):
            for column, value in row.items():
                limit = limits.get(column)
                if limit is not None and isinstance(value, str) and len(value) > limit:
                    what = row.get("id") or row.get("person_id") or row.get("value", "")[:40]
                    found.append((f"{table} {what}", f"{column} is {len(value):,} characters "
                                                     f"long; at most {limit:,} fit"))
    return found


def apply(
    session: Session,
    source: str,
    path: str | Path,
    dataset: Dataset,
    *,
    dry_run: bool = False,
    partial: bool = False,
    allow_mass_retirement: bool = False,
    started: float | None = None,
) -> ImportReport:
    """Write `dataset` as the current state of `source`; the caller commits."""
    started = time.perf_counter() if started is None else started
    report = ImportReport(source=source, path=str(path), dry_run=dry_run)
    report.rejected = list(dataset.rejected)
    report.warnings = list(dataset.warnings)
    report.notes = list(dataset.notes)
    if report.rejected and not partial:
        report.seconds = time.perf_counter() - started
        return report

    for rows, defaults in _DEFAULTS.items():
        for row in getattr(dataset, rows).values():
            for column, value in defaults.items():
                row.setdefault(column, value)
    report_progress(PARSED)
    plan = _Plan(source=source, now=utcnow(), retiring=not partial)
    _plan_shared(plan, session, "organization", Organization, dataset.organizations,
                 _ORGANIZATION_COLUMNS, dataset.referenced_organizations,
                 _OPTIONAL_ORGANIZATION_COLUMNS)  # fmt: skip
    _plan_shared(plan, session, "area", Area, dataset.areas, _AREA_COLUMNS,
                 dataset.referenced_areas)  # fmt: skip
    _plan_shared(plan, session, "summit", Summit, _beside_staff_next(session, dataset.summits),
                 _SUMMIT_COLUMNS)
    _plan_people(plan, session, dataset.people)
    retiring, active = len(plan["person"].retires), plan.active_people
    if (
        not allow_mass_retirement
        and active >= MASS_RETIREMENT_MIN_PEOPLE
        and retiring > active * MASS_RETIREMENT_SHARE
    ):
        report.rejected.append(
            (
                0,
                f"this import would retire {retiring} of the {active} people source "
                f"{source!r} lists now. If this file is another body or list than the one "
                f"imported before under {source!r}, give it a source of its own (--source "
                "NAME), so that neither retires the other; if it is the same list, complete "
                "after an election, import it again with --allow-mass-retirement",
            )
        )
        report.seconds = time.perf_counter() - started
        return report
    _plan_memberships(plan, session, dataset.memberships)
    _plan_contacts(plan, session, dataset.contacts)
    _plan_participations(plan, session, dataset.participations)
    _plan_postcodes(plan, session, dataset.postcodes)
    report.kept = list(plan.kept)
    if too_long := _too_long(plan):
        # Every format checks its own fields; this is the net under all of them, where
        # PostgreSQL would otherwise stop the whole import with a DataError.
        report.rejected.extend(too_long)
        report.seconds = time.perf_counter() - started
        return report

    # The headline counts records a person reads as one: a person with all their roles and
    # contacts, a summit, a participation row, a postcode row.
    records = ("person", "summit", "summit_participation", "postcode_area")
    added_people = {r["id"] for r in plan["person"].inserts}
    retired_people = {r["id"] for r in plan["person"].retires}
    report.counts = {table: changes.counts() for table, changes in plan.tables.items()}
    report.added = sum(report.counts[t]["added"] for t in records)
    report.updated = len(plan.touched - added_people - retired_people) + sum(
        report.counts[t]["updated"] for t in ("summit", "summit_participation")
    )
    report.retired = sum(report.counts[t]["retired"] for t in records)
    report.people = {
        "added": [(key, dataset.people[key].get("name")) for key in sorted(added_people)],
        "updated": [(key, dataset.people.get(key, {}).get("name")) for key in
                    sorted(plan.touched - added_people - retired_people)],
        "retired": [(key, None) for key in sorted(retired_people)],
    }
    if dry_run:
        report.seconds = time.perf_counter() - started
        report_progress(1.0)
        return report

    report_progress(0.9)
    _write(plan, session)
    record_run(session, report)
    report.seconds = time.perf_counter() - started
    report_progress(1.0)
    return report


def record_run(session: Session, report: ImportReport) -> None:
    """Log the import just written as an ImportRun and mark the report written."""
    session.add(
        ImportRun(
            source=report.source,
            path=report.path,
            finished_at=utcnow(),
            added=report.added,
            updated=report.updated,
            retired=report.retired,
            rejected=len(report.rejected),
        )
    )
    session.flush()
    # Bulk statements bypass the identity map; objects the caller holds must be reloaded.
    session.expire_all()
    report.written = True


def import_file(
    session: Session,
    source: str,
    path: str | Path,
    parse: Callable[[str], Dataset],
    *,
    dry_run: bool = False,
    partial: bool = False,
    allow_mass_retirement: bool = False,
) -> ImportReport:
    """Read `path`, parse it with `parse` and apply the result: every importer's shape."""
    started = time.perf_counter()
    try:
        data = parse(read_text(path))
    except FileProblem as problem:
        return rejected_file(source, path, problem, dry_run=dry_run, started=started)
    return apply(session, source, path, data, dry_run=dry_run, partial=partial,
                 allow_mass_retirement=allow_mass_retirement, started=started)


def rejected_file(
    source: str, path: str | Path, problem: FileProblem, *, dry_run: bool, started: float
) -> ImportReport:
    """The report for a file that could not be read at all."""
    return ImportReport(
        source=source,
        path=str(path),
        rejected=[(0, str(problem))],
        dry_run=dry_run,
        seconds=time.perf_counter() - started,
    )


def slugify(text: str) -> str:
    """'Peter Kyle' -> 'peter-kyle': ASCII, lower case, for stable ids made from names."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def fit_id(text: str, limit: int) -> str:
    """`text` if it fits in `limit` characters, else its start and a short hash (still stable)."""
    if len(text) <= limit:
        return text
    digest = hashlib.sha1(text.encode()).hexdigest()[:10]
    return f"{text[: limit - 11]}~{digest}"
