"""The questionnaire's mail: "Did they reply?", with a link per answer and letter."""

from __future__ import annotations

from flask import Flask, render_template
from flask_babel import force_locale
from sqlalchemy.orm import object_session

from ..app_state import app_state
from ..models import Notice, NoticeKind
from .models import Answer
from .operations import letters_asked_about
from .tokens import FollowupTokens


def answer_links(base_url: str, token: str, language: str) -> dict[str, str]:
    """The one-click links of one letter, by answer, and "reply" for the page to paste it."""
    links = {answer.value: f"{base_url}/followup/{token}/{answer.value}?lang={language}"
             for answer in Answer}
    links["reply"] = f"{base_url}/followup/{token}?lang={language}"
    return links


def questionnaire_text(app: Flask, notice: Notice) -> tuple[str, str]:
    """Subject and body of the questionnaire, in the supporter's language."""
    state = app_state(app)
    submission = notice.submission
    session = object_session(notice)
    if session is None:
        raise ValueError("the questionnaire is written from a notice in a session")
    tokens = FollowupTokens(state.config.secret_key)
    again = notice.kind == NoticeKind.FOLLOWUP_AGAIN
    asked = [(letter, answer_links(state.config.base_url,
                                   tokens.make(submission.public_id, letter.id),
                                   submission.language))
             for letter in letters_asked_about(session, submission, notice.kind)]
    content = state.campaigns.get(submission.campaign.slug)
    with app.app_context(), force_locale(submission.language):
        title = (content.titles.get(submission.language) or content.titles["en"]
                 if content else submission.campaign.slug)
        subject = render_template("mail/questionnaire_subject.txt", title=title,
                                  again=again).strip()
        body = render_template("mail/questionnaire.txt", submission=submission, asked=asked,
                               title=title, again=again)
    return subject, body
