"""The data desk: staff read, correct and re-check the representatives data. No Flask here.

Reading: one page per country (its targets by kind, their channels, sources, check dates,
bounced and shared addresses, and what is missing), an index of countries, and the re-check
queue (contacts and roles due for a check, bounced addresses, checks made against a stored
copy only, and supporters' open reports of a wrong address or person).

Writing: people, their offices (rep_membership), organisations and contacts are added, edited
and retired. Nothing is deleted: letters and history name these rows, so retiring sets the
end date or `retired_at` the tables already have, as a re-import does. Every change is checked
whole before anything is written (DeskProblems otherwise, the session left as it was), is
written with its audit entry, and the caller commits and has the directory reloaded.
Rows staff add, edit or retire carry the source "staff": a later import leaves them as staff
left them (representatives/importers/base.py), and a contact staff corrected keeps the kind and
address the import wrote, so that the import does not add the old address back.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from database import utcnow
from representatives.committees import (
    COMMITTEE_LENGTH,
    SeatRule,
    format_seats,
    read_seats,
    seats_as_rows,
    seats_from_rows,
)
from representatives.countries import iso_countries
from representatives.importers.base import (
    email_problem,
    fit_id,
    language_code,
    slugify,
    url_problem,
)
from representatives.model import GOVERNMENT_KINDS, LETTER_CHANNELS, ChannelKind, TargetKind
from representatives.quality import months_before
from representatives.selection import MAX_PRIORITY
from representatives.tables import (
    ORGANIZATION_CLASSIFICATIONS,
    STAFF_SOURCE,
    ContactDetail,
    Membership,
    Organization,
    Person,
    text_limit,
)

from ..models import DataReport, DataReportKind, Letter, LetterState
from . import auth
from .auth import StaffIdentity
from .models import DataDeskSettings

DEFAULT_RECHECK_MONTHS = 6
# A setting in months: more than ten years between checks is no schedule at all.
RECHECK_MONTHS_RANGE = (1, 120)
# "EU" is where the European Parliament's organisation lives; its members answer to a country.
DESK_COUNTRIES = iso_countries() | {"EU"}
# Each list of the queue shows at most this many; the rest follow once these are done.
QUEUE_SHOWN = 300
GENDERS = ("female", "male")


class Code:
    """Why a change was refused, for the views to word."""

    REQUIRED = "required"
    TOO_LONG = "too_long"
    BAD_URL = "bad_url"
    BAD_EMAIL = "bad_email"
    FUTURE_DATE = "future_date"
    END_BEFORE_START = "end_before_start"
    UNKNOWN_COUNTRY = "unknown_country"
    UNKNOWN_KIND = "unknown_kind"
    UNKNOWN_CLASSIFICATION = "unknown_classification"
    UNKNOWN_LANGUAGE = "unknown_language"
    UNKNOWN_GENDER = "unknown_gender"
    UNKNOWN_ORGANISATION = "unknown_organisation"
    RETIRED = "retired"
    OUT_OF_RANGE = "out_of_range"
    BAD_COMMITTEE = "bad_committee"
    BAD_COMMITTEE_ROLE = "bad_committee_role"
    COMMITTEE_TOO_LONG = "committee_too_long"
    COMMITTEE_TWICE = "committee_twice"


@dataclass(frozen=True)
class Problem:
    field: str
    code: str
    value: str = ""


class DeskProblems(Exception):
    """The change breaks these rules; nothing was written."""

    def __init__(self, problems: Sequence[Problem]):
        super().__init__("; ".join(f"{p.field}: {p.code}" for p in problems))
        self.problems = list(problems)


# --- settings -----------------------------------------------------------------------------


def recheck_months(db: Session) -> int:
    """After how many months without a check a contact is due (the setting, or the default)."""
    settings = db.get(DataDeskSettings, 1)
    return settings.recheck_months if settings is not None else DEFAULT_RECHECK_MONTHS


def set_recheck_months(db: Session, months: int | None, actor: StaffIdentity) -> bool:
    """Change the setting; False if it already was `months`. DeskProblems if out of range."""
    low, high = RECHECK_MONTHS_RANGE
    if months is None or not low <= months <= high:
        raise DeskProblems([Problem("recheck_months", Code.OUT_OF_RANGE, f"{low}-{high}")])
    settings = db.get(DataDeskSettings, 1)
    before = settings.recheck_months if settings is not None else DEFAULT_RECHECK_MONTHS
    if settings is None:
        settings = DataDeskSettings(id=1, recheck_months=months, updated_at=utcnow())
        db.add(settings)
    elif before == months:
        return False
    settings.recheck_months, settings.updated_at = months, utcnow()
    auth.audit(db, "desk.settings", "data_desk_settings", f"recheck_months {before} -> {months}",
               actor=actor)
    return True


# --- checking what was typed --------------------------------------------------------------


class _Checker:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, name: str, code: str, value: str = "") -> None:
        self.problems.append(Problem(name, code, value))

    def text(self, name: str, value: str | None, column, *, required: bool = False) -> None:
        value = (value or "").strip()
        if required and not value:
            self.add(name, Code.REQUIRED)
        limit = text_limit(column)
        if limit is not None and len(value) > limit:
            self.add(name, Code.TOO_LONG, str(limit))

    def url(self, name: str, value: str | None, column, *, required: bool) -> None:
        self.text(name, value, column, required=required)
        value = (value or "").strip()
        if value and url_problem(value):
            self.add(name, Code.BAD_URL, value)

    def checked(self, name: str, day: date | None, today: date, *, required: bool) -> None:
        if day is None:
            if required:
                self.add(name, Code.REQUIRED)
        elif day > today:
            self.add(name, Code.FUTURE_DATE, day.isoformat())

    def raise_any(self) -> None:
        if self.problems:
            raise DeskProblems(self.problems)


def _clean(value: str | None) -> str | None:
    """Text as stored: stripped, None when empty."""
    value = (value or "").strip()
    return value or None


# --- people -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonValues:
    name: str
    given_name: str = ""
    family_name: str = ""
    honorific_prefix: str = ""
    gender: str = ""
    by_title: bool = False


def _check_person(values: PersonValues) -> None:
    check = _Checker()
    check.text("name", values.name, Person.name, required=True)
    check.text("given_name", values.given_name, Person.given_name)
    check.text("family_name", values.family_name, Person.family_name)
    check.text("honorific_prefix", values.honorific_prefix, Person.honorific_prefix)
    if values.gender and values.gender not in GENDERS:
        check.add("gender", Code.UNKNOWN_GENDER, values.gender)
    check.raise_any()


def _new_id(db: Session, model, base: str, column) -> str:
    """`base`, or `base-2`, `base-3`... whichever is free, fitting the id column."""
    limit = text_limit(column) or 64
    candidate, number = fit_id(base, limit), 1
    while db.get(model, candidate) is not None:
        number += 1
        candidate = fit_id(f"{base}-{number}", limit)
    return candidate


def _set_person(person: Person, values: PersonValues) -> None:
    person.name = values.name.strip()
    person.given_name = _clean(values.given_name)
    person.family_name = _clean(values.family_name)
    person.honorific_prefix = _clean(values.honorific_prefix)
    person.gender = values.gender or None
    person.by_title = values.by_title
    person.source = STAFF_SOURCE


def create_person(db: Session, values: PersonValues, actor: StaffIdentity) -> Person:
    """Add a person (an office is added next: a person with no office is nobody's target)."""
    _check_person(values)
    person_id = _new_id(db, Person, f"staff:{slugify(values.name) or 'person'}", Person.id)
    person = Person(id=person_id)
    _set_person(person, values)
    db.add(person)
    db.flush()
    auth.audit(db, "desk.person.create", f"rep_person/{person.id}", person.name, actor=actor)
    return person


def update_person(db: Session, person: Person, values: PersonValues,
                  actor: StaffIdentity) -> bool:
    """Change a person's name and how letters greet them; False if nothing changed."""
    _check_person(values)
    before = (person.name, person.given_name, person.family_name, person.honorific_prefix,
              person.gender, person.by_title)
    if before == (values.name.strip(), _clean(values.given_name), _clean(values.family_name),
                  _clean(values.honorific_prefix), values.gender or None, values.by_title):
        return False
    _set_person(person, values)
    auth.audit(db, "desk.person.update", f"rep_person/{person.id}", person.name, actor=actor)
    return True


def retire_person(db: Session, person: Person, actor: StaffIdentity, today: date) -> bool:
    """Out of office: `retired_at` set and their current offices ended today; kept for the
    letters that name them. False if they were retired already."""
    if person.retired_at is not None:
        return False
    person.retired_at, person.source = utcnow(), STAFF_SOURCE
    ended = 0
    for office in person.memberships:
        if office.end_date is None:
            office.end_date, office.source = today, STAFF_SOURCE
            ended += 1
    auth.audit(db, "desk.person.retire", f"rep_person/{person.id}",
               f"{person.name}; offices ended: {ended}", actor=actor)
    return True


# --- offices ------------------------------------------------------------------------------


@dataclass(frozen=True)
class OfficeValues:
    organization_id: str
    kind: str
    role: str
    country: str
    language: str
    # The title in the office's own language, where known; empty: none.
    local_role: str = ""
    party: str = ""
    political_group: str = ""
    # As the CSV importer reads them: "ITRE; LIBE (substitute)".
    committees: str = ""
    priority: int | None = None  # None: the default weight, 1
    start_date: date | None = None
    source_url: str = ""
    verified_on: date | None = None


def _check_office(db: Session, values: OfficeValues, today: date) -> Organization | None:
    check = _Checker()
    organisation = db.get(Organization, values.organization_id) if values.organization_id else None
    if organisation is None:
        check.add("organization_id", Code.UNKNOWN_ORGANISATION, values.organization_id)
    if values.kind not in {k.value for k in TargetKind}:
        check.add("kind", Code.UNKNOWN_KIND, values.kind)
    check.text("role", values.role, Membership.role, required=True)
    check.text("local_role", values.local_role, Membership.local_role)
    if values.country not in iso_countries():
        check.add("country", Code.UNKNOWN_COUNTRY, values.country)
    if language_code(values.language or "") is None:
        check.add("language", Code.UNKNOWN_LANGUAGE, values.language)
    check.text("party", values.party, Membership.party)
    check.text("political_group", values.political_group, Membership.political_group)
    _check_committees(check, values.committees)
    if values.priority is not None and not 0 <= values.priority <= MAX_PRIORITY:
        check.add("priority", Code.OUT_OF_RANGE, f"0-{MAX_PRIORITY}")
    check.url("source_url", values.source_url, Membership.source_url, required=True)
    check.checked("verified_on", values.verified_on, today, required=True)
    if values.start_date is not None and values.start_date > today:
        check.add("start_date", Code.FUTURE_DATE, values.start_date.isoformat())
    check.raise_any()
    return organisation


def _check_committees(check: _Checker, text: str) -> None:
    """The importer's rules for a committees text, each broken one said once."""
    for problem in read_seats(text)[1]:
        if problem.rule == SeatRule.FORM:
            check.add("committees", Code.BAD_COMMITTEE, problem.entry)
        elif problem.rule == SeatRule.ROLE:
            check.add("committees", Code.BAD_COMMITTEE_ROLE, f"{problem.entry} ({problem.role})")
        elif problem.rule == SeatRule.TOO_LONG:
            check.add("committees", Code.COMMITTEE_TOO_LONG, str(COMMITTEE_LENGTH))
        else:
            check.add("committees", Code.COMMITTEE_TWICE, problem.entry)


def _set_office(office: Membership, values: OfficeValues, actor: StaffIdentity) -> None:
    office.organization_id = values.organization_id
    office.kind = values.kind
    office.role = values.role.strip()
    office.local_role = _clean(values.local_role)
    office.country = values.country
    office.language = language_code(values.language) or values.language
    office.party = _clean(values.party)
    office.political_group = _clean(values.political_group)
    office.committees = seats_as_rows(read_seats(values.committees)[0])
    office.priority = values.priority
    office.start_date = values.start_date
    office.source_url = values.source_url.strip()
    if office.verified_on != values.verified_on:
        office.checked_by = actor.email
    office.verified_on = values.verified_on
    office.stored_copy = False
    office.source = STAFF_SOURCE


def office_committees_text(office: Membership) -> str:
    """The office's committees as the desk's form and the CSV importer read them."""
    return format_seats(seats_from_rows(office.committees))


def create_office(db: Session, person: Person, values: OfficeValues, actor: StaffIdentity,
                  today: date) -> Membership:
    """Give a person in office a role in an organisation."""
    _check_office(db, values, today)
    if person.retired_at is not None:
        raise DeskProblems([Problem("person", Code.RETIRED, person.id)])
    office_id = _new_id(db, Membership, f"{person.id}@{values.organization_id}", Membership.id)
    office = Membership(id=office_id, person_id=person.id)
    _set_office(office, values, actor)
    office.checked_by = actor.email
    db.add(office)
    db.flush()
    auth.audit(db, "desk.office.create", f"rep_membership/{office.id}",
               f"{person.name}: {office.role}", actor=actor)
    return office


def update_office(db: Session, office: Membership, values: OfficeValues, actor: StaffIdentity,
                  today: date) -> None:
    """Change a role: its organisation, kind, wording (in English and in its own language),
    language, party, group, committees, priority, source and check date."""
    _check_office(db, values, today)
    _set_office(office, values, actor)
    auth.audit(db, "desk.office.update", f"rep_membership/{office.id}", office.role,
               actor=actor)


def retire_office(db: Session, office: Membership, actor: StaffIdentity, today: date) -> bool:
    """The role ended today (the row stays); False if it had ended already."""
    if office.end_date is not None:
        return False
    office.end_date = max(today, office.start_date) if office.start_date else today
    office.source = STAFF_SOURCE
    auth.audit(db, "desk.office.retire", f"rep_membership/{office.id}", office.role, actor=actor)
    return True


# --- organisations ------------------------------------------------------------------------


@dataclass(frozen=True)
class OrganisationValues:
    name: str
    classification: str
    country: str
    # The name in the language of its offices, where known; empty: none.
    local_name: str = ""


def _check_organisation(values: OrganisationValues) -> None:
    check = _Checker()
    check.text("name", values.name, Organization.name, required=True)
    check.text("local_name", values.local_name, Organization.local_name)
    if values.classification not in ORGANIZATION_CLASSIFICATIONS:
        check.add("classification", Code.UNKNOWN_CLASSIFICATION, values.classification)
    if values.country not in DESK_COUNTRIES:
        check.add("country", Code.UNKNOWN_COUNTRY, values.country)
    check.raise_any()


def create_organisation(db: Session, values: OrganisationValues,
                        actor: StaffIdentity) -> Organization:
    """Add a parliament, government, ministry or delegation."""
    _check_organisation(values)
    base = f"staff:{values.country.lower()}-{slugify(values.name) or 'organisation'}"
    organisation = Organization(id=_new_id(db, Organization, base, Organization.id))
    _set_organisation(organisation, values)
    db.add(organisation)
    db.flush()
    auth.audit(db, "desk.organisation.create", f"rep_organization/{organisation.id}",
               organisation.name, actor=actor)
    return organisation


def _set_organisation(organisation: Organization, values: OrganisationValues) -> None:
    organisation.name = values.name.strip()
    organisation.local_name = _clean(values.local_name)
    organisation.classification = values.classification
    organisation.country = values.country
    organisation.source = STAFF_SOURCE


def update_organisation(db: Session, organisation: Organization, values: OrganisationValues,
                        actor: StaffIdentity) -> None:
    _check_organisation(values)
    _set_organisation(organisation, values)
    auth.audit(db, "desk.organisation.update", f"rep_organization/{organisation.id}",
               organisation.name, actor=actor)


def retire_organisation(db: Session, organisation: Organization, actor: StaffIdentity,
                        today: date) -> tuple[int, int]:
    """The organisation is gone (merged, dissolved): its current roles end today and its own
    contacts retire; every row stays. Returns (roles ended, contacts retired)."""
    ended = 0
    for office in organisation.memberships:
        if office.end_date is None:
            office.end_date = max(today, office.start_date) if office.start_date else today
            office.source = STAFF_SOURCE
            ended += 1
    retired = 0
    now = utcnow()
    for contact in organisation.contact_details:
        if contact.retired_at is None:
            contact.retired_at, contact.source = now, STAFF_SOURCE
            retired += 1
    auth.audit(db, "desk.organisation.retire", f"rep_organization/{organisation.id}",
               f"{organisation.name}; roles ended: {ended}; contacts retired: {retired}",
               actor=actor)
    return ended, retired


# --- contacts -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ContactValues:
    kind: str
    value: str
    source_url: str
    verified_on: date | None
    label: str = ""


def _check_contact(values: ContactValues, today: date) -> None:
    check = _Checker()
    if values.kind not in {k.value for k in ChannelKind}:
        check.add("kind", Code.UNKNOWN_KIND, values.kind)
    check.text("value", values.value, ContactDetail.value, required=True)
    value = values.value.strip()
    if value and values.kind == ChannelKind.EMAIL and email_problem(value):
        check.add("value", Code.BAD_EMAIL, value)
    if value and values.kind == ChannelKind.CONTACT_FORM and url_problem(value):
        check.add("value", Code.BAD_URL, value)
    check.text("label", values.label, ContactDetail.label)
    # Every contact says where it was found and when: that is what the re-check queue reads.
    check.url("source_url", values.source_url, ContactDetail.source_url, required=True)
    check.checked("verified_on", values.verified_on, today, required=True)
    check.raise_any()


def _set_contact(contact: ContactDetail, values: ContactValues, actor: StaffIdentity) -> None:
    value = values.value.strip()
    if contact.value is not None and contact.source != STAFF_SOURCE:
        # The first correction of an imported row: what the import wrote, so that the import
        # recognises its old address as corrected rather than as a contact to add.
        contact.imported_kind, contact.imported_value = contact.kind, contact.value
    if contact.value is not None and contact.value != value:
        # A different address has not bounced; the old one's bounce stays in the audit log.
        contact.bounced_at = None
    contact.kind = values.kind
    contact.value = value
    contact.label = _clean(values.label)
    contact.source_url = values.source_url.strip()
    contact.verified_on = values.verified_on
    contact.checked_by = actor.email
    contact.stored_copy = False
    contact.source = STAFF_SOURCE


def create_contact(db: Session, owner: Person | Organization, values: ContactValues,
                   actor: StaffIdentity, today: date) -> ContactDetail:
    """Add an e-mail address, contact form, postal address or phone number to a person or an
    organisation."""
    _check_contact(values, today)
    if isinstance(owner, Person):
        if owner.retired_at is not None:
            raise DeskProblems([Problem("person", Code.RETIRED, owner.id)])
        contact = ContactDetail(person_id=owner.id)
    else:
        contact = ContactDetail(organization_id=owner.id)
    _set_contact(contact, values, actor)
    db.add(contact)
    db.flush()
    auth.audit(db, "desk.contact.create", f"rep_contact_detail/{contact.id}",
               f"{owner.id}: {contact.kind} {contact.value}", actor=actor)
    return contact


def update_contact(db: Session, contact: ContactDetail, values: ContactValues,
                   actor: StaffIdentity, today: date) -> None:
    """Correct a contact; a new address is no longer marked bounced. A retired one stays as
    it was retired (a new one is added instead)."""
    if contact.retired_at is not None:
        raise DeskProblems([Problem("contact", Code.RETIRED, str(contact.id))])
    _check_contact(values, today)
    before = f"{contact.kind} {contact.value}"
    _set_contact(contact, values, actor)
    after = f"{contact.kind} {contact.value}"
    auth.audit(db, "desk.contact.update", f"rep_contact_detail/{contact.id}",
               after if before == after else f"{before} -> {after}", actor=actor)


def retire_contact(db: Session, contact: ContactDetail, actor: StaffIdentity) -> bool:
    """No longer offered (the row and its bounce history stay); False if retired already."""
    if contact.retired_at is not None:
        return False
    contact.retired_at, contact.source = utcnow(), STAFF_SOURCE
    auth.audit(db, "desk.contact.retire", f"rep_contact_detail/{contact.id}",
               f"{contact.kind} {contact.value}", actor=actor)
    return True


def recheck_contact(db: Session, contact: ContactDetail, actor: StaffIdentity,
                    today: date) -> bool:
    """Staff checked the contact on its live source today: the check date is today, the
    check is theirs and not against a stored copy, and a bounce is cleared (the source still
    gives this address; if it bounces again, it is marked again). False if it is retired."""
    if contact.retired_at is not None:
        return False
    was_bounced = contact.bounced_at is not None
    contact.verified_on, contact.checked_by = today, actor.email
    contact.stored_copy, contact.bounced_at = False, None
    detail = f"{contact.kind} {contact.value}" + ("; bounce cleared" if was_bounced else "")
    auth.audit(db, "desk.contact.recheck", f"rep_contact_detail/{contact.id}", detail,
               actor=actor)
    return True


def recheck_office(db: Session, office: Membership, actor: StaffIdentity, today: date) -> bool:
    """Staff checked the role on its live source today; False if it has ended."""
    if office.end_date is not None:
        return False
    office.verified_on, office.checked_by, office.stored_copy = today, actor.email, False
    auth.audit(db, "desk.office.recheck", f"rep_membership/{office.id}", office.role,
               actor=actor)
    return True


# --- reading: one country -----------------------------------------------------------------


@dataclass
class ContactRow:
    contact: ContactDetail
    owner_name: str
    # Other people and organisations whose e-mail address this is too.
    shared_with: list[str] = field(default_factory=list)
    bounced_letters: int = 0

    @property
    def checked(self) -> date | None:
        return self.contact.verified_on


@dataclass
class TargetRow:
    person: Person
    office: Membership
    contacts: list[ContactRow]

    @property
    def oldest_check(self) -> date | None:
        days = [c.checked for c in self.contacts if c.checked is not None]
        return min(days) if days else None

    @property
    def unchecked(self) -> bool:
        return any(c.checked is None for c in self.contacts)

    @property
    def no_contact(self) -> bool:
        """No e-mail, form or postal address a letter can go to (bounced ones do not count)."""
        return not any(c.contact.kind in LETTER_CHANNELS and c.contact.bounced_at is None
                       for c in self.contacts)

    @property
    def no_source(self) -> bool:
        return not self.office.source_url or any(not c.contact.source_url
                                                 for c in self.contacts)


@dataclass
class CountryDesk:
    country: str
    groups: list[tuple[TargetKind, list[TargetRow]]]
    organisations: list[tuple[Organization, list[ContactRow]]]
    bounced: list[ContactRow]
    shared_inboxes: dict[str, list[str]]
    missing: list[str]  # "no_government", "no_contact", "no_source", "unchecked"
    due_before: date


def _age_key(row: TargetRow) -> tuple:
    """Oldest check first; never checked before everything."""
    oldest = row.oldest_check
    return (not row.unchecked, oldest or date.min, row.person.name.casefold())


def country_desk(db: Session, country: str, today: date, *, by_check: bool = False) -> CountryDesk:
    """Everything the country page shows; `by_check`: oldest check first within each kind."""
    offices = db.execute(
        select(Membership, Person)
        .join(Person, Membership.person_id == Person.id)
        .where(Membership.country == country, Membership.end_date.is_(None),
               Person.retired_at.is_(None))
        .order_by(Person.name, Membership.id)
    ).all()
    person_ids = {person.id for _office, person in offices}
    organisations = db.scalars(select(Organization).where(Organization.country == country)
                               .order_by(Organization.classification, Organization.name)).all()
    organisation_ids = {o.id for o in organisations}
    contacts = db.scalars(
        select(ContactDetail)
        .where(ContactDetail.retired_at.is_(None),
               or_(ContactDetail.person_id.in_(person_ids),
                   ContactDetail.organization_id.in_(organisation_ids)))
        .order_by(ContactDetail.kind, ContactDetail.id)
    ).all() if person_ids or organisation_ids else []
    names = {person.id: person.name for _office, person in offices}
    names.update({o.id: o.name for o in organisations})
    emails = {c.value.strip().lower() for c in contacts if c.kind == ChannelKind.EMAIL}
    owners = _inbox_owners(db, emails)
    bounced_letters = _bounced_letter_counts(db, emails)

    def row(contact: ContactDetail) -> ContactRow:
        owner = contact.person_id or contact.organization_id or ""
        address = contact.value.strip().lower()
        shared = ([name for key, name in owners.get(address, {}).items() if key != owner]
                  if contact.kind == ChannelKind.EMAIL else [])
        return ContactRow(contact, names.get(owner, owner), sorted(shared),
                          bounced_letters.get(address, 0) if contact.kind == "email" else 0)

    rows = [row(c) for c in contacts]
    by_owner: dict[str, list[ContactRow]] = defaultdict(list)
    for item in rows:
        by_owner[item.contact.person_id or item.contact.organization_id or ""].append(item)
    grouped: dict[TargetKind, list[TargetRow]] = defaultdict(list)
    for office, person in offices:
        grouped[TargetKind(office.kind)].append(TargetRow(person, office, by_owner[person.id]))
    groups = [(kind, grouped[kind]) for kind in TargetKind if grouped.get(kind)]
    if by_check:
        groups = [(kind, sorted(targets, key=_age_key)) for kind, targets in groups]
    targets = [t for _kind, of_kind in groups for t in of_kind]
    missing = []
    if not any(kind in GOVERNMENT_KINDS for kind, _rows in groups):
        missing.append("no_government")
    if any(t.no_contact for t in targets):
        missing.append("no_contact")
    if any(t.no_source for t in targets) or any(not c.contact.source_url for c in rows):
        missing.append("no_source")
    if any(c.checked is None for c in rows):
        missing.append("unchecked")
    shared = {address: sorted(found.values()) for address, found in owners.items()
              if len(found) > 1}
    return CountryDesk(
        country=country, groups=groups,
        organisations=[(o, by_owner[o.id]) for o in organisations],
        bounced=[c for c in rows if c.contact.bounced_at is not None],
        shared_inboxes=dict(sorted(shared.items())), missing=missing,
        due_before=months_before(today, recheck_months(db)),
    )


def _inbox_owners(db: Session, addresses: Iterable[str]) -> dict[str, dict[str, str]]:
    """For each e-mail address: the people in office and organisations whose address it is
    (id: name). Addresses in the whole directory, as a shared inbox may cross countries."""
    addresses = sorted(set(addresses))
    if not addresses:
        return {}
    found: dict[str, dict[str, str]] = defaultdict(dict)
    rows = db.execute(
        select(func.lower(func.trim(ContactDetail.value)), ContactDetail.person_id,
               ContactDetail.organization_id, Person.name, Organization.name)
        .outerjoin(Person, ContactDetail.person_id == Person.id)
        .outerjoin(Organization, ContactDetail.organization_id == Organization.id)
        .where(ContactDetail.kind == ChannelKind.EMAIL, ContactDetail.retired_at.is_(None),
               func.lower(func.trim(ContactDetail.value)).in_(addresses),
               or_(ContactDetail.person_id.is_(None), Person.retired_at.is_(None)))
    )
    for address, person_id, organisation_id, person_name, organisation_name in rows:
        key = str(person_id or organisation_id)
        found[str(address)][key] = str(person_name or organisation_name or key)
    return found


def _bounced_letter_counts(db: Session, addresses: Iterable[str]) -> dict[str, int]:
    """How many letters to each address bounced (the delivery side's record)."""
    addresses = sorted(set(addresses))
    if not addresses:
        return {}
    address = func.lower(func.trim(Letter.to_address))
    return {row.address: row.letters for row in db.execute(
        select(address.label("address"), func.count().label("letters"))
        .where(Letter.state == LetterState.BOUNCED, address.in_(addresses))
        .group_by(address))}


# --- reading: the index -------------------------------------------------------------------


@dataclass
class CountrySummary:
    country: str
    targets: int = 0
    government: int = 0
    contacts: int = 0
    bounced: int = 0
    without_contact: int = 0
    oldest_check: date | None = None
    unchecked: int = 0
    organisations: int = 0


def country_index(db: Session) -> list[CountrySummary]:
    """Every country with targets or organisations: counts, and its oldest check. Grouped in
    the database, a handful of queries whatever the size of the data."""
    current = and_(Membership.end_date.is_(None), Person.retired_at.is_(None))
    summaries: dict[str, CountrySummary] = {}

    def of(country: str) -> CountrySummary:
        return summaries.setdefault(country, CountrySummary(country))

    government = case((Membership.kind.in_([k.value for k in GOVERNMENT_KINDS]), Membership.id))
    for country, targets, in_government in db.execute(
            select(Membership.country, func.count(), func.count(government))
            .join(Person, Membership.person_id == Person.id).where(current)
            .group_by(Membership.country)):
        summary = of(str(country))
        summary.targets, summary.government = targets, in_government
    # Distinct ids: a person holding two roles in one country has their contacts joined twice.
    bounced = case((ContactDetail.bounced_at.is_not(None), ContactDetail.id))
    unchecked = case((ContactDetail.verified_on.is_(None), ContactDetail.id))
    for country, contacts, bounced_count, unchecked_count, oldest in db.execute(
            select(Membership.country, func.count(func.distinct(ContactDetail.id)),
                   func.count(func.distinct(bounced)), func.count(func.distinct(unchecked)),
                   func.min(ContactDetail.verified_on))
            .join(Person, Membership.person_id == Person.id)
            .join(ContactDetail, ContactDetail.person_id == Person.id)
            .where(current, ContactDetail.retired_at.is_(None))
            .group_by(Membership.country)):
        summary = of(str(country))
        summary.contacts, summary.bounced = int(contacts), int(bounced_count or 0)
        summary.unchecked = int(unchecked_count or 0)
        summary.oldest_check = oldest if isinstance(oldest, date) else None
    reachable = (select(ContactDetail.id)
                 .where(ContactDetail.person_id == Person.id, ContactDetail.retired_at.is_(None),
                        ContactDetail.bounced_at.is_(None),
                        ContactDetail.kind.in_([k.value for k in LETTER_CHANNELS]))
                 .exists())
    for country, without in db.execute(
            select(Membership.country, func.count(func.distinct(Person.id)))
            .join(Person, Membership.person_id == Person.id)
            .where(current, ~reachable).group_by(Membership.country)):
        of(str(country)).without_contact = int(without)
    for country, count in db.execute(select(Organization.country, func.count())
                                     .group_by(Organization.country)):
        of(str(country)).organisations = int(count)
    return sorted(summaries.values(), key=lambda s: s.country)


# --- reading: the re-check queue ----------------------------------------------------------


@dataclass
class QueueContact:
    contact: ContactDetail
    owner_id: str
    owner_name: str
    country: str


@dataclass
class QueueOffice:
    office: Membership
    person_name: str


@dataclass
class RecheckQueue:
    months: int
    due_before: date
    due: list[QueueContact]
    due_count: int
    bounced: list[QueueContact]
    stored_copy: list[QueueContact]
    stored_copy_offices: list[QueueOffice]
    reports: Sequence[DataReport]
    # A report's target id (a person's or a role's) -> the person to open on the desk.
    report_people: dict[str, str]


def _queue_contacts(db: Session, where, order) -> tuple[list[QueueContact], int]:
    """Live contacts of people in office and of organisations matching `where`, with the
    owner's name and country; the first QUEUE_SHOWN in `order`, and how many in all."""
    owner_alive = or_(ContactDetail.person_id.is_(None), Person.retired_at.is_(None))
    base = (select(ContactDetail, Person.name, Organization.name, Organization.country)
            .outerjoin(Person, ContactDetail.person_id == Person.id)
            .outerjoin(Organization, ContactDetail.organization_id == Organization.id)
            .where(ContactDetail.retired_at.is_(None), owner_alive, where))
    total = db.scalar(select(func.count()).select_from(base.subquery())) or 0
    rows = db.execute(base.order_by(*order).limit(QUEUE_SHOWN)).all()
    countries = _person_countries(db, {c.person_id for c, *_rest in rows if c.person_id})
    found = [
        QueueContact(contact, contact.person_id or contact.organization_id or "",
                     person_name or organisation_name or "",
                     countries.get(contact.person_id or "", "") if contact.person_id
                     else organisation_country or "")
        for contact, person_name, organisation_name, organisation_country in rows
    ]
    return found, total


def _person_countries(db: Session, person_ids: set[str]) -> dict[str, str]:
    """The country of each person's current role (their latest, if several)."""
    if not person_ids:
        return {}
    return {person_id: country for person_id, country in db.execute(
        select(Membership.person_id, Membership.country)
        .where(Membership.person_id.in_(sorted(person_ids)), Membership.end_date.is_(None))
        .order_by(Membership.start_date.asc().nulls_first()))}


def recheck_queue(db: Session, today: date) -> RecheckQueue:
    """What to check next: contacts unchecked for longer than the setting (oldest first,
    never checked first of all), bounced addresses, what was checked against a stored copy
    only, and supporters' open reports of a wrong address or person."""
    months = recheck_months(db)
    due_before = months_before(today, months)
    due, due_count = _queue_contacts(
        db, and_(ContactDetail.bounced_at.is_(None),
                 or_(ContactDetail.verified_on.is_(None), ContactDetail.verified_on < due_before)),
        (ContactDetail.verified_on.asc().nulls_first(), ContactDetail.id))
    bounced, _count = _queue_contacts(db, ContactDetail.bounced_at.is_not(None),
                                      (ContactDetail.bounced_at.desc(), ContactDetail.id))
    stored, _count = _queue_contacts(
        db, and_(ContactDetail.stored_copy.is_(True), ContactDetail.bounced_at.is_(None)),
        (ContactDetail.verified_on.asc().nulls_first(), ContactDetail.id))
    stored_offices = [
        QueueOffice(office, name) for office, name in db.execute(
            select(Membership, Person.name).join(Person, Membership.person_id == Person.id)
            .where(Membership.stored_copy.is_(True), Membership.end_date.is_(None),
                   Person.retired_at.is_(None))
            .order_by(Membership.verified_on.asc().nulls_first(), Membership.id)
            .limit(QUEUE_SHOWN))
    ]
    reports = db.scalars(
        select(DataReport).where(DataReport.kind == DataReportKind.WRONG_CONTACT,
                                 DataReport.resolved_at.is_(None))
        .order_by(DataReport.created_at, DataReport.id).limit(QUEUE_SHOWN)).all()
    return RecheckQueue(months, due_before, due, due_count, bounced, stored, stored_offices,
                        reports, _report_people(db, reports))


def _report_people(db: Session, reports: Sequence[DataReport]) -> dict[str, str]:
    """A target id is a person's id, or a role's for someone holding two roles."""
    ids = sorted({r.target_id for r in reports if r.target_id})
    if not ids:
        return {}
    found = {pid: pid for pid in db.scalars(select(Person.id).where(Person.id.in_(ids)))}
    for office_id, person_id in db.execute(select(Membership.id, Membership.person_id)
                                           .where(Membership.id.in_(ids))):
        found.setdefault(office_id, person_id)
    return found


# --- reading: one person, one organisation ------------------------------------------------


@dataclass
class PersonDesk:
    person: Person
    offices: list[Membership]  # current first, then ended, most recent first
    contacts: list[ContactRow]  # live ones
    retired_contacts: list[ContactDetail]


def person_desk(db: Session, person: Person) -> PersonDesk:
    offices = sorted(person.memberships,
                     key=lambda m: (m.end_date is not None, -(m.end_date or date.min).toordinal(),
                                    m.id))
    live = [c for c in person.contact_details if c.retired_at is None]
    emails = {c.value.strip().lower() for c in live if c.kind == ChannelKind.EMAIL}
    owners = _inbox_owners(db, emails)
    bounced = _bounced_letter_counts(db, emails)
    rows = []
    for contact in sorted(live, key=lambda c: (c.kind, c.id)):
        address = contact.value.strip().lower()
        shared = ([name for key, name in owners.get(address, {}).items() if key != person.id]
                  if contact.kind == ChannelKind.EMAIL else [])
        rows.append(ContactRow(contact, person.name, sorted(shared),
                               bounced.get(address, 0) if contact.kind == "email" else 0))
    retired = sorted((c for c in person.contact_details if c.retired_at is not None),
                     key=lambda c: c.retired_at or datetime.min, reverse=True)
    return PersonDesk(person, offices, rows, retired)


def organisation_choices(db: Session, country: str | None = None) -> list[Organization]:
    """Organisations to pick an office's from: the country's and the European Parliament's
    first, then the rest."""
    rows = db.scalars(select(Organization).order_by(Organization.country, Organization.name))
    organisations = list(rows)
    if country:
        organisations.sort(key=lambda o: o.country not in (country, "EU"))
    return organisations
