"""Importing representatives' data from the staff area: upload, dry run, apply (issue 22)."""

from __future__ import annotations

import io
import os
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from representatives.importers import run_import
from representatives.tables import Area, ContactDetail, ImportRun, Membership, Organization, Person
from tests.webapp.pages import form_fields, text
from webapp.app_state import app_state
from webapp.staff import data_imports
from webapp.staff.data_imports import ImportRefused, ImportSettings, Refusal
from webapp.staff.models import AuditEntry

from .conftest import token

PAGE = "/staff/data/import"
SOURCE = "staff-import-test"
HEADER = "name,kind,role,body,country,E-mail"
PIET = "Piet de Boer,mp,Member of the House of Representatives,Tweede Kamer,NL,piet@example.org"
KEES = "Kees Bakker,mp,Member of the House of Representatives,Tweede Kamer,NL,kees@@example"
PIET_ID = f"{SOURCE}:nl:piet-de-boer"


def sheet(*rows: str) -> bytes:
    return ("\n".join((HEADER, *rows)) + "\n").encode()


@dataclass
class Actor:
    """Who the operations name in the audit log (a signed-in StaffIdentity in the app)."""

    email: str = "editor@campaign.example"
    user_id: int | None = None
    is_authenticated: bool = False


def _clear(app) -> None:
    with app_state(app).database.session_factory() as session:
        for model in (ContactDetail, Membership, Person, Organization, Area, ImportRun):
            session.execute(delete(model).where(model.source == SOURCE))
        session.commit()


@pytest.fixture
def import_app(staff_app):
    """The staff app with none of this file's rows before and after (PostgreSQL is shared)."""
    _clear(staff_app)
    yield staff_app
    _clear(staff_app)


def people(app) -> dict[str, str]:
    with app_state(app).database.session_factory() as session:
        return dict(session.execute(select(Person.id, Person.name)
                                    .where(Person.source == SOURCE)).all())


def staged_folders(app) -> list[Path]:
    root = data_imports.uploads_dir(app.instance_path)
    return sorted(root.iterdir()) if root.is_dir() else []


def stage(app, data: bytes, fmt: str = "generic-csv", filename: str = "members.csv",
          **kwargs) -> data_imports.StagedUpload:
    return data_imports.stage_upload(app.instance_path, fmt, filename, io.BytesIO(data),
                                     Actor(), **kwargs)


SETTINGS = ImportSettings(columns={"email": "E-mail"}, options={"source": SOURCE},
                          partial=True)


# --- operations ------------------------------------------------------------------------------


@pytest.mark.parametrize(("fmt", "data", "refusal"), [
    ("no-such-format", sheet(PIET), Refusal.UNKNOWN_FORMAT),
    ("default", sheet(PIET), Refusal.UNKNOWN_FORMAT),  # the project's data needs no file
    ("generic-csv", b"", Refusal.EMPTY),
    ("generic-csv", b" \n\r\n", Refusal.EMPTY),
    ("generic-csv", "naam,rôle\nPiet,lid\n".encode("latin-1"), Refusal.NOT_TEXT),
    ("generic-csv", b'{"persons": []}', Refusal.NOT_CSV),
    ("generic-csv", b"just one column\nPiet\n", Refusal.NOT_CSV),
    ("popolo-json", sheet(PIET), Refusal.NOT_JSON),
    ("pauseai-contacts", b'{"countries": [', Refusal.NOT_JSON),
])
def test_a_bad_upload_is_refused_and_nothing_is_kept(import_app, fmt, data, refusal):
    with pytest.raises(ImportRefused) as refused:
        stage(import_app, data, fmt)
    assert refused.value.refusal is refusal
    assert staged_folders(import_app) == []


def test_a_file_over_the_limit_is_refused(import_app):
    with pytest.raises(ImportRefused) as refused:
        stage(import_app, sheet(PIET, PIET), max_bytes=len(sheet(PIET)))
    assert refused.value.refusal is Refusal.TOO_LARGE
    assert staged_folders(import_app) == []
    assert stage(import_app, sheet(PIET), max_bytes=len(sheet(PIET))).size == len(sheet(PIET))


def test_the_upload_is_kept_under_the_instance_folder_with_its_header(import_app):
    upload = stage(import_app, sheet(PIET), filename="../../etc/Leden Kamer.csv")
    assert upload.filename == "Leden_Kamer.csv"
    path = data_imports.staged_path(import_app.instance_path, upload)
    assert path.parent.parent == Path(import_app.instance_path) / "data-imports"
    assert path.read_bytes() == sheet(PIET)
    assert upload.header == HEADER.split(",")
    # The columns named like fields are mapped; "E-mail" is left for staff to map.
    suggested = data_imports.suggested_settings(upload)
    assert suggested.columns == {name: name for name in ("name", "kind", "role", "body",
                                                           "country")}
    loaded = data_imports.load_staged(import_app.instance_path, upload.token)
    assert loaded == upload


@pytest.mark.parametrize("bad_token", ["../../secret_key", "x" * 31, "", "a/b" * 11])
def test_a_token_that_names_no_upload_is_gone(import_app, bad_token):
    with pytest.raises(ImportRefused) as refused:
        data_imports.load_staged(import_app.instance_path, bad_token)
    assert refused.value.refusal is Refusal.GONE


def test_old_uploads_expire(import_app):
    old, new = stage(import_app, sheet(PIET)), stage(import_app, sheet(PIET))
    folder = data_imports.uploads_dir(import_app.instance_path)
    day_ago = time.time() - data_imports.KEEP_UPLOADS.total_seconds() - 60
    os.utime(folder / old.token, (day_ago, day_ago))
    assert data_imports.remove_expired(folder) == 1
    assert [f.name for f in staged_folders(import_app)] == [new.token]


def test_the_dry_run_writes_nothing_and_lists_what_it_would_do(import_app):
    upload = stage(import_app, sheet(PIET, KEES, KEES.replace("Kees", "Klaas"),
                                     KEES.replace("Kees", "Karel")))
    with app_state(import_app).database.session_factory() as db:
        checked = data_imports.check(db, import_app.instance_path, upload.token, SETTINGS)
        view = data_imports.report_view(db, checked.report)
    report = checked.report
    assert (report.added, report.updated, report.retired) == (1, 0, 0)
    assert report.people["added"] == [(PIET_ID, "Piet de Boer")]
    assert [line for line, _ in report.rejected] == [3, 4, 5]
    assert checked.can_apply and checked.digest
    # The same problem on three rows is listed once, with its rows (as the command line does).
    assert len(view.rejected) == 1
    assert view.rejected[0].places == [3, 4, 5]
    assert "bad email 'kees@@example'" in view.rejected[0].reason
    assert people(import_app) == {}
    # The settings and the digest are kept beside the file, for the apply.
    loaded = data_imports.load_staged(import_app.instance_path, upload.token)
    assert loaded.settings == SETTINGS and loaded.checked == checked.digest


def test_without_partial_nothing_would_be_written(import_app):
    upload = stage(import_app, sheet(PIET, KEES))
    settings = ImportSettings(columns={"email": "E-mail"}, options={"source": SOURCE})
    with app_state(import_app).database.session_factory() as db:
        checked = data_imports.check(db, import_app.instance_path, upload.token, settings)
        assert not checked.can_apply
        with pytest.raises(ImportRefused) as refused:
            data_imports.apply_checked(db, import_app.instance_path, upload.token,
                                       checked.digest, Actor())
        db.commit()
    assert refused.value.refusal is Refusal.NOTHING_TO_APPLY
    assert people(import_app) == {}


@pytest.mark.parametrize(("settings", "refusal", "value"), [
    (ImportSettings(columns={"email": "Mail"}), Refusal.UNKNOWN_COLUMN, "Mail"),
    (ImportSettings(columns={"nickname": "name"}), Refusal.UNKNOWN_FIELD, "nickname"),
    (ImportSettings(defaults={"nickname": "x"}), Refusal.UNKNOWN_FIELD, "nickname"),
    (ImportSettings(options={"as_of": "31-12-2026"}), Refusal.BAD_DATE, "31-12-2026"),
    (ImportSettings(options={"role": "Member"}), Refusal.OPTION_NOT_APPLICABLE, "role"),
    (ImportSettings(options={"country": "NL"}), Refusal.OPTION_NOT_APPLICABLE, "country"),
    (ImportSettings(options={"colour": "red"}), Refusal.OPTION_NOT_APPLICABLE, "colour"),
])
def test_settings_that_do_not_fit_are_refused(import_app, settings, refusal, value):
    upload = stage(import_app, sheet(PIET))
    with app_state(import_app).database.session_factory() as db:
        with pytest.raises(ImportRefused) as refused:
            data_imports.check(db, import_app.instance_path, upload.token, settings)
    assert (refused.value.refusal, refused.value.value) == (refusal, value)
    assert data_imports.load_staged(import_app.instance_path, upload.token).settings is None


def test_a_required_option_is_asked_for(import_app):
    upload = stage(import_app, b"id,name,area\n1,Piet de Boer,Utrecht\n",
                   fmt="everypolitician-csv")
    with app_state(import_app).database.session_factory() as db:
        with pytest.raises(ImportRefused) as refused:
            data_imports.check(db, import_app.instance_path, upload.token, ImportSettings())
    assert (refused.value.refusal, refused.value.value) == (Refusal.OPTION_MISSING, "country")


def test_apply_writes_what_the_dry_run_showed_and_audits_it(import_app):
    upload = stage(import_app, sheet(PIET, KEES))
    with app_state(import_app).database.session_factory() as db:
        checked = data_imports.check(db, import_app.instance_path, upload.token, SETTINGS)
        applied = data_imports.apply_checked(db, import_app.instance_path, upload.token,
                                             checked.digest, Actor())
        db.commit()
        assert not applied.changed and applied.report.written
        audit = db.scalars(select(AuditEntry).where(AuditEntry.action == "data.import")).one()
        run = db.scalars(select(ImportRun).where(ImportRun.source == SOURCE)).one()
        email = db.scalar(select(ContactDetail.value).where(ContactDetail.person_id == PIET_ID))
    assert people(import_app) == {PIET_ID: "Piet de Boer"}
    assert email == "piet@example.org"
    assert audit.actor == "(system)" or audit.actor == Actor().email
    assert audit.detail == "members.csv (generic-csv): 1 added, 0 updated, 0 retired, 1 rejected"
    assert (run.added, run.rejected) == (1, 1)


def test_apply_refuses_when_the_data_changed_since_the_dry_run(import_app):
    upload = stage(import_app, sheet(PIET, KEES))
    database = app_state(import_app).database
    with database.session_factory() as db:
        checked = data_imports.check(db, import_app.instance_path, upload.token, SETTINGS)
    # Meanwhile someone imports the same people at the command line.
    path = data_imports.staged_path(import_app.instance_path, upload)
    run_import(database.session_factory, "generic-csv", path, partial=True, source=SOURCE,
               mapping=data_imports.ColumnMapping({"email": "E-mail"}))
    with database.session_factory() as db:
        runs_before = db.scalar(select(func.count()).select_from(ImportRun)
                                .where(ImportRun.source == SOURCE))
        applied = data_imports.apply_checked(db, import_app.instance_path, upload.token,
                                             checked.digest, Actor())
        db.commit()
        runs_after = db.scalar(select(func.count()).select_from(ImportRun)
                               .where(ImportRun.source == SOURCE))
        audits = db.scalar(select(func.count()).select_from(AuditEntry)
                           .where(AuditEntry.action == "data.import"))
    assert applied.changed and applied.checked is not None
    assert (applied.report.added, applied.report.updated) == (0, 0)
    assert not applied.report.written and runs_after == runs_before and audits == 0
    # The new dry run is the one to apply now; the old digest no longer is.
    assert applied.checked.digest != checked.digest
    with database.session_factory() as db:
        with pytest.raises(ImportRefused) as refused:
            data_imports.apply_checked(db, import_app.instance_path, upload.token,
                                       checked.digest, Actor())
    assert refused.value.refusal is Refusal.SETTINGS_CHANGED


def test_apply_refuses_a_file_changed_on_the_server(import_app):
    upload = stage(import_app, sheet(PIET, KEES))
    with app_state(import_app).database.session_factory() as db:
        checked = data_imports.check(db, import_app.instance_path, upload.token, SETTINGS)
        data_imports.staged_path(import_app.instance_path, upload).write_bytes(sheet(PIET))
        with pytest.raises(ImportRefused) as refused:
            data_imports.apply_checked(db, import_app.instance_path, upload.token,
                                       checked.digest, Actor())
    assert refused.value.refusal is Refusal.FILE_CHANGED
    assert people(import_app) == {}


# --- the pages -------------------------------------------------------------------------------


def multipart(client, fields: dict):
    """Post a form with a file; encoded here, in memory: the test client's own encoding leaves
    a temporary file open for a large upload."""
    boundary, body = encode_multipart(fields)
    return client.post(PAGE, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def upload(client, data: bytes, fmt: str = "generic-csv", filename: str = "members.csv"):
    return multipart(client, {"csrf_token": token(client, PAGE), "fmt": fmt,
                              "upload": FileStorage(io.BytesIO(data), filename)})


def test_viewer_sees_the_formats_but_cannot_upload(import_app, viewer):
    page = text(viewer.get(PAGE))
    assert "generic-csv" in page and "given_name" in page  # each format's fields
    assert "Only editors can import data." in page
    assert 'href="/staff/data/import' in viewer.get("/staff/").get_data(as_text=True)
    response = upload(viewer, sheet(PIET))
    assert response.status_code == 403
    assert staged_folders(import_app) == []


def test_editor_uploads_checks_and_applies(import_app, editor):
    response = upload(editor, sheet(PIET, KEES))
    assert response.status_code == 303
    settings_page = editor.get(response.headers["Location"])
    assert settings_page.status_code == 200
    page = settings_page.get_data(as_text=True)
    fields = dict(form_fields(page, "/check"))
    # Prefilled from the header where a column is named like a field; "E-mail" is not.
    assert fields["column-name"] == "name" and fields["column-country"] == "country"
    assert "column-email" not in fields
    fields.update({"column-email": "E-mail", "source": SOURCE, "partial": "y"})
    action = response.headers["Location"].split("?")[0] + "/check"
    checked = editor.post(action, data=fields)
    assert checked.status_code == 200
    shown = text(checked)
    assert "1 added, 0 updated, 0 retired, 1 rejected" in shown
    assert "line 3" in shown and "bad email 'kees@@example'" in shown
    assert "Piet de Boer" in shown and PIET_ID in shown
    assert people(import_app) == {}

    applied = editor.post(action.replace("/check", "/apply"),
                          data=dict(form_fields(checked.get_data(as_text=True), "/apply")))
    assert applied.status_code == 303
    assert people(import_app) == {PIET_ID: "Piet de Boer"}
    assert staged_folders(import_app) == []  # applied: gone
    after = text(editor.get(applied.headers["Location"]))
    assert "Imported: 1 added, 0 updated, 0 retired, 1 rows left out." in after
    assert "members.csv" in after  # the latest imports
    with app_state(import_app).database.session_factory() as db:
        entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "data.import")).one()
    assert entry.actor == "editor@campaign.example"
    assert entry.detail.startswith("members.csv (generic-csv): 1 added")
    # The directory is read again: the new MP is a target for the Netherlands.
    directory = app_state(import_app).directory.refresh()
    assert "Piet de Boer" in {m.target.name for m in directory.match("NL").targets}
    # Applying twice imports nothing twice.
    again = editor.post(action.replace("/check", "/apply"),
                        data=dict(form_fields(checked.get_data(as_text=True), "/apply")))
    assert again.status_code == 303
    assert "no longer here" in text(editor.get(again.headers["Location"]))


@pytest.mark.parametrize(("data", "fmt", "message"), [
    (b"", "generic-csv", "The file is empty."),
    ("naam\nPiet\n".encode("utf-16"), "generic-csv", "not UTF-8 text"),
    (b'{"persons": []}', "generic-csv", "This is not a CSV table"),
    (sheet(PIET), "popolo-json", "This is not a JSON file"),
    (sheet(PIET), "excel", "Choose one of the formats."),
])
def test_a_bad_upload_says_why_and_keeps_the_format(import_app, editor, data, fmt, message):
    response = upload(editor, data, fmt)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in text(response)
    if fmt != "excel":
        assert f'value="{fmt}" required checked' in page
    assert staged_folders(import_app) == []


def test_no_file_is_asked_for(import_app, editor):
    response = multipart(editor, {"csrf_token": token(editor, PAGE), "fmt": "generic-csv"})
    assert response.status_code == 422
    assert "Choose a file to upload." in text(response)


def test_a_file_over_the_page_limit_gets_a_clear_message(import_app, editor):
    import_app.config["STAFF_IMPORT_MAX_BYTES"] = 1024 * 1024
    response = upload(editor, b"name,kind\n" + b"x,mp\n" * 300_000)
    assert response.status_code == 413
    assert "The file is too large: at most 1 MB." in text(response)
    assert staged_folders(import_app) == []


def test_a_file_larger_than_the_site_limit_for_text_is_accepted(import_app, editor):
    import_app.config["STAFF_IMPORT_MAX_BYTES"] = 1024 * 1024
    # Larger than the site's limit for typed text (512 KB), and within the page's own.
    assert upload(editor, b"name,kind\n" + b"x,mp\n" * 150_000).status_code == 303


def test_a_bad_setting_keeps_what_was_typed(import_app, editor):
    location = upload(editor, sheet(PIET)).headers["Location"]
    action = location.split("?")[0] + "/check"
    fields = dict(form_fields(editor.get(location).get_data(as_text=True), "/check"))
    fields.update({"column-email": "E-mail", "default-party": "Partij X",
                   "source": SOURCE, "as_of": "2026-13-01"})
    response = editor.post(action, data=fields)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "“2026-13-01” is not a date" in text(response)
    assert 'value="2026-13-01"' in page and 'value="Partij X"' in page
    assert '<option value="E-mail" selected>' in page
    fields.update({"as_of": "2026-01-11", "column-email": "Mail"})
    response = editor.post(action, data=fields)
    assert response.status_code == 422 and "The file has no column “Mail”." in text(response)
    assert people(import_app) == {}


def test_apply_with_a_stale_dry_run_is_refused(import_app, editor):
    location = upload(editor, sheet(PIET)).headers["Location"]
    action = location.split("?")[0]
    fields = dict(form_fields(editor.get(location).get_data(as_text=True), "/check"))
    fields.update({"column-email": "E-mail", "source": SOURCE})
    checked = editor.post(action + "/check", data=fields)
    apply_fields = dict(form_fields(checked.get_data(as_text=True), "/apply"))
    response = editor.post(action + "/apply", data={**apply_fields, "digest": "0" * 64})
    assert response.status_code == 303
    assert "checked again since" in text(editor.get(response.headers["Location"]))
    assert people(import_app) == {}


def test_an_unknown_upload_leads_back_to_the_form(import_app, editor):
    response = editor.get(f"{PAGE}/{'a' * 32}")
    assert response.status_code == 303
    assert "upload the file again" in text(editor.get(response.headers["Location"]))


def test_apply_after_the_data_changed_shows_the_new_dry_run(import_app, editor):
    location = upload(editor, sheet(PIET, KEES)).headers["Location"]
    action = location.split("?")[0]
    fields = dict(form_fields(editor.get(location).get_data(as_text=True), "/check"))
    fields.update({"column-email": "E-mail", "source": SOURCE, "partial": "y"})
    checked = editor.post(action + "/check", data=fields)
    # Meanwhile the same sheet is imported at the command line.
    staged = data_imports.load_staged(import_app.instance_path, action.rsplit("/", 1)[-1])
    run_import(app_state(import_app).database.session_factory, "generic-csv",
               data_imports.staged_path(import_app.instance_path, staged), partial=True,
               source=SOURCE, mapping=data_imports.ColumnMapping({"email": "E-mail"}))
    response = editor.post(action + "/apply",
                           data=dict(form_fields(checked.get_data(as_text=True), "/apply")))
    assert response.status_code == 409
    shown = text(response)
    assert "changed since the dry run, so nothing was imported" in shown
    assert "0 added, 0 updated, 0 retired, 1 rejected" in shown
    with app_state(import_app).database.session_factory() as db:
        assert db.scalar(select(func.count()).select_from(AuditEntry)
                         .where(AuditEntry.action == "data.import")) == 0
    # The new dry run can be applied.
    again = editor.post(action + "/apply",
                        data=dict(form_fields(response.get_data(as_text=True), "/apply")))
    assert again.status_code == 303
    assert "Imported: 0 added" in text(editor.get(again.headers["Location"]))


def test_the_dry_run_shows_where_a_belgian_meps_language_came_from(import_app, editor):
    # Made-up MEPs: one the party places in the French-speaking college, one whose party
    # stands in both colleges and whom the table does not list.
    meps = ("epid,country,first_name,last_name,email,party,gender\n"
            "990001,be,Claire,EXEMPLE,claire.exemple@example.org,Mouvement Réformateur,F\n"
            "990002,be,Jan,VOORBEELD,jan.voorbeeld@example.org,Parti du Travail de Belgique,M\n"
            ).encode()
    response = upload(editor, meps, fmt="ep-meps-csv", filename="meps.csv")
    assert response.status_code == 303
    action = response.headers["Location"].split("?")[0] + "/check"
    settings = dict(form_fields(editor.get(response.headers["Location"]).get_data(as_text=True),
                                "/check"))
    shown = text(editor.post(action, data=settings))
    assert "2 added, 0 updated, 0 retired, 0 rejected, 1 warnings" in shown
    assert "Notes (1)" in shown
    assert ("language 'fr': elected in Belgium's French-speaking electoral college (the file "
            "has no language; from representatives/belgium.py)") in shown
    assert "the party 'Parti du Travail de Belgique' does not tell which Belgian" in shown
    with app_state(import_app).database.session_factory() as db:
        assert db.get(Person, "mep:990001") is None  # a dry run
