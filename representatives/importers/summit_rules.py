"""The rules every summit and every participation row keeps, wherever it comes from.

The project's data file (project.py) and the staff pages (webapp/staff/summits.py) check the
same rules here. Each finding is a Problem: which rule, the field it is about and the value
found. Its str() is the English sentence an import report prints; the staff pages word each
rule in the staff member's language instead.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from ..countries import iso_countries
from ..summits import OutcomeDocument, Participation, SummitFacts
from ..tables import (
    PARTICIPATION_STATUSES,
    SUMMIT_STATUSES,
    Summit,
    SummitParticipation,
    text_limit,
)
from .base import url_problem

# A summit's id is part of addresses ("paris-2025") and must fit rep_summit.id.
SUMMIT_ID = re.compile(r"[a-z0-9][a-z0-9:._-]*")
# What a country answers for in public: such a row needs the page that shows it.
SOURCED_STATUSES = frozenset({"signed", "endorsed", "declined"})


# The longest value each text column holds (PostgreSQL refuses longer text; SQLite would take
# it): longer text is refused, not cut.
LIMITS: dict[str, int] = {
    field: text_limit(column) or 0 for field, column in (
        ("id", Summit.__table__.c.id), ("name", Summit.__table__.c.name),
        ("city", Summit.__table__.c.city), ("source_url", Summit.__table__.c.source_url),
        ("title", SummitParticipation.__table__.c.document))
}


class Rule(StrEnum):
    REQUIRED = "required"
    BAD_ID = "bad_id"
    TOO_LONG = "too_long"
    UNKNOWN_COUNTRY = "unknown_country"
    UNKNOWN_STATUS = "unknown_status"
    DATES = "dates"  # held, or any date given: both dates, the first not after the last
    YEAR = "year"  # no dates: the year it is announced for
    BAD_DATE = "bad_date"
    BAD_URL = "bad_url"
    DOCUMENT_TITLE = "document_title"
    DOCUMENT_TWICE = "document_twice"
    UNKNOWN_DOCUMENT = "unknown_document"
    SOURCE_REQUIRED = "source_required"


_ENGLISH: dict[str, str] = {
    Rule.REQUIRED: "{field} is required (text)",
    Rule.BAD_ID: "bad id {value!r}",
    Rule.TOO_LONG: "{field} is longer than {value} characters",
    Rule.UNKNOWN_COUNTRY: "unknown country {value!r}",
    Rule.UNKNOWN_STATUS: "unknown status {value!r}",
    Rule.DATES: "start_date and end_date are required, start first",
    Rule.YEAR: "a summit without dates needs its year",
    Rule.BAD_DATE: "bad date in {field}: {value!r}",
    Rule.BAD_URL: "bad URL {value!r}",
    Rule.DOCUMENT_TITLE: "{field} needs a title",
    Rule.DOCUMENT_TWICE: "two documents with one title ({value!r})",
    Rule.UNKNOWN_DOCUMENT: "document {value!r} is not among the summit's documents",
    Rule.SOURCE_REQUIRED: "a row saying {value!r} needs its source_url",
}


@dataclass(frozen=True, slots=True)
class Problem:
    rule: str  # a Rule; callers with rules of their own (the staff pages) add theirs
    field: str  # "name", "start_date", "documents[1].url", "country"...
    value: str = ""

    def __str__(self) -> str:
        text = _ENGLISH.get(self.rule, "{field}: {value!r}")
        return text.format(field=self.field, value=self.value)


def _text_problems(field: str, value: str, limit_key: str) -> list[Problem]:
    if len(value) > LIMITS[limit_key]:
        return [Problem(Rule.TOO_LONG, field, str(LIMITS[limit_key]))]
    return []


def _url_problems(field: str, url: str | None) -> list[Problem]:
    if url is None:
        return []
    if url_problem(url):
        return [Problem(Rule.BAD_URL, field, url)]
    return _text_problems(field, url, "source_url")


def summit_problems(summit: SummitFacts) -> list[Problem]:
    """What keeps `summit` from being stored, in the order of its fields (empty: nothing)."""
    found: list[Problem] = []
    if not summit.id:
        found.append(Problem(Rule.REQUIRED, "id"))
    elif not SUMMIT_ID.fullmatch(summit.id):
        found.append(Problem(Rule.BAD_ID, "id", summit.id))
    else:
        found += _text_problems("id", summit.id, "id")
    if not summit.name.strip():
        found.append(Problem(Rule.REQUIRED, "name"))
    found += _text_problems("name", summit.name, "name")
    # A summit announced for later may be known by its host alone.
    if summit.status != "announced" and not summit.city.strip():
        found.append(Problem(Rule.REQUIRED, "city"))
    found += _text_problems("city", summit.city, "city")
    if summit.host_country not in iso_countries():
        found.append(Problem(Rule.UNKNOWN_COUNTRY, "host_country", summit.host_country))
    if summit.status not in SUMMIT_STATUSES:
        found.append(Problem(Rule.UNKNOWN_STATUS, "status", summit.status))
    start, end = summit.start_date, summit.end_date
    if (summit.status == "held" or start or end) and (not start or not end or end < start):
        found.append(Problem(Rule.DATES, "start_date"))
    if not start and summit.year is None:
        found.append(Problem(Rule.YEAR, "year"))
    found += _url_problems("source_url", summit.source_url)
    found += document_problems(summit.documents)
    return found


def document_problems(documents: tuple[OutcomeDocument, ...]) -> list[Problem]:
    """A summit's outcome documents: each with a title, titles unique, dates ISO, links web
    addresses."""
    found: list[Problem] = []
    seen: set[str] = set()
    for number, document in enumerate(documents):
        where = f"documents[{number}]"
        title = document.title.strip()
        if not title:
            found.append(Problem(Rule.DOCUMENT_TITLE, where))
        elif title in seen:
            found.append(Problem(Rule.DOCUMENT_TWICE, f"{where}.title", title))
        seen.add(title)
        found += _text_problems(f"{where}.title", title, "title")
        if document.date and not _is_iso_date(document.date):
            found.append(Problem(Rule.BAD_DATE, f"{where}.date", document.date))
        found += _url_problems(f"{where}.url", document.url or None)
    return found


def _is_iso_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def participation_problems(row: Participation, titles: Collection[str], *,
                           require_source: bool = False) -> list[Problem]:
    """What keeps `row` from being stored for a summit with the documents `titles`.

    `require_source`: a signed, endorsed or declined row must name its source (the staff
    pages ask it; the project's file is checked against its research by tests instead).
    """
    found: list[Problem] = []
    if row.country not in iso_countries() and row.country != "EU":
        found.append(Problem(Rule.UNKNOWN_COUNTRY, "country", row.country))
    if row.status not in PARTICIPATION_STATUSES:
        found.append(Problem(Rule.UNKNOWN_STATUS, "status", row.status))
    # "" is the summit as a whole; a summit whose documents the data does not list takes any.
    if row.document and titles and row.document not in titles:
        found.append(Problem(Rule.UNKNOWN_DOCUMENT, "document", row.document))
    found += _url_problems("source_url", row.source_url)
    if require_source and row.status in SOURCED_STATUSES and not row.source_url:
        found.append(Problem(Rule.SOURCE_REQUIRED, "source_url", row.status))
    return found
