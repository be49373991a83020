"""The data desk shows and edits an office's title in the office's own language and an
organisation's name in that language; supporters reading that language see them, and a later
import keeps what staff set. On SQLite and PostgreSQL (the `app` fixture's two back-ends).
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from representatives.importers.base import Dataset, apply
from representatives.tables import STAFF_SOURCE, Membership, Organization
from tests.webapp.data import SOURCE as IMPORTED
from tests.webapp.flow import step_one
from tests.webapp.pages import text
from webapp.app_state import app_state
from webapp.staff import data_desk
from webapp.staff.data_desk import Code, DeskProblems, OfficeValues
from webapp.staff.models import AuditEntry

from .conftest import token

TODAY = date.today()
MINISTER = "t:nl-minister"
OFFICE, MINISTRY = "t:nl-minister@t:nl-ezk", "t:nl-ezk"
SOURCE_PAGE = "https://www.rijksoverheid.nl/ministeries/ministerie-van-economische-zaken"
ENGLISH, DUTCH = "Minister of Economic Affairs", "Minister van Economische Zaken"


def _form(client, url: str, office: Membership, **values) -> dict:
    return {"csrf_token": token(client, url), "organization_id": office.organization_id,
            "kind": office.kind, "role": office.role, "country": office.country,
            "language": office.language, "source_url": SOURCE_PAGE,
            "verified_on": TODAY.isoformat(), **values}


def _card(page: str) -> str:
    start = page.index(f'data-target="{MINISTER}"')
    return page[start:page.index("</article>", start)]


def test_an_editor_sets_the_local_title_and_readers_of_that_language_see_it(
        desk_app, editor, db):
    office = db.get(Membership, OFFICE)
    url = f"/staff/data/offices/{OFFICE}"
    page = editor.get(url).get_data(as_text=True)
    assert "Title in the office's language" in text(editor.get(url))
    assert 'name="local_role"' in page

    response = editor.post(url, data=_form(editor, url, office, role=ENGLISH,
                                           local_role=f" {DUTCH} "))
    assert response.status_code == 303
    db.expire_all()
    office = db.get(Membership, OFFICE)
    assert (office.role, office.local_role, office.source) == (ENGLISH, DUTCH, STAFF_SOURCE)
    assert [e.action for e in db.scalars(select(AuditEntry).where(
        AuditEntry.action.like("desk.%")))] == ["desk.office.update"]
    # The form shows it again, ready for the next correction.
    assert f'value="{DUTCH}"' in editor.get(url).get_data(as_text=True)

    # The reload after the save: a Dutch page names the role in Dutch, an English one in
    # English.
    supporter = desk_app.test_client()
    dutch = _card(text(step_one(supporter, lang="nl", country="NL")))
    english = _card(text(step_one(supporter, lang="en", country="NL")))
    assert DUTCH in dutch and ENGLISH not in dutch
    assert ENGLISH in english and DUTCH not in english

    # Emptied: none any more.
    response = editor.post(url, data=_form(editor, url, office, local_role=""))
    assert response.status_code == 303
    db.expire_all()
    assert db.get(Membership, OFFICE).local_role is None


def test_an_editor_sets_an_organisations_name_in_its_language(desk_app, editor, db):
    url = f"/staff/data/organisations/{MINISTRY}"
    assert "Name in the language of its offices" in text(editor.get(url))
    response = editor.post(url, data={
        "csrf_token": token(editor, url), "name": "Ministry of Economic Affairs",
        "local_name": "Ministerie van Economische Zaken", "classification": "ministry",
        "country": "NL"})
    assert response.status_code == 303
    db.expire_all()
    ministry = db.get(Organization, MINISTRY)
    assert (ministry.name, ministry.local_name, ministry.source) == (
        "Ministry of Economic Affairs", "Ministerie van Economische Zaken", STAFF_SOURCE)
    target = app_state(desk_app).directory.get().get(MINISTER)
    assert (target.body_in("nl"), target.body_in("de")) == (
        "Ministerie van Economische Zaken", "Ministry of Economic Affairs")


def test_a_local_title_longer_than_its_column_is_refused(desk_app, editor, db,
                                                         editor_identity):
    office = db.get(Membership, OFFICE)
    values = OfficeValues(organization_id=office.organization_id, kind=office.kind,
                          role=office.role, country=office.country, language=office.language,
                          local_role="T" * 301, source_url=SOURCE_PAGE, verified_on=TODAY)
    with pytest.raises(DeskProblems) as refused:
        data_desk.update_office(db, office, values, editor_identity, TODAY)
    assert [(p.field, p.code) for p in refused.value.problems] == [
        ("local_role", Code.TOO_LONG)]
    db.rollback()

    url = f"/staff/data/offices/{OFFICE}"
    response = editor.post(url, data=_form(editor, url, office, local_role="T" * 301))
    assert response.status_code == 422
    assert ("Title in the office's language is too long: at most 300 characters."
            in text(response))
    db.expire_all()
    assert db.get(Membership, OFFICE).local_role is None


def test_an_import_after_staff_set_the_local_title_keeps_it(desk_app, db, editor_identity):
    office = db.get(Membership, OFFICE)
    data_desk.update_office(db, office, OfficeValues(
        organization_id=office.organization_id, kind=office.kind, role=ENGLISH,
        country=office.country, language=office.language, local_role=DUTCH,
        source_url=SOURCE_PAGE, verified_on=TODAY), editor_identity, TODAY)
    db.commit()

    data = Dataset()
    data.people[MINISTER] = {"name": "Anna de Vries", "given_name": "Anna",
                             "family_name": "de Vries", "honorific_prefix": None,
                             "gender": "female"}
    data.memberships[OFFICE] = {
        "person_id": MINISTER, "organization_id": MINISTRY, "kind": "minister",
        "role": ENGLISH, "local_role": "Minister", "country": "NL", "area_id": None,
        "language": "nl", "party": None, "start_date": date(2024, 1, 1),
        "source_url": "https://example.org/source", "verified_on": date(2026, 1, 1)}
    report = apply(db, IMPORTED, "made-up directory", data, partial=True)
    assert report.ok and report.written, report.rejected
    db.commit()
    db.expire_all()
    assert dict(report.kept) == {
        f"membership {OFFICE}": "kept as staff edited it; the file differs"}
    assert db.get(Membership, OFFICE).local_role == DUTCH


@pytest.mark.parametrize(("language", "label"), [
    ("fr", "Titre dans la langue de la fonction"), ("de", "Titel in der Sprache des Amtes"),
    ("nl", "Titel in de taal van het ambt"), ("es", "Título en el idioma del cargo")])
def test_the_field_is_labelled_in_the_staff_members_language(desk_app, editor, language,
                                                             label):
    assert label in text(editor.get(f"/staff/data/offices/{OFFICE}?lang={language}"))
