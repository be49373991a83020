"""Asking supporters whether their letters were answered, and recording what they say.

Two weeks after a submission's last letter went, the supporter gets one mail, "Did they
reply?", with an answer per letter; two weeks after that mail went, one more, only about the
letters they answered "not yet". WriteToThem's questionnaire is the model. The mails are
notices (webapp.models.Notice): the sweep adds them (add_due_questionnaires, through the
worker's housekeeping), the worker writes and sends them like the receipt, and the notice
table's unique (submission, kind) makes each exist at most once however often the sweep runs,
crashes or races another. No Flask here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session

from database import insert_or_merge, utcnow

from ..delivery.outbox import UNFINISHED_LETTER_STATES
from ..models import Letter, LetterState, Notice, NoticeKind, NoticeState, Submission
from .models import Answer, FollowupAnswer

# How long after the last letter went the supporter is asked, and how long after that mail
# they are asked again about letters still waiting for an answer.
ASK_AFTER = timedelta(days=14)
ASK_AGAIN_AFTER = timedelta(days=14)
# Letters sent longer ago than this are not asked about: when the feature is switched on, or
# the worker comes back after a long stop, supporters are not asked about old letters.
ASK_WITHIN = timedelta(days=8 * 7)
# The longest reply a supporter may paste (a long letter, with room to spare).
REPLY_MAX_LENGTH = 20000

SENT_STATES = (LetterState.SENT, LetterState.DELIVERED)
FOLLOWUP_KINDS = (NoticeKind.FOLLOWUP, NoticeKind.FOLLOWUP_AGAIN)


@dataclass
class Added:
    first: int = 0
    again: int = 0


def _has_notice(kind: NoticeKind):
    return exists().where(Notice.submission_id == Submission.id, Notice.kind == kind)


def due_first(session: Session, now: datetime) -> list[tuple[int, str]]:
    """(submission id, address) of the supporters to ask now for the first time.

    Every letter of the submission has gone its way, at least one was sent, the last sent
    between ASK_WITHIN and ASK_AFTER ago; not erased, not asked before.
    """
    last_sent = (select(func.max(Letter.sent_at))
                 .where(Letter.submission_id == Submission.id,
                        Letter.state.in_(SENT_STATES))
                 .scalar_subquery())
    unfinished = exists().where(Letter.submission_id == Submission.id,
                                Letter.state.in_(UNFINISHED_LETTER_STATES))
    return [(row.id, row.supporter_email) for row in session.execute(
        select(Submission.id, Submission.supporter_email).where(
            Submission.erased_at.is_(None), Submission.confirmed_at.is_not(None),
            Submission.supporter_email != "",
            ~_has_notice(NoticeKind.FOLLOWUP), ~unfinished,
            last_sent <= now - ASK_AFTER, last_sent > now - ASK_WITHIN,
        ).order_by(Submission.id)
    )]


def due_again(session: Session, now: datetime) -> list[tuple[int, str]]:
    """(submission id, address) of the supporters to ask once more: they answered "not yet"
    about a letter, and the first mail went ASK_AGAIN_AFTER ago or longer."""
    first = Notice.__table__.alias("first_mail")
    not_yet = exists().where(FollowupAnswer.submission_id == Submission.id,
                             FollowupAnswer.answer == Answer.NOT_YET)
    first_sent = exists().where(first.c.submission_id == Submission.id,
                                first.c.kind == NoticeKind.FOLLOWUP,
                                first.c.state == NoticeState.SENT,
                                first.c.sent_at <= now - ASK_AGAIN_AFTER)
    return [(row.id, row.supporter_email) for row in session.execute(
        select(Submission.id, Submission.supporter_email).where(
            Submission.erased_at.is_(None), Submission.supporter_email != "",
            first_sent, not_yet, ~_has_notice(NoticeKind.FOLLOWUP_AGAIN),
        ).order_by(Submission.id)
    )]


def _add_notices(session: Session, kind: NoticeKind, due: Sequence[tuple[int, str]],
                 now: datetime) -> int:
    """Queue one notice of `kind` per submission; one that exists already is left alone (a
    sweep that ran twice, or two at once). enqueued_at stays empty: the sweep that added
    them puts them on the task queue after its commit."""
    added = 0
    for submission_id, email in due:
        inserted = session.execute(
            insert_or_merge(session, Notice)
            .values(submission_id=submission_id, kind=kind, to_address=email,
                    state=NoticeState.QUEUED, attempts=0, created_at=now)
            .on_conflict_do_nothing(index_elements=["submission_id", "kind"])
            .returning(Notice.id)
        ).scalar()
        added += inserted is not None
    return added


def add_due_questionnaires(session: Session, now: datetime | None = None) -> Added:
    """Queue the questionnaires due at `now` (flushes only; the caller commits)."""
    now = now or utcnow()
    return Added(first=_add_notices(session, NoticeKind.FOLLOWUP, due_first(session, now), now),
                 again=_add_notices(session, NoticeKind.FOLLOWUP_AGAIN,
                                    due_again(session, now), now))


def letters_asked_about(session: Session, submission: Submission, kind: str) -> list[Letter]:
    """The letters a questionnaire asks about: every letter sent, or, the second time, those
    answered "not yet" (and not answered otherwise since).

    Should the supporter have answered all of those between the sweep and the mail, the mail
    asks about every letter again rather than about none: they can change their answers.
    """
    query = (select(Letter).where(Letter.submission_id == submission.id,
                                  Letter.state.in_(SENT_STATES)).order_by(Letter.id))
    if kind == NoticeKind.FOLLOWUP_AGAIN:
        waiting = list(session.scalars(query.join(
            FollowupAnswer, and_(FollowupAnswer.letter_id == Letter.id,
                                 FollowupAnswer.answer == Answer.NOT_YET))))
        if waiting:
            return waiting
    return list(session.scalars(query))


@dataclass(frozen=True)
class AskedLetter:
    """A letter a supporter's link is about, with their answer so far (None: none yet)."""

    letter: Letter
    submission: Submission
    answer: FollowupAnswer | None


def asked_letter(session: Session, public_id: str, letter_id: int) -> AskedLetter | None:
    """The letter a (verified) link names, if it is still there to answer about: sent, of
    that submission, not erased."""
    row = session.execute(
        select(Letter, Submission).join(Submission, Letter.submission_id == Submission.id)
        .where(Letter.id == letter_id, Submission.public_id == public_id,
               Letter.state.in_(SENT_STATES), Submission.erased_at.is_(None))
    ).first()
    if row is None:
        return None
    letter, submission = row
    answer = session.scalar(select(FollowupAnswer).where(FollowupAnswer.letter_id == letter.id))
    return AskedLetter(letter, submission, answer)


def record_answer(session: Session, asked: AskedLetter, answer: Answer, reply_text: str,
                  now: datetime | None = None) -> None:
    """Store the supporter's answer about one letter, replacing any earlier one (one
    statement: a double click stores it once). A reply pasted earlier is kept when the new
    answer brings none. Flushes only."""
    now = now or utcnow()
    reply_text = reply_text.strip()[:REPLY_MAX_LENGTH]
    insert = insert_or_merge(session, FollowupAnswer).values(
        letter_id=asked.letter.id, submission_id=asked.submission.id, answer=answer,
        reply_text=reply_text, answered_at=now)
    changes = {"answer": insert.excluded.answer, "answered_at": insert.excluded.answered_at}
    if reply_text:
        changes["reply_text"] = insert.excluded.reply_text
    session.execute(insert.on_conflict_do_update(index_elements=["letter_id"], set_=changes))
