"""Letters translated without a native reader say so in the editor until staff mark them read."""

from __future__ import annotations

from sqlalchemy import select

from letters.templates import DEFAULT_ROOT, load_campaign_dir
from tests.webapp.flow import SLUG
from webapp.app_state import app_state
from webapp.staff.models import AuditEntry, LetterReview

from .conftest import token

AWAITING = sorted(language for language, template
                  in load_campaign_dir(DEFAULT_ROOT / SLUG).templates.items()
                  if template.needs_review)
BANNER = "This letter was translated without a native reader."


def test_the_shipped_translations_await_a_native_reader():
    # The EU's languages were read by native readers; the summit governments' new ones not yet.
    assert {"ja", "ko", "ar", "pt-br"} <= set(AWAITING)
    assert not {"en", "nl", "de", "fr"} & set(AWAITING)


def test_a_letter_awaits_review_until_an_editor_marks_it(staff_app, editor, viewer):
    language = AWAITING[0]
    url = f"/staff/campaigns/{SLUG}/letters/{language}"
    campaign_page = f"/staff/campaigns/{SLUG}"
    assert BANNER in editor.get(url).get_data(as_text=True)
    assert "awaiting a native reader" in editor.get(campaign_page).get_data(as_text=True)
    assert BANNER not in editor.get(f"/staff/campaigns/{SLUG}/letters/de").get_data(
        as_text=True)

    # A viewer reads the note but cannot mark the letter reviewed.
    viewer_page = viewer.get(url).get_data(as_text=True)
    assert BANNER in viewer_page and "A native reader has reviewed it" not in viewer_page
    refused = viewer.post(f"{url}/reviewed", data={"csrf_token": token(viewer, url)})
    assert refused.status_code == 403

    marked = editor.post(f"{url}/reviewed", data={"csrf_token": token(editor, url)})
    assert marked.status_code == 303
    assert BANNER not in editor.get(url).get_data(as_text=True)
    campaign_html = editor.get(campaign_page).get_data(as_text=True)
    others = [lang for lang in AWAITING if lang != language]
    assert campaign_html.count("awaiting a native reader") == len(others)
    with app_state(staff_app).database.session_factory() as session:
        (review,) = session.scalars(select(LetterReview)).all()
        assert review.language == language and review.reviewed_by is not None
        entry = session.scalars(select(AuditEntry).where(
            AuditEntry.action == "letter.reviewed")).one()
        assert entry.detail == language

    # Marking it again changes nothing and records nothing more.
    assert editor.post(f"{url}/reviewed",
                       data={"csrf_token": token(editor, url)}).status_code == 303
    with app_state(staff_app).database.session_factory() as session:
        assert len(session.scalars(select(AuditEntry).where(
            AuditEntry.action == "letter.reviewed")).all()) == 1


def test_only_a_letter_the_campaign_has_can_be_marked(editor):
    url = f"/staff/campaigns/{SLUG}/letters/th"
    response = editor.post(f"{url}/reviewed", data={"csrf_token": token(editor, url)})
    assert response.status_code == 404
