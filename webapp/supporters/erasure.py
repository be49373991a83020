"""A supporter's data erased at once: from the link in every mail to them, or by staff.

The same erasure as the retention job's (delivery.retention.erase_submissions), for every
submission under the supporter's address and without keeping anyone's address for updates;
besides, their letters not sent yet are cancelled, their consents to partners deleted, and
their address and name taken out of supporters' reports about the data. What stays are the
anonymous counts: which campaign, which target, which state, when.

Flushes only: the caller commits. No Flask here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from database import rowcount, utcnow

from ..delivery.outbox import move_letters
from ..delivery.retention import erase_submissions, without_words
from ..models import DataReport, Letter, LetterState, Submission
from ..partners.models import PartnerConsent
from .tokens import ErasureTokens

# Letters that have not reached the mail service yet; one being handed over (sending) can no
# longer be stopped.
_STOPPABLE = (LetterState.QUEUED, LetterState.HELD)
CANCEL_REASON = "erased at the supporter's request"


@dataclass(frozen=True)
class Erased:
    """What an erasure found: counts only, so that it can be shown and audited."""

    submissions: int = 0
    letters_cancelled: int = 0
    consents: int = 0
    reports: int = 0

    @property
    def anything(self) -> bool:
        return bool(self.submissions or self.consents or self.reports)


def erase_link(base_url: str, secret_key: str, public_id: str, language: str) -> str:
    """The link in a supporter's mail that erases their data (after a button: see views)."""
    token = ErasureTokens(secret_key).make(public_id)
    return f"{base_url}/erase/{token}?lang={quote(language)}"


def erase_supporter(session: Session, email: str, now: datetime | None = None) -> Erased:
    """Erase everything about the supporter with this e-mail address (case ignored)."""
    return _erase(session, _normalised(email), [], now or utcnow())


def erase_by_link(session: Session, public_id: str, now: datetime | None = None
                  ) -> Erased | None:
    """Erase the supporter a mail's link names, with everything under their address; None
    if there is no such submission."""
    submission = session.scalars(
        select(Submission).where(Submission.public_id == public_id)).first()
    if submission is None:
        return None
    return _erase(session, _normalised(submission.supporter_email), [submission.id],
                  now or utcnow())


def is_erased(session: Session, public_id: str) -> bool | None:
    """Whether the link's submission holds nothing personal any more; None if unknown."""
    row = session.execute(select(Submission.erased_at, Submission.supporter_email).where(
        Submission.public_id == public_id)).first()
    if row is None:
        return None
    return row.erased_at is not None and not row.supporter_email


def _normalised(email: str) -> str:
    return (email or "").strip().lower()


def _erase(session: Session, address: str, ids: list[int], now: datetime) -> Erased:
    # An erased submission's address is empty: an empty address must match none of them.
    # Not indexed (nothing else looks submissions up by address): a scan, for a rare request.
    if address:
        ids = sorted({*ids, *session.scalars(select(Submission.id).where(
            func.lower(Submission.supporter_email) == address))})
    rows = session.execute(select(Submission.supporter_name, Submission.supporter_email,
                                  Submission.supporter_town, Submission.postcode)
                           .where(Submission.id.in_(ids))).all() if ids else []
    names = [row.supporter_name for row in rows]
    personal = [*names, *(row.supporter_email for row in rows),
                *(row.supporter_town for row in rows), *(row.postcode for row in rows)]
    cancelled = 0
    if ids:
        for state in _STOPPABLE:
            cancelled += len(move_letters(
                session, Letter.submission_id.in_(ids) & (Letter.state == state),
                state, LetterState.CANCELLED, CANCEL_REASON))
        erase_submissions(session, ids, now, keep_subscribers=False, personal=personal)
    consents = 0
    if address:
        consents = rowcount(session.execute(
            delete(PartnerConsent).where(func.lower(PartnerConsent.supporter_email) == address)
            .execution_options(synchronize_session=False)))
    return Erased(submissions=len(ids), letters_cancelled=cancelled, consents=consents,
                  reports=_scrub_reports(session, [address, *names]))


def _scrub_reports(session: Session, words: list[str]) -> int:
    """The supporter's address and name out of reports about the data, which ask for
    neither but may quote them; the reports stay for staff. Returns how many changed."""
    words = [word for word in words if word and word.strip()]
    if not words:
        return 0
    changed = 0
    for report_id, message in session.execute(
        select(DataReport.id, DataReport.message).where(
            or_(*(DataReport.message.icontains(word.strip(), autoescape=True)
                  for word in words)))
    ).all():
        session.execute(update(DataReport).where(DataReport.id == report_id)
                        .values(message=without_words(message, words)))
        changed += 1
    return changed
