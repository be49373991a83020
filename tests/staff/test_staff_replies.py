"""Staff review supporters' answers, record a target's reply or commitment (editors, audited),
and see it on the target's card, on the country's summit page and in the responsiveness
table."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tests.webapp.flow import run_worker, step_one
from tests.webapp.followup_support import last_sent, links_in, questionnaire_mails, sent_submission
from tests.webapp.pages import csrf_token
from webapp.app_state import app_state
from webapp.followup import operations
from webapp.followup.models import TargetResponse
from webapp.staff.models import AuditEntry

from .conftest import token


def responses(app) -> list[TargetResponse]:
    with app_state(app).database.session_factory() as session:
        return list(session.scalars(select(TargetResponse).order_by(TargetResponse.id)))


def record(client, **values):
    data = {"csrf_token": token(client, "/staff/replies"), "target": "t:nl-minister",
            "kind": "committed", "on_date": "2026-11-02",
            "link": "https://ezk.example.org/statement"}
    data.update(values)
    return client.post("/staff/replies/record", data=data)


def answered_yes(app, client, outbox, reply: str) -> None:
    """A supporter in the Netherlands answers "yes" about their first letter, with the reply."""
    submission_id = sent_submission(app, client)
    with app_state(app).database.session_factory() as session:
        operations.add_due_questionnaires(
            session, last_sent(app, submission_id) + timedelta(days=15))
        session.commit()
    run_worker(app)
    [mail] = questionnaire_mails(outbox)
    link = links_in(mail)[0]
    page = client.get(link).get_data(as_text=True)
    assert client.post(link.split("/yes")[0], data={
        "csrf_token": csrf_token(page), "answer": "yes", "reply": reply}).status_code == 303


def test_editors_see_answers_per_target_and_record_a_commitment(staff_app, editor, outbox):
    supporter = staff_app.test_client()
    answered_yes(staff_app, supporter, outbox, "We will raise the treaty at the summit.")
    page = editor.get("/staff/replies").get_data(as_text=True)
    assert "We will raise the treaty at the summit." in page
    assert "t:nl-minister" in page or "t:nl-mep" in page
    response = record(editor)
    assert response.status_code == 303
    [saved] = responses(staff_app)
    assert (saved.target_id, saved.kind, saved.country, saved.target_kind) == (
        "t:nl-minister", "committed", "NL", "minister")
    assert saved.on_date.isoformat() == "2026-11-02"
    assert saved.recorded_by == "editor@campaign.example"
    with app_state(staff_app).database.session_factory() as session:
        entry = session.scalars(select(AuditEntry).where(
            AuditEntry.action == "target_response.record")).one()
    assert entry.subject == "target/t:nl-minister" and "committed 2026-11-02" in entry.detail
    listed = editor.get("/staff/replies?country=NL").get_data(as_text=True)
    assert "https://ezk.example.org/statement" in listed


def test_viewers_read_but_cannot_record(staff_app, viewer):
    assert viewer.get("/staff/replies").status_code == 200
    assert viewer.get("/staff/replies/responsiveness").status_code == 200
    assert "Record a reply or a commitment" not in viewer.get("/staff/replies").get_data(
        as_text=True)
    assert record(viewer).status_code == 403
    assert responses(staff_app) == []


def test_bad_input_is_refused_with_the_input_kept(staff_app, editor):
    cases = [
        ({"on_date": ""}, "Give the date"),
        ({"kind": "promised"}, "Choose"),
        ({"link": "javascript:alert(1)"}, "A link starts with https://"),
        ({"link": "", "text": ""}, "Give a link to the reply or statement, or its text."),
        ({"target": "t:nobody"}, "No target with this id"),
        ({"target": ""}, "Say which target."),
    ]
    for values, message in cases:
        response = record(editor, **values)
        assert response.status_code == 400, values
        page = response.get_data(as_text=True)
        assert message in page, values
        if values.get("target") != "":
            assert 'value="' + values.get("target", "t:nl-minister") + '"' in page
    assert responses(staff_app) == []


def test_the_card_and_the_summit_page_show_it(staff_app, editor):
    supporter = staff_app.test_client()
    before = supporter.get("/summits/NL").get_data(as_text=True)
    assert "committed-heading" not in before
    assert record(editor).status_code == 303
    assert record(editor, target="t:nl-mep", kind="replied", on_date="2026-10-20",
                  link="", text="Thank you, I will read it.").status_code == 303
    # The kept summit page was dropped when the commitment was recorded.
    after = supporter.get("/summits/NL").get_data(as_text=True)
    section = after.split('<ul class="commitments">')[1].split("</section>")[0]
    assert "Anna de Vries" in section and "2026" in section
    assert "https://ezk.example.org/statement" in section
    # A reply is no commitment.
    assert "Pieter JANSEN" not in section
    letters = step_one(supporter).get_data(as_text=True)
    card = letters.split('data-target="t:nl-minister"')[1].split("</article>")[0]
    assert "Has committed (" in card and "https://ezk.example.org/statement" in card
    card = letters.split('data-target="t:nl-mep"')[1].split("</article>")[0]
    assert "Replied (" in card and "Has committed" not in card


def test_responsiveness_counts_per_country_and_kind(staff_app, editor, outbox):
    supporter = staff_app.test_client()
    answered_yes(staff_app, supporter, outbox, "")
    assert record(editor, on_date="2026-10-01").status_code == 303
    assert record(editor, kind="replied", on_date="2026-09-15").status_code == 303
    page = editor.get("/staff/replies/responsiveness").get_data(as_text=True)
    assert "How this is counted" in page
    row = page.split("<td>Netherlands (NL)</td><td>Minister</td>")[1].split("</tr>")[0]
    cells = [cell.split("</td>")[0] for cell in row.split("<td>")[1:]]
    # Sent 1, asked 1, the supporter's first letter (to the minister) answered yes.
    assert cells[:3] == ["1", "1", "1"]
    assert cells[3:5] == ["0", "0"]
    assert cells[6:10] == ["1", "1", "2026-09-15", "2026-10-01"]


def test_a_record_made_by_mistake_is_removed_and_leaves_the_pages(staff_app, editor, viewer):
    assert record(editor).status_code == 303
    [saved] = responses(staff_app)
    supporter = staff_app.test_client()
    assert "committed-heading" in supporter.get("/summits/NL").get_data(as_text=True)
    data = {"csrf_token": token(editor, "/staff/replies"), "response": str(saved.id)}
    assert viewer.post("/staff/replies/remove", data={
        "csrf_token": token(viewer, "/staff/replies"), "response": str(saved.id)}
    ).status_code == 403
    assert editor.post("/staff/replies/remove", data={**data, "response": "x"}).status_code == 400
    assert editor.post("/staff/replies/remove", data=data).status_code == 303
    assert responses(staff_app) == []
    assert "committed-heading" not in supporter.get("/summits/NL").get_data(as_text=True)
    again = editor.post("/staff/replies/remove", data=data)
    assert again.status_code == 303
    assert "removed already" in editor.get(again.headers["Location"]).get_data(as_text=True)
    with app_state(staff_app).database.session_factory() as session:
        entry = session.scalars(select(AuditEntry).where(
            AuditEntry.action == "target_response.remove")).one()
    assert entry.subject == "target/t:nl-minister"
