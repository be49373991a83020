"""The data desk edits an office's political group and committees (the CSV importer's text,
"ITRE; LIBE (substitute)"), shows them on the country and person pages, and a later import keeps
what staff set. On SQLite and PostgreSQL (the `app` fixture's two back-ends).
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from representatives.importers.base import Dataset, apply
from representatives.model import CommitteeSeat
from representatives.tables import STAFF_SOURCE, Membership
from tests.webapp.data import SOURCE as IMPORTED
from tests.webapp.pages import text
from webapp.app_state import app_state
from webapp.staff import data_desk
from webapp.staff.data_desk import Code, DeskProblems, OfficeValues
from webapp.staff.models import AuditEntry

from .conftest import token

TODAY = date.today()
MEP = "t:nl-mep"
OFFICE = "t:nl-mep@t:ep"
EP_PAGE = "https://www.europarl.europa.eu/meps/en/000000/PIETER_JANSEN/home"


def _values(office: Membership, **changes) -> OfficeValues:
    fields = dict(organization_id=office.organization_id, kind=office.kind, role=office.role,
                  country=office.country, language=office.language, source_url=EP_PAGE,
                  verified_on=TODAY)
    return OfficeValues(**{**fields, **changes})


def _form(client, url: str, office: Membership, **values) -> dict:
    return {"csrf_token": token(client, url), "organization_id": office.organization_id,
            "kind": office.kind, "role": office.role, "country": office.country,
            "language": office.language, "source_url": EP_PAGE,
            "verified_on": TODAY.isoformat(), **values}


def _target(app, target_id: str):
    return app_state(app).directory.refresh().get(target_id)


# --- operations ---------------------------------------------------------------------------


def test_staff_set_a_group_and_committees_that_supporters_see(desk_app, db, editor_identity):
    office = db.get(Membership, OFFICE)
    data_desk.update_office(db, office, _values(
        office, political_group=" Greens/EFA ",
        committees="LIBE (Substitute); ITRE;; AFET (vice-chair)"), editor_identity, TODAY)
    db.commit()
    db.expire_all()

    office = db.get(Membership, OFFICE)
    assert office.political_group == "Greens/EFA" and office.source == STAFF_SOURCE
    # Stored as the importers store them: sorted by code.
    assert office.committees == [{"code": "AFET", "role": "vice-chair"},
                                 {"code": "ITRE", "role": "member"},
                                 {"code": "LIBE", "role": "substitute"}]
    assert data_desk.office_committees_text(office) == "AFET (vice-chair); ITRE; LIBE (substitute)"
    target = _target(desk_app, MEP)
    assert target.political_group == "Greens/EFA"
    assert target.committees == (CommitteeSeat("AFET", "vice-chair"), CommitteeSeat("ITRE"),
                                 CommitteeSeat("LIBE", "substitute"))

    # Emptied: no group and no committees known.
    data_desk.update_office(db, office, _values(office), editor_identity, TODAY)
    db.commit()
    assert (office.political_group, office.committees) == (None, None)
    assert _target(desk_app, MEP).committees == ()


@pytest.mark.parametrize(("committees", "problem"), [
    ("ITRE (rapporteur)", (Code.BAD_COMMITTEE_ROLE, "ITRE (rapporteur)")),
    ("ITRE; LIBE; ITRE (substitute)", (Code.COMMITTEE_TWICE, "ITRE")),
    ("IT|RE", (Code.BAD_COMMITTEE, "IT|RE")),
    ("ITRE (chair) (member)", (Code.BAD_COMMITTEE, "ITRE (chair) (member)")),
    ("X" * 101, (Code.COMMITTEE_TOO_LONG, "100")),
])
def test_a_bad_committee_entry_is_refused_and_nothing_is_stored(
        desk_app, db, editor_identity, committees, problem):
    office = db.get(Membership, OFFICE)
    with pytest.raises(DeskProblems) as refused:
        data_desk.update_office(db, office, _values(office, political_group="Renew",
                                                    committees=committees),
                                editor_identity, TODAY)
    assert [(p.field, p.code, p.value) for p in refused.value.problems] == [
        ("committees", *problem)]
    db.rollback()
    db.expire_all()
    office = db.get(Membership, OFFICE)
    assert (office.political_group, office.committees, office.source) == (None, None, IMPORTED)


def test_a_group_longer_than_its_column_is_refused(desk_app, db, editor_identity):
    office = db.get(Membership, OFFICE)
    with pytest.raises(DeskProblems) as refused:
        data_desk.update_office(db, office, _values(office, political_group="G" * 101),
                                editor_identity, TODAY)
    assert [(p.field, p.code) for p in refused.value.problems] == [
        ("political_group", Code.TOO_LONG)]


def test_an_import_after_staff_set_them_keeps_them(desk_app, db, editor_identity):
    office = db.get(Membership, OFFICE)
    data_desk.update_office(db, office, _values(office, political_group="Renew",
                                                committees="ITRE (chair)"),
                            editor_identity, TODAY)
    db.commit()

    # The Parliament's file says otherwise; the import leaves the staff's office alone.
    data = Dataset()
    data.people[MEP] = {"name": "Pieter JANSEN", "given_name": "Pieter",
                        "family_name": "JANSEN", "honorific_prefix": None, "gender": "male"}
    data.memberships[OFFICE] = {
        "person_id": MEP, "organization_id": "t:ep", "kind": "mep",
        "role": "Member of the European Parliament", "country": "NL", "area_id": None,
        "language": "nl", "party": None, "political_group": "EPP",
        "committees": [{"code": "AGRI", "role": "member"}],
        "start_date": date(2024, 1, 1), "source_url": "https://example.org/source",
        "verified_on": date(2026, 1, 1)}
    report = apply(db, IMPORTED, "made-up directory", data, partial=True)
    assert report.ok and report.written, report.rejected
    db.commit()
    db.expire_all()

    assert dict(report.kept) == {
        f"membership {OFFICE}": "kept as staff edited it; the file differs"}
    office = db.get(Membership, OFFICE)
    assert office.political_group == "Renew"
    assert office.committees == [{"code": "ITRE", "role": "chair"}]
    target = _target(desk_app, MEP)
    assert target.political_group == "Renew" and target.committee_codes == ("ITRE",)


# --- pages --------------------------------------------------------------------------------


def test_an_editor_edits_them_on_the_office_page_and_the_desk_shows_them(desk_app, editor, db):
    office = db.get(Membership, OFFICE)
    url = f"/staff/data/offices/{OFFICE}"
    page = editor.get(url).get_data(as_text=True)
    assert 'name="political_group"' in page and 'name="committees"' in page

    response = editor.post(url, data=_form(editor, url, office, political_group="Greens/EFA",
                                           committees="ITRE; LIBE (substitute)"))
    assert response.status_code == 303
    db.expire_all()
    assert db.get(Membership, OFFICE).committees == [{"code": "ITRE", "role": "member"},
                                                     {"code": "LIBE", "role": "substitute"}]
    assert [e.action for e in db.scalars(select(AuditEntry).where(
        AuditEntry.action.like("desk.%")))] == ["desk.office.update"]

    # The form shows them again as typed, ready for the next correction.
    page = editor.get(url).get_data(as_text=True)
    assert 'value="Greens/EFA"' in page and 'value="ITRE; LIBE (substitute)"' in page
    for desk_page in (f"/staff/data/people/{MEP}", "/staff/data/country/NL"):
        shown = re.sub(r"<[^>]+>", "", text(editor.get(desk_page)))
        assert "Group: Greens/EFA" in shown, desk_page
        assert "Committees: ITRE, LIBE (substitute)" in shown, desk_page
    assert 'title="Industry, Research and Energy"' in editor.get(
        "/staff/data/country/NL").get_data(as_text=True)


def test_a_bad_entry_is_kept_with_a_message_and_nothing_is_stored(desk_app, editor, db):
    office = db.get(Membership, OFFICE)
    url = f"/staff/data/offices/{OFFICE}"
    response = editor.post(url, data=_form(editor, url, office, political_group="Renew",
                                           committees="ITRE (rapporteur); ITRE"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Nothing was saved" in page
    assert "the seat in brackets is chair, vice-chair or substitute" in text(response)
    assert 'value="ITRE (rapporteur); ITRE"' in page and 'value="Renew"' in page

    response = editor.post(url, data=_form(editor, url, office, committees="IT|RE"))
    assert response.status_code == 422 and 'value="IT|RE"' in response.get_data(as_text=True)
    assert "“IT|RE” cannot be read" in text(response)
    db.expire_all()
    office = db.get(Membership, OFFICE)
    assert (office.political_group, office.committees, office.source) == (None, None, IMPORTED)
