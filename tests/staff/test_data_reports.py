"""Supporters' reports about the data: sent from the public pages, read and resolved by staff."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete, select

from database import utcnow
from tests.webapp.pages import csrf_token, form_fields, text
from webapp.app_state import app_state
from webapp.models import DataReport, DataReportKind
from webapp.staff.models import AuditEntry

from .conftest import token

SLUG = "treaty-at-next-summit"
ANNA = "t:nl-minister"  # in the test directory (tests/webapp/data.py)
PAGE = "/staff/data-reports"


def _clear(app) -> None:
    with app_state(app).database.session_factory() as session:
        session.execute(delete(DataReport))
        session.commit()


@pytest.fixture
def reports_app(staff_app):
    """The staff app with no reports before and after (the PostgreSQL database is shared)."""
    _clear(staff_app)
    yield staff_app
    _clear(staff_app)


def stored(app) -> list[DataReport]:
    with app_state(app).database.session_factory() as session:
        rows = session.scalars(select(DataReport).order_by(DataReport.id)).all()
        session.expunge_all()
        return list(rows)


def add_reports(app) -> dict[str, int]:
    """Three open reports (NL wrong contact, TD suggestion, GB wrong contact) and one resolved;
    their ids by name."""
    now = utcnow()
    rows = {
        "nl": DataReport(kind=DataReportKind.WRONG_CONTACT, campaign_slug=SLUG, country="NL",
                         target_id=ANNA, target_name="Anna de Vries",
                         message="She left the ministry.", created_at=now - timedelta(days=2)),
        "td": DataReport(kind=DataReportKind.SUGGESTION, campaign_slug=SLUG, country="TD",
                         message="Write to the foreign minister.",
                         created_at=now - timedelta(days=1)),
        "gb": DataReport(kind=DataReportKind.WRONG_CONTACT, campaign_slug=SLUG, country="GB",
                         target_id="t:gb-minister", target_name="Sam Taylor",
                         message="Address bounces.", created_at=now),
        "old": DataReport(kind=DataReportKind.WRONG_CONTACT, campaign_slug=SLUG, country="NL",
                          target_id="t:nl-mep", target_name="Pieter JANSEN",
                          message="Fixed long ago.", created_at=now - timedelta(days=9),
                          resolved_at=now - timedelta(days=8)),
    }
    with app_state(app).database.session_factory() as session:
        session.add_all(rows.values())
        session.commit()
        return {name: row.id for name, row in rows.items()}


def resolve(client, report_id: int | str, **extra):
    return client.post(f"{PAGE}/resolve",
                       data={"csrf_token": token(client, PAGE), "report": report_id, **extra})


# --- the staff page ----------------------------------------------------------------------


def test_viewer_reads_open_reports_newest_first(reports_app, viewer):
    add_reports(reports_app)
    page = text(viewer.get(PAGE))
    assert "Anna de Vries" in page and ANNA in page and "She left the ministry." in page
    assert "Chad" in page and "Write to the foreign minister." in page  # TD, by its name
    assert page.index("Address bounces.") < page.index("Write to the foreign minister.") < (
        page.index("She left the ministry."))
    # The resolved one is behind a link, and nobody may resolve as a viewer.
    assert "Fixed long ago." not in page
    assert "Mark resolved" not in page
    shown = text(viewer.get(f"{PAGE}?resolved=1"))
    assert shown.index("She left the ministry.") < shown.index("Fixed long ago.")


def test_navigation_shows_the_number_of_open_reports(reports_app, viewer):
    page = text(viewer.get("/staff/"))
    assert 'href="/staff/data-reports' in page and 'class="count"' not in page
    add_reports(reports_app)
    page = text(viewer.get("/staff/"))
    assert 'Reports about the data <span class="count">(3)</span>' in page


def test_viewer_cannot_resolve(reports_app, viewer):
    ids = add_reports(reports_app)
    assert resolve(viewer, ids["nl"]).status_code == 403
    assert all(r.resolved_at is None for r in stored(reports_app) if r.id != ids["old"])
    with app_state(reports_app).database.session_factory() as session:
        assert not session.scalars(
            select(AuditEntry).where(AuditEntry.action == "data_report.resolve")).all()


def test_editor_resolves_a_report_and_the_audit_log_has_it(reports_app, editor):
    ids = add_reports(reports_app)
    page = text(editor.get(PAGE))
    assert "Mark resolved" in page
    fields = dict(form_fields(page, "/data-reports/resolve"))
    assert fields["csrf_token"] and fields["report"]
    response = resolve(editor, ids["nl"], country="NL")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"{PAGE}?country=NL")
    by_id = {r.id: r for r in stored(reports_app)}
    assert by_id[ids["nl"]].resolved_at is not None
    assert by_id[ids["td"]].resolved_at is None and by_id[ids["gb"]].resolved_at is None
    with app_state(reports_app).database.session_factory() as session:
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "data_report.resolve")).one()
    assert entry.actor == "editor@campaign.example"
    assert entry.subject == f"data_report/{ids['nl']}"
    assert ANNA in entry.detail and "NL" in entry.detail
    page = text(editor.get(PAGE))
    assert "She left the ministry." not in page
    assert "She left the ministry." in text(editor.get(f"{PAGE}?resolved=1"))
    # Twice is once: no second audit entry.
    assert resolve(editor, ids["nl"]).status_code == 303
    with app_state(reports_app).database.session_factory() as session:
        assert len(session.scalars(
            select(AuditEntry).where(AuditEntry.action == "data_report.resolve")).all()) == 1


def test_resolving_needs_the_csrf_token(reports_app, editor):
    ids = add_reports(reports_app)
    response = editor.post(f"{PAGE}/resolve", data={"report": ids["nl"]})
    assert response.status_code == 400
    assert all(r.resolved_at is None for r in stored(reports_app) if r.id != ids["old"])


def test_resolving_a_report_id_that_is_not_one_is_a_bad_request(reports_app, editor):
    add_reports(reports_app)
    for report_id in ("", "abc", "\u00b2", "-1", "9" * 30):
        assert resolve(editor, report_id).status_code == 400, report_id
    assert resolve(editor, 2**31 - 1).status_code == 303  # none such: said so, no error


def test_filters_by_kind_and_country(reports_app, viewer):
    add_reports(reports_app)
    suggestions = text(viewer.get(f"{PAGE}?kind=suggestion"))
    assert "Write to the foreign minister." in suggestions
    assert "She left the ministry." not in suggestions and "Address bounces." not in suggestions
    dutch = text(viewer.get(f"{PAGE}?country=nl"))
    assert "She left the ministry." in dutch
    assert "Address bounces." not in dutch and "Write to the foreign minister." not in dutch
    both = text(viewer.get(f"{PAGE}?kind=wrong_contact&country=GB"))
    assert "Address bounces." in both and "She left the ministry." not in both
    assert "Fixed long ago." in text(viewer.get(f"{PAGE}?country=NL&resolved=1"))
    # What is not a kind or a country filters nothing.
    everything = text(viewer.get(f"{PAGE}?kind=nonsense&country=<script>"))
    assert all(m in everything for m in ("She left", "Address bounces", "foreign minister"))


# --- the supporter's side ----------------------------------------------------------------


def test_a_supporter_reports_a_wrong_contact(reports_app):
    client = reports_app.test_client()
    url = f"/c/{SLUG}/report?target={ANNA}"
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(url, data={"csrf_token": csrf_token(page.get_data(as_text=True)),
                                      "message": "She left the ministry in May.",
                                      "website": ""})
    assert response.status_code == 201
    [report] = stored(reports_app)
    assert report.kind == DataReportKind.WRONG_CONTACT and report.country == "NL"
    assert (report.target_id, report.target_name) == (ANNA, "Anna de Vries")
    assert report.message == "She left the ministry in May."
    assert report.campaign_slug == SLUG and report.resolved_at is None


def test_a_supporter_suggests_whom_to_write_to(reports_app):
    client = reports_app.test_client()
    url = f"/c/{SLUG}/suggest?country=TD"
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(url, data={"csrf_token": csrf_token(page.get_data(as_text=True)),
                                      "message": "The minister of foreign affairs."})
    assert response.status_code == 201
    [report] = stored(reports_app)
    assert report.kind == DataReportKind.SUGGESTION and report.country == "TD"
    assert report.target_id is None and report.message == "The minister of foreign affairs."


def test_a_filled_honeypot_stores_nothing(reports_app):
    client = reports_app.test_client()
    for url in (f"/c/{SLUG}/report?target={ANNA}", f"/c/{SLUG}/suggest?country=TD"):
        page = client.get(url).get_data(as_text=True)
        response = client.post(url, data={"csrf_token": csrf_token(page),
                                          "message": "Buy cheap pills.",
                                          "website": "http://spam.example"})
        assert response.status_code == 201  # the bot is told it worked
    assert stored(reports_app) == []


def test_an_unknown_target_or_country_is_not_found(reports_app):
    client = reports_app.test_client()
    assert client.get(f"/c/{SLUG}/report?target=t:nobody").status_code == 404
    assert client.get(f"/c/{SLUG}/report").status_code == 404
    assert client.get(f"/c/{SLUG}/suggest?country=XX").status_code == 404
    page = client.get(f"/c/{SLUG}/report?target={ANNA}").get_data(as_text=True)
    response = client.post(f"/c/{SLUG}/report?target=t:nobody",
                           data={"csrf_token": csrf_token(page), "message": "Hello"})
    assert response.status_code == 404
    assert stored(reports_app) == []


def test_a_too_long_message_is_refused_and_kept(reports_app):
    client = reports_app.test_client()
    url = f"/c/{SLUG}/report?target={ANNA}"
    page = client.get(url).get_data(as_text=True)
    message = "She left. " + "x" * 1000  # over 1000 characters
    response = client.post(url, data={"csrf_token": csrf_token(page), "message": message})
    assert response.status_code == 422
    assert dict(form_fields(response.get_data(as_text=True), ""))["message"] == message
    assert stored(reports_app) == []
