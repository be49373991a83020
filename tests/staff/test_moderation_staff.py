"""The held queue and the moderation rules, as staff work them: who may do what, release,
edit and cancel (singly and in bulk), the supporter's one mail, and the audit log."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.webapp.flow import read_outbox, run_worker
from tests.webapp.moderation_data import (
    MEP,
    MINISTER,
    SLUG,
    TEXT,
    add_submission,
    clear_rules,
    set_rules,
)
from tests.webapp.pages import text
from webapp.app_state import app_state
from webapp.models import (
    Letter,
    LetterState,
    LetterText,
    ModerationRules,
    Notice,
    NoticeKind,
)
from webapp.staff.models import AuditEntry
from webapp.supporters.operations import confirm_letters

from .conftest import token

HELD = f"/staff/campaigns/{SLUG}/held"
RULES = f"/staff/campaigns/{SLUG}/moderation"


@pytest.fixture
def moderation_app(staff_app):
    clear_rules(staff_app)
    set_rules(staff_app, held_words="scam")
    yield staff_app
    clear_rules(staff_app)


def held_submission(app, *, email="jane@example.org", name="Jane Doe",
                    letters=((MINISTER, "A scam", TEXT), (MEP, "A scam", TEXT))) -> list[int]:
    """A confirmed submission whose letters the word rule held; their ids."""
    with app_state(app).database.session_factory() as session:
        submission = add_submission(session, email=email, name=name, letters=letters)
        session.commit()
        confirm_letters(session, submission)
        return list(session.scalars(select(Letter.id).where(
            Letter.submission_id == submission.id).order_by(Letter.id)))


def states(app, ids) -> list[str]:
    with app_state(app).database.session_factory() as session:
        return [session.get(Letter, letter_id).state for letter_id in ids]


def audits(app, action: str) -> list[AuditEntry]:
    with app_state(app).database.session_factory() as session:
        rows = session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()
        session.expunge_all()
        return list(rows)


def act(client, action: str, ids=()):
    return client.post(HELD, data={"csrf_token": token(client, HELD), "action": action,
                                   "letter": [str(i) for i in ids]})


# --- who may do what ----------------------------------------------------------------------

def test_viewer_sees_counts_by_rule_but_not_the_letters(moderation_app, viewer):
    anna, _ = held_submission(moderation_app)
    page = text(viewer.get(HELD))
    assert "Held for review: <strong>2</strong>" in page and "Words on the list: 2" in page
    assert "Anna de Vries" not in page and "jane@example.org" not in page
    csrf = token(viewer, RULES)
    assert viewer.post(HELD, data={"csrf_token": csrf, "action": "cancel"}).status_code == 403
    assert viewer.post(RULES, data={"csrf_token": csrf, "held_words": ""}).status_code == 403
    assert viewer.get(f"{HELD}/{anna}").status_code == 403


def test_editor_sees_the_letters_and_why(moderation_app, editor):
    held_submission(moderation_app)
    page = text(editor.get(HELD))
    assert "Anna de Vries" in page and "Pieter JANSEN" in page and "jane@example.org" in page
    assert "Words on the list" in page and "scam" in page and "Release ticked" in page
    # "Select all shown" and "Select none" need JavaScript, which shows them.
    assert '<p class="select-shown" hidden>' in editor.get(HELD).get_data(as_text=True)


def test_signed_out_is_sent_to_sign_in(moderation_app):
    assert moderation_app.test_client().get(HELD).status_code == 302


# --- the rules ----------------------------------------------------------------------------

def test_editor_sets_the_rules_and_it_is_audited(moderation_app, editor):
    response = editor.post(RULES, data={
        "csrf_token": token(editor, RULES), "flood_per_hour": "5", "flood_similarity": "85",
        "supporter_as_target": "y", "held_words": "Scam\nidiot, scam"})
    assert response.status_code == 303
    with app_state(moderation_app).database.session_factory() as session:
        [row] = session.scalars(select(ModerationRules)).all()
        assert (row.flood_per_hour, row.flood_similarity, row.hold_supporter_as_target,
                row.held_words) == (5, 85, True, "scam\nidiot")
    [entry] = audits(moderation_app, "moderation.rules")
    assert entry.actor == "editor@campaign.example" and "flood=5" in entry.detail
    page = text(editor.get(RULES))
    assert 'value="5"' in page and "scam\nidiot" in page


@pytest.mark.parametrize("field, value, message", [
    ("flood_per_hour", "0", "from 1 to 200"),
    ("flood_per_hour", "5000", "from 1 to 200"),
    ("flood_per_hour", "lots", "from 1 to 200"),
    ("flood_similarity", "20", "from 50 to 100"),
    ("held_words", "x" * 101, "up to 100 characters"),
])
def test_bad_rules_are_refused_with_the_input_kept(moderation_app, editor, field, value,
                                                   message):
    data = {"csrf_token": token(editor, RULES), "flood_per_hour": "", "flood_similarity": "90",
            "held_words": "keep these words", field: value}
    response = editor.post(RULES, data=data)
    assert response.status_code == 422
    page = text(response)
    assert message in page and "keep these words" in page or value in page
    with app_state(moderation_app).database.session_factory() as session:
        assert session.scalar(select(ModerationRules.held_words)) == "scam"  # unchanged
    assert audits(moderation_app, "moderation.rules") == []


# --- release, cancel, edit ----------------------------------------------------------------

def test_release_one_letter_then_the_worker_sends_it(moderation_app, editor, outbox):
    anna, pieter = held_submission(moderation_app)
    assert act(editor, f"release:{anna}").status_code == 303
    assert states(moderation_app, [anna, pieter]) == [LetterState.QUEUED, LetterState.HELD]
    assert "Released: 1 letter." in text(editor.get(HELD))
    run_worker(moderation_app)
    assert states(moderation_app, [anna, pieter]) == [LetterState.SENT, LetterState.HELD]
    assert [m["X-Letter-Id"] for m in read_outbox(outbox) if m["X-Letter-Id"]] == [str(anna)]
    [entry] = audits(moderation_app, "moderation.release")
    assert entry.detail == f"letters {anna}"


def test_bulk_cancel_tells_the_supporter_once(moderation_app, editor, outbox):
    anna, pieter = held_submission(moderation_app)
    other = held_submission(moderation_app, email="sam@example.org", name="Sam",
                            letters=((MINISTER, "A scam", TEXT),))
    assert act(editor, "cancel", [anna, pieter, *other]).status_code == 303
    assert set(states(moderation_app, [anna, pieter, *other])) == {LetterState.CANCELLED}
    with app_state(moderation_app).database.session_factory() as session:
        kinds = session.scalars(select(Notice.kind).where(Notice.kind == NoticeKind.CANCELLED))
        assert len(kinds.all()) == 2
    run_worker(moderation_app)
    run_worker(moderation_app)  # nothing goes twice
    mails = [m for m in read_outbox(outbox) if "not sent" in str(m["Subject"])]
    by_address = {m["To"].addresses[0].addr_spec: m.get_content() for m in mails}
    assert len(mails) == 2 and set(by_address) == {"jane@example.org", "sam@example.org"}
    assert "Anna de Vries" in by_address["jane@example.org"]
    assert "Pieter JANSEN" in by_address["jane@example.org"]
    assert [m for m in read_outbox(outbox) if m["X-Letter-Id"]] == []
    # Acting again on letters no longer held changes nothing and says so.
    response = act(editor, "release", [anna])
    assert "no longer held" in text(editor.get(response.headers["Location"]))
    assert states(moderation_app, [anna]) == [LetterState.CANCELLED]
    assert len(audits(moderation_app, "moderation.cancel")) == 1


def test_cancelling_the_last_held_letter_sends_the_receipt_for_the_others(
        moderation_app, editor, outbox):
    anna, pieter = held_submission(moderation_app)
    act(editor, f"release:{anna}")
    run_worker(moderation_app)
    act(editor, f"cancel:{pieter}")
    run_worker(moderation_app)
    with app_state(moderation_app).database.session_factory() as session:
        assert set(session.scalars(select(Notice.kind))) == {NoticeKind.CANCELLED,
                                                             NoticeKind.RECEIPT}


def test_bad_actions_are_refused(moderation_app, editor):
    [anna, _] = held_submission(moderation_app)
    assert act(editor, "delete", [anna]).status_code == 400
    assert act(editor, "release", ["x1"]).status_code == 400
    assert act(editor, "release:²").status_code == 400
    assert act(editor, "cancel", [str(2**40)]).status_code == 400
    response = act(editor, "release")
    assert "Tick the letters" in text(editor.get(response.headers["Location"]))
    assert states(moderation_app, [anna]) == [LetterState.HELD]


def test_edit_gives_a_shared_text_its_own_copy(moderation_app, editor, outbox):
    anna, pieter = held_submission(moderation_app)
    page = f"{HELD}/{anna}"
    assert "this letter only" in text(editor.get(page))
    response = editor.post(page, data={"csrf_token": token(editor, page),
                                       "subject": "A treaty now", "body": "Kinder words."})
    assert response.status_code == 303
    with app_state(moderation_app).database.session_factory() as session:
        edited, untouched = session.get(Letter, anna), session.get(Letter, pieter)
        assert (edited.subject, edited.text.body) == ("A treaty now", "Kinder words.")
        assert (untouched.subject, untouched.text.body) == ("A scam", TEXT)
        assert edited.text_id != untouched.text_id and edited.state == LetterState.HELD
        texts = session.scalar(select(func.count()).select_from(LetterText))
    # Editing it again changes its own text in place.
    editor.post(page, data={"csrf_token": token(editor, page), "subject": "Again",
                            "body": "Kinder words still."})
    with app_state(moderation_app).database.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(LetterText)) == texts
        assert session.get(Letter, anna).subject == "Again"
    [first, _] = audits(moderation_app, "moderation.edit")
    assert "own text" in first.detail
    act(editor, f"release:{anna}")
    run_worker(moderation_app)
    [sent] = [m for m in read_outbox(outbox) if m["X-Letter-Id"]]
    assert sent["Subject"] == "Again" and "Kinder words still." in sent.get_content()
    assert "Dear Anna de Vries," in sent.get_content()


def test_a_bad_edit_is_refused_with_the_input_kept(moderation_app, editor):
    anna, _ = held_submission(moderation_app)
    page = f"{HELD}/{anna}"
    for subject, body, status in (("   ", "Kept words here.", 422), ("Kept subject", "", 422),
                                  ("Kept subject", "\x00", 422)):
        response = editor.post(page, data={"csrf_token": token(editor, page),
                                           "subject": subject, "body": body})
        assert response.status_code == status
        assert "Kept" in text(response)
    with app_state(moderation_app).database.session_factory() as session:
        assert session.get(Letter, anna).text.body == TEXT
    assert audits(moderation_app, "moderation.edit") == []


def test_a_letter_no_longer_held_cannot_be_edited(moderation_app, editor):
    anna, _ = held_submission(moderation_app)
    act(editor, f"cancel:{anna}")
    page = f"{HELD}/{anna}"
    response = editor.get(page)
    assert response.status_code == 303
    assert "no longer held" in text(editor.get(response.headers["Location"]))


def test_a_later_cancellation_is_told_too_and_only_what_is_new(moderation_app, editor, outbox):
    anna, pieter = held_submission(moderation_app)
    act(editor, f"cancel:{anna}")
    run_worker(moderation_app)
    act(editor, f"cancel:{pieter}")
    run_worker(moderation_app)
    run_worker(moderation_app)
    first, second = [m.get_content() for m in read_outbox(outbox)
                     if "not sent" in str(m["Subject"])]
    assert "Anna de Vries" in first and "Pieter JANSEN" not in first
    assert "Pieter JANSEN" in second and "Anna de Vries" not in second
    with app_state(moderation_app).database.session_factory() as session:
        [notice] = session.scalars(select(Notice).where(Notice.kind == NoticeKind.CANCELLED))
        assert notice.state == "sent"
