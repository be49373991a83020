"""Keeping the least for the shortest time: a letter reveals a political opinion.

Unconfirmed letters are dropped when their link expires; once every letter of a submission
has gone its way and the retention period has passed, the texts and the supporter's details
are erased, and any address quoted in an error or an event's reason. What stays is what the
counts need: which campaign, which target, which state, when.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, exists, func, select, update
from sqlalchemy.orm import Session

from database import utcnow
from letters.text import without_addresses

from ..models import (
    Letter,
    LetterEvent,
    LetterText,
    Notice,
    PendingLetters,
    SpentChallenge,
    Submission,
)
from ..moderation import forget_old_letters
from .outbox import UNFINISHED_LETTER_STATES

ERASED = ""


@dataclass
class PurgeResult:
    cancelled: int = 0
    erased_submissions: int = 0


def purge(session: Session, *, retention_days: int, confirm_max_age_seconds: int,
          now: datetime | None = None) -> PurgeResult:
    """Cancel expired unconfirmed letters and erase what is past its retention (flushes only)."""
    now = now or utcnow()
    result = PurgeResult()
    # A proof of work past its expiry is refused as expired: its record of being spent can go.
    session.execute(delete(SpentChallenge).where(SpentChallenge.expires_at < now))
    forget_old_letters(session, now)
    # Unconfirmed letters never became rows in `letter`: cancelling them erases their texts
    # from the submission at once.
    expired = session.execute(
        select(Submission.id, Submission.pending_letters).where(
            Submission.confirmed_at.is_(None),
            Submission.pending_letters.is_not(None),
            Submission.created_at < now - timedelta(seconds=confirm_max_age_seconds),
        )
    ).all()
    if expired:
        session.execute(
            update(Submission).where(Submission.id.in_([row.id for row in expired]))
            .values(pending_letters=None)
        )
        result.cancelled = sum(len(PendingLetters.unpack(row.pending_letters)) for row in expired)

    unfinished = exists().where(
        Letter.submission_id == Submission.id, Letter.state.in_(UNFINISHED_LETTER_STATES)
    )
    last_letter = (
        select(func.max(func.coalesce(Letter.sent_at, Letter.created_at)))
        .where(Letter.submission_id == Submission.id)
        .scalar_subquery()
    )
    # A submission never confirmed has no letters: its own time counts.
    last_activity = func.coalesce(last_letter, Submission.created_at)
    due = list(session.scalars(
        select(Submission.id).where(
            Submission.erased_at.is_(None),
            Submission.pending_letters.is_(None),
            ~unfinished,
            last_activity < now - timedelta(days=retention_days),
        )
    ))
    if due:
        session.execute(
            update(LetterText).where(LetterText.submission_id.in_(due))
            .values(subject=ERASED, body=ERASED)
        )
        session.execute(
            update(Letter).where(Letter.submission_id.in_(due))
            .values(salutation=ERASED, to_address=ERASED)
        )
        _scrub_addresses(session, due)
        session.execute(delete(Notice).where(Notice.submission_id.in_(due)))
        # A supporter who asked to hear from the campaign, and confirmed their address, keeps
        # name and address for that; everything about their letters goes.
        keeps_contact = Submission.wants_updates & Submission.confirmed_at.is_not(None)
        session.execute(
            update(Submission).where(Submission.id.in_(due), ~keeps_contact)
            .values(supporter_name=ERASED, supporter_email=ERASED)
        )
        session.execute(
            update(Submission).where(Submission.id.in_(due))
            .values(supporter_town=ERASED, postcode=ERASED, erased_at=now)
        )
        result.erased_submissions = len(due)
    return result


def _scrub_addresses(session: Session, submission_ids: list[int]) -> None:
    """Addresses out of the letters' errors and event reasons, which stay for the counts.

    A bounce or a mail service's refusal quotes the address it was about; texts stored before
    they were cleaned on the way in (delivery.outbox.said) may still hold one. Only texts
    with an "@" are read, and each is written back without its addresses.
    """
    for row_id, text in session.execute(
        select(Letter.id, Letter.last_error)
        .where(Letter.submission_id.in_(submission_ids), Letter.last_error.contains("@"))
    ).all():
        session.execute(update(Letter).where(Letter.id == row_id)
                        .values(last_error=without_addresses(text or "")))
    letters = select(Letter.id).where(Letter.submission_id.in_(submission_ids))
    for row_id, text in session.execute(
        select(LetterEvent.id, LetterEvent.reason)
        .where(LetterEvent.letter_id.in_(letters), LetterEvent.reason.contains("@"))
    ).all():
        session.execute(update(LetterEvent).where(LetterEvent.id == row_id)
                        .values(reason=without_addresses(text)))
