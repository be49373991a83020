"""What the data desk writes so that a later import leaves staff corrections alone (issue 22):
rows staff edit or retire carry the source "staff", and a corrected contact keeps the kind and
address the import wrote. Then an import of the same rows keeps them as staff left them.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from representatives.importers.base import Dataset, apply
from representatives.tables import (
    STAFF_SOURCE,
    ContactDetail,
    Membership,
    Organization,
    Person,
)
from tests.webapp.data import SOURCE as IMPORTED
from tests.webapp.data import rows as imported_rows
from webapp.app_state import app_state
from webapp.staff import data_desk
from webapp.staff.auth import StaffIdentity
from webapp.staff.data_desk import ContactValues, OfficeValues

TODAY = date.today()
SOURCE_PAGE = "https://www.gov.uk/government/people/sam-taylor"
NEW_ADDRESS = "ai.minister@dsit.example.org"


@pytest.fixture
def editor(editor_identity) -> StaffIdentity:
    return editor_identity


def _contact(db, person_id: str, kind: str = "email") -> ContactDetail:
    return db.scalars(select(ContactDetail).where(ContactDetail.person_id == person_id,
                                                  ContactDetail.kind == kind)).one()


def _import_again(db, people: set[str]):
    """The made-up directory's rows of `people`, imported again as their source gave them."""
    data = Dataset()
    for row in imported_rows():
        if isinstance(row, Person) and row.id in people:
            data.people[row.id] = {
                "name": row.name, "given_name": row.given_name, "family_name": row.family_name,
                "honorific_prefix": row.honorific_prefix, "gender": row.gender}
        elif isinstance(row, Membership) and row.person_id in people:
            data.memberships[row.id] = {
                column: getattr(row, column) for column in (
                    "person_id", "organization_id", "kind", "role", "country", "area_id",
                    "language", "party", "start_date", "source_url", "verified_on")}
        elif isinstance(row, ContactDetail) and row.person_id in people:
            data.add_contact(row.kind, row.value, person_id=row.person_id,
                             source_url=row.source_url, verified_on=row.verified_on)
    # A partial import: the people left out of it are not retired.
    return apply(db, IMPORTED, "made-up directory", data, partial=True)


def test_desk_changes_mark_the_rows_as_staff_written(desk_app, db, editor):
    contact = _contact(db, "t:gb-minister")
    data_desk.update_contact(db, contact, ContactValues("email", NEW_ADDRESS, SOURCE_PAGE,
                                                        TODAY), editor, TODAY)
    assert (contact.source, contact.imported_kind, contact.imported_value) == (
        STAFF_SOURCE, "email", "minister@dsit.example.org")
    # A second correction still remembers what the import wrote, not the first correction.
    data_desk.update_contact(db, contact, ContactValues("email", "ai@dsit.example.org",
                                                        SOURCE_PAGE, TODAY), editor, TODAY)
    assert contact.imported_value == "minister@dsit.example.org"

    added = data_desk.create_contact(db, db.get(Person, "t:gb-delegate"), ContactValues(
        "email", "delegate@dsit.example.org", SOURCE_PAGE, TODAY), editor, TODAY)
    assert (added.source, added.imported_kind, added.imported_value) == (STAFF_SOURCE, None,
                                                                         None)
    retired = _contact(db, "t:us-rep-12")
    assert data_desk.retire_contact(db, retired, editor)
    assert retired.source == STAFF_SOURCE

    office = db.get(Membership, "t:gb-delegate@t:gb-dsit")
    assert data_desk.retire_office(db, office, editor, TODAY)
    assert office.source == STAFF_SOURCE
    person = db.get(Person, "t:nl-minister")
    assert data_desk.retire_person(db, person, editor, TODAY)
    assert person.source == STAFF_SOURCE
    assert db.get(Membership, "t:nl-minister@t:nl-ezk").source == STAFF_SOURCE
    organisation = db.get(Organization, "t:jp-mofa")
    data_desk.create_contact(db, organisation, ContactValues(
        "post", "2-2-1 Kasumigaseki, Tokyo", SOURCE_PAGE, TODAY), editor, TODAY)
    assert data_desk.retire_organisation(db, organisation, editor, TODAY) == (1, 1)
    assert db.get(Membership, "t:jp-delegate@t:jp-mofa").source == STAFF_SOURCE
    db.commit()
    # Untouched rows stay the import's.
    assert _contact(db, "t:jp-delegate").source == IMPORTED


def test_an_import_after_desk_corrections_keeps_them(desk_app, db, editor):
    data_desk.update_contact(db, _contact(db, "t:gb-minister"), ContactValues(
        "email", NEW_ADDRESS, SOURCE_PAGE, TODAY), editor, TODAY)
    data_desk.retire_contact(db, _contact(db, "t:us-rep-12"), editor)
    data_desk.retire_person(db, db.get(Person, "t:nl-minister"), editor, TODAY)
    office = db.get(Membership, "t:gb-delegate@t:gb-dsit")
    data_desk.update_office(db, office, OfficeValues(
        organization_id="t:gb-dsit", kind="summit_delegate", role="Prime Minister's AI envoy",
        country="GB", language="en", source_url=SOURCE_PAGE, verified_on=TODAY), editor, TODAY)
    db.commit()

    report = _import_again(db, {"t:gb-minister", "t:us-rep-12", "t:nl-minister",
                                "t:gb-delegate", "t:jp-delegate"})
    assert report.ok and report.written, report.rejected
    db.commit()
    db.expire_all()

    assert (report.added, report.updated, report.retired) == (0, 0, 0)
    live = db.scalars(select(ContactDetail.value).where(
        ContactDetail.person_id == "t:gb-minister", ContactDetail.retired_at.is_(None))).all()
    assert live == [NEW_ADDRESS]
    assert _contact(db, "t:us-rep-12").retired_at is not None
    assert db.get(Person, "t:nl-minister").retired_at is not None
    assert db.get(Membership, "t:nl-minister@t:nl-ezk").end_date == TODAY
    assert db.get(Membership, "t:gb-delegate@t:gb-dsit").role == "Prime Minister's AI envoy"
    assert dict(report.kept) == {
        "contact_detail t:gb-minister email minister@dsit.example.org":
            f"corrected by staff to email {NEW_ADDRESS}; not added back",
        "contact_detail t:us-rep-12 email diaz@house.example.org":
            "retired by staff; kept retired",
        "person t:nl-minister": "retired by staff; kept retired",
        "membership t:nl-minister@t:nl-ezk": "ended by staff; kept ended",
        "membership t:gb-delegate@t:gb-dsit": "kept as staff edited it; the file differs",
    }
    directory = app_state(desk_app).directory.refresh()
    minister = directory.get("t:gb-minister")
    assert minister is not None and minister.email == NEW_ADDRESS
    assert directory.get("t:nl-minister") is None
