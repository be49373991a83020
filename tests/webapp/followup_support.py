"""A supporter whose letters went out, and the questionnaire's links read from its mail."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import select

from webapp.app_state import app_state
from webapp.models import Letter, LetterState, Notice, NoticeKind, Submission

from .flow import confirm_latest, letters_form, read_outbox, run_worker, step_one, step_two

LINK = re.compile(r"http://127\.0\.0\.1:5000(/followup/[^\s]+)")


def sent_submission(app, client, **supporter) -> int:
    """A supporter writes, confirms, and the worker sends their letters; the submission id."""
    assert step_two(client, letters_form(step_one(client, **supporter)),
                    action="send").status_code == 200
    run_worker(app)
    assert confirm_latest(app, client).status_code == 303
    run_worker(app)
    with app_state(app).database.session_factory() as session:
        submission_id = session.scalar(select(Submission.id).order_by(Submission.id.desc()))
        states = session.scalars(select(Letter.state)
                                 .where(Letter.submission_id == submission_id)).all()
    assert states and set(states) == {LetterState.SENT}, states
    return submission_id


def last_sent(app, submission_id: int) -> datetime:
    with app_state(app).database.session_factory() as session:
        return max(session.scalars(select(Letter.sent_at)
                                   .where(Letter.submission_id == submission_id)))


def notices(app, submission_id: int, kind: NoticeKind) -> list[Notice]:
    with app_state(app).database.session_factory() as session:
        return list(session.scalars(select(Notice).where(Notice.submission_id == submission_id,
                                                         Notice.kind == kind)))


def questionnaire_mails(outbox: Path) -> list:
    return [mail for mail in read_outbox(outbox) if "repl" in mail["Subject"].lower()]


def links_in(mail) -> list[str]:
    """The paths of the mail's links, in order (per letter: yes, no, not yet, the page)."""
    return [urlsplit(url).path + "?" + urlsplit(url).query
            for url in LINK.findall(mail.get_content())]
