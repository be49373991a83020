"""A campaign's dashboard for staff: its letters and submissions counted; no Flask here.

Letters written per day and per supporter country, kind of target, target, partner and
language; letters reaching each state per day; submissions made and confirmed; drafts; and
how delivery is doing (the queue, failures, bounces, pauses, the campaign's settings).

Counting a million letters per page view would group the whole letter table (with its
submissions and texts) every time. Instead, DashboardCount keeps the counts per campaign,
measure, value and day, taken from rows that never change once written: a letter's target,
language, supporter country and partner are fixed when it is written, and its state changes
are events (LetterEvent) added, never altered. So the counts of rows already counted stay
right for good, and a page adds to them only the rows written since (`DashboardCursor`
remembers up to which id), found through the primary key. The delivery path is untouched: a
rollup kept in the same transaction as each state change would put one more contended row
update into every send. What is counted here is history: letters later erased or deleted
stay counted, as they were written.

A row is counted once every transaction that may still write a lower id has ended: the page
notes the highest id it sees, and counts up to it only SETTLE later; rows after it are
counted afresh on each page (a short range of the primary key) until then. The counting runs
while the page holds the cursors' row locks, so two staff pages never count the same rows
twice. The delivery sweep (every minute) and `flask staff dashboard-counts` do the same
counting off the pages.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Date, case, cast, exists, func, insert, select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement

from representatives.model import Target, TargetKind

from ..models import (
    Campaign,
    DashboardCount,
    DashboardCursor,
    DeliveryPause,
    DraftCount,
    Letter,
    LetterEvent,
    LetterState,
    LetterText,
    PendingLetters,
    Submission,
)

# Longer than any transaction that writes letters, events or submissions lasts.
SETTLE = timedelta(minutes=10)
# The charts show this many days, up to today; totals count every day.
SERIES_DAYS = 90
# Tables show this many targets, the busiest first.
TARGETS_SHOWN = 50
# The page names this many reasons why letters failed or bounced, the commonest first.
REASONS_SHOWN = 10
# Above this many letters to count, joins; below, each letter's rows by primary key.
BULK_IDS = 50_000
# Kept rows are read and added to in groups of this many keys.
KEYS_PER_QUERY = 500

# The page shows these (and the events' "left" and "reason:..." measures) only as totals over
# every day: they are kept under one day, ALL_DAYS,
# rather than per day (a thousand targets times every day would make the kept counts
# nearly as long to read as the letters).
TOTALS_ONLY = frozenset({"country", "partner", "target"})
ALL_DAYS = date(1970, 1, 1)

# The states a letter reaches that the chart of states per day shows, in this order.
CHART_STATES = (LetterState.QUEUED, LetterState.SENT, LetterState.DELIVERED,
                LetterState.BOUNCED, LetterState.FAILED, LetterState.HELD,
                LetterState.CANCELLED)
# Letters still on their way, whose number and oldest the page shows.
BACKLOG_STATES = (LetterState.QUEUED, LetterState.SENDING, LetterState.HELD)
PROBLEM_STATES = (LetterState.FAILED, LetterState.BOUNCED)
UNKNOWN_KIND = "unknown"

# (campaign id, measure, value, day)
Key = tuple[int, str, str, date]


def _day(db: Session, column: Any) -> ColumnElement[Any]:
    """The UTC day of a timestamp column, whatever the connection's time zone."""
    if db.get_bind().dialect.name == "postgresql":
        return cast(func.timezone("UTC", column), Date)
    return func.date(column)  # SQLite keeps timestamps as UTC text


def _as_date(value: date | str) -> date:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else date.fromisoformat(value[:10])


def _rows(db: Session, query: Any) -> list[Any]:
    """The rows of a grouped count, whose columns the type checker cannot follow."""
    return list(db.execute(query))


def _id_range(column: Any, after: int, through: int | None) -> list[ColumnElement[bool]]:
    where = [column > after]
    if through is not None:
        where.append(column <= through)
    return where


def _letter_counts(db: Session, after: int, through: int | None,
                   campaign_id: int | None) -> Counter[Key]:
    """Letters with ids in (after, through] by the day they were written and their supporter
    country, partner, language and target; and their submissions confirmed (counted with
    each submission's first letter, so a submission whose letters fall on both sides of a
    cursor counts once)."""
    where = _id_range(Letter.id, after, through)
    if campaign_id is not None:
        where.append(Letter.campaign_id == campaign_id)
    newest = through if through is not None else db.scalar(select(func.max(Letter.id))) or 0
    earlier = aliased(Letter)
    if newest - after > BULK_IDS:
        # Many letters (the first count, or after a long pause): joins, which the planner
        # may answer by hashing whole tables, once.
        written = (select(Letter.campaign_id, _day(db, Letter.created_at).label("day"),
                          Submission.country, Submission.partner_code, LetterText.language,
                          Letter.target_id)
                   .join(Submission, Submission.id == Letter.submission_id)
                   .join(LetterText, LetterText.id == Letter.text_id)
                   .where(*where).subquery())
        first_of_its_submission = ~exists().where(earlier.submission_id == Letter.submission_id,
                                                  earlier.id < Letter.id)
    else:
        # A few letters (a page's fresh ones): each letter's own rows found by primary key,
        # which correlated subqueries force; a join lets the planner hash whole tables.
        def of_submission(column: Any) -> Any:
            return select(column).where(Submission.id == Letter.submission_id).scalar_subquery()

        language = select(LetterText.language).where(LetterText.id == Letter.text_id)
        written = (select(Letter.campaign_id, _day(db, Letter.created_at).label("day"),
                          of_submission(Submission.country).label("country"),
                          of_submission(Submission.partner_code).label("partner_code"),
                          language.scalar_subquery().label("language"), Letter.target_id)
                   .where(*where).subquery())
        first_of_its_submission = Letter.id == (
            select(func.min(earlier.id)).where(earlier.submission_id == Letter.submission_id)
            .scalar_subquery())
    columns = (written.c.campaign_id, written.c.day, written.c.country, written.c.partner_code,
               written.c.language, written.c.target_id)
    counts: Counter[Key] = Counter()
    for campaign, day, country, partner, language_code, target, n in _rows(
            db, select(*columns, func.count()).group_by(*columns)):
        day = _as_date(day)
        for measure, value in (("country", country), ("partner", partner or ""),
                               ("language", language_code), ("target", target)):
            counts[(campaign, measure, value, ALL_DAYS if measure in TOTALS_ONLY else day)] += n
    first = (select(Letter.campaign_id, _day(db, Letter.created_at).label("day"))
             .where(*where, first_of_its_submission).subquery())
    for campaign, day, n in _rows(db, select(first.c.campaign_id, first.c.day, func.count())
                                  .group_by(first.c.campaign_id, first.c.day)):
        counts[(campaign, "confirmed", "", _as_date(day))] += n
    return counts


def _event_counts(db: Session, after: int, through: int | None,
                  campaign_id: int | None) -> Counter[Key]:
    """From the events with ids in (after, through]: letters reaching each state by day;
    letters leaving each state, and why letters failed or bounced, over every day (a
    state's letters now are those that reached it and did not leave)."""
    where = _id_range(LetterEvent.id, after, through)
    if campaign_id is not None:
        where.append(Letter.campaign_id == campaign_id)
    reason = case((LetterEvent.to_state.in_(PROBLEM_STATES), LetterEvent.reason), else_="")
    moves = (select(Letter.campaign_id, _day(db, LetterEvent.at).label("day"),
                    LetterEvent.from_state, LetterEvent.to_state, reason.label("reason"))
             .join(Letter, Letter.id == LetterEvent.letter_id).where(*where).subquery())
    columns = (moves.c.campaign_id, moves.c.day, moves.c.from_state, moves.c.to_state,
               moves.c.reason)
    counts: Counter[Key] = Counter()
    for campaign, day, from_state, to_state, why, n in _rows(
            db, select(*columns, func.count()).group_by(*columns)):
        counts[(campaign, "state", to_state, _as_date(day))] += n
        if from_state != PendingLetters.STATE:
            counts[(campaign, "left", from_state, ALL_DAYS)] += n
        if to_state in PROBLEM_STATES:
            counts[(campaign, f"reason:{to_state}", why or "", ALL_DAYS)] += n
    return counts


def _submission_counts(db: Session, after: int, through: int | None,
                       campaign_id: int | None) -> Counter[Key]:
    """Submissions with ids in (after, through] by the day they were made."""
    where = _id_range(Submission.id, after, through)
    if campaign_id is not None:
        where.append(Submission.campaign_id == campaign_id)
    made = (select(Submission.campaign_id, _day(db, Submission.created_at).label("day"))
            .where(*where).subquery())
    columns = (made.c.campaign_id, made.c.day)
    return Counter({(campaign, "submitted", "", _as_date(day)): n
                    for campaign, day, n in _rows(
                        db, select(*columns, func.count()).group_by(*columns))})


CountRows = Callable[[Session, int, int | None, int | None], Counter[Key]]
SOURCES: dict[str, tuple[Any, CountRows]] = {
    "letter": (Letter.id, _letter_counts),
    "letter_event": (LetterEvent.id, _event_counts),
    "submission": (Submission.id, _submission_counts),
}


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # SQLite drops the zone


def _locked_cursors(db: Session) -> dict[str, DashboardCursor]:
    """Every source's cursor, locked until the transaction ends (created where missing)."""
    def locked() -> dict[str, DashboardCursor]:
        return {cursor.source: cursor for cursor in db.scalars(
            select(DashboardCursor).with_for_update().execution_options(populate_existing=True))}

    cursors = locked()
    for source in SOURCES.keys() - cursors.keys():
        try:
            with db.begin_nested():
                db.add(DashboardCursor(source=source, counted_through=0))
        except IntegrityError:
            pass  # another page created it at the same moment
    return cursors if len(cursors) == len(SOURCES) else locked()


def _add_counts(db: Session, counts: Mapping[Key, int]) -> None:
    """Add `counts` to the kept ones."""
    keys = [key for key, n in counts.items() if n]
    key_columns = tuple_(DashboardCount.campaign_id, DashboardCount.measure,
                         DashboardCount.value, DashboardCount.day)
    new = []
    for start in range(0, len(keys), KEYS_PER_QUERY):
        batch = keys[start:start + KEYS_PER_QUERY]
        kept = {(row.campaign_id, row.measure, row.value, row.day): row
                for row in db.scalars(select(DashboardCount).where(key_columns.in_(batch)))}
        for key in batch:
            if key in kept:
                kept[key].count += counts[key]
            else:
                new.append({"campaign_id": key[0], "measure": key[1], "value": key[2],
                            "day": key[3], "count": counts[key]})
    if new:
        db.execute(insert(DashboardCount), new)
    db.flush()


def bring_counts_up_to_date(db: Session, now: datetime) -> dict[str, int]:
    """Count the rows that have settled into DashboardCount and note the newest id of each
    source; returns, per source, the id up to which the kept counts go. The cursors stay
    locked until the caller's transaction ends."""
    cursors = _locked_cursors(db)
    for source, (id_column, count_rows) in SOURCES.items():
        cursor = cursors[source]
        if (cursor.pending_through is not None and cursor.pending_since is not None
                and _aware(cursor.pending_since) <= now - SETTLE):
            if cursor.pending_through > cursor.counted_through:
                _add_counts(db, count_rows(db, cursor.counted_through, cursor.pending_through,
                                           None))
                cursor.counted_through = cursor.pending_through
            cursor.pending_through = None
        if cursor.pending_through is None:
            newest = db.scalar(select(func.max(id_column))) or 0
            cursor.pending_through = max(newest, cursor.counted_through)
            cursor.pending_since = now
    db.flush()
    return {source: cursor.counted_through for source, cursor in cursors.items()}


def campaign_counts(db: Session, campaign_id: int,
                    counted_through: Mapping[str, int]) -> Counter[Key]:
    """The campaign's counts: those kept, and those of the rows after `counted_through`."""
    query = (select(DashboardCount.measure, DashboardCount.value, DashboardCount.day,
                    DashboardCount.count)
             .where(DashboardCount.campaign_id == campaign_id))
    counts: Counter[Key] = Counter({(campaign_id, measure, value, _as_date(day)): n
                                    for measure, value, day, n in db.execute(query)})
    for source, (_, count_rows) in SOURCES.items():
        counts.update(count_rows(db, counted_through.get(source, 0), None, campaign_id))
    return counts


@dataclass(frozen=True)
class TargetCount:
    target_id: str
    name: str
    kind: str
    letters: int


@dataclass(frozen=True)
class ProblemReason:
    state: str
    reason: str
    letters: int


@dataclass(frozen=True)
class DeliveryHealth:
    """How delivery is doing now: letters on their way (with the oldest still queued),
    failed and bounced ones and why, and what holds sending back."""

    backlog: dict[str, int]
    oldest_queued: datetime | None
    problems: dict[str, int]
    reasons: list[ProblemReason]
    pauses: list[DeliveryPause]


@dataclass(frozen=True)
class CampaignDashboard:
    campaign: Campaign
    days: list[date]  # the charts' days, oldest first
    # Per day of `days`: letters written, letters reaching each state, drafts.
    written_by_day: list[int]
    states_by_day: dict[str, list[int]]
    drafts_by_day: list[int]
    # Totals over every day, the largest first.
    letters: int
    states: list[tuple[str, int]]
    countries: list[tuple[str, int]]
    kinds: list[tuple[str, int]]
    targets: list[TargetCount]
    target_count: int  # how many targets have letters, of which `targets` shows the first
    partners: list[tuple[str, int]]  # "" for the campaign's own site
    languages: list[tuple[str, int]]
    submitted: int
    confirmed: int
    drafts: int
    health: DeliveryHealth

    @property
    def confirmation_rate(self) -> float | None:
        return self.confirmed / self.submitted if self.submitted else None

    def day_rows(self) -> list[tuple[date, int, list[int], int]]:
        """The charts' days with anything counted, newest first: the day, letters written,
        letters reaching each state (of `states_by_day`), drafts."""
        rows = []
        for i, day in enumerate(self.days):
            states = [counts[i] for counts in self.states_by_day.values()]
            if self.written_by_day[i] or self.drafts_by_day[i] or any(states):
                rows.append((day, self.written_by_day[i], states, self.drafts_by_day[i]))
        return rows[::-1]


def _largest_first(counter: Mapping[str, int]) -> list[tuple[str, int]]:
    return sorted(((value, n) for value, n in counter.items() if n),
                  key=lambda item: (-item[1], item[0]))


def kind_of(target_id: str, target: Target | None) -> str:
    """The kind of target a letter went to: the directory's, or the one its id starts with
    ("mep:197490"), for targets since gone from the directory."""
    if target is not None:
        return str(target.kind)
    prefix = target_id.split(":", 1)[0]
    return prefix if prefix in {kind.value for kind in TargetKind} else UNKNOWN_KIND


def delivery_health(db: Session, campaign: Campaign,
                    by_measure: Mapping[str, Counter[str]]) -> DeliveryHealth:
    """From the counts (`by_measure`: each measure's values summed over every day), and one
    query through the index on letters' states for the oldest letter still queued: it reads
    the queued letters, few unless sending is held back, when staff most want to see it."""
    now_in = {state: by_measure["state"][state] - by_measure["left"][state]
              for state in (*BACKLOG_STATES, *PROBLEM_STATES)}
    oldest = db.scalar(select(func.min(Letter.created_at))
                       .where(Letter.state == LetterState.QUEUED,
                              Letter.campaign_id == campaign.id))
    reasons = [ProblemReason(state, reason, n)
               for state in PROBLEM_STATES
               for reason, n in by_measure[f"reason:{state}"].items() if n]
    reasons.sort(key=lambda r: (-r.letters, r.state, r.reason))
    pauses = list(db.scalars(select(DeliveryPause).order_by(DeliveryPause.created_at)))
    return DeliveryHealth(
        backlog={state: now_in[state] for state in BACKLOG_STATES if now_in[state]},
        oldest_queued=_aware(oldest) if oldest else None,
        problems={state: now_in[state] for state in PROBLEM_STATES if now_in[state]},
        reasons=reasons[:REASONS_SHOWN], pauses=pauses)


def _drafts(db: Session, campaign_id: int) -> dict[date, int]:
    return {_as_date(day): n for day, n in db.execute(
        select(DraftCount.day, func.sum(DraftCount.letters))
        .where(DraftCount.campaign_id == campaign_id).group_by(DraftCount.day))}


def campaign_dashboard(db: Session, campaign: Campaign,
                       find_target: Callable[[str], Target | None],
                       now: datetime) -> CampaignDashboard:
    """Everything the dashboard shows for `campaign`. Brings the kept counts up to date,
    which the caller commits."""
    counted_through = bring_counts_up_to_date(db, now)
    counts = campaign_counts(db, campaign.id, counted_through)
    today = now.astimezone(UTC).date()
    days = [today - timedelta(days=back) for back in range(SERIES_DAYS - 1, -1, -1)]
    by_measure: dict[str, Counter[str]] = defaultdict(Counter)
    by_day: dict[tuple[str, str], Counter[date]] = defaultdict(Counter)
    for (_, measure, value, day), n in counts.items():
        by_measure[measure][value] += n
        if measure in ("state", "language"):
            by_day[(measure, value)][day] += n
    written: Counter[date] = Counter()
    for (measure, _), per_day in by_day.items():
        if measure == "language":
            written.update(per_day)
    targets, kinds = [], Counter[str]()
    for target_id, n in _largest_first(by_measure["target"]):
        target = find_target(target_id)
        kind = kind_of(target_id, target)
        kinds[kind] += n
        targets.append(TargetCount(target_id, target.name if target else target_id, kind, n))
    drafts = _drafts(db, campaign.id)
    return CampaignDashboard(
        campaign=campaign, days=days,
        written_by_day=[written[day] for day in days],
        states_by_day={str(state): [by_day[("state", state)][day] for day in days]
                       for state in CHART_STATES},
        drafts_by_day=[drafts.get(day, 0) for day in days],
        letters=sum(by_measure["language"].values()),
        states=[(str(state), by_measure["state"][state]) for state in CHART_STATES],
        countries=_largest_first(by_measure["country"]),
        kinds=_largest_first(kinds),
        targets=targets[:TARGETS_SHOWN], target_count=len(targets),
        partners=_largest_first(by_measure["partner"]),
        languages=_largest_first(by_measure["language"]),
        submitted=by_measure["submitted"][""], confirmed=by_measure["confirmed"][""],
        drafts=sum(drafts.values()),
        health=delivery_health(db, campaign, by_measure),
    )

