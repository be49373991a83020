"""The summit series kept by staff: summits, their documents and each country's participation,
the letter goal, the template variables in the editor, and what a re-import leaves alone."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import delete, func, select

from letters.template_variables import template_filters, template_variables
from representatives.importers.project import import_project
from representatives.tables import ImportRun, Summit, SummitParticipation
from tests.webapp.pages import text
from webapp.app_state import app_state
from webapp.models import Campaign
from webapp.staff.models import AuditEntry

from .conftest import token

SLUG = "treaty-at-next-summit"
PARIS = "paris-2025"
STATEMENT = "Paris Statement"
ELYSEE = "https://www.elysee.fr/statement"
# Shaped like the project's data file (representatives/data/default.json), small.
SEED = {
    "format": "treaty-letters/representatives",
    "version": 1,
    "summits": [
        {"id": PARIS, "name": "AI Action Summit", "host_country": "FR", "city": "Paris",
         "start_date": "2025-02-10", "end_date": "2025-02-11", "source_url": ELYSEE,
         "documents": [{"title": STATEMENT, "date": "2025-02-11", "url": ELYSEE}]},
        {"id": "delhi-2026", "name": "India AI Impact Summit", "host_country": "IN",
         "city": "New Delhi", "status": "next", "year": 2026},
    ],
    "participation": [
        {"summit": PARIS, "document": STATEMENT, "status": "signed", "source_url": ELYSEE,
         "countries": ["FR", "DE", "IN"]},
        {"summit": PARIS, "document": STATEMENT, "status": "declined",
         "source_url": "https://example.org/declined", "countries": ["GB", "US"]},
    ],
}


def _clear(app) -> None:
    with app_state(app).database.session_factory() as session:
        session.execute(delete(SummitParticipation))
        session.execute(delete(Summit))
        session.execute(delete(ImportRun).where(ImportRun.source == "default"))
        session.execute(Campaign.__table__.update().values(letter_goal=None))
        session.commit()


def _import(app, tmp_path, document=SEED):
    path = tmp_path / "summits.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with app_state(app).database.session_factory() as session:
        report = import_project(session, path)
        assert report.ok, report.rejected
        session.commit()
    return report


@pytest.fixture
def summits_app(staff_app, tmp_path):
    """The staff app with the small series above, imported as the project's data is."""
    _clear(staff_app)
    _import(staff_app, tmp_path)
    yield staff_app
    _clear(staff_app)


def summits(app) -> dict[str, Summit]:
    with app_state(app).database.session_factory() as session:
        rows = {s.id: s for s in session.scalars(select(Summit))}
        session.expunge_all()
        return rows


def participation(app) -> dict[tuple[str, str, str], SummitParticipation]:
    with app_state(app).database.session_factory() as session:
        rows = {(r.summit_id, r.country, r.document): r
                for r in session.scalars(select(SummitParticipation))}
        session.expunge_all()
        return rows


def audit_actions(app) -> list[tuple[str, str, str]]:
    with app_state(app).database.session_factory() as session:
        return [(e.action, e.subject, e.detail) for e in session.scalars(
            select(AuditEntry).where(AuditEntry.action != "login").order_by(AuditEntry.id))]


def snapshot(app) -> tuple:
    """Everything a refused change must leave as it was."""
    def row(obj, names):
        return tuple(getattr(obj, name) for name in names)
    return (
        {k: row(s, ("name", "city", "host_country", "start_date", "end_date", "status", "year",
                    "source_url", "documents", "source")) for k, s in summits(app).items()},
        {k: row(p, ("status", "source_url", "note", "source"))
         for k, p in participation(app).items()},
        audit_actions(app),
    )


def summit_form(client, url, **values):
    """A summit form as a browser sends it; `documents` is a list of dicts."""
    documents = values.pop("documents", [])
    data = {"csrf_token": token(client, url), "summit_id": "", "name": "", "host_country": "",
            "city": "", "when": "year", "start_date": "", "end_date": "", "year": "",
            "status": "announced", "source_url": ""}
    data.update(values)
    for number, document in enumerate(documents):
        for key in ("original", "title", "date", "url"):
            data[f"documents-{number}-{key}"] = document.get(key, "")
        if document.get("remove"):
            data[f"documents-{number}-remove"] = "y"
    return client.post(url, data=data)


PARIS_VALUES = dict(name="AI Action Summit", host_country="FR", city="Paris", when="dates",
                    start_date="2025-02-10", end_date="2025-02-11", status="held",
                    source_url=ELYSEE)
PARIS_DOCUMENT = {"original": STATEMENT, "title": STATEMENT, "date": "2025-02-11", "url": ELYSEE}
GENEVA = dict(name="AI Summit Geneva", host_country="CH", city="Geneva", when="year",
              year="2027", status="announced", source_url="https://www.admin.ch/summit")

PARTICIPATION = f"/staff/summits/{PARIS}/participation"


def participation_form(client, path="", document=STATEMENT, **values):
    url = f"{PARTICIPATION}{path}"
    data = {"csrf_token": token(client, PARTICIPATION), "document": document, **values}
    return client.post(url, data=data)


# --- reading ------------------------------------------------------------------------------


def test_the_series_is_listed_for_every_staff_member(summits_app, viewer):
    page = text(viewer.get("/staff/summits"))
    assert "AI Action Summit" in page and "India AI Impact Summit" in page
    assert "the next summit" in page  # New Delhi, as the data marks it
    assert 'href="/staff/summits?lang=' in text(viewer.get("/staff/"))  # in the navigation
    edit = text(viewer.get(f"/staff/summits/{PARIS}"))
    assert STATEMENT in edit and "Save" not in edit  # viewers read
    table = text(viewer.get(f"{PARTICIPATION}?document={STATEMENT}"))
    assert "France (FR)" in table and "United States (US)" in table and "declined" in table
    assert "Add a country" not in table
    assert viewer.get(f"{PARTICIPATION}?document=No+such+document").status_code == 404
    assert viewer.get("/staff/summits/no-such-summit").status_code == 404


def test_viewers_cannot_change_the_series(summits_app, viewer):
    before = snapshot(summits_app)
    assert summit_form(viewer, f"/staff/summits/{PARIS}", **{**PARIS_VALUES, "city": "Lyon"},
                       documents=[PARIS_DOCUMENT]).status_code == 403
    assert summit_form(viewer, "/staff/summits/new", **GENEVA).status_code == 403
    assert participation_form(viewer, "/many", countries="IT", status="signed",
                              source_url=ELYSEE).status_code == 403
    assert participation_form(viewer, "/remove", country="FR").status_code == 403
    assert snapshot(summits_app) == before


# --- summits ------------------------------------------------------------------------------


def test_an_editor_adds_an_announced_summit_gives_its_dates_and_marks_it_next(summits_app,
                                                                             editor):
    assert "Add a summit" in text(editor.get("/staff/summits"))
    response = summit_form(editor, "/staff/summits/new", **GENEVA)
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/staff/summits/geneva-2027")
    geneva = summits(summits_app)["geneva-2027"]  # the id made from the city and year
    assert (geneva.status, geneva.year, geneva.start_date, geneva.source) == (
        "announced", 2027, None, "staff")
    assert app_state(summits_app).directory.refresh().summits.next.id == "delhi-2026"

    response = summit_form(editor, "/staff/summits/geneva-2027",
                           **{**GENEVA, "when": "dates", "start_date": "2027-06-01",
                              "end_date": "2027-06-02", "status": "next"})
    assert response.status_code == 303
    page = text(editor.get(response.headers["Location"]))
    assert "India AI Impact Summit is no longer the next summit" in page
    rows = summits(summits_app)
    assert (rows["geneva-2027"].status, str(rows["geneva-2027"].start_date)) == (
        "next", "2027-06-01")
    # The summit that was the next has no dates: it is announced now, and staff's.
    assert (rows["delhi-2026"].status, rows["delhi-2026"].source) == ("announced", "staff")

    directory = app_state(summits_app).directory.refresh()
    assert directory.summits.next.id == "geneva-2027"
    assert directory.next_summit_host == "CH"
    actions = audit_actions(summits_app)
    assert [a for a, _s, _d in actions] == ["summit.create", "summit.unmark_next",
                                             "summit.edit"]
    assert "status: announced -> next" in actions[2][2]
    assert "start_date: None -> 2027-06-01" in actions[2][2]


def test_renaming_a_document_renames_its_participation_rows(summits_app, editor):
    renamed = "Statement on Inclusive and Sustainable AI"
    response = summit_form(editor, f"/staff/summits/{PARIS}", **PARIS_VALUES,
                           documents=[{**PARIS_DOCUMENT, "title": renamed},
                                      {"title": "Annex", "url": "https://example.org/annex"}])
    assert response.status_code == 303
    assert "Renamed documents: 1" in text(editor.get(response.headers["Location"]))
    paris = summits(summits_app)[PARIS]
    assert [d["title"] for d in paris.documents] == [renamed, "Annex"]
    rows = participation(summits_app)
    assert {k[2] for k in rows} == {renamed}
    assert all(row.source == "staff" for row in rows.values())
    series = app_state(summits_app).directory.refresh().summits
    assert {(p.country, p.document) for p in series.participation} >= {("FR", renamed)}
    assert series.record("IN").signed == (PARIS,)
    detail = audit_actions(summits_app)[-1][2]
    assert f"document renamed: '{STATEMENT}' -> '{renamed}'" in detail
    assert "document added: 'Annex'" in detail


def test_saving_without_a_change_leaves_the_summit_to_the_data_file(summits_app, editor):
    response = summit_form(editor, f"/staff/summits/{PARIS}", **PARIS_VALUES,
                           documents=[PARIS_DOCUMENT, {"title": ""}])
    assert response.status_code == 303
    assert "Nothing had changed." in text(editor.get(response.headers["Location"]))
    assert summits(summits_app)[PARIS].source == "default"
    assert audit_actions(summits_app) == []
    # A changed link is a change.
    assert summit_form(editor, f"/staff/summits/{PARIS}", **PARIS_VALUES, documents=[
        {**PARIS_DOCUMENT, "url": "https://www.elysee.fr/en/statement"}]).status_code == 303
    assert summits(summits_app)[PARIS].source == "staff"
    assert audit_actions(summits_app)[-1][2] == f"document '{STATEMENT}': date or link changed"


def test_removing_a_document_removes_its_rows(summits_app, editor):
    response = summit_form(editor, f"/staff/summits/{PARIS}", **PARIS_VALUES,
                           documents=[{**PARIS_DOCUMENT, "remove": True}])
    assert response.status_code == 303
    assert "Participation rows removed with their documents: 5" in text(
        editor.get(response.headers["Location"]))
    assert summits(summits_app)[PARIS].documents == []
    assert participation(summits_app) == {}
    assert app_state(summits_app).directory.refresh().summits.record("FR").signed == ()


BAD_SUMMITS = [
    ("held without dates", f"/staff/summits/{PARIS}",
     {**PARIS_VALUES, "when": "year", "year": "2025"}, "a held summit needs its dates"),
    ("last day first", f"/staff/summits/{PARIS}",
     {**PARIS_VALUES, "start_date": "2025-02-11", "end_date": "2025-02-10"},
     "the first not after the last"),
    ("not a date", f"/staff/summits/{PARIS}", {**PARIS_VALUES, "start_date": "10/02/2025"},
     "First day: Not a valid date value"),
    ("bad source", f"/staff/summits/{PARIS}", {**PARIS_VALUES, "source_url": "www.elysee.fr"},
     "“www.elysee.fr” is not a web address"),
    ("no year", "/staff/summits/new", {**GENEVA, "year": ""}, "and give the year"),
    ("taken id", "/staff/summits/new", {**GENEVA, "summit_id": PARIS},
     f"A summit with the short name “{PARIS}” exists already"),
    ("reserved id", "/staff/summits/new", {**GENEVA, "summit_id": "new"},
     "“new” cannot be the short name"),
    ("no host", "/staff/summits/new", {**GENEVA, "host_country": ""}, "Choose the host country"),
]


@pytest.mark.parametrize(("case", "url", "values", "message"), BAD_SUMMITS,
                         ids=[case[0] for case in BAD_SUMMITS])
def test_a_bad_summit_is_refused_with_a_message_and_nothing_stored(summits_app, editor, case,
                                                                   url, values, message):
    before = snapshot(summits_app)
    response = summit_form(editor, url, **values,
                           documents=[PARIS_DOCUMENT] if PARIS in url else [])
    assert response.status_code == 422
    page = text(response)
    assert "Nothing was saved" in page and message in page
    assert f'value="{values["name"]}"' in page  # what was typed is kept
    assert snapshot(summits_app) == before


@pytest.mark.parametrize(("documents", "message"), [
    ([PARIS_DOCUMENT, {"title": STATEMENT}], f"Two documents have the title “{STATEMENT}”"),
    ([PARIS_DOCUMENT, {"title": "Annex", "url": "annex.pdf"}],
     "Document 2: “annex.pdf” is not a web address"),
    ([{**PARIS_DOCUMENT, "title": ""}], "Document 1 needs a title"),
])
def test_bad_documents_are_refused(summits_app, editor, documents, message):
    before = snapshot(summits_app)
    response = summit_form(editor, f"/staff/summits/{PARIS}", **PARIS_VALUES,
                           documents=documents)
    assert response.status_code == 422 and message in text(response)
    assert snapshot(summits_app) == before


def test_swapping_two_titles_in_one_save_is_refused(summits_app, editor):
    two = [PARIS_DOCUMENT, {"title": "Annex", "url": "https://example.org/annex"}]
    assert summit_form(editor, f"/staff/summits/{PARIS}", **PARIS_VALUES,
                       documents=two).status_code == 303
    before = snapshot(summits_app)
    swapped = [{**PARIS_DOCUMENT, "title": "Annex"},
               {"original": "Annex", "title": STATEMENT, "url": "https://example.org/annex"}]
    response = summit_form(editor, f"/staff/summits/{PARIS}", **PARIS_VALUES, documents=swapped)
    assert response.status_code == 422
    assert "rename that one first" in text(response)
    assert snapshot(summits_app) == before


def test_an_expired_form_changes_nothing(summits_app, editor):
    before = snapshot(summits_app)
    response = editor.post(f"/staff/summits/{PARIS}", data={**PARIS_VALUES, "city": "Lyon"})
    assert response.status_code == 400  # the app's answer to a form without its token
    assert "This form had expired" in text(response)
    assert snapshot(summits_app) == before


# --- participation ------------------------------------------------------------------------


def test_an_editor_adds_changes_and_removes_a_country(summits_app, editor):
    form = text(editor.get(f"{PARTICIPATION}?document={STATEMENT}"))
    assert '<option value="EU">European Union (EU)</option>' in form  # beside the countries
    response = participation_form(editor, country="it", status="signed", source_url=ELYSEE,
                                  note="Signed on the day", mode="add")
    assert response.status_code == 303
    row = participation(summits_app)[(PARIS, "IT", STATEMENT)]
    assert (row.status, row.source_url, row.note, row.source) == (
        "signed", ELYSEE, "Signed on the day", "staff")
    assert app_state(summits_app).directory.refresh().summits.record("IT").signed == (PARIS,)

    response = participation_form(editor, country="GB", status="endorsed",
                                  source_url="https://example.org/gb", mode="edit")
    assert response.status_code == 303
    assert participation(summits_app)[(PARIS, "GB", STATEMENT)].status == "endorsed"

    response = participation_form(editor, "/remove", country="US")
    assert "importing that file again brings it back" in text(
        editor.get(response.headers["Location"]))
    assert (PARIS, "US", STATEMENT) not in participation(summits_app)
    assert [(a, s) for a, s, _d in audit_actions(summits_app)] == [
        ("participation.set", f"{PARIS}/IT"), ("participation.set", f"{PARIS}/GB"),
        ("participation.remove", f"{PARIS}/US")]


def test_a_list_of_countries_gets_one_status(summits_app, editor):
    response = participation_form(editor, "/many", countries="it, es;FR\nEU  de",
                                  status="signed", source_url=ELYSEE)
    assert response.status_code == 303
    # FR and DE were signed with this source already; EU, ES and IT are new.
    assert "Added: 3. Changed: 0. Already so: 2." in text(
        editor.get(response.headers["Location"]))
    rows = participation(summits_app)
    assert {c for (_s, c, _d), r in rows.items() if r.status == "signed"} == {
        "FR", "DE", "IN", "IT", "ES", "EU"}
    assert rows[(PARIS, "EU", STATEMENT)].source == "staff"
    assert rows[(PARIS, "FR", STATEMENT)].source == "default"  # unchanged, still the file's
    action, subject, detail = audit_actions(summits_app)[-1]
    assert (action, subject) == ("participation.set_many", PARIS)
    assert "signed for IT, ES, EU" in detail
    series = app_state(summits_app).directory.refresh().summits
    assert series.record("EU").signed == (PARIS,)


BAD_ROWS = [
    ("no source", "", dict(country="IT", status="signed", source_url="", mode="add"),
     "needs its source"),
    ("bad source", "", dict(country="IT", status="attended", source_url="elysee.fr",
                            mode="add"), "“elysee.fr” is not a web address"),
    ("a row twice", "", dict(country="FR", status="signed", source_url=ELYSEE, mode="add"),
     "France has a row for this document already"),
    ("a change without source", "", dict(country="GB", status="declined", source_url="",
                                          note="Typed note", mode="edit"), "needs its source"),
    ("unknown code", "/many", dict(countries="IT, XX, QQ", status="signed", source_url=ELYSEE),
     "Not a country code: XX, QQ"),
    ("no codes", "/many", dict(countries=" , ", status="signed", source_url=ELYSEE),
     "Paste at least one country code"),
]


@pytest.mark.parametrize(("case", "path", "values", "message"), BAD_ROWS,
                         ids=[case[0] for case in BAD_ROWS])
def test_a_bad_row_is_refused_with_a_message_and_nothing_stored(summits_app, editor, case,
                                                                path, values, message):
    before = snapshot(summits_app)
    response = participation_form(editor, path, **values)
    assert response.status_code == 422
    page = text(response)
    assert "Nothing was saved" in page and message in page
    if "countries" in values:
        assert values["countries"] in page  # the pasted list is kept
    if values.get("note"):
        assert f'value="{values["note"]}"' in page  # and the row's changes
    assert snapshot(summits_app) == before


def test_a_document_the_summit_does_not_have_is_not_found(summits_app, editor):
    response = participation_form(editor, document="Another statement", country="IT",
                                  status="attended", mode="add")
    assert response.status_code == 404
    assert (PARIS, "IT", "Another statement") not in participation(summits_app)


def test_text_no_database_can_store_never_reaches_it(summits_app, editor):
    assert editor.get("/staff/summits/paris%002025").status_code == 404
    response = participation_form(editor, country="I\x00T", status="attended",
                                  source_url="", note="Sent a\x00minister", mode="add")
    assert response.status_code == 303
    assert participation(summits_app)[(PARIS, "IT", STATEMENT)].note == "Sent aminister"
    response = participation_form(editor, "/remove", country="F\x00R")
    assert (PARIS, "FR", STATEMENT) not in participation(summits_app)
    response = summit_form(editor, "/staff/summits/new", **{**GENEVA, "summit_id": "a\x00b"})
    assert response.status_code == 422


# --- a re-import of the project's data ----------------------------------------------------


def test_a_re_import_leaves_what_staff_changed(summits_app, editor, tmp_path):
    renamed = "Statement on Inclusive and Sustainable AI"
    assert summit_form(editor, f"/staff/summits/{PARIS}", **{**PARIS_VALUES, "city": "Paris 8e"},
                       documents=[{**PARIS_DOCUMENT, "title": renamed}]).status_code == 303
    assert participation_form(editor, document=renamed, country="GB", status="endorsed",
                              source_url="https://example.org/gb",
                              mode="edit").status_code == 303
    assert summit_form(editor, "/staff/summits/new",
                       **{**GENEVA, "status": "next"}).status_code == 303

    # The file changes a row staff did not touch, and lists one more summit.
    document = json.loads(json.dumps(SEED))
    document["summits"].append({"id": "seoul-2024", "name": "AI Seoul Summit",
                                "host_country": "KR", "city": "Seoul",
                                "start_date": "2024-05-21", "end_date": "2024-05-22"})
    document["participation"].append({"summit": "seoul-2024", "status": "attended",
                                      "source_url": "https://example.org/seoul",
                                      "countries": ["FR"]})
    report = _import(summits_app, tmp_path, document)
    assert report.written

    rows = summits(summits_app)
    assert rows[PARIS].city == "Paris 8e"  # staff's edit stands
    assert [d["title"] for d in rows[PARIS].documents] == [renamed]
    assert rows["seoul-2024"].source == "default"  # the file's new summit is added
    # Staff marked Geneva next: the file's next (New Delhi) is not made next again.
    assert rows["geneva-2027"].status == "next" and rows["delhi-2026"].status == "announced"
    table = participation(summits_app)
    assert table[(PARIS, "GB", renamed)].status == "endorsed"
    # The file's rows under the old title are not brought back beside the renamed ones.
    assert not [key for key in table if key[2] == STATEMENT]
    assert (("seoul-2024", "FR", "")) in table
    kept = " | ".join(f"{where}: {why}" for where, why in report.kept)
    assert f"summit {PARIS}: kept as staff edited it" in kept
    assert "left out: staff renamed or removed it" in kept
    assert app_state(summits_app).directory.refresh().summits.next.id == "geneva-2027"


def test_the_importer_still_corrects_its_own_rows(summits_app, tmp_path):
    document = json.loads(json.dumps(SEED))
    document["participation"][1]["countries"] = ["US"]  # GB taken off the declined list
    document["participation"][0]["note"] = "checked again"
    _import(summits_app, tmp_path, document)
    table = participation(summits_app)
    assert (PARIS, "GB", STATEMENT) not in table
    assert table[(PARIS, "FR", STATEMENT)].note == "checked again"


# --- the letter goal ----------------------------------------------------------------------


def campaign_form(client, **values):
    url = f"/staff/campaigns/{SLUG}"
    data = {"csrf_token": token(client, url), "slug": SLUG, "title_en": "A title",
            "target_kinds": ["minister", "mp"], "countries": "", "deadline": "",
            "allow_send": "y", "allow_draft": "y", "write_to_next_host": "y"}
    data.update(values)
    return client.post(url, data=data)


def letter_goal(app) -> int | None:
    with app_state(app).database.session_factory() as session:
        return session.scalar(select(Campaign.letter_goal).where(Campaign.slug == SLUG))


def test_editors_set_the_letter_goal(summits_app, editor):
    assert 'name="letter_goal"' in text(editor.get(f"/staff/campaigns/{SLUG}"))
    assert campaign_form(editor, letter_goal="5000").status_code == 303
    assert letter_goal(summits_app) == 5000
    assert campaign_form(editor, letter_goal="").status_code == 303
    assert letter_goal(summits_app) is None
    details = [d for a, _s, d in audit_actions(summits_app) if a == "campaign.edit"]
    assert details == ["letter goal None -> 5000", "letter goal 5000 -> None"]


@pytest.mark.parametrize("typed", ["0", "-5", "many", "1.5", "99999999999"])
def test_a_bad_letter_goal_is_refused(summits_app, editor, typed):
    assert campaign_form(editor, letter_goal="5000").status_code == 303
    response = campaign_form(editor, letter_goal=typed, title_en="Typed title")
    assert response.status_code == 422
    page = text(response)
    assert re.search(r'id="letter_goal-error">[^<]+<', page)
    assert f'value="{typed}"' in page and 'value="Typed title"' in page  # input kept
    assert letter_goal(summits_app) == 5000


# --- the template variables in the editor -------------------------------------------------


def test_the_editor_documents_every_template_variable(staff_app, viewer):
    page = text(viewer.get(f"/staff/campaigns/{SLUG}/letters/en"))
    names = [name for variable in template_variables()
             for name in (variable.name, *variable.attributes)]
    assert {"target.in_eu", "summit.when", "record.signed", "record.known"} <= set(names)
    for name in names:
        note = re.search(rf"<dt><code>{re.escape(name)}</code></dt>\s*<dd>([^<]*)</dd>", page)
        assert note and note.group(1).strip(), f"{name} is not described in the editor"
    assert "{{ record.signed|and_list(names) }}" in page and "{{ target|salutation }}" in page
    assert "wordwrap" in page and set(template_filters()) >= {"salutation", "and_list"}
    # Not the filters the sandbox inserts itself.
    assert "_counted" not in page and "variant" not in template_filters()


def test_every_listed_variable_renders(staff_app, viewer):
    """The list is what templates really get: a letter using every name renders."""
    def shown(name: str) -> str:  # lists of summits print through and_list
        lists = ("signed", "endorsed", "declined", "attended")
        return f"{name}|and_list" if name.rsplit(".", 1)[-1] in lists else name

    variables = template_variables()
    names = [n for v in variables if v.name != "summit" for n in (v.attributes or (v.name,))]
    summit = [n for v in variables if v.name == "summit" for n in v.attributes]
    # The next summit is none where the data marks none: a letter asks first (and the
    # validation renders it both ways).
    source = ("subject: All of them\ntargets: minister, mp, mep, summit_delegate\n---\n"
              "{{ target|salutation }}\n\n"
              + "\n".join(f"{name}: {{{{ {shown(name)} }}}}" for name in names)
              + "\n{% if summit %}" + " ".join(f"{{{{ {name} }}}}" for name in summit)
              + "{% endif %}\n{{ record.signed|and_list({'paris-2025': 'Paris'}) }}\n")
    url = f"/staff/campaigns/{SLUG}/letters/en"
    response = viewer.post(f"{url}/preview", data={"csrf_token": token(viewer, url),
                                                   "source": source, "country": "NL",
                                                   "target": "", "seed": "1"})
    data = response.get_json()
    assert "error" not in data, data
    assert "target.in_eu: True" in data["body"]


def test_audit_entries_count_the_summits_changes(summits_app, admin):
    # One entry per change, each naming who made it.
    assert summit_form(admin, "/staff/summits/new", **GENEVA).status_code == 303
    with app_state(summits_app).database.session_factory() as session:
        entry = session.scalars(select(AuditEntry).where(
            AuditEntry.action == "summit.create")).one()
        assert (entry.actor, entry.subject) == ("admin@campaign.example", "geneva-2027")
        assert session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action.like("summit.%"))) == 1


def test_editors_set_how_many_letters_are_ticked(summits_app, editor):
    page = text(editor.get(f"/staff/campaigns/{SLUG}"))
    assert 'name="letters_ticked"' in page
    assert campaign_form(editor, letters_ticked="5").status_code == 303
    with app_state(summits_app).database.session_factory() as session:
        assert session.scalar(select(Campaign.letters_ticked).where(Campaign.slug == SLUG)) == 5
    details = [d for a, _s, d in audit_actions(summits_app) if a == "campaign.edit"]
    assert details[-1] == "letters ticked 3 -> 5"
    refused = campaign_form(editor, letters_ticked="0")
    assert refused.status_code == 422 and "from 1 to 50" in text(refused)
