"""Between the tables and the in-memory `Directory`: build it, and tell when to rebuild it."""

from __future__ import annotations

from collections import defaultdict
from typing import overload

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .directory import Directory
from .model import Channel, ChannelKind, Target, TargetKind
from .tables import (
    Area,
    ContactDetail,
    ImportRun,
    Membership,
    Organization,
    Person,
    PostcodeArea,
)

# Within a target, the channel a letter should use first comes first.
_CHANNEL_ORDER = {kind: rank for rank, kind in enumerate(ChannelKind)}


@overload
def _label(area_id: str, country: str) -> str: ...
@overload
def _label(area_id: str | None, country: str) -> str | None: ...
def _label(area_id: str | None, country: str) -> str | None:
    """'US-CA-12' -> 'CA-12': areas are named within their country in targets and matching."""
    if area_id is None:
        return None
    return area_id.removeprefix(f"{country}-")


def load_targets(session: Session) -> list[Target]:
    """Every current role of every person still in office, with their usable channels."""
    rows = session.execute(
        select(
            Membership.id.label("membership_id"),
            Membership.kind,
            Membership.role,
            Membership.country,
            Membership.area_id,
            Membership.language,
            Membership.party,
            Organization.name.label("body"),
            Person.id.label("person_id"),
            Person.name,
            Person.given_name,
            Person.family_name,
            Person.honorific_prefix,
            Person.gender,
        )
        .join(Person, Membership.person_id == Person.id)
        .join(Organization, Membership.organization_id == Organization.id)
        .where(Membership.end_date.is_(None), Person.retired_at.is_(None))
        .order_by(Person.id, Membership.id)
    ).all()

    channels: dict[str, list[tuple]] = defaultdict(list)
    for c in session.execute(
        select(
            ContactDetail.id,
            ContactDetail.person_id,
            ContactDetail.kind,
            ContactDetail.value,
            ContactDetail.source_url,
            ContactDetail.verified_on,
        ).where(
            ContactDetail.person_id.is_not(None),
            # A bounced address would only bounce again; staff see it in the data instead.
            ContactDetail.bounced_at.is_(None),
            ContactDetail.retired_at.is_(None),
        )
    ):
        kind = ChannelKind(c.kind)
        channels[c.person_id].append(
            (_CHANNEL_ORDER[kind], c.id, Channel(kind, c.value, c.source_url, c.verified_on))
        )
    per_person: dict[str, int] = defaultdict(int)
    for row in rows:
        per_person[row.person_id] += 1

    targets = []
    for row in rows:
        # A person with one role is their own target id ("mep:197490"); someone holding two
        # roles at once is one target per role, named by the membership.
        target_id = row.person_id if per_person[row.person_id] == 1 else row.membership_id
        targets.append(
            Target(
                id=target_id,
                name=row.name,
                kind=TargetKind(row.kind),
                role=row.role,
                body=row.body,
                country=row.country,
                language=row.language,
                channels=tuple(ch for *_, ch in sorted(channels.get(row.person_id, ()))),
                given_name=row.given_name,
                family_name=row.family_name,
                honorific=row.honorific_prefix,
                gender=row.gender,
                area=_label(row.area_id, row.country),
                party=row.party,
            )
        )
    return targets


def load_directory(session: Session) -> Directory:
    """Build the matching index from the tables (current memberships of people in office)."""
    targets = load_targets(session)
    postcodes: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for country, postcode, area_id in session.execute(
        select(PostcodeArea.country, PostcodeArea.postcode, PostcodeArea.area_id)
    ):
        postcodes[country][postcode].append(_label(area_id, country))
    parents: dict[str, dict[str, str]] = defaultdict(dict)
    for area_id, parent_id, country in session.execute(
        select(Area.id, Area.parent_id, Area.country).where(Area.parent_id.is_not(None))
    ):
        assert parent_id is not None  # by the query's WHERE
        parents[country][_label(area_id, country)] = _label(parent_id, country)
    # A country needs a postcode when its parliament is elected by area in the data and there
    # are postcodes to find the area by. Without them, asking every visitor for a postcode
    # would only fail them all: the country gets its national targets and a note instead.
    postcode_countries = {
        t.country for t in targets if t.kind is TargetKind.MP and t.area and t.country in postcodes
    }
    return Directory(
        targets, postcodes=postcodes, parents=parents, postcode_countries=postcode_countries
    )


def directory_version(session: Session) -> str:
    """A short string that changes whenever the data behind the directory changes.

    One query over indexed maxima and small counts: imports are logged in `rep_import_run`,
    and edits outside imports (a bounce, staff retiring someone) move an `updated_at`.
    """
    parts = session.execute(
        select(
            # Only imports that changed something: re-running an unchanged file is no reason
            # for every web process to rebuild its directory.
            select(func.max(ImportRun.id))
            .where(ImportRun.added + ImportRun.updated + ImportRun.retired > 0)
            .scalar_subquery(),
            select(func.max(Person.updated_at)).scalar_subquery(),
            select(func.max(Membership.updated_at)).scalar_subquery(),
            select(func.max(ContactDetail.updated_at)).scalar_subquery(),
            select(func.max(Organization.updated_at)).scalar_subquery(),
            select(func.max(Area.updated_at)).scalar_subquery(),
            select(func.count()).select_from(Person).scalar_subquery(),
            select(func.count()).select_from(ContactDetail).scalar_subquery(),
        )
    ).one()
    return "|".join("" if p is None else str(p) for p in parts)
