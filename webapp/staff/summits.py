"""The summit series as staff keep it: each summit, its outcome documents, and what each country
did about them. Plain functions, no Flask, in the manner of operations.py.

Each change is checked whole against the rules the project's data file follows
(representatives.importers.summit_rules) before anything is written: a refused change raises
SummitProblems and leaves the session as it was. An accepted one is written with its audit
entry, and the caller commits. Rows written here carry the source "staff", so that importing
the project's data again leaves them as staff left them (importers.base).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from database import rowcount, utcnow
from representatives.importers.base import slugify
from representatives.importers.summit_rules import (
    SUMMIT_ID,
    Problem,
    Rule,
    participation_problems,
    summit_problems,
)
from representatives.store import load_summits
from representatives.summits import OutcomeDocument, Participation, SummitFacts
from representatives.tables import STAFF_SOURCE, Summit, SummitParticipation

from . import auth
from .auth import StaffIdentity

# "/staff/summits/new" is the page that adds one.
RESERVED_IDS = frozenset({"new"})
# More country codes than there are countries is a paste gone wrong.
MOST_COUNTRIES_AT_ONCE = 300


class StaffRule:
    """Rules of the staff pages beyond the shared ones (summit_rules.Rule)."""

    ID_TAKEN = "id_taken"
    TITLE_IN_USE = "title_in_use"  # renamed to a title another document is renamed away from
    ROW_EXISTS = "row_exists"
    NO_COUNTRIES = "no_countries"
    TOO_MANY_COUNTRIES = "too_many_countries"


class SummitProblems(Exception):
    """The change breaks these rules; nothing was written."""

    def __init__(self, problems: Sequence[Problem]):
        super().__init__("; ".join(map(str, problems)))
        self.problems = list(problems)


# --- the series ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SeriesRow:
    summit: SummitFacts
    participation: int  # rows about the summit or its documents


def series_rows(db: Session) -> list[SeriesRow]:
    """Every summit in the series' order, with how many participation rows it has."""
    series = load_summits(db)
    counts = Counter(row.summit_id for row in series.participation)
    return [SeriesRow(summit, counts[summit.id]) for summit in series.summits]


def document_row_counts(db: Session, summit: Summit) -> dict[str, int]:
    """How many participation rows each document title ("" for the whole summit) has."""
    return Counter(db.scalars(select(SummitParticipation.document)
                              .where(SummitParticipation.summit_id == summit.id)))


# --- summits ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentEdit:
    """One row of a summit's documents as posted."""

    title: str
    date: str = ""  # ISO, or ""
    url: str = ""
    original: str = ""  # the title it had; "" for a document added now
    remove: bool = False

    @property
    def blank(self) -> bool:
        return not (self.title.strip() or self.original or self.date or self.url.strip())


@dataclass(frozen=True)
class SummitValues:
    """A summit form as posted, its text as typed."""

    name: str
    host_country: str
    city: str
    start_date: date | None
    end_date: date | None
    year: int | None
    status: str
    source_url: str
    documents: tuple[DocumentEdit, ...] = ()


@dataclass
class SummitSaved:
    """What saving a summit did besides storing it."""

    summit: Summit
    unmarked: list[Summit] = field(default_factory=list)  # no longer the next summit
    renamed: dict[str, str] = field(default_factory=dict)  # document title: new title
    removed_rows: int = 0  # participation rows that went with removed documents
    changed: bool = True  # False: the form held what the summit had, nothing was written


@dataclass
class _DocumentPlan:
    documents: list[OutcomeDocument] = field(default_factory=list)
    renamed: dict[str, str] = field(default_factory=dict)
    removed: set[str] = field(default_factory=set)
    problems: list[Problem] = field(default_factory=list)


def suggested_id(values: SummitValues) -> str:
    """An id made from the city (else the host country) and the year: "geneva-2027"."""
    year = values.start_date.year if values.start_date else values.year
    place = slugify(values.city) or values.host_country.lower()
    return f"{place}-{year}" if place and year else ""


def create_summit(db: Session, summit_id: str, values: SummitValues,
                  actor: StaffIdentity) -> SummitSaved:
    """Add a summit; SummitProblems if it breaks a rule or its id is taken."""
    summit_id = summit_id.strip().lower() or suggested_id(values)
    plan = _plan_documents(values.documents, [])
    facts = _facts(summit_id, values, plan.documents)
    problems = summit_problems(facts) + plan.problems
    if summit_id in RESERVED_IDS:
        problems.append(Problem(Rule.BAD_ID, "id", summit_id))
    elif SUMMIT_ID.fullmatch(summit_id) and db.get(Summit, summit_id) is not None:
        problems.append(Problem(StaffRule.ID_TAKEN, "id", summit_id))
    if problems:
        raise SummitProblems(problems)
    now = utcnow()
    summit = Summit(id=summit_id, source=STAFF_SOURCE, created_at=now, updated_at=now)
    _store(summit, facts)
    db.add(summit)
    saved = SummitSaved(summit)
    if summit.status == "next":
        saved.unmarked = _unmark_next(db, summit.id, actor)
    auth.audit(db, "summit.create", summit.id, f"{summit.name}, {summit.status}", actor=actor)
    db.flush()
    return saved


def update_summit(db: Session, summit: Summit, values: SummitValues,
                  actor: StaffIdentity) -> SummitSaved:
    """Store a summit's new values; renamed documents take their participation rows along,
    removed ones take them away. SummitProblems if the result would break a rule."""
    old_titles = [str(d.get("title", "")) for d in summit.documents or () if isinstance(d, dict)]
    plan = _plan_documents(values.documents, old_titles)
    # A document the form did not show (added meanwhile by someone else) stays as it is.
    shown = {edit.original for edit in values.documents}
    untouched = [OutcomeDocument(str(d.get("title", "")), str(d.get("date") or ""),
                                 str(d.get("url") or ""))
                 for d in summit.documents or ()
                 if isinstance(d, dict) and d.get("title") not in shown]
    facts = _facts(summit.id, values, plan.documents + untouched)
    problems = summit_problems(facts) + plan.problems
    if problems:
        raise SummitProblems(problems)
    changes = _describe_changes(summit, facts, plan)
    if not changes:  # a save without changes leaves the summit to the data file, as it was
        return SummitSaved(summit, changed=False)
    now = utcnow()
    saved = SummitSaved(summit, renamed=plan.renamed)
    if plan.removed:
        saved.removed_rows = rowcount(db.execute(delete(SummitParticipation).where(
            SummitParticipation.summit_id == summit.id,
            SummitParticipation.document.in_(plan.removed))))
    # Removed rows go first: a document may take the title of one removed in the same save.
    db.flush()
    for old, new in plan.renamed.items():
        db.execute(update(SummitParticipation)
                   .where(SummitParticipation.summit_id == summit.id,
                          SummitParticipation.document == old)
                   .values(document=new, source=STAFF_SOURCE, updated_at=now)
                   .execution_options(synchronize_session=False))
    if saved.removed_rows:
        changes.append(f"participation rows removed with them: {saved.removed_rows}")
    _store(summit, facts)
    summit.source, summit.updated_at = STAFF_SOURCE, now
    if summit.status == "next":
        saved.unmarked = _unmark_next(db, summit.id, actor)
    auth.audit(db, "summit.edit", summit.id, "; ".join(changes), actor=actor)
    db.flush()
    return saved


def _plan_documents(edits: Sequence[DocumentEdit], old_titles: Sequence[str]) -> _DocumentPlan:
    """The documents a summit keeps, which were renamed and which removed."""
    plan = _DocumentPlan()
    known = set(old_titles)
    for edit in edits:
        if edit.blank:
            continue
        original = edit.original if edit.original in known else ""
        if edit.remove:
            if original:
                plan.removed.add(original)
            continue
        title = edit.title.strip()
        plan.documents.append(OutcomeDocument(title, edit.date, edit.url.strip()))
        if original and title and title != original:
            plan.renamed[original] = title
    # A title another document is renamed away from in the same save: renaming the rows of
    # both at once would collide, so one rename is asked to wait for the next save.
    for new in plan.renamed.values():
        if new in plan.renamed:
            plan.problems.append(Problem(StaffRule.TITLE_IN_USE, "documents", new))
    return plan


def _facts(summit_id: str, values: SummitValues,
           documents: Sequence[OutcomeDocument]) -> SummitFacts:
    start, end = values.start_date, values.end_date
    return SummitFacts(
        id=summit_id, name=values.name.strip(), city=values.city.strip(),
        host_country=values.host_country.strip().upper(), start_date=start, end_date=end,
        status=values.status, year=start.year if start else values.year,
        source_url=values.source_url.strip() or None, documents=tuple(documents),
    )


def _store(summit: Summit, facts: SummitFacts) -> None:
    summit.name, summit.host_country, summit.city = facts.name, facts.host_country, facts.city
    summit.start_date, summit.end_date = facts.start_date, facts.end_date
    summit.status, summit.year, summit.source_url = facts.status, facts.year, facts.source_url
    # A new list, not the old one changed in place: the JSON column notices only assignment.
    summit.documents = [{"title": d.title, "date": d.date, "url": d.url}
                        for d in facts.documents]


def _unmark_next(db: Session, next_id: str, actor: StaffIdentity) -> list[Summit]:
    """The summits marked next besides `next_id`, now held (if over) or announced."""
    now = utcnow()
    others = db.scalars(
        select(Summit).where(Summit.status == "next", Summit.id != next_id)).all()
    unmarked = []
    for other in others:
        over = other.end_date is not None and other.end_date < now.date()
        other.status = "held" if over else "announced"
        other.source, other.updated_at = STAFF_SOURCE, now
        auth.audit(db, "summit.unmark_next", other.id,
                   f"next -> {other.status} ({next_id} is the next now)", actor=actor)
        unmarked.append(other)
    return unmarked


def _describe_changes(summit: Summit, facts: SummitFacts, plan: _DocumentPlan) -> list[str]:
    """The audit log's account of an edit: each changed field, old -> new (empty: none)."""
    changes = [f"{column}: {getattr(summit, column)} -> {getattr(facts, column)}"
               for column in ("name", "host_country", "city", "start_date", "end_date",
                              "status", "year", "source_url")
               if getattr(summit, column) != getattr(facts, column)]
    changes += [f"document renamed: {old!r} -> {new!r}" for old, new in plan.renamed.items()]
    changes += [f"document removed: {title!r}" for title in sorted(plan.removed)]
    before = {str(d.get("title", "")): (str(d.get("date") or ""), str(d.get("url") or ""))
              for d in summit.documents or () if isinstance(d, dict)}
    renamed_from = {new: old for old, new in plan.renamed.items()}
    for document in facts.documents:
        old = before.get(renamed_from.get(document.title, document.title))
        if old is None:
            changes.append(f"document added: {document.title!r}")
        elif old != (document.date, document.url):
            changes.append(f"document {document.title!r}: date or link changed")
    stored = [{"title": d.title, "date": d.date, "url": d.url} for d in facts.documents]
    if not changes and (summit.documents or []) != stored:
        changes.append("documents reordered")
    return changes


# --- participation ------------------------------------------------------------------------


@dataclass(frozen=True)
class ParticipationValues:
    """What one country did about one document (or, "" for document, the summit)."""

    country: str
    status: str
    source_url: str = ""
    note: str = ""


def summit_titles(summit: Summit) -> list[str]:
    return [str(d.get("title", "")) for d in summit.documents or () if isinstance(d, dict)]


def participation_rows(db: Session, summit: Summit, document: str) -> list[SummitParticipation]:
    """The rows about one document ("" for the summit as a whole), by country code."""
    return list(db.scalars(
        select(SummitParticipation)
        .where(SummitParticipation.summit_id == summit.id,
               SummitParticipation.document == document)
        .order_by(SummitParticipation.country)))


def _row(db: Session, summit: Summit, document: str, country: str) -> SummitParticipation | None:
    return db.scalars(select(SummitParticipation).where(
        SummitParticipation.summit_id == summit.id, SummitParticipation.document == document,
        SummitParticipation.country == country)).first()


def _row_problems(summit: Summit, document: str, values: ParticipationValues) -> list[Problem]:
    row = Participation(summit.id, values.country, document, values.status,
                        values.source_url.strip() or None)
    return participation_problems(row, summit_titles(summit), require_source=True)


def _write_row(db: Session, summit: Summit, document: str, values: ParticipationValues,
               existing: SummitParticipation | None) -> SummitParticipation:
    now = utcnow()
    row = existing or SummitParticipation(summit_id=summit.id, country=values.country,
                                          document=document, created_at=now)
    row.status = values.status
    row.source_url = values.source_url.strip() or None
    row.note = values.note.strip() or None
    row.source, row.updated_at = STAFF_SOURCE, now
    db.add(row)
    return row


def set_participation(db: Session, summit: Summit, document: str, values: ParticipationValues,
                      actor: StaffIdentity, *, adding: bool) -> SummitParticipation:
    """Add a country's row for a document (`adding`: refused if it has one) or change it."""
    values = ParticipationValues(values.country.strip().upper(), values.status,
                                 values.source_url, values.note)
    problems = _row_problems(summit, document, values)
    if problems:
        raise SummitProblems(problems)
    existing = _row(db, summit, document, values.country)
    if adding and existing is not None:
        raise SummitProblems([Problem(StaffRule.ROW_EXISTS, "country", values.country)])
    before = existing.status if existing is not None else "none"
    row = _write_row(db, summit, document, values, existing)
    auth.audit(db, "participation.set", f"{summit.id}/{values.country}",
               f"{document or '(the summit)'}: {before} -> {values.status}", actor=actor)
    db.flush()
    return row


def remove_participation(db: Session, summit: Summit, document: str, country: str,
                         actor: StaffIdentity) -> str | None:
    """Remove a country's row for a document; the source that had written the row (None if
    there was none)."""
    row = _row(db, summit, document, country)
    if row is None:
        return None
    source = row.source
    db.delete(row)
    auth.audit(db, "participation.remove", f"{summit.id}/{country}",
               f"{document or '(the summit)'}: {row.status} (source {source})", actor=actor)
    db.flush()
    return source


def country_codes(text: str) -> list[str]:
    """The codes in a pasted list ("FR, DE; it"), upper case, each once, in order."""
    return list(dict.fromkeys(code for code in re.split(r"[\s,;]+", text.upper()) if code))


@dataclass(frozen=True)
class ManySet:
    added: list[str]
    changed: list[str]
    unchanged: list[str]


def set_many(db: Session, summit: Summit, document: str, countries: str,
             values: ParticipationValues, actor: StaffIdentity) -> ManySet:
    """Give every country in the pasted list `countries` the same status and source for a
    document: rows are added or changed. SummitProblems names every code that is wrong."""
    codes = country_codes(countries)
    problems: list[Problem] = []
    if not codes:
        problems.append(Problem(StaffRule.NO_COUNTRIES, "countries"))
    elif len(codes) > MOST_COUNTRIES_AT_ONCE:
        problems.append(Problem(StaffRule.TOO_MANY_COUNTRIES, "countries",
                                str(MOST_COUNTRIES_AT_ONCE)))
    else:
        for code in codes:
            for problem in _row_problems(summit, document, ParticipationValues(
                    code, values.status, values.source_url, values.note)):
                if problem not in problems:
                    problems.append(problem)
    if problems:
        raise SummitProblems(problems)
    existing = {row.country: row for row in participation_rows(db, summit, document)}
    added: list[str] = []
    changed: list[str] = []
    unchanged: list[str] = []
    source_url, note = values.source_url.strip() or None, values.note.strip() or None
    for code in codes:
        row = existing.get(code)
        if row is not None and (row.status, row.source_url, row.note) == (
                values.status, source_url, note):
            unchanged.append(code)
            continue
        (added if row is None else changed).append(code)
        _write_row(db, summit, document, ParticipationValues(code, values.status,
                                                             values.source_url, values.note),
                   row)
    if added or changed:
        auth.audit(db, "participation.set_many", summit.id,
                   f"{document or '(the summit)'}: {values.status} for "
                   f"{', '.join(added + changed)}", actor=actor)
    db.flush()
    return ManySet(added, changed, unchanged)
