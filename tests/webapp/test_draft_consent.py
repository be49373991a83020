"""Consents ticked on the draft path count only once the supporter confirms by mail."""

from __future__ import annotations

import re

from sqlalchemy import select

from webapp.app_state import app_state
from webapp.delivery.mails import consent_tokens
from webapp.models import DraftCount, Notice, NoticeKind, Submission

from .flow import letters_form, read_outbox, run_worker, step_one, step_two
from .pages import csrf_token, text


def _consent_link(outbox) -> str:
    [mail] = [m for m in read_outbox(outbox) if "jane@example.org" in str(m["To"])]
    body = mail.get_body(preferencelist=("plain",)).get_content()
    assert "/erase/" in body  # like every mail to a supporter
    match = re.search(r"http://127\.0\.0\.1:5000(/keep-informed/\S+)", body)
    assert match, body
    return match.group(1)


def _submissions(app) -> list[Submission]:
    with app_state(app).database.session_factory() as session:
        return list(session.scalars(select(Submission)))


def test_keep_me_informed_on_the_draft_path_counts_after_the_mail(app, client, outbox):
    drafted = step_two(client, letters_form(step_one(client, wants_updates="y")),
                       action="draft")
    assert drafted.status_code == 200 and "data-consent-to-confirm" in text(drafted)
    [submission] = _submissions(app)
    assert submission.wants_updates and submission.confirmed_at is None
    assert submission.pending_letters is None and submission.supporter_town == ""
    with app_state(app).database.session_factory() as session:
        assert session.scalar(select(DraftCount.letters)) == 2  # still counted as drafts
        assert session.scalar(select(Notice.kind)) == NoticeKind.CONSENT

    run_worker(app)
    link = _consent_link(outbox)
    page = client.get(link)  # a mail scanner's GET confirms nothing
    assert page.status_code == 200 and "Yes, keep me informed" in text(page)
    assert _submissions(app)[0].confirmed_at is None
    done = client.post(link, data={"csrf_token": csrf_token(page.get_data(as_text=True))})
    assert done.status_code == 200, text(done)
    assert _submissions(app)[0].confirmed_at is not None
    assert "already confirmed" in text(client.get(link))


def test_nothing_is_kept_on_the_draft_path_without_a_tick(app, client, outbox):
    step_two(client, letters_form(step_one(client)), action="draft")
    assert _submissions(app) == []
    run_worker(app)
    assert read_outbox(outbox) == []


def test_a_consent_link_is_not_a_letter_confirmation(app, client, outbox):
    step_two(client, letters_form(step_one(client, wants_updates="y")), action="draft")
    [submission] = _submissions(app)
    token = consent_tokens(app_state(app).config).make(submission.public_id)
    assert client.get(f"/confirm/{token}").status_code == 410
    letters_token = app_state(app).confirmation_tokens.make(submission.public_id)
    assert client.get(f"/keep-informed/{letters_token}").status_code == 404


def test_a_double_submit_on_the_draft_path_asks_once(app, client, outbox):
    fields = letters_form(step_one(client, wants_updates="y"))
    step_two(client, fields, action="draft")
    again = step_two(client, fields, action="draft")
    assert again.status_code == 200
    assert len(_submissions(app)) == 1
    # The same form sent for real afterwards still stores its letters.
    sent = step_two(client, fields, action="send")
    assert sent.status_code == 200, text(sent)
    assert sorted(bool(s.pending_letters) for s in _submissions(app)) == [False, True]
