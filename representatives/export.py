"""A body, or everything one source wrote, written back out as Popolo JSON or as CSV.

What is written is what visitors are matched to: current roles of people in office, with the
contacts letters can use (not retired, not bounced).

The JSON is a Popolo collection the `popolo-json` importer reads back to the same rows: every
person and body carries its id as an identifier with scheme "treaty-letters"; memberships add
`kind`, `country`, `language`, `verified_on` and, where known, `political_group`,
`local_role` (the title in the country's own language) and `committees`
([{"code": "ITRE", "role": "member"}]), organizations `local_name` where known, contact details
`verified_on`; a person
who is an office addressed by its title carries `"by_title": true`, and a membership or contact
detail checked only on a stored copy of its source page `"stored_copy": true` (both left out
when false); parties are organizations referred to by `on_behalf_of_id`, and contact forms are
`url` contacts with the note "contact form" (and the label "Contact form" if they have none).
The CSV has the `generic-csv` importer's fields as columns, one row per role, so a spreadsheet
made from it imports back without a mapping (people keep their ids; a cell keeps every email
but only the first value of the other channels, and contact labels are lost; so are `by_title`,
`stored_copy` and the local titles and names, which that importer has no field for).

Summits and summit participation are not people and are not exported: re-import an export
under its own source name, not under `default`, whose import would then delete them.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TextIO

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from .committees import format_seats, seats_from_rows
from .importers.base import slugify
from .importers.generic_csv import FIELDS
from .importers.popolo import SCHEME
from .model import ChannelKind
from .tables import Area, ContactDetail, Membership, Organization, Person

_POPOLO_TYPES = {
    ChannelKind.EMAIL: "email",
    ChannelKind.PHONE: "voice",
    ChannelKind.POST: "address",
    ChannelKind.CONTACT_FORM: "url",
}
_CSV_CHANNELS = {
    ChannelKind.EMAIL: "email",
    ChannelKind.CONTACT_FORM: "contact_form",
    ChannelKind.POST: "postal_address",
    ChannelKind.PHONE: "phone",
}


class ExportError(ValueError):
    """Nothing to export under that name."""


@dataclass
class Selection:
    key: str
    kind: str  # "organization" or "source"
    memberships: list[Membership]
    people: dict[str, Person]
    organizations: dict[str, Organization]
    areas: dict[str, Area]
    contacts: dict[tuple[str | None, str | None], list[ContactDetail]]


def select_rows(session: Session, key: str) -> Selection:
    """Current roles in the body with id `key`, or else those the source named `key` wrote."""
    if session.get(Organization, key) is not None:
        kind, condition = "organization", Membership.organization_id == key
    elif session.scalar(select(Membership.id).where(Membership.source == key).limit(1)):
        kind, condition = "source", Membership.source == key
    else:
        bodies = sorted(session.scalars(select(Organization.id).distinct()))
        sources = sorted(session.scalars(select(Membership.source).distinct()))
        raise ExportError(
            f"no body or source named {key!r}; bodies: {', '.join(bodies) or 'none'}; "
            f"sources: {', '.join(sources) or 'none'}"
        )
    memberships = list(session.scalars(
        select(Membership)
        .join(Person, Membership.person_id == Person.id)
        .where(condition, Membership.end_date.is_(None), Person.retired_at.is_(None))
        .order_by(Membership.country, Membership.organization_id, Person.name, Membership.id)
    ))  # fmt: skip
    person_ids = {m.person_id for m in memberships}
    organization_ids = {m.organization_id for m in memberships}
    people = {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(person_ids)))}
    organizations = {
        o.id: o
        for o in session.scalars(select(Organization).where(Organization.id.in_(organization_ids)))
    }
    areas: dict[str, Area] = {}
    wanted = {m.area_id for m in memberships if m.area_id}
    while wanted:  # the areas and the areas containing them
        found = list(session.scalars(select(Area).where(Area.id.in_(wanted))))
        areas.update((a.id, a) for a in found)
        wanted = {a.parent_id for a in found if a.parent_id and a.parent_id not in areas}
    contacts: dict[tuple[str | None, str | None], list[ContactDetail]] = defaultdict(list)
    for contact in session.scalars(
        select(ContactDetail)
        .where(
            or_(ContactDetail.person_id.in_(person_ids),
                ContactDetail.organization_id.in_(organization_ids)),
            ContactDetail.retired_at.is_(None),
            ContactDetail.bounced_at.is_(None),
        )
        .order_by(ContactDetail.id)
    ):  # fmt: skip
        contacts[(contact.person_id, contact.organization_id)].append(contact)
    return Selection(key, kind, memberships, people, organizations, areas, contacts)


def _drop_empty(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if v not in (None, "", [])}


def _popolo_contact(contact: ContactDetail) -> dict[str, Any]:
    kind = ChannelKind(contact.kind)
    label = contact.label or ("Contact form" if kind is ChannelKind.CONTACT_FORM else None)
    return _drop_empty({
        "type": _POPOLO_TYPES[kind],
        "label": label,
        "value": contact.value,
        "note": "contact form" if kind is ChannelKind.CONTACT_FORM else None,
        "sources": [{"url": contact.source_url}] if contact.source_url else [],
        "verified_on": contact.verified_on.isoformat() if contact.verified_on else None,
        "stored_copy": True if contact.stored_copy else None,
    })  # fmt: skip


def to_popolo(selection: Selection) -> dict[str, Any]:
    """The selection as a Popolo collection (see the module's docstring)."""
    parties: dict[str, str] = {}
    memberships = []
    for m in selection.memberships:
        party_id = None
        if m.party:
            party_id = f"party:{m.country.lower()}:{slugify(m.party) or 'party'}"
            parties[party_id] = m.party
        memberships.append(_drop_empty({
            "id": m.id,
            "person_id": m.person_id,
            "organization_id": m.organization_id,
            "role": m.role,
            "local_role": m.local_role,
            "kind": m.kind,
            "country": m.country,
            "language": m.language,
            "area_id": m.area_id,
            "on_behalf_of_id": party_id,
            "political_group": m.political_group,
            "committees": m.committees,
            "start_date": m.start_date.isoformat() if m.start_date else None,
            "sources": [{"url": m.source_url}] if m.source_url else [],
            "verified_on": m.verified_on.isoformat() if m.verified_on else None,
            "stored_copy": True if m.stored_copy else None,
        }))  # fmt: skip
    persons = [
        _drop_empty({
            "id": p.id,
            "name": p.name,
            "given_name": p.given_name,
            "family_name": p.family_name,
            "honorific_prefix": p.honorific_prefix,
            "gender": p.gender,
            "by_title": True if p.by_title else None,
            "identifiers": [{"scheme": SCHEME, "identifier": p.id}],
            "contact_details": [_popolo_contact(c) for c in selection.contacts[(p.id, None)]],
        })  # fmt: skip
        for p in sorted(selection.people.values(), key=lambda p: p.id)
    ]
    organizations = [
        _drop_empty({
            "id": o.id,
            "name": o.name,
            "local_name": o.local_name,
            "classification": o.classification,
            "country": o.country,
            "identifiers": [{"scheme": SCHEME, "identifier": o.id}],
            "contact_details": [_popolo_contact(c) for c in selection.contacts[(None, o.id)]],
        })  # fmt: skip
        for o in sorted(selection.organizations.values(), key=lambda o: o.id)
    ] + [
        {"id": key, "name": name, "classification": "party"}
        for key, name in sorted(parties.items())
    ]
    areas = [
        _drop_empty({
            "id": a.id,
            "name": a.name,
            "classification": a.classification,
            "parent_id": a.parent_id,
            "identifier": a.ocd_id,
        })  # fmt: skip
        for a in sorted(selection.areas.values(), key=lambda a: a.id)
    ]
    return {
        "meta": {
            "generator": "treaty-letters: flask reps export",
            "selection": {"kind": selection.kind, "key": selection.key},
            "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        },
        "persons": persons,
        "organizations": organizations,
        "areas": areas,
        "memberships": memberships,
    }


def write_popolo(selection: Selection, out: TextIO) -> None:
    json.dump(to_popolo(selection), out, ensure_ascii=False, indent=2)
    out.write("\n")


def write_csv(selection: Selection, out: TextIO) -> int:
    """One row per current role, with the generic-csv importer's fields; the number of rows."""
    writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    for m in selection.memberships:
        person = selection.people[m.person_id]
        organization = selection.organizations[m.organization_id]
        row = {
            "id": person.id,
            "name": person.name,
            "given_name": person.given_name,
            "family_name": person.family_name,
            "honorific": person.honorific_prefix,
            "gender": person.gender,
            "kind": m.kind,
            "role": m.role,
            "body": organization.name,
            "body_id": organization.id,
            "country": m.country,
            "language": m.language,
            "area": m.area_id.removeprefix(f"{m.country}-") if m.area_id else None,
            "group": m.political_group,
            "committees": format_seats(seats_from_rows(m.committees)),
            "source_url": m.source_url,
            "verified_on": m.verified_on.isoformat() if m.verified_on else None,
        }
        values: dict[str, list[str]] = defaultdict(list)
        for contact in selection.contacts[(person.id, None)]:
            values[_CSV_CHANNELS[ChannelKind(contact.kind)]].append(contact.value)
        for column, found in values.items():
            row[column] = "; ".join(found) if column == "email" else found[0]
        writer.writerow(row)
    return len(selection.memberships)
