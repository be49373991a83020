"""The public letter counter: how many letters a campaign's supporters have sent, per country.

"Sent" counts honestly: letters we sent (states sent and delivered; retention keeps those rows
and their states) plus letters supporters opened as drafts in their own mail app (DraftCount).
Letters waiting for confirmation, queued, held, bounced, failed or cancelled are not counted.

Every public page shows the counter, so it must not count the letter table per request: each
process keeps one tally per campaign, all countries at once from one grouped query, for
TALLY_SECONDS. A supporter's own fresh letter may therefore appear only once the tally is
older than that.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func, literal, select, union_all

from representatives.summits import SummitFacts

from .app_state import app_state
from .db import get_session
from .models import Campaign, DraftCount, Letter, LetterState, Submission

# How long a process serves a tally before counting again: long enough that a busy page costs
# one query per campaign per window, short enough that the counter visibly moves.
TALLY_SECONDS = 60.0

COUNTED_STATES = (LetterState.SENT, LetterState.DELIVERED)


@dataclass(frozen=True, slots=True)
class _Tally:
    by_country: Counter[str]
    counted_at: float

    @property
    def total(self) -> int:
        return sum(self.by_country.values())


class LetterTallies:
    """Each campaign's letters per supporter country, counted at most every `seconds`.

    While one thread counts, the others serve the tally they have rather than wait (each
    waiting thread would hold a connection; see Recheck); only a first count is waited for.
    """

    def __init__(self, seconds: float = TALLY_SECONDS):
        self.seconds = seconds
        self._tallies: dict[int, _Tally] = {}
        self._lock = threading.Lock()

    def by_country(self, campaign_id: int) -> Counter[str]:
        return self._tally(campaign_id).by_country

    def total(self, campaign_id: int) -> int:
        return self._tally(campaign_id).total

    def window(self) -> int:
        """The number of the current counting window: a cache key for what shows a tally."""
        return int(time.monotonic() // self.seconds)

    def clear(self) -> None:
        """Count again on the next use (tests, and staff who want to see a change now)."""
        with self._lock:
            self._tallies.clear()

    def _tally(self, campaign_id: int) -> _Tally:
        tally = self._tallies.get(campaign_id)
        if tally is not None and time.monotonic() - tally.counted_at < self.seconds:
            return tally
        if not self._lock.acquire(blocking=tally is None):
            return tally  # type: ignore[return-value]  # not None: only then not blocking
        try:
            current = self._tallies.get(campaign_id)
            if current is not None and time.monotonic() - current.counted_at < self.seconds:
                return current  # counted meanwhile by another thread
            counted = _Tally(_count(campaign_id), time.monotonic())
            self._tallies[campaign_id] = counted
            return counted
        finally:
            self._lock.release()


def _count(campaign_id: int) -> Counter[str]:
    """One round trip: letters sent and letters drafted, each grouped by supporter country."""
    sent = (select(Submission.country.label("country"), func.count().label("letters"))
            .select_from(Letter).join(Submission, Submission.id == Letter.submission_id)
            .where(Letter.campaign_id == campaign_id, Letter.state.in_(COUNTED_STATES))
            .group_by(Submission.country))
    drafted = (select(DraftCount.country.label("country"),
                      func.coalesce(func.sum(DraftCount.letters), literal(0)).label("letters"))
               .where(DraftCount.campaign_id == campaign_id)
               .group_by(DraftCount.country))
    tally: Counter[str] = Counter()
    for country, letters in get_session().execute(union_all(sent, drafted)):
        tally[country] += int(letters)
    return tally


def letter_tallies() -> LetterTallies:
    """This app's tallies (one per process, shared by its threads)."""
    return app_state().letter_tallies


def letter_tally(campaign_id: int, country: str | None = None) -> int:
    """Letters sent and drafted for the campaign, by supporters of `country` if given."""
    if country is None:
        return letter_tallies().total(campaign_id)
    return letter_tallies().by_country(campaign_id)[country.upper()]


@dataclass(frozen=True, slots=True)
class CounterView:
    """What the public counter shows; the page words it in the supporter's language."""

    sent: int
    goal: int | None  # None: staff set no goal, the counter shows the count alone
    next_summit: SummitFacts | None  # the goal's deadline, when the data marks a next summit

    @property
    def share(self) -> float | None:
        """Progress towards the goal, 0 to 1 (a full bar once it is passed)."""
        if not self.goal or self.goal <= 0:
            return None
        return min(self.sent / self.goal, 1.0)

    @property
    def percent(self) -> int | None:
        share = self.share
        return None if share is None else int(share * 100)


def counter_view(campaign: Campaign) -> CounterView:
    """The campaign's counter, all countries together: the goal is the campaign's, not a
    country's (a country page shows its own supporters' letters beside it, letter_tally)."""
    return CounterView(sent=letter_tally(campaign.id), goal=campaign.letter_goal,
                       next_summit=app_state().directory.get().summits.next)
