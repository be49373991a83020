"""Importing a representatives' data file from the staff area; no Flask here.

The same importers as `flask reps import` (representatives.importers), in three steps:

1. `stage_upload` keeps the uploaded file under the instance folder, in a directory named by a
   random token, with what is known about it (its format, size, hash, header row); nothing of
   it goes into the session cookie. Uploads older than KEEP_UPLOADS are removed.
2. `check` runs the importer as a dry run with the settings staff gave (column mapping,
   defaults, options), and records those settings and a digest of the report beside the file.
3. `apply_checked` runs the importer for real with the recorded settings, and keeps what it
   wrote only when its report is the one staff saw: if the file or the data changed in
   between, it rolls back and returns the new report to check instead.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import json
import os
import re
import secrets
import shutil
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from database import utcnow
from representatives.importers import (
    FORMAT_FIELDS,
    IMPORTERS,
    MAPPINGS,
    ColumnMapping,
    ImportReport,
    OptionError,
    build_options,
    importer_options,
    needs_path,
)
from representatives.tables import ImportRun, Person

from ..directory.cli import grouped_reasons
from . import auth
from .auth import StaffIdentity

# Far more than any parliament's sheet, and a region's postcode table; small enough that the
# dry run and the import, which each read the whole file in one request, finish well within
# the time a worker gets for a request (gunicorn.conf.py). Larger files: `flask reps import`.
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
KEEP_UPLOADS = timedelta(hours=24)
UPLOADS_FOLDER = "data-imports"
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")
_META = "upload.json"
_CHUNK = 64 * 1024
# The formats whose files are not CSV; every other format reads a CSV table.
_FILE_KINDS = {"pauseai-contacts": "json", "popolo-json": "json", "us-legislators": "yaml"}
# Options the settings form offers, in its order (each format takes some of them).
OPTIONS = ("source", "country", "source_url", "as_of", "role")
# Rows of each list (added, updated, retired, rejected) a page shows; the rest are counted.
ROWS_SHOWN = 200


class Refusal(StrEnum):
    """Why an upload, a check or an apply was refused; the view words each for staff."""

    UNKNOWN_FORMAT = "unknown_format"
    NO_FILE = "no_file"
    EMPTY = "empty"
    TOO_LARGE = "too_large"
    NOT_TEXT = "not_text"
    NOT_CSV = "not_csv"
    NOT_JSON = "not_json"
    GONE = "gone"  # the upload expired, was applied already, or never existed
    FILE_CHANGED = "file_changed"
    SETTINGS_CHANGED = "settings_changed"  # checked again with other settings since
    NOT_CHECKED = "not_checked"
    OPTION_NOT_APPLICABLE = "option_not_applicable"
    OPTION_MISSING = "option_missing"
    BAD_DATE = "bad_date"
    UNKNOWN_FIELD = "unknown_field"
    UNKNOWN_COLUMN = "unknown_column"
    BAD_SETTINGS = "bad_settings"  # what the importers' own option check refused
    NOTHING_TO_APPLY = "nothing_to_apply"


class ImportRefused(Exception):
    """Refused: nothing was stored. `value` names the option, column or limit concerned."""

    def __init__(self, refusal: Refusal, value: str = "") -> None:
        super().__init__(f"{refusal.value}: {value}" if value else refusal.value)
        self.refusal = refusal
        self.value = value


# --- formats ---------------------------------------------------------------------------------


def upload_formats() -> dict[str, str]:
    """The formats a file can be uploaded in, with what each reads (as `reps import --help`)."""
    return {key: FORMAT_FIELDS[key] for key in IMPORTERS if needs_path(key)}


def mapping_fields(fmt: str) -> tuple[str, ...]:
    """The fields a column mapping names for `fmt`; () when the format has fixed columns."""
    if "mapping" not in importer_options(fmt):
        return ()
    return MAPPINGS.get(fmt, ColumnMapping).fields


def format_options(fmt: str) -> dict[str, bool]:
    """The settings form's options `fmt` takes: name -> whether it is required. A format with
    a mapping takes its default country as the mapping's default for the country field."""
    accepted = importer_options(fmt)
    return {name: accepted[name] for name in OPTIONS
            if name in accepted and not (name == "country" and "mapping" in accepted)}


def is_csv(fmt: str) -> bool:
    return fmt not in _FILE_KINDS


# --- staged uploads --------------------------------------------------------------------------


@dataclass
class ImportSettings:
    """What staff chose for one dry run: the mapping, the options, partial or not."""

    columns: dict[str, str] = field(default_factory=dict)  # field -> the file's column
    defaults: dict[str, str] = field(default_factory=dict)  # field -> value
    options: dict[str, str] = field(default_factory=dict)  # source, country, source_url, ...
    partial: bool = False
    allow_mass_retirement: bool = False


@dataclass
class StagedUpload:
    """An uploaded file waiting under the instance folder, and what was checked of it."""

    token: str
    filename: str  # as uploaded (made safe for a path)
    fmt: str
    size: int
    sha256: str
    uploaded_at: str  # ISO time
    uploaded_by: str
    header: list[str] = field(default_factory=list)  # a CSV file's first row
    settings: ImportSettings | None = None
    checked: str = ""  # digest of the last dry run's report

    @property
    def kind(self) -> str:
        return _FILE_KINDS.get(self.fmt, "csv")


def uploads_dir(instance_path: str | Path) -> Path:
    return Path(instance_path) / UPLOADS_FOLDER


def safe_filename(name: str) -> str:
    """The uploaded file's own name, reduced to what is safe in a path ("upload" if nothing)."""
    base = re.split(r"[\\/]", name or "")[-1]
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", base).strip("._")[:100]
    return cleaned or "upload"


def stage_upload(instance_path: str | Path, fmt: str, filename: str, stream: IO[bytes] | None,
                 actor: StaffIdentity, *, max_bytes: int = MAX_UPLOAD_BYTES) -> StagedUpload:
    """Keep the uploaded file for a dry run; ImportRefused (and nothing kept) if the format is
    unknown, or the file is empty, too large, not UTF-8 text or not what the format reads."""
    if fmt not in upload_formats():
        raise ImportRefused(Refusal.UNKNOWN_FORMAT, fmt)
    if not filename or stream is None:
        raise ImportRefused(Refusal.NO_FILE)
    root = uploads_dir(instance_path)
    remove_expired(root)
    token = secrets.token_urlsafe(24)
    folder = root / token
    folder.mkdir(parents=True)
    try:
        upload = StagedUpload(token=token, filename=safe_filename(filename), fmt=fmt, size=0,
                              sha256="", uploaded_at=utcnow().isoformat(),
                              uploaded_by=actor.email)
        path = folder / upload.filename
        upload.size, upload.sha256 = _copy_checked(stream, path, max_bytes)
        upload.header = _check_content(path, upload.kind)
        _write_meta(folder, upload)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return upload


def _copy_checked(stream: IO[bytes], path: Path, max_bytes: int) -> tuple[int, str]:
    """Copy the upload to `path`, checking size and UTF-8 as it comes; (size, sha256)."""
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    size = 0
    blank = True
    with open(path, "wb") as out:
        while chunk := stream.read(_CHUNK):
            size += len(chunk)
            if size > max_bytes:
                raise ImportRefused(Refusal.TOO_LARGE, str(max_bytes))
            try:
                blank = not decoder.decode(chunk).strip() and blank
            except UnicodeDecodeError:
                raise ImportRefused(Refusal.NOT_TEXT) from None
            digest.update(chunk)
            out.write(chunk)
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise ImportRefused(Refusal.NOT_TEXT) from None
    if blank:
        raise ImportRefused(Refusal.EMPTY)
    return size, digest.hexdigest()


def _check_content(path: Path, kind: str) -> list[str]:
    """The header row of a CSV file; ImportRefused if the file is not of `kind` at all."""
    if kind == "json":
        try:
            with open(path, encoding="utf-8-sig") as text:
                json.load(text)
        except ValueError:
            raise ImportRefused(Refusal.NOT_JSON) from None
        return []
    if kind != "csv":
        return []  # YAML: the importer reports what it cannot read
    with open(path, encoding="utf-8-sig", newline="") as text:
        try:
            header = [h.strip() for h in next(csv.reader(text, strict=True))]
        except (csv.Error, StopIteration):
            raise ImportRefused(Refusal.NOT_CSV) from None
    # One column is no table: most likely JSON, or prose, uploaded as CSV.
    if len(header) < 2 or header[0].startswith(("{", "[")):
        raise ImportRefused(Refusal.NOT_CSV)
    return header


def _write_meta(folder: Path, upload: StagedUpload) -> None:
    temporary = folder / f".{_META}.{secrets.token_hex(4)}"
    temporary.write_text(json.dumps(asdict(upload)), encoding="utf-8")
    os.replace(temporary, folder / _META)  # another request reads the old or the new, whole


def load_staged(instance_path: str | Path, token: str) -> StagedUpload:
    """The upload `token` names; ImportRefused(GONE) if there is none (any more)."""
    folder = uploads_dir(instance_path) / token
    if not _TOKEN.fullmatch(token or ""):
        raise ImportRefused(Refusal.GONE)
    try:
        found = json.loads((folder / _META).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise ImportRefused(Refusal.GONE) from None
    settings = found.pop("settings", None)
    upload = StagedUpload(**found, settings=ImportSettings(**settings) if settings else None)
    if datetime.fromisoformat(upload.uploaded_at) < utcnow() - KEEP_UPLOADS:
        discard(instance_path, token)
        raise ImportRefused(Refusal.GONE)
    return upload


def staged_path(instance_path: str | Path, upload: StagedUpload) -> Path:
    return uploads_dir(instance_path) / upload.token / upload.filename


def discard(instance_path: str | Path, token: str) -> None:
    """Remove a staged upload (applied, or expired)."""
    if _TOKEN.fullmatch(token or ""):
        shutil.rmtree(uploads_dir(instance_path) / token, ignore_errors=True)


def remove_expired(root: Path, now: datetime | None = None) -> int:
    """Remove the uploads older than KEEP_UPLOADS (by the folder's time); how many."""
    if not root.is_dir():
        return 0
    oldest = ((now or utcnow()) - KEEP_UPLOADS).timestamp()
    removed = 0
    for folder in root.iterdir():
        try:
            if folder.is_dir() and folder.stat().st_mtime < oldest:
                shutil.rmtree(folder, ignore_errors=True)
                removed += 1
        except OSError:
            continue  # removed by another process meanwhile
    return removed


def suggested_settings(upload: StagedUpload) -> ImportSettings:
    """The settings of the last check, or else the file's columns named like fields."""
    if upload.settings is not None:
        return upload.settings
    fields = mapping_fields(upload.fmt)
    return ImportSettings(columns={name: name for name in fields if name in upload.header})


# --- checking and applying -------------------------------------------------------------------


@dataclass(frozen=True)
class Checked:
    """A dry run's (or a refused apply's) report, and the digest an apply must match."""

    upload: StagedUpload
    report: ImportReport
    digest: str
    can_apply: bool  # whether an import would write anything


@dataclass(frozen=True)
class Applied:
    """An apply: `report` is what was written, or (`changed`) the new dry run to check."""

    report: ImportReport
    changed: bool = False
    checked: Checked | None = None


def _importer_options(upload: StagedUpload, settings: ImportSettings) -> dict[str, Any]:
    """The importer's keyword options from the settings; ImportRefused if one is wrong."""
    fields = mapping_fields(upload.fmt)
    accepted = format_options(upload.fmt)
    for name, value in settings.options.items():
        if name not in OPTIONS:
            raise ImportRefused(Refusal.OPTION_NOT_APPLICABLE, name)
        if value and name not in accepted:
            raise ImportRefused(Refusal.OPTION_NOT_APPLICABLE, name)
    for name, required in accepted.items():
        if required and not settings.options.get(name):
            raise ImportRefused(Refusal.OPTION_MISSING, name)
    as_of = settings.options.get("as_of", "")
    if as_of:
        try:
            date.fromisoformat(as_of)
        except ValueError:
            raise ImportRefused(Refusal.BAD_DATE, as_of) from None
    for name in (*settings.columns, *settings.defaults):
        if name not in fields:
            raise ImportRefused(Refusal.UNKNOWN_FIELD, name)
    for column in settings.columns.values():
        if upload.header and column not in upload.header:
            raise ImportRefused(Refusal.UNKNOWN_COLUMN, column)
    try:
        return build_options(
            upload.fmt, **{name: settings.options.get(name) or None for name in accepted},
            columns=[f"{name}={column}" for name, column in settings.columns.items()],
            defaults=[f"{name}={value}" for name, value in settings.defaults.items()])
    except OptionError as exc:
        raise ImportRefused(Refusal.BAD_SETTINGS, str(exc)) from None


def _run(db: Session, instance_path: str | Path, upload: StagedUpload,
         settings: ImportSettings, *, dry_run: bool) -> ImportReport:
    options = _importer_options(upload, settings)
    path = staged_path(instance_path, upload)
    if not path.is_file():
        raise ImportRefused(Refusal.GONE)
    if _file_digest(path) != upload.sha256:
        raise ImportRefused(Refusal.FILE_CHANGED)
    return IMPORTERS[upload.fmt](db, path, dry_run=dry_run, partial=settings.partial,
                                 allow_mass_retirement=settings.allow_mass_retirement,
                                 **options)


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as data:
        while chunk := data.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def report_digest(upload: StagedUpload, settings: ImportSettings, report: ImportReport) -> str:
    """What a dry run showed, as one hash: the file, the settings and what would change."""
    shown = {
        "file": upload.sha256, "format": upload.fmt, "settings": asdict(settings),
        "added": report.added, "updated": report.updated, "retired": report.retired,
        "people": report.people, "rejected": report.rejected, "warnings": report.warnings,
        "kept": report.kept, "notes": report.notes,
    }
    return hashlib.sha256(json.dumps(shown, sort_keys=True, default=str).encode()).hexdigest()


def _would_write(report: ImportReport, settings: ImportSettings) -> bool:
    # Rejected rows hold back the whole file unless partial; a problem with the file itself
    # (line 0: unreadable, a mapping that does not fit, mass retirement) holds it back always.
    if not report.rejected:
        return True
    return settings.partial and all(where != 0 for where, _ in report.rejected)


def check(db: Session, instance_path: str | Path, token: str,
          settings: ImportSettings) -> Checked:
    """Dry-run the staged upload with `settings`; the settings and the report's digest are
    recorded for the apply. ImportRefused if the settings or the upload are unusable."""
    upload = load_staged(instance_path, token)
    report = _run(db, instance_path, upload, settings, dry_run=True)
    db.rollback()  # a dry run writes nothing; it may have read in a transaction
    return _record_check(instance_path, upload, settings, report)


def _record_check(instance_path: str | Path, upload: StagedUpload, settings: ImportSettings,
                  report: ImportReport) -> Checked:
    upload.settings = settings
    upload.checked = report_digest(upload, settings, report)
    _write_meta(uploads_dir(instance_path) / upload.token, upload)
    return Checked(upload=upload, report=report, digest=upload.checked,
                   can_apply=_would_write(report, settings))


def apply_checked(db: Session, instance_path: str | Path, token: str, digest: str,
                  actor: StaffIdentity) -> Applied:
    """Import the staged upload with the settings of its last dry run, and write it to the
    audit log, when the import is what that dry run showed (`digest`). When the file or the
    data changed meanwhile, roll back and return the new report as a dry run (`changed`).
    The caller commits; ImportRefused if there is nothing checked to apply."""
    upload = load_staged(instance_path, token)
    settings = upload.settings
    if settings is None or not upload.checked:
        raise ImportRefused(Refusal.NOT_CHECKED)
    if not secrets.compare_digest(upload.checked, digest or ""):
        raise ImportRefused(Refusal.SETTINGS_CHANGED)
    report = _run(db, instance_path, upload, settings, dry_run=False)
    if report_digest(upload, settings, report) != upload.checked:
        db.rollback()
        report.dry_run, report.written = True, False
        return Applied(report=report, changed=True,
                       checked=_record_check(instance_path, upload, settings, report))
    if not report.written:
        db.rollback()
        raise ImportRefused(Refusal.NOTHING_TO_APPLY)
    auth.audit(db, "data.import", f"import/{upload.fmt}/{report.source}",
               f"{upload.filename} ({upload.fmt}): {report.added} added, {report.updated} "
               f"updated, {report.retired} retired, {len(report.rejected)} rejected",
               actor=actor)
    return Applied(report=report)


# --- showing a report ------------------------------------------------------------------------


@dataclass(frozen=True)
class ReasonGroup:
    """One reason, and the rows (lines or entries; 0 for the file) it applies to."""

    places: list[int | str]
    reason: str


@dataclass(frozen=True)
class ReportView:
    """A report as the page lists it: people by what happens to them, grouped reasons."""

    added: list[tuple[str, str | None]]
    updated: list[tuple[str, str | None]]
    retired: list[tuple[str, str | None]]
    rejected: list[ReasonGroup]
    warnings: list[ReasonGroup]
    kept: list[ReasonGroup]  # rows the file would change that staff edited: left as they are
    notes: list[ReasonGroup]  # values the file left out, taken from a table the project ships
    hidden: dict[str, int]  # list -> how many more than ROWS_SHOWN it has


def report_view(db: Session, report: ImportReport) -> ReportView:
    """The report's lists, each cut at ROWS_SHOWN; retired people named from the database."""
    people = {what: report.people.get(what, []) for what in ("added", "updated", "retired")}
    retired = people["retired"][:ROWS_SHOWN]
    names = dict(db.execute(select(Person.id, Person.name)
                            .where(Person.id.in_([key for key, _ in retired]))).all())
    rejected = [ReasonGroup(list(places), why) for places, why in
                grouped_reasons(report.rejected)]
    warnings = [ReasonGroup(list(places), why) for places, why in
                grouped_reasons(report.warnings)]
    kept = [ReasonGroup(list(places), why) for places, why in grouped_reasons(report.kept)]
    notes = [ReasonGroup(list(places), why) for places, why in grouped_reasons(report.notes)]
    lists: dict[str, list] = {**people, "rejected": rejected, "warnings": warnings,
                              "kept": kept, "notes": notes}
    return ReportView(
        added=people["added"][:ROWS_SHOWN], updated=people["updated"][:ROWS_SHOWN],
        retired=[(key, names.get(key)) for key, _ in retired],
        rejected=rejected[:ROWS_SHOWN], warnings=warnings[:ROWS_SHOWN],
        kept=kept[:ROWS_SHOWN], notes=notes[:ROWS_SHOWN],
        hidden={name: len(rows) - ROWS_SHOWN for name, rows in lists.items()
                if len(rows) > ROWS_SHOWN})


def recent_runs(db: Session, limit: int = 20) -> list[ImportRun]:
    """The latest imports, from the command line or this page, newest first."""
    return list(db.scalars(select(ImportRun).order_by(ImportRun.finished_at.desc(),
                                                      ImportRun.id.desc()).limit(limit)))


def settings_from_form(columns: Iterable[tuple[str, str]], defaults: Iterable[tuple[str, str]],
                       options: dict[str, str], *, partial: bool,
                       allow_mass_retirement: bool) -> ImportSettings:
    """Settings from what the form sent: empty columns, defaults and options left out."""
    return ImportSettings(
        columns={name: column for name, column in columns if column},
        defaults={name: value.strip() for name, value in defaults if value.strip()},
        options={name: value.strip() for name, value in options.items() if value.strip()},
        partial=partial, allow_mass_retirement=allow_mass_retirement)
