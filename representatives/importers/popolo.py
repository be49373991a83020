"""Popolo JSON (popoloproject.com): persons, organizations, memberships, posts and areas.

Reads a Popolo collection, `{"persons": [...], "organizations": [...], "memberships": [...],
"posts": [...], "areas": [...]}`, as EveryPolitician publishes it (`ep-popolo-v1.0.json`, with
`events` for legislative periods and `on_behalf_of_id` for parties) and as `flask reps export
--format json` writes it. Memberships may also be embedded in persons, organizations and posts,
and memberships may embed their person, organization, post and area, as the spec allows.

A membership becomes a target when its organization is a body letters go to (a legislature,
a government, a ministry; see BODIES) and it is current on `as_of` (the file's date, today by
default): not ended, its legislative period not over, its person alive. Parties give the
memberships' party; committees, companies and other organizations are left out with a warning.

Contact details: `email`, `voice`/`phone`/`cell`, `address`, and `contact_form` (or a `url`
labelled as a contact form, or with the note "contact form") become channels; fax and social
media are not ways to send a letter.

Beyond the spec, the fields this project's export adds are read when present: an identifier
with scheme "treaty-letters" is the row's own id, and memberships may carry `kind`, `country`,
`language`, `verified_on`, `political_group` (the group in the parliament, "Greens/EFA"),
`local_role` (the role's title in the country's own language) and `committees`
([{"code": "ITRE", "role": "member"}], roles as COMMITTEE_ROLES), organizations `country` and
`local_name` (the name in the country's own language), contact details `verified_on`; a person
`"by_title": true` (an office addressed by its title, not a named holder), memberships and
contact details `"stored_copy": true` (checked only on a stored copy of the source page). Only
the JSON value true sets these.
"""

from __future__ import annotations

import json
import re
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from ..committees import COMMITTEE_LENGTH, seats_as_rows
from ..countries import EU_MEMBER_STATES, iso_countries, main_language
from ..model import COMMITTEE_ROLES, ChannelKind, CommitteeSeat, TargetKind
from .base import (
    PARSED,
    Dataset,
    FileProblem,
    ImportReport,
    apply,
    email_problem,
    fit_id,
    language_code,
    parse_partial_date,
    read_text,
    rejected_file,
    report_progress,
    url_problem,
)
from .naming import (
    ID_LENGTH,
    area_id,
    area_labels,
    body_id,
    country_option,
    gender,
    member_role,
    source_name,
)

SOURCE = "popolo-json"
SCHEME = "treaty-letters"

# Organization classification (lower case) -> (our classification, the kind of its members).
BODIES = {
    "legislature": ("parliament", TargetKind.MP),
    "parliament": ("parliament", TargetKind.MP),
    "chamber": ("parliament", TargetKind.MP),
    "house": ("parliament", TargetKind.MP),
    "lower house": ("parliament", TargetKind.MP),
    "upper house": ("parliament", TargetKind.MP),
    "lower": ("parliament", TargetKind.MP),
    "upper": ("parliament", TargetKind.MP),
    "senate": ("parliament", TargetKind.MP),
    "assembly": ("parliament", TargetKind.MP),
    "executive": ("government", TargetKind.MINISTER),
    "government": ("government", TargetKind.MINISTER),
    "cabinet": ("government", TargetKind.MINISTER),
    "ministry": ("ministry", TargetKind.MINISTER),
    "department": ("ministry", TargetKind.MINISTER),
    "summit_delegation": ("summit_delegation", TargetKind.SUMMIT_DELEGATE),
    "european_parliament": ("european_parliament", TargetKind.MEP),
}
PARTIES = {"party", "political party", "parliamentary group", "political group"}
_CHANNELS = {
    "email": ChannelKind.EMAIL,
    "voice": ChannelKind.PHONE,
    "phone": ChannelKind.PHONE,
    "cell": ChannelKind.PHONE,
    "mobile": ChannelKind.PHONE,
    "address": ChannelKind.POST,
    "postal": ChannelKind.POST,
    "post": ChannelKind.POST,
    "contact_form": ChannelKind.CONTACT_FORM,
    "webform": ChannelKind.CONTACT_FORM,
}
_OCD_COUNTRY = re.compile(r"ocd-division/country:([a-z]{2})\b")
_NO_PARTY = {"", "unknown", "none"}
_GENERIC_ROLES = {"", "member"}


@dataclass
class _Record:
    where: str
    data: dict[str, Any]


@dataclass
class _Collection:
    persons: dict[str, _Record] = field(default_factory=dict)
    organizations: dict[str, _Record] = field(default_factory=dict)
    posts: dict[str, _Record] = field(default_factory=dict)
    areas: dict[str, _Record] = field(default_factory=dict)
    events: dict[str, _Record] = field(default_factory=dict)
    memberships: dict[Any, _Record] = field(default_factory=dict)


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _own_id(record: dict[str, Any]) -> str | None:
    """The id this project gave the row, when the file is one of its exports."""
    for identifier in record.get("identifiers") or ():
        if isinstance(identifier, dict) and identifier.get("scheme") == SCHEME:
            return _text(identifier.get("identifier")) or None
    return None


def _source_url(record: dict[str, Any]) -> str | None:
    for source in record.get("sources") or ():
        if isinstance(source, dict) and not url_problem(_text(source.get("url"))):
            return _text(source.get("url"))
    return None


def _collect(document: dict[str, Any], data: Dataset) -> _Collection:
    """Every person, organization, post, area, event and membership, embedded ones lifted."""
    found = _Collection()
    tables = {
        "persons": found.persons,
        "organizations": found.organizations,
        "posts": found.posts,
        "areas": found.areas,
        "events": found.events,
    }

    def add(table: str, where: str, record: Any, *, embedded: bool = False) -> str | None:
        if not isinstance(record, dict):
            data.reject(where, "not an object")
            return None
        # The spec's own area example has an identifier and no id.
        record_id = _text(record.get("id")) or (
            _text(record.get("identifier")) if table == "areas" else ""
        )
        if not record_id:
            if table in ("persons", "organizations"):
                # Nothing can point at it, so it cannot hold a role: left out, not refused.
                data.warn(where, f"{table[:-1]} without an id: left out")
            return None
        known = tables[table].get(record_id)
        if known is None:
            tables[table][record_id] = _Record(where, dict(record))
        elif embedded or known.where.count(".") > where.count("."):
            # The same thing embedded in several places: each copy may say more.
            for key, value in record.items():
                known.data.setdefault(key, value)
            if not embedded:
                known.where = where
        else:
            data.reject(where, f"duplicate id {record_id!r} (first at {known.where})")
            return None
        if table == "posts" and isinstance(record.get("organization"), dict):
            organization = add("organizations", f"{where}.organization", record["organization"],
                               embedded=True)  # fmt: skip
            tables["posts"][record_id].data.setdefault("organization_id", organization)
            record = {**record, "organization_id": record.get("organization_id") or organization}
        parent = {"persons": "person_id", "organizations": "organization_id",
                  "posts": "post_id"}.get(table, "")  # fmt: skip
        for nested in ("memberships", "posts") if parent else ():
            if isinstance(record.get(nested), list):
                for number, item in enumerate(record[nested]):
                    at = f"{where}.{nested}[{number}]"
                    if nested == "posts":
                        if isinstance(item, dict):
                            add("posts", at, {"organization_id": record_id, **item},
                                embedded=True)  # fmt: skip
                        continue
                    defaults = {parent: record_id}
                    if table == "posts" and record.get("organization_id"):
                        defaults["organization_id"] = record["organization_id"]
                    add_membership(at, item, defaults)
        return record_id

    def add_membership(where: str, record: Any, defaults: dict[str, Any]) -> None:
        if not isinstance(record, dict):
            data.reject(where, "not an object")
            return
        membership = {**defaults, **record}
        for key, table in (
            ("person", "persons"),
            ("organization", "organizations"),
            ("post", "posts"),
            ("on_behalf_of", "organizations"),
            ("area", "areas"),
        ):
            if isinstance(record.get(key), dict):
                embedded_id = add(table, f"{where}.{key}", record[key], embedded=True)
                membership.setdefault(f"{key}_id", embedded_id)
        if isinstance(membership.get("member"), dict) and not membership.get("person_id"):
            member = membership["member"]
            if member.get("@type", "Person") == "Person" and "name" in member:
                membership["person_id"] = add("persons", f"{where}.member", member,
                                              embedded=True)  # fmt: skip
        # The file's own id, or what makes a membership the same one.
        membership_key: str | tuple[Any, ...] = _text(record.get("id")) or (
            membership.get("person_id"),
            membership.get("organization_id"),
            membership.get("post_id"),
            membership.get("role"),
            membership.get("start_date"),
        )
        known = found.memberships.get(membership_key)
        if known is None:
            found.memberships[membership_key] = _Record(where, membership)
        else:
            for name, value in membership.items():
                known.data.setdefault(name, value)

    for table in ("areas", "events", "organizations", "posts", "persons"):
        records = document.get(table, [])
        if not isinstance(records, list):
            data.reject(table, "not a list")
            continue
        for number, record in enumerate(records):
            add(table, f"{table}[{number}]", record)
    memberships = document.get("memberships", [])
    if not isinstance(memberships, list):
        data.reject("memberships", "not a list")
    else:
        for number, record in enumerate(memberships):
            add_membership(f"memberships[{number}]", record, {})
    return found


def _infer_country(found: _Collection) -> str | None:
    """The one country the file's Open Civic Data ids name, if they name exactly one."""
    seen: set[str] = set()
    for table in (found.areas, found.organizations, found.posts):
        for record in table.values():
            text = json.dumps(
                [record.data.get(k) for k in ("id", "identifier", "identifiers", "area_id")]
            )
            seen.update(m.upper() for m in _OCD_COUNTRY.findall(text))
    seen &= iso_countries()
    return seen.pop() if len(seen) == 1 else None


class _Reader:
    """Turns the collected records into a Dataset, one current membership at a time."""

    def __init__(self, found: _Collection, data: Dataset, *, country: str | None,
                 source_url: str | None, as_of: date | None) -> None:  # fmt: skip
        self.found, self.data, self.country = found, data, country
        self.source_url, self.as_of = source_url, as_of
        self.on = as_of or date.today()
        self.person_ids: dict[str, str | None] = {}  # file id -> our id, None if rejected
        self.organization_ids: dict[str, str] = {}
        self.area_labels: dict[str, str] = {}
        self.visiting: set[str] = set()
        self.skipped: dict[str, int] = defaultdict(int)  # organizations that are no body
        self.started: dict[str, date | None] = {}  # membership id -> start, for duplicates
        self.parties = self._party_memberships()

    # --- dates and the question "is this current?" ---

    def _dates(self, where: str, record: dict[str, Any], *keys: str) -> list[date | None] | None:
        try:
            return [
                parse_partial_date(record.get(k), end=k in ("end_date", "dissolution_date",
                                                             "death_date", "valid_until"))
                for k in keys
            ]  # fmt: skip
        except ValueError as exc:
            self.data.reject(where, f"bad date ({exc}): expected YYYY, YYYY-MM or YYYY-MM-DD")
            return None

    def _over(
        self, where: str, record: dict[str, Any] | None, first: str, last: str
    ) -> bool | None:
        """Whether `record`'s span (first..last) does not include the day; None if bad dates."""
        if record is None:
            return False
        dates = self._dates(where, record, first, last)
        if dates is None:
            return None
        start, end = dates
        return (start is not None and start > self.on) or (end is not None and end < self.on)

    # --- the things a membership points at ---

    def body_kind(self, raw_id: str) -> tuple[str, TargetKind] | None:
        """(our classification, member kind) of an organization, or None if it is no body."""
        classification = _text(self.found.organizations[raw_id].data.get("classification"))
        return BODIES.get(classification.lower())

    def body(self, raw_id: str, ours: str, member_country: str) -> str:
        """Our id of the organization, adding it on first use."""
        record = self.found.organizations[raw_id]
        if raw_id not in self.organization_ids:
            name = _text(record.data.get("name")) or raw_id
            own = _text(record.data.get("country")).upper()
            if ours == "european_parliament":
                country = "EU"
            else:
                country = own if own in iso_countries() else member_country
            organization = _own_id(record.data) or fit_id(body_id(country, name), ID_LENGTH)
            self.organization_ids[raw_id] = organization
            self.data.organizations[organization] = {
                "name": name,
                "classification": ours,
                "country": country,
            }
            # A file that does not give the body's local name leaves the one known as it is.
            if "local_name" in record.data:
                self.data.organizations[organization]["local_name"] = (
                    _text(record.data.get("local_name"))[:300] or None)
            for detail in record.data.get("contact_details") or ():
                self._contact(record.where, detail, organization_id=organization,
                              source_url=_source_url(record.data) or self.source_url)  # fmt: skip
        return self.organization_ids[raw_id]

    def party(self, membership: dict[str, Any], person_raw: str) -> str | None:
        raw = membership.get("on_behalf_of_id")
        if raw and raw in self.found.organizations:
            name = _text(self.found.organizations[raw].data.get("name"))
        elif isinstance(membership.get("on_behalf_of"), dict):
            name = _text(membership["on_behalf_of"].get("name"))
        else:
            name = self.parties.get(person_raw, "")
        return None if name.casefold() in _NO_PARTY else name

    def _party_memberships(self) -> dict[str, str]:
        """Person -> party, where the file gives parties as memberships rather than as
        `on_behalf_of` (a bad date here is reported with the membership itself, if at all)."""
        parties = {}
        for record in self.found.memberships.values():
            m = record.data
            organization = self.found.organizations.get(_text(m.get("organization_id")))
            if organization is None or (
                _text(organization.data.get("classification")).lower() not in PARTIES
            ):
                continue
            try:
                start = parse_partial_date(m.get("start_date"))
                end = parse_partial_date(m.get("end_date"), end=True)
            except ValueError:
                continue
            if (start is None or start <= self.on) and (end is None or end >= self.on):
                parties[_text(m.get("person_id"))] = _text(organization.data.get("name"))
        return parties

    def area(self, raw_id: str | None, country: str) -> str | None:
        if not raw_id or raw_id not in self.found.areas or raw_id in self.visiting:
            return None
        record = self.found.areas[raw_id]
        classification = _text(
            record.data.get("classification") or record.data.get("type")
        ).lower()
        if classification == "country":
            return None  # the whole country is no constituency
        if raw_id not in self.area_labels:
            self.area_labels.update(area_labels(
                ((key, _text(r.data.get("name"))) for key, r in self.found.areas.items()),
                country,
            ))  # fmt: skip
        ours = area_id(country, self.area_labels[raw_id])
        if ours not in self.data.areas:
            identifier = _text(record.data.get("identifier"))
            subdivision = {"state", "province", "region", "subdivision", "territory"}
            row = self.data.areas[ours] = {
                "name": _text(record.data.get("name")) or self.area_labels[raw_id],
                "country": country,
                "classification": "subdivision" if classification in subdivision else "district",
                "parent_id": None,
                "ocd_id": identifier if identifier.startswith("ocd-division/") else None,
            }
            self.visiting.add(raw_id)  # a cycle of parents ends here
            row["parent_id"] = self.area(_text(record.data.get("parent_id")), country)
            self.visiting.discard(raw_id)
        return ours

    def person(self, raw_id: str) -> str | None:
        """Our id of the person, adding them on first use; None if they were rejected."""
        if raw_id in self.person_ids:
            return self.person_ids[raw_id]
        record = self.found.persons[raw_id]
        p = record.data
        name = _text(p.get("name")) or " ".join(
            part for part in (_text(p.get("given_name")), _text(p.get("family_name"))) if part
        )
        prefix = f"popolo:{self.country.lower()}:" if self.country else "popolo:"
        person_id = _own_id(p) or fit_id(prefix + raw_id, ID_LENGTH)
        if not name:
            self.data.reject(record.where, f"person {raw_id!r}: name is required")
            self.person_ids[raw_id] = None
            return None
        self.data.people[person_id] = {
            "name": name,
            "given_name": _text(p.get("given_name")) or None,
            "family_name": _text(p.get("family_name")) or None,
            "honorific_prefix": _text(p.get("honorific_prefix")) or None,
            "gender": gender(p.get("gender")),
            "by_title": p.get("by_title") is True,
        }
        source_url = _source_url(p) or self.source_url
        if email := _text(p.get("email")):
            self._contact(record.where, {"type": "email", "value": email},
                          person_id=person_id, source_url=source_url)  # fmt: skip
        for detail in p.get("contact_details") or ():
            self._contact(record.where, detail, person_id=person_id, source_url=source_url)
        self.person_ids[raw_id] = person_id
        return person_id

    def _contact(self, where: str, detail: Any, *, source_url: str | None,
                 person_id: str | None = None, organization_id: str | None = None,
                 verified_on: date | None = None) -> None:  # fmt: skip
        if not isinstance(detail, dict):
            self.data.warn(where, "a contact detail is not an object: left out")
            return
        kind_text = _text(detail.get("type")).lower()
        value, label = _text(detail.get("value")), _text(detail.get("label")) or None
        kind = _CHANNELS.get(kind_text)
        if kind is None and kind_text == "url" and (
            "contact" in (label or "").lower()
            or _text(detail.get("note")).lower() == "contact form"  # as the export marks one
        ):
            kind = ChannelKind.CONTACT_FORM
        if kind is None or not value:
            return  # fax, social media, web pages: no way to send a letter
        if self._over(where, detail, "valid_from", "valid_until"):
            return
        if kind is ChannelKind.EMAIL:
            problem = email_problem(value)
        elif kind is ChannelKind.CONTACT_FORM:
            problem = url_problem(value)
        else:
            problem = None
        if problem:
            self.data.warn(where, f"{person_id or organization_id}: contact left out: {problem}")
            return
        try:
            own_date = parse_partial_date(detail.get("verified_on"))
        except ValueError:
            own_date = None
        self.data.add_contact(
            kind.value,
            value,
            person_id=person_id,
            organization_id=organization_id,
            label=label,
            source_url=_source_url(detail) or source_url,
            verified_on=own_date or verified_on or self.as_of,
            stored_copy=detail.get("stored_copy") is True,
        )

    # --- one membership ---

    def membership(self, record: _Record) -> None:
        m, where = record.data, record.where
        person_raw = _text(m.get("person_id"))
        post = self.found.posts.get(_text(m.get("post_id")))
        organization_raw = _text(m.get("organization_id")) or (
            _text(post.data.get("organization_id")) if post else ""
        )
        if not person_raw:
            return  # an organization's membership of another: no one to write to
        problems = []
        if person_raw not in self.found.persons:
            problems.append(f"unknown person {person_raw!r}")
        if organization_raw not in self.found.organizations:
            problems.append(f"unknown organization {organization_raw!r}")
        if problems:
            self.data.reject(where, "; ".join(problems))
            return
        organization = self.found.organizations[organization_raw]
        if _text(organization.data.get("classification")).lower() in PARTIES:
            return  # read as the party of the person's other memberships
        period = self.found.events.get(_text(m.get("legislative_period_id")))
        checks = (
            self._over(where, m, "start_date", "end_date"),
            self._over(where, period.data if period else None, "start_date", "end_date"),
            self._over(where, organization.data, "founding_date", "dissolution_date"),
            self._over(where, self.found.persons[person_raw].data, "birth_date", "death_date"),
        )
        if None in checks:
            return  # rejected: a bad date
        if any(checks):
            return  # over, or not begun: no target
        body = self.body_kind(organization_raw)
        if body is None:
            self.skipped[organization_raw] += 1
            return
        classification, kind = body
        kind_text = _text(m.get("kind"))
        if kind_text:
            if kind_text not in {k.value for k in TargetKind}:
                self.data.reject(where, f"unknown kind {kind_text!r}")
                return
            kind = TargetKind(kind_text)
        country = _text(m.get("country")).upper() or self.country
        if country not in iso_countries():
            self.data.reject(
                where,
                f"no country for this membership ({m.get('country')!r}): the file does not say "
                "which country it is about; pass the country",
            )
            return
        if kind is TargetKind.MEP and country not in EU_MEMBER_STATES:
            self.data.reject(where, f"a member of the European Parliament for {country}, "
                                    "which is not an EU member state")  # fmt: skip
            return
        language = language_code(_text(m.get("language")) or main_language(country))
        if language is None:
            self.data.reject(where, f"bad language {_text(m.get('language'))!r}")
            return
        person_id = self.person(person_raw)
        if person_id is None:
            return
        organization_id = self.body(organization_raw, classification, country)
        organization_name = self.data.organizations[organization_id]["name"]
        role = _text(m.get("role")) or (
            _text(post.data.get("role")) or _text(post.data.get("label")) if post else ""
        )
        if role.lower() in _GENERIC_ROLES:
            role = member_role(organization_name)
        start = parse_partial_date(m.get("start_date"))
        key = fit_id(f"{person_id}@{organization_id}", 160)
        if key in self.started:
            if (start or date.min) <= (self.started[key] or date.min):
                self.data.warn(where, f"{person_id} has another current membership of "
                                      f"{organization_name}; kept the later one")  # fmt: skip
                return
            self.data.warn(where, f"{person_id}: two current memberships of "
                                  f"{organization_name}; kept the later one")  # fmt: skip
        self.started[key] = start
        source_url = (
            _source_url(m)
            or _source_url(self.found.persons[person_raw].data)
            or self.source_url
        )
        try:
            verified_on = parse_partial_date(m.get("verified_on")) or self.as_of
        except ValueError:
            verified_on = self.as_of
        area_raw = _text(m.get("area_id")) or (_text(post.data.get("area_id")) if post else "")
        seats = self._seats(where, m.get("committees"))
        if seats is None:
            return
        self.data.memberships[key] = {
            "person_id": person_id,
            "organization_id": organization_id,
            "kind": kind.value,
            "role": role[:300],
            "country": country,
            "area_id": self.area(area_raw, country),
            "language": language,
            "party": self.party(m, person_raw),
            "start_date": start,
            "source_url": source_url,
            "verified_on": verified_on,
            "stored_copy": m.get("stored_copy") is True,
        }
        # A file that says nothing of groups or committees leaves those known as they are.
        if "political_group" in m:
            self.data.memberships[key]["political_group"] = (
                _text(m.get("political_group"))[:100] or None)
        if "committees" in m:
            self.data.memberships[key]["committees"] = seats_as_rows(seats)
        if "local_role" in m:
            self.data.memberships[key]["local_role"] = _text(m.get("local_role"))[:300] or None
        for holder in (m, post.data if post else {}):
            for detail in holder.get("contact_details") or ():
                self._contact(where, detail, person_id=person_id, source_url=source_url,
                              verified_on=verified_on)  # fmt: skip


    def _seats(self, where: str, raw: Any) -> list[CommitteeSeat] | None:
        """A membership's `committees` as seats; None (and the membership rejected) when the
        list is malformed."""
        if raw is None:
            return []
        seats: dict[str, CommitteeSeat] = {}
        for item in raw if isinstance(raw, list) else [raw]:
            code = _text(item.get("code")) if isinstance(item, dict) else ""
            role = (_text(item.get("role")) or "member") if isinstance(item, dict) else ""
            if (not code or len(code) > COMMITTEE_LENGTH or "|" in code
                    or role not in COMMITTEE_ROLES):
                self.data.reject(where, f"bad committees entry {item!r}: expected "
                                        '{"code": "ITRE", "role": "member"} with a role of '
                                        f"{', '.join(COMMITTEE_ROLES)}")
                return None
            seats[code] = CommitteeSeat(code, role)
        return list(seats.values())


def parse_popolo(
    text: str,
    *,
    country: str | None = None,
    source_url: str | None = None,
    as_of: date | None = None,
) -> tuple[Dataset, str]:
    """Validate a Popolo collection into a Dataset; also return the source it defaults to."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FileProblem(f"not valid JSON: {exc.msg} on line {exc.lineno} (truncated?)") from exc
    if not isinstance(document, dict) or not any(
        key in document for key in ("persons", "organizations", "memberships", "posts")
    ):
        raise FileProblem(
            "not a Popolo collection: expected an object with 'persons', 'organizations' and "
            "'memberships' lists"
        )
    report_progress(PARSED / 4)
    data = Dataset()
    found = _collect(document, data)
    if country:
        country = country_option(country)
    else:
        country = _infer_country(found)
    reader = _Reader(found, data, country=country, source_url=source_url, as_of=as_of)
    total = max(len(found.memberships), 1)
    for number, record in enumerate(list(found.memberships.values()), start=1):
        if number % 500 == 0:
            report_progress(PARSED / 4 + PARSED * 3 / 4 * number / total)
        reader.membership(record)
    for raw_id, count in reader.skipped.items():
        record = found.organizations[raw_id]
        data.warn(
            record.where,
            f"{_text(record.data.get('name')) or raw_id!r} (classification "
            f"{record.data.get('classification')!r}) is not a parliament, government or "
            f"ministry: its {count} current membership(s) left out",
        )
    if not data.rejected and not data.people:
        data.warn(0, f"nobody in this file holds a current role on {reader.on.isoformat()}")
    # Named after every body in the file, current members or not, so that the next file of the
    # same body has the same source even if everyone in it has left.
    bodies = {
        _text(r.data.get("name")) or key
        for key, r in found.organizations.items()
        if _text(r.data.get("classification")).lower() in BODIES
    }
    parts = ["popolo", country or ""]
    if len(bodies) == 1:
        parts.append(bodies.pop())
    return data, source_name(*parts)


def import_popolo(
    session: Session,
    path: str | Path,
    *,
    dry_run: bool = False,
    partial: bool = False,
    allow_mass_retirement: bool = False,
    country: str | None = None,
    source: str | None = None,
    source_url: str | None = None,
    as_of: date | None = None,
) -> ImportReport:
    """Import a Popolo JSON collection (EveryPolitician's, or this project's export).

    `country` is needed when the file does not say (its Open Civic Data ids name no single
    country, and its memberships carry no `country`). The source defaults to
    'popolo-<country>-<body>', so that files of different bodies never retire each other's
    people.
    """
    started = time.perf_counter()
    try:
        data, default_source = parse_popolo(
            read_text(path), country=country, source_url=source_url, as_of=as_of
        )
    except FileProblem as problem:
        return rejected_file(source or SOURCE, path, problem, dry_run=dry_run, started=started)
    return apply(session, source or default_source, path, data, dry_run=dry_run,
                 partial=partial, allow_mass_retirement=allow_mass_retirement, started=started)
