"""Keeping the least for the shortest time: a letter reveals a political opinion.

Unconfirmed letters are dropped when their link expires; once every letter of a submission
has gone its way and the retention period has passed, the texts and the supporter's details
are erased, and any address quoted in an error or an event's reason. What stays is what the
counts need: which campaign, which target, which state, when. Supporters who asked to hear
from the campaign keep name and address for the contact period only, and partners' consents
last as long. A supporter's own request to be forgotten (supporters.erasure) erases with the
same function, erase_submissions, at once and without exception.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, exists, func, select, update
from sqlalchemy.orm import Session

from database import rowcount, utcnow
from letters.text import without_addresses

from ..followup.models import FollowupAnswer
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
from ..partners.models import PartnerConsent
from .outbox import UNFINISHED_LETTER_STATES

ERASED = ""
# Where a supporter's own word stood in an error or an event's reason.
ERASED_WORD = "<erased>"
# How long "keep me informed" keeps an address after its confirmation, unless configured.
DEFAULT_CONTACT_MONTHS = 24


@dataclass
class PurgeResult:
    cancelled: int = 0
    erased_submissions: int = 0
    # Opted-in supporters' addresses and partners' consents past the contact period.
    contacts_expired: int = 0


def purge(session: Session, *, retention_days: int, confirm_max_age_seconds: int,
          contact_months: int = DEFAULT_CONTACT_MONTHS, now: datetime | None = None
          ) -> PurgeResult:
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
        erase_submissions(session, due, now, keep_subscribers=True)
        result.erased_submissions = len(due)
    result.contacts_expired = _expire_contacts(session, now - contact_period(contact_months))
    return result


def contact_period(months: int) -> timedelta:
    """`months` of contact retention as a span of days (a month of 30.44 days on average)."""
    return timedelta(days=round(months * 365.25 / 12))


def _expire_contacts(session: Session, confirmed_before: datetime) -> int:
    """Opted-in supporters, and partners' consents, past the contact period: erased.

    "Keep me informed" kept a supporter's name and address past the letters' retention; that
    lasts only the configured period from their confirmation, as the form says.
    """
    expired = list(session.scalars(
        select(Submission.id).where(
            Submission.erased_at.is_not(None), Submission.supporter_email != ERASED,
            Submission.confirmed_at < confirmed_before)))
    if expired:
        session.execute(update(Submission).where(Submission.id.in_(expired))
                        .values(supporter_name=ERASED, supporter_email=ERASED,
                                partner_consent_text=None))
    consents = rowcount(session.execute(
        delete(PartnerConsent).where(PartnerConsent.created_at < confirmed_before)))
    return len(expired) + consents


def erase_submissions(session: Session, submission_ids: list[int], now: datetime, *,
                      keep_subscribers: bool, personal: Sequence[str] = ()) -> None:
    """Erase the texts and the supporter's details of these submissions (flushes only).

    What stays is what the counts need. With `keep_subscribers`, a supporter who confirmed
    their address and asked to hear from the campaign, or gave a partner their consent, keeps
    name and address (the retention job); without, everything goes (the supporter's own
    request). `personal`: the supporter's own
    words (name, town, postcode) to take out of errors and event reasons as well as any
    address.
    """
    session.execute(
        update(LetterText).where(LetterText.submission_id.in_(submission_ids))
        .values(subject=ERASED, body=ERASED)
    )
    session.execute(
        update(Letter).where(Letter.submission_id.in_(submission_ids))
        .values(salutation=ERASED, to_address=ERASED)
    )
    _scrub_addresses(session, submission_ids, personal)
    # A pasted reply may quote the supporter; whether they answered stays for the counts.
    session.execute(
        update(FollowupAnswer).where(FollowupAnswer.submission_id.in_(submission_ids))
        .values(reply_text=ERASED)
    )
    session.execute(delete(Notice).where(Notice.submission_id.in_(submission_ids)))
    erased_contact = update(Submission).where(Submission.id.in_(submission_ids))
    if keep_subscribers:
        # A supporter who asked to hear from the campaign, or gave a partner their consent,
        # and confirmed their address, keeps name and address for that until the contact
        # period ends: the link in their mails still finds, and erases, them and the consent.
        # Everything about their letters goes.
        keeps_contact = Submission.confirmed_at.is_not(None) & (
            Submission.wants_updates | Submission.partner_consent_text.is_not(None))
        erased_contact = erased_contact.where(~keeps_contact)
    session.execute(erased_contact.values(supporter_name=ERASED, supporter_email=ERASED,
                                          partner_consent_text=None))
    session.execute(
        update(Submission).where(Submission.id.in_(submission_ids))
        .values(supporter_town=ERASED, postcode=ERASED, pending_letters=None,
                erased_at=func.coalesce(Submission.erased_at, now))
    )


def without_words(text: str, words: Sequence[str]) -> str:
    """`text` with each of `words` (case ignored) replaced by a placeholder."""
    words = sorted({word.strip() for word in words if word and word.strip()}, key=len,
                   reverse=True)
    if not words:
        return text
    return re.sub("|".join(re.escape(word) for word in words), ERASED_WORD, text,
                  flags=re.IGNORECASE)


def without_personal(text: str, personal: Sequence[str]) -> str:
    """`text` without any e-mail address, nor any of the `personal` words."""
    return without_words(without_addresses(text), personal)


def _scrub_addresses(session: Session, submission_ids: list[int],
                     personal: Sequence[str] = ()) -> None:
    """Addresses out of the letters' errors and event reasons, which stay for the counts.

    A bounce or a mail service's refusal quotes the address it was about; texts stored before
    they were cleaned on the way in (delivery.outbox.said) may still hold one. Only texts
    with an "@" (or, when `personal` words are given, any text) are read, and each is written
    back without its addresses and those words.
    """
    worth_reading = (lambda column: column.is_not(None)) if personal else (
        lambda column: column.contains("@"))
    for row_id, text in session.execute(
        select(Letter.id, Letter.last_error)
        .where(Letter.submission_id.in_(submission_ids), worth_reading(Letter.last_error))
    ).all():
        cleaned = without_personal(text or "", personal)
        if cleaned != text:
            session.execute(update(Letter).where(Letter.id == row_id)
                            .values(last_error=cleaned))
    letters = select(Letter.id).where(Letter.submission_id.in_(submission_ids))
    for row_id, text in session.execute(
        select(LetterEvent.id, LetterEvent.reason)
        .where(LetterEvent.letter_id.in_(letters), worth_reading(LetterEvent.reason))
    ).all():
        cleaned = without_personal(text, personal)
        if cleaned != text:
            session.execute(update(LetterEvent).where(LetterEvent.id == row_id)
                            .values(reason=cleaned))
