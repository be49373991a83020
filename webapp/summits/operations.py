"""What the public summit pages show: the series as a timeline, the country-by-summit table
and its filter, the map's colours, and one country's record, targets and letters.

Plain values for the templates; nothing here reads the request or renders anything. Words
("signed", "held") stay codes here and are translated by the templates.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from sqlalchemy.orm import Session

from letters.summit_views import summit_view
from letters.templates import CampaignContent
from representatives.directory import GROUP_ORDER, Directory
from representatives.model import (
    GROUP_OF_KIND,
    GroupKind,
    MatchError,
    PostcodeRequired,
    Target,
)
from representatives.summits import OutcomeDocument, SummitFacts, SummitSeries

from ..app_state import app_state
from ..i18n import country_codes, country_name, folded
from ..models import Campaign, CampaignStatus
from ..momentum import CounterView, counter_view, letter_tally
from ..supporters.operations import load_campaign, match_supporter

# The acts a table cell or the map shows, strongest first (representatives.summits decides
# which one a country's cell shows when it did several at one summit).
STATUSES = ("signed", "endorsed", "attended", "declined")
EUROPEAN_UNION = "EU"
# A longer filter text matches no country name anyway; it is cut rather than refused.
FILTER_TEXT_LIMIT = 80
WORLD_MAP = Path(__file__).resolve().parent.parent / "static" / "world-map.json"


class FilterProblem(StrEnum):
    """A filter value the page cannot use; the page says so and shows every row for it."""

    UNKNOWN_SUMMIT = "unknown_summit"
    UNKNOWN_STATUS = "unknown_status"


# --- the series ----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class SummitEntry:
    """One summit as the timeline shows it, named and dated in the page's language."""

    id: str
    name: str
    city: str
    host: str  # the host country's name
    host_code: str
    status: str  # "held", "next" or "announced"
    dates: str  # in the page's language; "" while not announced
    year: str
    start_date: date | None
    end_date: date | None
    source_url: str | None
    documents: tuple[OutcomeDocument, ...]


def summit_entry(summit: SummitFacts, language: str) -> SummitEntry:
    view = summit_view(summit, language)
    return SummitEntry(
        id=summit.id, name=summit.name, city=summit.city, host=view.host,
        host_code=summit.host_country, status=summit.status, dates=view.date, year=view.year,
        start_date=summit.start_date, end_date=summit.end_date, source_url=summit.source_url,
        documents=summit.documents)


@dataclass(frozen=True, slots=True)
class Countdown:
    """The next summit and how far away it is."""

    summit: SummitEntry
    days: int | None  # days until it starts; None while its dates are not announced
    under_way: bool = False


def countdown(summit: SummitFacts | None, language: str, today: date) -> Countdown | None:
    if summit is None:
        return None
    entry = summit_entry(summit, language)
    if summit.start_date is None:
        return Countdown(entry, None)
    end = summit.end_date or summit.start_date
    under_way = summit.start_date <= today <= end
    return Countdown(entry, max((summit.start_date - today).days, 0), under_way)


# --- the table and its filter ----------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class TableFilter:
    """The table's filter as the GET form sends it: any part may be empty."""

    text: str = ""
    summit: str = ""  # a summit id
    status: str = ""  # one of STATUSES

    @property
    def active(self) -> bool:
        return bool(self.text or self.summit or self.status)


def parse_filter(args: Mapping[str, str], series: SummitSeries
                 ) -> tuple[TableFilter, tuple[FilterProblem, ...]]:
    """The filter from the query string; a value it cannot use is dropped, with its problem.

    The text is kept as typed (cut to FILTER_TEXT_LIMIT), so that the form shows it again.
    """
    problems = []
    text = " ".join((args.get("q") or "").split())[:FILTER_TEXT_LIMIT]
    summit = (args.get("summit") or "").strip()
    if summit and series.summit(summit) is None:
        problems.append(FilterProblem.UNKNOWN_SUMMIT)
        summit = ""
    status = (args.get("status") or "").strip()
    if status and status not in STATUSES:
        problems.append(FilterProblem.UNKNOWN_STATUS)
        status = ""
    return TableFilter(text, summit, status), tuple(problems)


@dataclass(frozen=True, slots=True)
class TableRow:
    code: str
    name: str
    cells: tuple[str, ...]  # per column: the country's strongest act there, "" for none
    search: str  # what the filter text is matched against (the page's own script too)
    text_matches: bool  # False: the filter text hides it (the script may show it again)


def _acts_match(acts_by_summit: Mapping[str, frozenset[str]], table_filter: TableFilter
                ) -> bool:
    """Whether a country's acts pass the filter's summit and status."""
    if table_filter.summit:
        acts = acts_by_summit.get(table_filter.summit, frozenset())
        return table_filter.status in acts if table_filter.status else bool(acts)
    if table_filter.status:
        return any(table_filter.status in acts for acts in acts_by_summit.values())
    return True


@dataclass(frozen=True, slots=True)
class SummitsPage:
    summits: tuple[SummitEntry, ...]  # the whole series, in order
    columns: tuple[SummitEntry, ...]  # the summits the table has a column for
    # The rows the filter's summit and status keep, by name; those the text does not match
    # are on the page, hidden, so that the page's script can filter as the visitor types.
    rows: tuple[TableRow, ...]
    shown: int  # rows neither filtered out nor hidden
    all_rows: int
    table_filter: TableFilter
    problems: tuple[FilterProblem, ...]
    map: WorldMap
    map_summit: SummitEntry | None  # the summit the map's colours are about
    map_status: Mapping[str, str]  # country -> its act at map_summit ("" for none)
    counter: CounterView | None
    campaign_slug: str


@lru_cache(maxsize=1)
def world_map() -> WorldMap:
    """The country outlines (webapp/summits/build_map.py made them), read once."""
    data = json.loads(WORLD_MAP.read_text(encoding="utf-8"))
    return WorldMap(data["viewBox"], tuple(data["countries"].items()),
                    tuple(data["unassigned"]))


@dataclass(frozen=True, slots=True)
class WorldMap:
    view_box: str
    countries: tuple[tuple[str, str], ...]  # (alpha-2, SVG path data)
    unassigned: tuple[str, ...]  # land with no ISO code of its own


def _shown(status: str | None) -> str:
    """A cell's act; "" where the data has none, or says it does not know ("unknown")."""
    return status if status in STATUSES else ""


def _statuses_by_summit(series: SummitSeries, country: str) -> dict[str, frozenset[str]]:
    """Every act of the country at each summit (a country may sign one document and decline
    another): what the filter by summit and status looks at."""
    found: dict[str, set[str]] = {}
    for row in series.record(country).rows:
        if row.status in STATUSES:
            found.setdefault(row.summit_id, set()).add(row.status)
    return {summit: frozenset(acts) for summit, acts in found.items()}


def summits_page(session: Session, language: str, table_filter: TableFilter,
                 problems: tuple[FilterProblem, ...] = ()) -> SummitsPage:
    """The /summits page: the series, the table as filtered, the map, the counter."""
    series = app_state().directory.get().summits
    summits = tuple(summit_entry(summit, language) for summit in series.summits)
    recorded = {row.summit_id for row in series.participation}
    columns = tuple(entry for entry in summits if entry.id in recorded)
    table = series.table()
    text = folded(table_filter.text)
    rows = []
    for code in series.countries():
        if not _acts_match(_statuses_by_summit(series, code), table_filter):
            continue
        name = country_name(code, language)
        search = f"{folded(name)} {code.casefold()}"
        rows.append(TableRow(code, name, tuple(_shown(table[code].get(c.id)) for c in columns),
                             search, text in search))
    rows.sort(key=lambda row: folded(row.name))
    map_summit = next((c for c in columns if c.id == table_filter.summit), None) or (
        columns[-1] if columns else None)
    map_status = ({code: _shown(best.get(map_summit.id)) for code, best in table.items()}
                  if map_summit else {})
    slug = app_state().config.default_campaign
    loaded = load_campaign(session, slug)
    return SummitsPage(
        summits=summits, columns=columns, rows=tuple(rows),
        shown=sum(row.text_matches for row in rows), all_rows=len(table),
        table_filter=table_filter, problems=problems, map=world_map(), map_summit=map_summit,
        map_status=map_status, counter=counter_view(loaded[0]) if loaded else None,
        campaign_slug=slug)


# --- one country ---------------------------------------------------------------------------

def is_known_country(code: str) -> bool:
    """A code a country page exists for: an ISO country, or the European Union."""
    return code == EUROPEAN_UNION or code in country_codes()


@dataclass(frozen=True, slots=True)
class RecordLine:
    """One thing the country did about one of a summit's documents."""

    status: str
    document: str  # "" for the summit as a whole
    source_url: str | None
    note: str | None


@dataclass(frozen=True, slots=True)
class SummitRecord:
    summit: SummitEntry
    best: str  # its strongest act there
    lines: tuple[RecordLine, ...]


@dataclass(frozen=True, slots=True)
class TargetsView:
    """Whom a supporter from the country writes to in the campaign."""

    groups: tuple[tuple[GroupKind, tuple[Target, ...]], ...] = ()
    problem: str = ""  # a MatchError code ("no_targets", "outside_campaign"), or "" if none
    by_postcode: bool = False  # more (their own district's members) with a postcode


@dataclass(frozen=True, slots=True)
class CountryPage:
    code: str
    name: str
    record: tuple[SummitRecord, ...]
    targets: TargetsView | None  # None for the European Union: no supporter lives there
    letters: int  # sent and drafted by the country's supporters in the campaign
    counter: CounterView | None
    countdown: Countdown | None
    campaign_slug: str
    campaign_open: bool


def _document_url(summit: SummitFacts, title: str) -> str | None:
    return next((d.url for d in summit.documents if d.title == title and d.url), None)


def country_record(series: SummitSeries, code: str, language: str) -> tuple[SummitRecord, ...]:
    """The country's acts summit by summit, with the documents and where each is stated."""
    record = series.record(code)
    best = record.best_by_summit()
    found = []
    for summit in series.summits:
        lines = tuple(RecordLine(row.status, row.document,
                                 row.source_url or _document_url(summit, row.document), row.note)
                      for row in record.rows if row.summit_id == summit.id)
        if lines:
            found.append(SummitRecord(summit_entry(summit, language), best[summit.id], lines))
    return tuple(found)


def _national_groups(directory: Directory, campaign: Campaign, content: CampaignContent,
                     country: str) -> TargetsView:
    """Where members of parliament are chosen by district, the targets every supporter of
    the country has before they give a postcode: the national ones, and the next host."""
    kinds = set(content.target_kinds)
    grouped: dict[GroupKind, list[Target]] = {}
    for target in directory.country_wide(country):
        if target.area is None and target.kind in kinds:
            grouped.setdefault(GROUP_OF_KIND[target.kind], []).append(target)
    groups = [(kind, tuple(grouped[kind])) for kind in GROUP_ORDER if kind in grouped]
    if campaign.write_to_next_host and directory.next_summit_host not in (None, country):
        host = tuple(m.target for m in directory.next_host_targets() if m.target.kind in kinds)
        if host:
            groups.insert(1 if groups and groups[0][0] == GroupKind.GOVERNMENT else 0,
                          (GroupKind.NEXT_SUMMIT_HOST, host))
    return TargetsView(tuple(groups), by_postcode=True)


def country_targets(directory: Directory, campaign: Campaign, content: CampaignContent,
                    country: str) -> TargetsView:
    """The campaign's targets for a supporter of `country`, as the campaign page matches them."""
    try:
        match = match_supporter(campaign, content, country)
    except PostcodeRequired:
        return _national_groups(directory, campaign, content, country)
    except MatchError as error:
        return TargetsView(problem=error.code)
    return TargetsView(tuple((group.kind, tuple(m.target for m in group.targets))
                             for group in match.groups))


def country_page(session: Session, code: str, language: str, today: date) -> CountryPage:
    """A country's page: its record, its targets in the default campaign, its letters."""
    directory = app_state().directory.get()
    slug = app_state().config.default_campaign
    loaded = load_campaign(session, slug)
    targets = None
    if loaded is not None and code != EUROPEAN_UNION:
        targets = country_targets(directory, loaded[0], loaded[1], code)
    return CountryPage(
        code=code, name=country_name(code, language),
        record=country_record(directory.summits, code, language), targets=targets,
        letters=letter_tally(loaded[0].id, code) if loaded else 0,
        counter=counter_view(loaded[0]) if loaded else None,
        countdown=countdown(directory.summits.next, language, today),
        campaign_slug=slug,
        campaign_open=loaded is not None and loaded[0].status == CampaignStatus.OPEN)
