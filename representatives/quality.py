"""What is wrong or stale in the representatives data, and how much of each country it covers.

Both read the tables as they are; neither changes anything. `flask reps validate` and
`flask reps stats` print what these return.
"""

from __future__ import annotations

import calendar
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .model import LETTER_CHANNELS, ChannelKind, TargetKind
from .store import load_targets
from .tables import ContactDetail, Membership, Organization, Person, SummitParticipation


@dataclass(frozen=True)
class Problem:
    """One thing staff should fix: `subject` is a person or body id, `source` who wrote it."""

    code: str
    source: str
    subject: str
    text: str


# Problem codes, in the order they are reported, with a title each.
PROBLEMS = {
    "no_channel": "People in office with no way to send them a letter",
    "bounced": "Addresses that bounced",
    "stale": "Contact details last verified more than {months} months ago",
    "never_verified": "Contact details with no verification date",
    "no_source": "Current roles without a source",
    "shared_inbox": "Email addresses shared by several people in office (each would get "
    "its own copy of a supporter's letter)",
}


@dataclass
class Validation:
    months: int
    today: date
    problems: list[Problem] = field(default_factory=list)

    def of(self, code: str) -> list[Problem]:
        return [p for p in self.problems if p.code == code]

    def by_source(self, code: str) -> Counter:
        return Counter(p.source for p in self.of(code))


def months_before(day: date, months: int) -> date:
    """The same day `months` months earlier (the month's last day where it is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _who(role: Any, key: str) -> str:
    """A role as a problem names it: an office addressed by its title is named once, since
    the title is both its name and its role (having no named holder is no problem)."""
    if role.by_title:
        return f"{role.name} ({key})"
    return f"{role.name} ({key}), {role.role}"


def validate(
    session: Session, *, months: int = 12, today: date | None = None, source: str | None = None
) -> Validation:
    """Everything wrong or stale about the people in office (of one `source` if given)."""
    today = today or date.today()
    cutoff = months_before(today, months)
    result = Validation(months=months, today=today)

    roles = session.execute(
        select(Membership.id, Membership.person_id, Membership.source, Membership.source_url,
               Membership.role, Person.name, Person.by_title)  # fmt: skip
        .join(Person, Membership.person_id == Person.id)
        .where(Membership.end_date.is_(None), Person.retired_at.is_(None))
        .order_by(Membership.source, Person.name, Membership.id)
    ).all()
    in_office = {r.person_id: r for r in roles}

    contacts = session.execute(
        select(ContactDetail.id, ContactDetail.person_id, ContactDetail.organization_id,
               ContactDetail.kind, ContactDetail.value, ContactDetail.source,
               ContactDetail.verified_on, ContactDetail.bounced_at, Organization.name)
        .outerjoin(Organization, ContactDetail.organization_id == Organization.id)
        .where(ContactDetail.retired_at.is_(None))
        .order_by(ContactDetail.source, ContactDetail.id)
    ).all()  # fmt: skip
    names = {person_id: r.name for person_id, r in in_office.items()}
    usable: dict[str, set[ChannelKind]] = defaultdict(set)
    inboxes: dict[str, dict[str, str]] = defaultdict(dict)  # address -> person id -> source

    for c in contacts:
        if c.person_id is not None and c.person_id not in in_office:
            continue  # someone no longer in office
        owner = names.get(c.person_id) or c.name or c.organization_id
        subject = c.person_id or c.organization_id
        where = f"{c.kind} {c.value!r} of {owner} ({subject})"
        if c.bounced_at is not None:
            result.problems.append(Problem(
                "bounced", c.source, subject, f"{where}: bounced {c.bounced_at:%Y-%m-%d}",
            ))  # fmt: skip
            continue
        if c.person_id is not None:
            usable[c.person_id].add(ChannelKind(c.kind))
            if c.kind == ChannelKind.EMAIL:
                inboxes[c.value.strip().lower()].setdefault(c.person_id, c.source)
        if c.verified_on is None:
            result.problems.append(Problem("never_verified", c.source, subject, where))
        elif c.verified_on < cutoff:
            result.problems.append(Problem(
                "stale", c.source, subject, f"{where}: verified {c.verified_on.isoformat()}",
            ))  # fmt: skip

    for person_id, role in in_office.items():
        kinds = usable.get(person_id, set())
        if not kinds & LETTER_CHANNELS:
            has = " (a phone number only)" if ChannelKind.PHONE in kinds else ""
            result.problems.append(Problem(
                "no_channel", role.source, person_id,
                f"{_who(role, person_id)}: no email, contact form or postal address{has}",
            ))  # fmt: skip
    for address, people in inboxes.items():
        if len(people) > 1:
            sharing = ", ".join(f"{names[p]} ({p})" for p in sorted(people))
            first = min(people)
            result.problems.append(Problem(
                "shared_inbox", people[first], first,
                f"{address!r} is the address of {len(people)} people: {sharing}",
            ))  # fmt: skip
    for role in roles:
        if not role.source_url:
            result.problems.append(Problem(
                "no_source", role.source, role.person_id,
                f"{_who(role, role.id)}: no source URL",
            ))  # fmt: skip
    if source is not None:
        # Whose rows they are: a person's channels count whichever source gave them.
        result.problems = [p for p in result.problems if p.source == source]
    order = list(PROBLEMS)
    result.problems.sort(key=lambda p: order.index(p.code))
    return result


@dataclass(frozen=True)
class Coverage:
    """Targets of one kind in one country, and how many can be written to by each channel."""

    country: str
    kind: TargetKind
    targets: int
    email: int
    contact_form: int
    post: int
    none: int  # no email, contact form or postal address: no letter can reach them


@dataclass
class Stats:
    rows: list[Coverage]
    # Countries the summit data lists (signed, attended, declined) that have no target at all.
    summit_countries_without_targets: list[str]


def stats(session: Session, *, country: str | None = None) -> Stats:
    """Coverage per country and kind of target, as visitors would find it."""
    counts: dict[tuple[str, TargetKind], Counter] = defaultdict(Counter)
    for target in load_targets(session):
        if country and target.country != country:
            continue
        kinds = {c.kind for c in target.channels}
        counter = counts[(target.country, target.kind)]
        counter["targets"] += 1
        counter["email"] += ChannelKind.EMAIL in kinds
        counter["contact_form"] += ChannelKind.CONTACT_FORM in kinds
        counter["post"] += ChannelKind.POST in kinds
        counter["none"] += not (kinds & LETTER_CHANNELS)
    rank = {kind: n for n, kind in enumerate(TargetKind)}
    rows = [
        Coverage(c, kind, n["targets"], n["email"], n["contact_form"], n["post"], n["none"])
        for (c, kind), n in sorted(counts.items(), key=lambda item: (item[0][0],
                                                                     rank[item[0][1]]))
    ]  # fmt: skip
    covered = {c for c, _ in counts}
    summit = set(session.scalars(select(SummitParticipation.country).distinct())) - {"EU"}
    if country:
        summit &= {country}
    return Stats(rows, sorted(summit - covered))
