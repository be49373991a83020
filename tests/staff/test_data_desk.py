"""The data desk (issue 22): its operations on the representatives tables, and its pages.

The operations run on the made-up directory of the web tests (tests/webapp/data.py); each
test puts that directory back as it was, since the PostgreSQL database is shared.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from representatives.model import ChannelKind
from representatives.tables import (
    STAFF_SOURCE,
    ContactDetail,
    Membership,
    Organization,
    Person,
)
from tests.webapp.pages import text
from webapp.app_state import app_state
from webapp.models import DataReport
from webapp.staff import data_desk
from webapp.staff.data_desk import (
    Code,
    ContactValues,
    DeskProblems,
    OfficeValues,
    OrganisationValues,
    PersonValues,
)
from webapp.staff.models import AuditEntry, DataDeskSettings

from .conftest import USERS, token

TODAY = date.today()
SOURCE = "https://www.gov.uk/government/people/sam-taylor"


def _contact_of(db, person_id: str, kind: str = "email") -> ContactDetail:
    return db.scalars(select(ContactDetail).where(ContactDetail.person_id == person_id,
                                                  ContactDetail.kind == kind,
                                                  ContactDetail.retired_at.is_(None))).one()


def _audit(db) -> list[tuple[str, str]]:
    return [(e.action, e.subject) for e in db.scalars(
        select(AuditEntry).where(AuditEntry.action.like("desk.%")).order_by(AuditEntry.id))]


def _target(app, target_id: str):
    return app_state(app).directory.refresh().get(target_id)


# --- operations ---------------------------------------------------------------------------


def test_a_person_with_an_office_and_a_contact_becomes_a_target(desk_app, db, editor_identity):
    person = data_desk.create_person(db, PersonValues(name="Lena Berg", given_name="Lena",
                                                      family_name="Berg"), editor_identity)
    data_desk.create_office(db, person, OfficeValues(
        organization_id="t:nl-ezk", kind="minister", role="Minister voor Digitale Zaken",
        country="NL", language="nl", source_url="https://www.rijksoverheid.nl/lena",
        verified_on=TODAY), editor_identity, TODAY)
    data_desk.create_contact(db, person, ContactValues(
        kind="email", value="lena.berg@ezk.example.org",
        source_url="https://www.rijksoverheid.nl/contact", verified_on=TODAY),
        editor_identity, TODAY)
    db.commit()

    target = _target(desk_app, person.id)
    assert person.id == "staff:lena-berg" and person.source == STAFF_SOURCE
    assert target is not None and target.email == "lena.berg@ezk.example.org"
    assert target.role == "Minister voor Digitale Zaken" and target.country == "NL"
    assert [action for action, _subject in _audit(db)] == [
        "desk.person.create", "desk.office.create", "desk.contact.create"]
    contact = _contact_of(db, person.id)
    assert contact.checked_by == USERS["editor"] and contact.verified_on == TODAY


@pytest.mark.parametrize(("values", "problems"), [
    (ContactValues("email", "new@dsit.example.org", "", TODAY),
     {("source_url", Code.REQUIRED)}),
    (ContactValues("email", "new@dsit.example.org", SOURCE, None),
     {("verified_on", Code.REQUIRED)}),
    (ContactValues("email", "new@dsit.example.org", "gov.uk/people", TODAY),
     {("source_url", Code.BAD_URL)}),
    (ContactValues("email", "new@dsit.example.org", SOURCE, TODAY + timedelta(days=1)),
     {("verified_on", Code.FUTURE_DATE)}),
    (ContactValues("email", "not an address", SOURCE, TODAY), {("value", Code.BAD_EMAIL)}),
    (ContactValues("contact_form", "www.example.org", SOURCE, TODAY), {("value", Code.BAD_URL)}),
    (ContactValues("fax", "+44 20", SOURCE, TODAY), {("kind", Code.UNKNOWN_KIND)}),
    (ContactValues("email", "", "javascript:alert(1)", None),
     {("value", Code.REQUIRED), ("source_url", Code.BAD_URL), ("verified_on", Code.REQUIRED)}),
])
def test_a_contact_needs_a_valid_source_and_a_check_date_not_in_the_future(
        desk_app, db, editor_identity, values, problems):
    contact = _contact_of(db, "t:gb-minister")
    before = (contact.value, contact.source_url, contact.verified_on, contact.source)
    with pytest.raises(DeskProblems) as refused:
        data_desk.update_contact(db, contact, values, editor_identity, TODAY)
    assert {(p.field, p.code) for p in refused.value.problems} == problems
    db.commit()
    db.expire_all()
    contact = _contact_of(db, "t:gb-minister")
    assert (contact.value, contact.source_url, contact.verified_on, contact.source) == before
    assert _audit(db) == []


def test_correcting_a_bounced_address_offers_the_new_one(desk_app, db, editor_identity):
    contact = _contact_of(db, "t:gb-minister")
    contact.bounced_at = datetime.now(UTC)
    db.commit()
    assert _target(desk_app, "t:gb-minister") is None  # its only address bounced

    data_desk.update_contact(db, contact, ContactValues(
        "email", "ai.minister@dsit.example.org", SOURCE, TODAY, label="Private office"),
        editor_identity, TODAY)
    db.commit()

    target = _target(desk_app, "t:gb-minister")
    assert target is not None and target.email == "ai.minister@dsit.example.org"
    assert contact.bounced_at is None and contact.source == STAFF_SOURCE
    assert contact.checked_by == USERS["editor"]
    assert _audit(db) == [("desk.contact.update", f"rep_contact_detail/{contact.id}")]


def test_retiring_keeps_the_rows_and_takes_them_out_of_the_directory(
        desk_app, db, editor_identity):
    person = db.get(Person, "t:nl-minister")
    assert data_desk.retire_person(db, person, editor_identity, TODAY)
    assert not data_desk.retire_person(db, person, editor_identity, TODAY)  # once
    contact = _contact_of(db, "t:us-rep-12")
    assert data_desk.retire_contact(db, contact, editor_identity)
    db.commit()

    directory = app_state(desk_app).directory.refresh()
    assert directory.get("t:nl-minister") is None and directory.get("t:us-rep-12") is None
    assert db.get(Person, "t:nl-minister").retired_at is not None
    assert db.get(Membership, "t:nl-minister@t:nl-ezk").end_date == TODAY
    assert db.get(ContactDetail, contact.id).retired_at is not None
    with pytest.raises(DeskProblems):
        data_desk.update_contact(db, contact, ContactValues(
            "email", "diaz@house.example.org", SOURCE, TODAY), editor_identity, TODAY)
    with pytest.raises(DeskProblems):
        data_desk.create_contact(db, person, ContactValues(
            "email", "anna@ezk.example.org", SOURCE, TODAY), editor_identity, TODAY)
    assert [a for a, _s in _audit(db)] == ["desk.person.retire", "desk.contact.retire"]


def test_retiring_an_organisation_ends_its_offices(desk_app, db, editor_identity):
    organisation = db.get(Organization, "t:gb-dsit")
    data_desk.create_contact(db, organisation, ContactValues(
        "post", "22 Whitehall, London", SOURCE, TODAY), editor_identity, TODAY)
    assert data_desk.retire_organisation(db, organisation, editor_identity, TODAY) == (2, 1)
    db.commit()
    assert db.get(Organization, "t:gb-dsit") is not None
    assert db.get(Membership, "t:gb-minister@t:gb-dsit").end_date == TODAY
    assert _target(desk_app, "t:gb-minister") is None


def test_an_office_needs_a_known_organisation_kind_country_and_a_source(
        desk_app, db, editor_identity):
    person = db.get(Person, "t:gb-delegate")
    with pytest.raises(DeskProblems) as refused:
        data_desk.create_office(db, person, OfficeValues(
            organization_id="nowhere", kind="king", role="", country="XX", language="english",
            source_url="", verified_on=TODAY + timedelta(days=3)), editor_identity, TODAY)
    assert {p.field for p in refused.value.problems} == {
        "organization_id", "kind", "role", "country", "language", "source_url", "verified_on"}
    with pytest.raises(DeskProblems):
        data_desk.create_organisation(db, OrganisationValues("", "club", "ZZ"), editor_identity)
    db.commit()
    assert len(db.get(Person, "t:gb-delegate").memberships) == 1


def test_the_country_page_groups_targets_and_says_what_is_missing(desk_app, db, editor_identity):
    # The delegate shares the minister's inbox, and the minister's address bounced.
    delegate = db.get(Person, "t:gb-delegate")
    data_desk.create_contact(db, delegate, ContactValues(
        "email", "Minister@dsit.example.org", SOURCE, TODAY), editor_identity, TODAY)
    _contact_of(db, "t:gb-minister").bounced_at = datetime.now(UTC)
    db.commit()

    desk = data_desk.country_desk(db, "GB", TODAY)
    kinds = {kind.value: [t.person.id for t in targets] for kind, targets in desk.groups}
    assert kinds == {"summit_delegate": ["t:gb-delegate"], "minister": ["t:gb-minister"]}
    assert desk.shared_inboxes == {"minister@dsit.example.org": ["Alex Morgan", "Sam Taylor"]}
    assert [row.contact.value for row in desk.bounced] == ["minister@dsit.example.org"]
    assert desk.missing == ["no_contact"]  # the minister's only address bounced

    us = data_desk.country_desk(db, "US", TODAY)
    assert "no_government" in us.missing
    assert [kind.value for kind, _targets in us.groups] == ["mp"]

    index = {row.country: row for row in data_desk.country_index(db)}
    assert index["GB"].targets == 2 and index["GB"].bounced == 1
    assert index["GB"].without_contact == 1 and index["GB"].government == 2
    assert index["US"].government == 0 and index["US"].oldest_check == date(2026, 1, 1)


def test_the_country_page_sorts_by_the_age_of_the_check(desk_app, db, editor_identity):
    _contact_of(db, "t:us-rep-12").verified_on = date(2020, 5, 1)
    _contact_of(db, "t:us-senator", "contact_form").verified_on = None
    db.commit()
    desk = data_desk.country_desk(db, "US", TODAY, by_check=True)
    assert [t.person.id for t in desk.groups[0][1]] == [
        "t:us-senator", "t:us-rep-12", "t:us-rep-11"]


def test_the_queue_and_marking_a_contact_rechecked(desk_app, db, editor_identity):
    stale = _contact_of(db, "t:nl-minister")
    stale.verified_on = months_ago(7)
    bounced = _contact_of(db, "t:jp-delegate")
    bounced.bounced_at = datetime.now(UTC)
    copied = _contact_of(db, "t:th-delegate")
    copied.stored_copy, copied.verified_on = True, TODAY
    fresh = _contact_of(db, "t:us-rep-12")
    fresh.verified_on = months_ago(5)
    db.add(DataReport(kind="wrong_contact", campaign_slug="c", country="GB",
                      target_id="t:gb-minister", target_name="Sam Taylor", message="moved"))
    db.commit()

    queue = data_desk.recheck_queue(db, TODAY)
    due_ids = {item.contact.id for item in queue.due}
    assert queue.months == 6
    assert stale.id in due_ids and fresh.id not in due_ids and bounced.id not in due_ids
    assert [item.contact.id for item in queue.bounced] == [bounced.id]
    assert [item.contact.id for item in queue.stored_copy] == [copied.id]
    assert [r.target_id for r in queue.reports] == ["t:gb-minister"]
    assert queue.report_people == {"t:gb-minister": "t:gb-minister"}

    for contact in (stale, bounced, copied):
        assert data_desk.recheck_contact(db, contact, editor_identity, TODAY)
    db.commit()
    queue = data_desk.recheck_queue(db, TODAY)
    rechecked = {stale.id, bounced.id, copied.id}
    assert not rechecked & {item.contact.id for item in queue.due + queue.bounced
                            + queue.stored_copy}
    for contact in (stale, bounced, copied):
        assert contact.verified_on == TODAY and contact.checked_by == USERS["editor"]
        assert not contact.stored_copy and contact.bounced_at is None
    assert _target(desk_app, "t:jp-delegate") is not None  # offered again

    # A shorter setting brings the five-month-old check into the queue.
    assert data_desk.set_recheck_months(db, 4, editor_identity)
    db.commit()
    assert fresh.id in {item.contact.id for item in data_desk.recheck_queue(db, TODAY).due}
    with pytest.raises(DeskProblems):
        data_desk.set_recheck_months(db, 0, editor_identity)
    with pytest.raises(DeskProblems):
        data_desk.set_recheck_months(db, None, editor_identity)


def months_ago(months: int) -> date:
    return data_desk.months_before(TODAY, months)


# --- pages --------------------------------------------------------------------------------


def _form(client, url: str, **values) -> dict:
    return {"csrf_token": token(client, url), **values}


def test_viewers_read_every_page_and_cannot_change_anything(desk_app, viewer, db):
    contact = _contact_of(db, "t:gb-minister")
    person_page = "/staff/data/people/t:gb-minister"
    for url in ("/staff/data/", "/staff/data/country/GB", "/staff/data/country/gb?sort=checked",
                "/staff/data/queue", person_page, f"/staff/data/contacts/{contact.id}",
                "/staff/data/offices/t:gb-minister@t:gb-dsit",
                "/staff/data/organisations/t:gb-dsit"):
        response = viewer.get(url)
        assert response.status_code == 200, url
    page = text(viewer.get("/staff/data/country/GB"))
    assert "Sam Taylor" in page and "minister@dsit.example.org" in page
    assert "Checked today" not in page

    csrf = token(viewer, person_page)
    for url, data in (
            (f"/staff/data/contacts/{contact.id}", {"kind": "email", "value": "x@example.org",
                                                     "source_url": SOURCE,
                                                     "verified_on": TODAY.isoformat()}),
            (f"/staff/data/contacts/{contact.id}/recheck", {}),
            (f"/staff/data/contacts/{contact.id}/retire", {}),
            ("/staff/data/people/t:gb-minister/retire", {}),
            ("/staff/data/people/new", {"name": "Someone"}),
            ("/staff/data/settings", {"recheck_months": "2"})):
        assert viewer.post(url, data={"csrf_token": csrf, **data}).status_code == 403, url
    db.expire_all()
    assert _contact_of(db, "t:gb-minister").value == "minister@dsit.example.org"
    assert db.get(Person, "t:gb-minister").retired_at is None
    assert _audit(db) == [] and db.get(DataDeskSettings, 1) is None


def test_bad_input_is_kept_with_a_message_and_nothing_is_stored(desk_app, editor, db):
    contact = _contact_of(db, "t:gb-minister")
    url = f"/staff/data/contacts/{contact.id}"
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    response = editor.post(url, data=_form(editor, url, kind="email",
                                           value="new.minister@dsit.example.org",
                                           source_url="", verified_on=tomorrow))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Nothing was saved" in page and "Give the source" in page
    assert "is in the future" in page
    assert 'value="new.minister@dsit.example.org"' in page and f'value="{tomorrow}"' in page

    response = editor.post(url, data=_form(editor, url, kind="email", value="x@example.org",
                                           source_url=SOURCE, verified_on="31/31/2026"))
    assert response.status_code == 422
    assert "Checked on" in text(response)
    response = editor.post("/staff/data/people/new",
                           data=_form(editor, "/staff/data/people/new", name="",
                                      given_name="Kept"))
    assert response.status_code == 422 and 'value="Kept"' in response.get_data(as_text=True)

    db.expire_all()
    assert _contact_of(db, "t:gb-minister").value == "minister@dsit.example.org"
    assert db.scalar(select(Person).where(Person.given_name == "Kept")) is None
    assert _audit(db) == []


def test_an_editor_corrects_a_contact_and_supporters_get_it(desk_app, editor, db):
    contact = _contact_of(db, "t:gb-minister")
    url = f"/staff/data/contacts/{contact.id}"
    response = editor.post(url, data=_form(editor, url, kind="email",
                                           value="ai.minister@dsit.example.org",
                                           source_url=SOURCE, verified_on=TODAY.isoformat()))
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/staff/data/people/t:gb-minister")
    # The request's own process reloads at once; the directory is what supporters match.
    target = app_state(desk_app).directory.refresh().get("t:gb-minister")
    assert target is not None and target.email == "ai.minister@dsit.example.org"
    db.expire_all()
    assert _audit(db) == [("desk.contact.update", f"rep_contact_detail/{contact.id}")]

    # Re-checked from the queue: back to the queue, with who and when.
    queue_url = "/staff/data/queue"
    response = editor.post(f"{url}/recheck", data=_form(editor, queue_url, back=queue_url))
    assert response.status_code == 303 and response.headers["Location"] == queue_url
    db.expire_all()
    assert _contact_of(db, "t:gb-minister").checked_by == USERS["editor"]

    # A "back" that leaves the desk is not followed.
    response = editor.post(f"{url}/recheck",
                           data=_form(editor, queue_url, back="//evil.example/staff/data/"))
    assert response.headers["Location"].startswith("/staff/data/people/t:gb-minister")


def test_an_editor_adds_a_person_their_office_and_a_contact(desk_app, editor, db):
    response = editor.post("/staff/data/people/new", data=_form(
        editor, "/staff/data/people/new", name="Lena Berg", given_name="Lena",
        family_name="Berg", gender="female"))
    assert response.status_code == 303
    person_url = response.headers["Location"].split("?")[0]
    person_id = person_url.rsplit("/", 1)[1]
    office_url = f"{person_url}/offices/new"
    response = editor.post(office_url, data=_form(
        editor, office_url, organization_id="t:nl-ezk", kind="minister",
        role="Minister voor Digitale Zaken", country="NL", language="nl",
        source_url="https://www.rijksoverheid.nl/lena", verified_on=TODAY.isoformat()))
    assert response.status_code == 303
    response = editor.post("/staff/data/contacts/new", data=_form(
        editor, f"/staff/data/contacts/new?person={person_id}", person=person_id,
        kind="contact_form", value="https://www.rijksoverheid.nl/contact/lena",
        source_url="https://www.rijksoverheid.nl/contact", verified_on=TODAY.isoformat()))
    assert response.status_code == 303
    target = app_state(desk_app).directory.refresh().get(person_id)
    assert target is not None
    assert target.channel(ChannelKind.CONTACT_FORM).value.endswith("/contact/lena")
    page = text(editor.get("/staff/data/country/NL"))
    assert "Lena Berg" in page and "Minister voor Digitale Zaken" in page


def test_the_forms_to_add_records_open(desk_app, editor):
    for url in ("/staff/data/people/new", "/staff/data/organisations/new?country=NL",
                "/staff/data/people/t:nl-minister/offices/new?country=NL",
                "/staff/data/contacts/new?person=t:nl-minister",
                "/staff/data/contacts/new?organisation=t:nl-ezk"):
        response = editor.get(url)
        assert response.status_code == 200, url
        assert "Save" in text(response), url


def test_unknown_records_are_not_found(desk_app, editor):
    for url in ("/staff/data/country/XX", "/staff/data/people/nobody",
                "/staff/data/contacts/999999", "/staff/data/offices/nothing",
                "/staff/data/organisations/nothing", "/staff/data/contacts/new?person=nobody"):
        assert editor.get(url).status_code == 404, url


def test_the_settings_form_changes_the_queue(desk_app, editor, db):
    url = "/staff/data/settings"
    response = editor.post(url, data=_form(editor, "/staff/data/queue", recheck_months="12"))
    assert response.status_code == 303
    assert data_desk.recheck_months(db) == 12
    page = text(editor.get("/staff/data/queue"))
    assert re.search(r"Not checked since \d{4}-\d{2}-\d{2}", page)
    response = editor.post(url, data=_form(editor, "/staff/data/queue", recheck_months="999"),
                           follow_redirects=True)
    assert "from 1 to 120" in text(response)
    db.expire_all()
    assert data_desk.recheck_months(db) == 12


def test_the_navigation_links_to_the_desk(desk_app, viewer):
    assert 'href="/staff/data/' in viewer.get("/staff/data/queue").get_data(as_text=True)


def test_an_editor_sets_a_priority_that_the_ticking_uses(desk_app, editor, db):
    office = db.scalars(select(Membership).where(Membership.person_id == "t:nl-minister")).first()
    url = f"/staff/data/offices/{office.id}"
    values = dict(organization_id=office.organization_id, kind=office.kind, role=office.role,
                  country=office.country, language=office.language,
                  source_url="https://www.rijksoverheid.nl/minister",
                  verified_on=TODAY.isoformat())
    assert 'name="priority"' in editor.get(url).get_data(as_text=True)

    response = editor.post(url, data=_form(editor, url, priority="101", **values))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "whole number from 0 to 100" in page and 'value="101"' in page
    db.expire_all()
    assert db.get(Membership, office.id).priority is None

    response = editor.post(url, data=_form(editor, url, priority="3", **values))
    assert response.status_code == 303
    db.expire_all()
    assert db.get(Membership, office.id).priority == 3
    assert _target(desk_app, "t:nl-minister").priority == 3

    # Emptied again: everyone's default weight.
    response = editor.post(url, data=_form(editor, url, priority="", **values))
    assert response.status_code == 303
    assert _target(desk_app, "t:nl-minister").priority == 1
