"""Staff browse a campaign's letters: filtered by state, country, target, partner and date,
a page at a time, and one letter's history. No Flask here.

Pages are keyset-paginated on the letter's id, newest first: the next page starts below the
last id shown, so page 2000 costs what page 1 does (an OFFSET would read every letter before
it). The counts per state are one grouped COUNT over the filter.

No index was added for the filters: letters are found by the primary key's order and the
filters narrow rows as they are read, and each index on `letter` is one more page written by
every confirmation (see the note on Letter.__table_args__).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, time, timedelta
from typing import TypeVarTuple

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from ..models import Campaign, Letter, LetterEvent, LetterState, Submission

Ts = TypeVarTuple("Ts")

PAGE_SIZE = 50
# The largest id the letter.id column (a 32-bit integer) holds: PostgreSQL refuses to compare
# it with anything larger, so a larger id from the query string is ignored.
MAX_ID = 2**31 - 1


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        return None


def _code(text: str | None, length: int) -> str | None:
    text = (text or "").strip()
    return text if text and len(text) <= length and text.isprintable() else None


@dataclass(frozen=True)
class LetterFilter:
    """What the page asked for; None: any. What is not a valid value is ignored."""

    state: str | None = None
    country: str | None = None
    target: str | None = None
    partner: str | None = None
    since: date | None = None
    until: date | None = None  # inclusive

    @classmethod
    def parse(cls, args) -> LetterFilter:
        state = (args.get("state") or "").strip()
        country = (args.get("country") or "").strip().upper()
        return cls(
            state=state if state in {s.value for s in LetterState} else None,
            country=country if len(country) == 2 and country.isascii() and country.isalpha()
            else None,
            target=_code(args.get("target"), 64),
            partner=_code(args.get("partner"), 40),
            since=_day(args.get("since")),
            until=_day(args.get("until")),
        )

    def as_args(self) -> dict[str, str]:
        """The filter as query arguments, for links and the exports."""
        return {f.name: str(getattr(self, f.name)) for f in fields(self)
                if getattr(self, f.name) is not None}


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def filtered(query: Select[*Ts], campaign: Campaign,
             where: LetterFilter) -> Select[*Ts]:
    """`query` (over `letter`) narrowed to the campaign's letters matching `where`."""
    query = query.where(Letter.campaign_id == campaign.id)
    if where.country or where.partner:
        query = query.join(Submission, Submission.id == Letter.submission_id)
        if where.country:
            query = query.where(Submission.country == where.country)
        if where.partner:
            query = query.where(Submission.partner_code == where.partner)
    if where.state:
        query = query.where(Letter.state == where.state)
    if where.target:
        query = query.where(Letter.target_id == where.target)
    if where.since:
        query = query.where(Letter.created_at >= _start_of(where.since))
    if where.until:
        query = query.where(Letter.created_at < _start_of(where.until + timedelta(days=1)))
    return query


@dataclass(frozen=True)
class LetterRow:
    id: int
    created_at: datetime
    state: str
    target_id: str
    target_name: str
    country: str
    partner_code: str | None


@dataclass(frozen=True)
class LettersPage:
    rows: Sequence[LetterRow]
    counts: dict[str, int]
    next_before: int | None  # the id the next page starts below; None: this is the last


def letters_page(db: Session, campaign: Campaign, where: LetterFilter,
                 before: int | None = None, page_size: int | None = None) -> LettersPage:
    page_size = page_size or PAGE_SIZE
    query = select(Letter.id, Letter.created_at, Letter.state, Letter.target_id,
                   Letter.target_name, Submission.country, Submission.partner_code)
    query = filtered(query, campaign, where)
    if not (where.country or where.partner):
        query = query.join(Submission, Submission.id == Letter.submission_id)
    if before is not None and 0 < before <= MAX_ID:
        query = query.where(Letter.id < before)
    rows = [LetterRow(*row) for row in
            db.execute(query.order_by(Letter.id.desc()).limit(page_size + 1)).all()]
    counts = {state: count for state, count in db.execute(
        filtered(select(Letter.state, func.count()), campaign, where).group_by(Letter.state))}
    more = len(rows) > page_size
    rows = rows[:page_size]
    return LettersPage(rows=rows, counts=counts,
                       next_before=rows[-1].id if more and rows else None)


@dataclass(frozen=True)
class LetterHistory:
    letter: Letter
    events: Sequence[LetterEvent]
    # None: the reader may not see it, or retention erased it.
    subject: str | None
    body: str | None
    erased: bool


def letter_history(db: Session, campaign: Campaign, letter_id: int, *,
                   with_text: bool) -> LetterHistory | None:
    """One of the campaign's letters with its state changes, oldest first; its words only
    `with_text` (editors) and only until retention erased them."""
    if not 0 < letter_id <= MAX_ID:
        return None
    letter = db.get(Letter, letter_id)
    if letter is None or letter.campaign_id != campaign.id:
        return None
    events = db.scalars(select(LetterEvent).where(LetterEvent.letter_id == letter.id)
                        .order_by(LetterEvent.at, LetterEvent.id)).all()
    erased = letter.submission.erased_at is not None
    show = with_text and not erased
    return LetterHistory(letter=letter, events=events, erased=erased,
                         subject=letter.subject if show else None,
                         body=letter.body if show else None)
