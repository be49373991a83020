"""The AI summit series as the data holds it: each summit, its outcome documents, and what each
country did about them. Read-only values, built once per directory load (see store.load_summits).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

# A country's strongest act at one summit, for a table cell: signing beats endorsing beats
# attending; declining is shown only when the country did nothing else there.
_STRENGTH = {"signed": 4, "endorsed": 3, "attended": 2, "declined": 1, "unknown": 0}


@dataclass(frozen=True, slots=True)
class OutcomeDocument:
    title: str
    date: str = ""  # ISO date, or "" where the data has none
    url: str = ""


@dataclass(frozen=True, slots=True)
class SummitFacts:
    id: str  # "paris-2025"
    name: str
    city: str
    host_country: str
    start_date: date | None
    end_date: date | None
    status: str  # "held", "next" or "announced"
    year: int | None
    source_url: str | None = None
    documents: tuple[OutcomeDocument, ...] = ()

    @property
    def is_next(self) -> bool:
        return self.status == "next"

    @property
    def held(self) -> bool:
        return self.status == "held"


@dataclass(frozen=True, slots=True)
class Participation:
    summit_id: str
    country: str  # ISO 3166 alpha-2, or "EU"
    document: str  # a title among the summit's documents; "" for the summit as a whole
    status: str  # one of tables.PARTICIPATION_STATUSES
    source_url: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class CountryRecord:
    """What one country did at each summit, in the series' order."""

    country: str
    rows: tuple[Participation, ...] = ()

    def summits_where(self, status: str) -> tuple[str, ...]:
        """The summits (ids, in order) where the country did `status` about some document.

        A country that signed one of a summit's documents and declined another counts under
        both; "declined" lists only summits where it did nothing better.
        """
        found: dict[str, None] = {}
        best = self.best_by_summit()
        for row in self.rows:
            if row.status == status and (status != "declined" or best[row.summit_id] == status):
                found[row.summit_id] = None
        return tuple(found)

    def best_by_summit(self) -> dict[str, str]:
        best: dict[str, str] = {}
        for row in self.rows:
            if _STRENGTH[row.status] > _STRENGTH.get(best.get(row.summit_id, ""), -1):
                best[row.summit_id] = row.status
        return best

    @property
    def signed(self) -> tuple[str, ...]:
        return self.summits_where("signed")

    @property
    def endorsed(self) -> tuple[str, ...]:
        return self.summits_where("endorsed")

    @property
    def declined(self) -> tuple[str, ...]:
        return self.summits_where("declined")

    @property
    def attended(self) -> tuple[str, ...]:
        return self.summits_where("attended")


# Compared and hashed by identity: a directory load builds one, and caches of what letters
# show of it (letters.summit_views) are kept per series without hashing every row.
@dataclass(frozen=True, eq=False)
class SummitSeries:
    """Every summit in order (by year, then start date), with the participation rows."""

    summits: tuple[SummitFacts, ...] = ()
    participation: tuple[Participation, ...] = ()
    _by_country: dict[str, tuple[Participation, ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        order = {s.id: number for number, s in enumerate(self.summits)}
        grouped: dict[str, list[Participation]] = defaultdict(list)
        for row in sorted(self.participation, key=lambda r: (order.get(r.summit_id, 999),
                                                             r.document)):
            grouped[row.country].append(row)
        self._by_country.update({c: tuple(rows) for c, rows in grouped.items()})

    @classmethod
    def build(cls, summits: Iterable[SummitFacts],
              participation: Iterable[Participation]) -> SummitSeries:
        ordered = sorted(summits, key=lambda s: (s.year or 9999, s.start_date or date.max, s.id))
        return cls(tuple(ordered), tuple(participation))

    @property
    def next(self) -> SummitFacts | None:
        """The summit marked next, if one is."""
        return next((s for s in self.summits if s.is_next), None)

    @property
    def latest_held(self) -> SummitFacts | None:
        held = [s for s in self.summits if s.held]
        return held[-1] if held else None

    def summit(self, summit_id: str) -> SummitFacts | None:
        return next((s for s in self.summits if s.id == summit_id), None)

    def record(self, country: str) -> CountryRecord:
        return CountryRecord(country, self._by_country.get(country.upper(), ()))

    def countries(self) -> tuple[str, ...]:
        """Every country (and "EU") that the participation rows name, sorted by code."""
        return tuple(sorted(self._by_country))

    def table(self) -> dict[str, dict[str, str]]:
        """country -> summit id -> its strongest act there (see CountryRecord.best_by_summit)."""
        return {country: self.record(country).best_by_summit() for country in self._by_country}
