"""CSV exports (counts, supporters, a partner's consents) and the partner API's consents."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from database import utcnow
from tests.embed.support import PARTNER, add_partner, clear_partners
from webapp.app_state import app_state
from webapp.partners.models import Partner, PartnerConsent
from webapp.staff import exports
from webapp.staff.exports import csv_lines, safe_cell

from .letters_data import SLUG, add_submission, audit_actions, campaign_id
from .letters_data import add_partner as add_partner_with_consents

BASE = f"/staff/campaigns/{SLUG}/exports"


def rows(response) -> list[list[str]]:
    """The CSV's rows; the response closed after, as a server closes it (which ends the
    streamed export's database session)."""
    try:
        assert response.status_code == 200, response.get_data(as_text=True)
        assert response.mimetype == "text/csv"
        assert response.headers["Content-Disposition"].startswith("attachment; filename=")
        return list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    finally:
        response.close()


@pytest.fixture
def partners_app(staff_app):
    clear_partners(staff_app)
    yield staff_app
    clear_partners(staff_app)


@pytest.mark.parametrize("value, cell", [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+31", "'+31"),
    ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"), ("Ada", "Ada"),
    (None, ""), (3, "3"), ("a=b", "a=b"),
])
def test_safe_cell(value, cell):
    assert safe_cell(value) == cell


def test_csv_lines_quote_and_neutralise():
    text = "".join(csv_lines(("name", "note"), [("=1+1", 'say "hi", then go\nhome')]))
    assert list(csv.reader(io.StringIO(text))) == [
        ["name", "note"], ["'=1+1", 'say "hi", then go\nhome']]


def test_letter_counts_under_the_browsers_filter(staff_app, viewer):
    now = utcnow()
    add_submission(staff_app, country="NL", letters=[
        ("t:nl-minister", "Anna de Vries", "sent"), ("t:nl-mep", "Pieter Jansen", "sent")])
    add_submission(staff_app, country="NL", letters=[("t:nl-minister", "Anna de Vries", "sent")])
    add_submission(staff_app, country="DE", letters=[("t:de-minister", "=cmd()", "bounced")])
    add_submission(staff_app, country="NL", created_at=now - timedelta(days=3),
                   letters=[("t:nl-minister", "Anna de Vries", "sent")])
    today, earlier = now.date().isoformat(), (now - timedelta(days=3)).date().isoformat()
    table = rows(viewer.get(f"{BASE}/letters.csv"))
    assert table == [
        ["day", "state", "country", "target_id", "target_name", "letters"],
        [earlier, "sent", "NL", "t:nl-minister", "Anna de Vries", "1"],
        [today, "bounced", "DE", "t:de-minister", "'=cmd()", "1"],
        [today, "sent", "NL", "t:nl-mep", "Pieter Jansen", "1"],
        [today, "sent", "NL", "t:nl-minister", "Anna de Vries", "2"],
    ]
    filtered = rows(viewer.get(f"{BASE}/letters.csv?country=NL&since={today}"))
    assert [row[3:] for row in filtered[1:]] == [
        ["t:nl-mep", "Pieter Jansen", "1"], ["t:nl-minister", "Anna de Vries", "2"]]
    exports = [e for e in audit_actions(staff_app) if e[1] == "export.letters"]
    assert exports[0][:3] == ("viewer@campaign.example", "export.letters", f"campaign/{SLUG}")
    assert exports[1][3] == f"country=NL since={today}"


def test_supporters_who_asked_for_updates(staff_app, editor, viewer):
    add_submission(staff_app, name="Ada", email="ada@example.org", wants_updates=True,
                   created_at=utcnow() - timedelta(days=1))
    add_submission(staff_app, name="Ada L.", email="ADA@example.org", wants_updates=True)
    add_submission(staff_app, name="Bob", email="bob@example.org", wants_updates=False)
    add_submission(staff_app, name="Cy", email="cy@example.org", wants_updates=True,
                   confirmed=False)
    add_submission(staff_app, name="@Eve", email="eve@example.org", wants_updates=True)
    # Retention erased this one's details although they asked (as before the rule kept them).
    add_submission(staff_app, name="", email="", wants_updates=True, erased=True)
    assert viewer.get(f"{BASE}/supporters.csv").status_code == 403
    table = rows(editor.get(f"{BASE}/supporters.csv"))
    assert table[0] == ["name", "email", "language", "country", "confirmed_at"]
    assert [row[:2] for row in table[1:]] == [["Ada L.", "ADA@example.org"],
                                             ["'@Eve", "eve@example.org"]]
    assert [e[1] for e in audit_actions(staff_app)
            if e[1].startswith("export")] == ["export.supporters"]


def test_a_partners_consents_and_no_others(partners_app, editor, viewer):
    add_partner_with_consents(partners_app, "greens", [("Ada", "ada@example.org"),
                                                       ("=Mallory", "m@example.org")])
    add_partner_with_consents(partners_app, "blues", [("Bob", "bob@example.org")])
    assert viewer.get("/staff/partners/greens/consents.csv").status_code == 403
    assert editor.get("/staff/partners/nobody/consents.csv").status_code == 404
    table = rows(editor.get("/staff/partners/greens/consents.csv"))
    assert table[0] == ["id", "campaign", "name", "email", "language", "consent_text",
                        "created_at"]
    assert [row[2:4] for row in table[1:]] == [["Ada", "ada@example.org"],
                                               ["'=Mallory", "m@example.org"]]
    assert ("editor@campaign.example", "export.partner_consents", "partner/greens", "") in (
        audit_actions(partners_app))


def test_partner_api_gives_its_own_consents_a_page_at_a_time(partners_app, monkeypatch):
    key = add_partner(partners_app)
    other = add_partner(partners_app, code="others", origins=("https://others.example",))
    with app_state(partners_app).database.session_factory() as session:
        ours = session.query(Partner).filter_by(code=PARTNER).one()
        theirs = session.query(Partner).filter_by(code="others").one()
        for partner, name in ((ours, "Ada"), (theirs, "Bob"), (ours, "Cy"), (ours, "Di")):
            session.add(PartnerConsent(partner_id=partner.id, campaign_id=campaign_id(partners_app),
                                       supporter_name=name, supporter_email=f"{name}@x.org",
                                       language="en", consent_text="Hear from us"))
        session.commit()
    monkeypatch.setattr(exports, "API_PAGE_SIZE", 2)
    client = partners_app.test_client()
    auth = {"Authorization": f"Bearer {key}"}
    first = client.get("/api/v1/consents", headers=auth)
    assert first.status_code == 200
    names = [c["name"] for c in first.get_json()["consents"]]
    assert names == ["Ada", "Cy"]
    after = first.get_json()["consents"][-1]["id"]
    second = client.get(f"/api/v1/consents?after={after}", headers=auth).get_json()
    assert [c["name"] for c in second["consents"]] == ["Di"]
    assert second["consents"][0]["campaign"] == SLUG
    assert "Bob" in [c["name"] for c in client.get(
        "/api/v1/consents", headers={"Authorization": f"Bearer {other}"}).get_json()["consents"]]
    assert client.get("/api/v1/consents").status_code == 401
    for refused in ("-1", "x", "²", str(2**31)):
        bad = client.get(f"/api/v1/consents?after={refused}", headers=auth)
        assert bad.status_code == 422 and bad.get_json()["error"]["code"] == "invalid_field"
    fetches = [e for e in audit_actions(partners_app) if e[1] == "api.consents"]
    assert [(e[0], e[3]) for e in fetches[:2]] == [
        (f"partner:{PARTNER}", "after 0: 2 consents"), (f"partner:{PARTNER}",
                                                        f"after {after}: 1 consents")]


def test_supporters_answers_and_recorded_replies(staff_app, editor, viewer):
    from datetime import date

    from webapp.followup.models import FollowupAnswer, TargetResponse

    [asked, _] = add_submission(staff_app, country="NL", letters=[
        ("t:nl-minister", "Anna de Vries", "sent"), ("t:nl-mep", "Pieter Jansen", "sent")])
    with app_state(staff_app).database.session_factory() as session:
        from webapp.models import Letter
        submission_id = session.get_one(Letter, asked).submission_id
        session.add(FollowupAnswer(letter_id=asked, submission_id=submission_id, answer="yes",
                                   reply_text="=We will raise it in Geneva."))
        session.add(TargetResponse(target_id="t:nl-minister", target_name="Anna de Vries",
                                   target_kind="minister", country="NL", kind="committed",
                                   on_date=date(2026, 11, 2), link="https://gov.example/a",
                                   recorded_by="editor@campaign.example"))
        session.commit()
    assert viewer.get(f"{BASE}/replies.csv").status_code == 403
    answers = rows(editor.get(f"{BASE}/replies.csv"))
    assert answers[0] == ["answered_at", "country", "target_id", "target_name", "answer",
                          "reply_text"]
    assert [row[1:] for row in answers[1:]] == [
        ["NL", "t:nl-minister", "Anna de Vries", "yes", "'=We will raise it in Geneva."]]
    recorded = rows(viewer.get("/staff/exports/target-responses.csv"))
    assert [row[:7] for row in recorded[1:]] == [
        ["2026-11-02", "NL", "t:nl-minister", "Anna de Vries", "minister", "committed",
         "https://gov.example/a"]]
    actions = [e[1] for e in audit_actions(staff_app) if e[1].startswith("export")]
    assert actions == ["export.answers", "export.target_responses"]
