"""How far the data reaches the summit countries: targets by kind, usable channels, checks.

A summit country is one the summit data names (any participation status, "EU" aside) or one
that hosted or will host a summit. For each, the current targets (roles without an end date of
people not retired) by kind; how many of them can be written to without paper (an e-mail
address or a contact form that neither bounced nor was retired); whether at least one
government target (minister, head of government, summit delegate) has such a channel with a
source URL, which is what makes the country "reachable"; and of their current contacts (those
not retired), the oldest check date, how many were never checked, how many lack a source URL
and how many were checked only against a stored copy of their source page (to re-check on the
live site).

Aggregate queries only: one for the countries, one for the targets, one for the contacts and one
for the government targets, whatever the number of countries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import and_, case, distinct, exists, func, literal, select, union
from sqlalchemy.orm import Session

from .importers.naming import country_name
from .model import GOVERNMENT_KINDS, ChannelKind, TargetKind
from .tables import ContactDetail, Membership, Person, Summit, SummitParticipation

# The order of the kinds in reports.
KINDS = (
    TargetKind.MINISTER,
    TargetKind.HEAD_OF_GOVERNMENT,
    TargetKind.SUMMIT_DELEGATE,
    TargetKind.MP,
    TargetKind.MEP,
)
_KIND_VALUES = frozenset(kind.value for kind in KINDS)
USABLE_CHANNELS = (ChannelKind.EMAIL.value, ChannelKind.CONTACT_FORM.value)


@dataclass(frozen=True, slots=True)
class GovernmentTarget:
    """One current government role in a summit country, and whether a letter can reach it."""

    id: str  # the membership's id
    name: str
    kind: TargetKind
    role: str
    by_title: bool  # addressed to the office, not a named holder
    usable: bool  # an e-mail address or contact form that neither bounced nor was retired
    sourced: bool  # such a channel with a source URL: this target makes its country reachable
    stored_copy: bool  # the role was checked against a stored copy of its source only

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "kind": self.kind.value, "role": self.role,
                "by_title": self.by_title, "usable": self.usable, "sourced": self.sourced,
                "stored_copy": self.stored_copy}  # fmt: skip


@dataclass(slots=True)
class CountryCoverage:
    country: str  # ISO 3166-1 alpha-2
    name: str  # English
    targets: dict[TargetKind, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    usable: int = 0  # targets with a usable channel
    reachable: bool = False  # a government target with a usable channel that has a source
    oldest_check: date | None = None  # the earliest verified_on of the targets' contacts
    unchecked: int = 0  # contacts never checked
    missing_sources: int = 0  # contacts without a source URL
    stored_copy: int = 0  # contacts checked against a stored copy only: re-check them live
    government_targets: list[GovernmentTarget] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.targets.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "country": self.country,
            "name": self.name,
            "targets": {kind.value: self.targets.get(kind, 0) for kind in KINDS},
            "usable": self.usable,
            "reachable": self.reachable,
            "oldest_check": self.oldest_check.isoformat() if self.oldest_check else None,
            "unchecked": self.unchecked,
            "missing_sources": self.missing_sources,
            "stored_copy": self.stored_copy,
            "government_targets": [t.as_dict() for t in self.government_targets],
        }


@dataclass(frozen=True, slots=True)
class CoverageSummary:
    countries: int
    reachable: int  # countries with a government target reachable through a sourced channel
    targets: dict[TargetKind, int]
    usable: int
    stored_copy: int  # contacts awaiting a re-check on the live site
    unreachable: tuple[str, ...]  # the countries without a reachable government target

    def as_dict(self) -> dict[str, Any]:
        return {"countries": self.countries, "reachable": self.reachable,
                "targets": {kind.value: self.targets.get(kind, 0) for kind in KINDS},
                "usable": self.usable, "stored_copy": self.stored_copy,
                "unreachable": list(self.unreachable)}  # fmt: skip


def summit_countries(session: Session) -> list[str]:
    """Every country the summit data names, and every summit's host, sorted; never "EU"."""
    query = union(
        select(SummitParticipation.country.label("country")),
        select(Summit.host_country.label("country")),
    )
    return sorted({c for c in session.scalars(query) if c and c != "EU"})


def _usable_contact(*, sourced: bool):
    """EXISTS a usable contact of the membership's person (with a source URL if `sourced`)."""
    conditions = [
        ContactDetail.person_id == Membership.person_id,
        ContactDetail.kind.in_(USABLE_CHANNELS),
        ContactDetail.bounced_at.is_(None),
        ContactDetail.retired_at.is_(None),
    ]
    if sourced:
        conditions += [ContactDetail.source_url.is_not(None), ContactDetail.source_url != ""]
    return exists().where(*conditions)


def _current(query, countries: list[str]):
    return (
        query.join(Person, Membership.person_id == Person.id)
        .where(Membership.end_date.is_(None), Person.retired_at.is_(None),
               Membership.country.in_(countries))  # fmt: skip
    )


def summit_coverage(session: Session) -> list[CountryCoverage]:
    """Coverage of every summit country, sorted by country code."""
    countries = summit_countries(session)
    found = {code: CountryCoverage(code, country_name(code)) for code in countries}
    if not countries:
        return []
    one, zero = literal(1), literal(0)
    usable = _usable_contact(sourced=False)

    # Targets per country and kind, and how many have a usable channel.
    targets = _current(
        select(Membership.country, Membership.kind, func.count(Membership.id),
               func.sum(case((usable, one), else_=zero))),  # fmt: skip
        countries,
    ).group_by(Membership.country, Membership.kind)
    row: Any
    for row in session.execute(targets):
        country, kind, count, with_channel = row
        if kind not in _KIND_VALUES:
            continue  # a kind this code does not know is no target the site offers
        coverage = found[country]
        coverage.targets[TargetKind(kind)] += count
        coverage.usable += with_channel or 0

    # The current contacts of the current targets, per country. A person is counted once per
    # country, whatever the number of roles they hold there.
    contacts = (
        _current(
            select(
                Membership.country,
                func.min(ContactDetail.verified_on),
                func.count(distinct(case((ContactDetail.verified_on.is_(None),
                                          ContactDetail.id)))),
                func.count(distinct(case((func.coalesce(ContactDetail.source_url, "") == "",
                                          ContactDetail.id)))),
                func.count(distinct(case((ContactDetail.stored_copy.is_(True),
                                          ContactDetail.id)))),
            ).join(ContactDetail, and_(ContactDetail.person_id == Membership.person_id,
                                       ContactDetail.retired_at.is_(None))),
            countries,
        ).group_by(Membership.country)
    )  # fmt: skip
    for row in session.execute(contacts):
        country, oldest, unchecked, unsourced, stored = row
        coverage = found[country]
        coverage.oldest_check, coverage.unchecked = oldest, unchecked
        coverage.missing_sources, coverage.stored_copy = unsourced, stored

    # The government targets themselves: few, listed with what reaches them.
    government = _current(
        select(Membership.country, Membership.id, Person.name, Membership.kind, Membership.role,
               Person.by_title, usable, _usable_contact(sourced=True),
               Membership.stored_copy),  # fmt: skip
        countries,
    ).where(Membership.kind.in_([kind.value for kind in GOVERNMENT_KINDS])).order_by(
        Membership.country, Membership.kind, Membership.id
    )
    for row in session.execute(government):
        target = GovernmentTarget(row[1], row[2], TargetKind(row[3]), row[4], bool(row[5]),
                                  bool(row[6]), bool(row[7]), bool(row[8]))  # fmt: skip
        coverage = found[row[0]]
        coverage.government_targets.append(target)
        coverage.reachable = coverage.reachable or target.sourced
    return [found[code] for code in countries]


def summarize(coverage: list[CountryCoverage]) -> CoverageSummary:
    """Totals over the summit countries."""
    return CoverageSummary(
        countries=len(coverage),
        reachable=sum(c.reachable for c in coverage),
        targets={kind: sum(c.targets.get(kind, 0) for c in coverage) for kind in KINDS},
        usable=sum(c.usable for c in coverage),
        stored_copy=sum(c.stored_copy for c in coverage),
        unreachable=tuple(c.country for c in coverage if not c.reachable),
    )
