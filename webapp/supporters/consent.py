"""Consents given on the draft path: "keep me informed", and a partner's box.

A supporter who opens their letters in their own mail app leaves us no confirmed address.
If they ticked "keep me informed" or a partner's consent box all the same, we keep their name
and address only to ask them, by mail, to confirm: the consents count once they click (like
letters sent for them, whose confirmation makes them count: operations.confirm_letters), and
never before. Such a request is a submission without letters, and its mail a notice of kind
"consent". Unconfirmed, it is erased with the other unconfirmed submissions
(delivery.retention).

No Flask here.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import TYPE_CHECKING

from sqlalchemy import insert, update
from sqlalchemy.orm import Session

from database import rowcount, utcnow

from ..models import Campaign, Notice, NoticeKind, NoticeState, Submission
from ..partners import service as partners

if TYPE_CHECKING:
    from .operations import Sender, Via


def asks_for_consent(sender: Sender, via: Via) -> bool:
    """Whether the supporter ticked anything that needs their address confirmed."""
    return sender.wants_updates or via.consent_text() is not None


def store_consent_request(session: Session, campaign: Campaign, sender: Sender,
                          form_key: str, via: Via) -> int:
    """A submission without letters, holding the consents until they are confirmed, and the
    mail asking to confirm them. Returns the mail's id. Raises IntegrityError, storing
    nothing, when the form sent the same request before (a double submit)."""
    now = utcnow()
    # A key of its own, made from the form's: the same form sent again with "send it for me"
    # (the browser's back button) must still store its letters.
    form_key = "consent-" + hashlib.sha256(form_key.encode()).hexdigest()[:48]
    supporter = sender.supporter
    # Only what the consents need: no town, no postcode, no letters.
    submission_id = session.execute(insert(Submission).returning(Submission.id), dict(
        public_id=secrets.token_hex(16), form_key=form_key, campaign_id=campaign.id,
        supporter_name=supporter.name, supporter_email=supporter.email, supporter_town="",
        country=supporter.country, postcode="", language=sender.language,
        wants_updates=sender.wants_updates, created_at=now,
        partner_code=via.partner.code if via.partner else None,
        partner_consent_text=via.consent_text(), pending_letters=None,
    )).scalar_one()
    return session.execute(insert(Notice).returning(Notice.id), dict(
        submission_id=submission_id, kind=NoticeKind.CONSENT, to_address=supporter.email,
        state=NoticeState.QUEUED, attempts=0, created_at=now, enqueued_at=now,
    )).scalar_one()


def is_consent_request(submission: Submission) -> bool:
    """A submission made by the draft path to confirm consents: it never held letters."""
    return (submission.erased_at is None and not submission.letters
            and submission.pending_letters is None)


def confirm_consent(session: Session, submission: Submission) -> bool:
    """The supporter clicked the link: their address is confirmed, their consents count.

    Recorded by the one click that confirms, never twice; False if it was confirmed before.
    Flushes only: the caller commits.
    """
    claimed = rowcount(session.execute(
        update(Submission.__table__)
        .where(Submission.id == submission.id, Submission.confirmed_at.is_(None),
               Submission.erased_at.is_(None))
        .values(confirmed_at=utcnow())))
    if not claimed:
        return False
    if submission.partner_consent_text:
        record_partner_consent(session, submission, submission.partner_consent_text)
    return True


def record_partner_consent(session: Session, submission: Submission, consent_text: str) -> None:
    """The partner's box the supporter ticked, recorded now that their address is confirmed."""
    # A partner switched off since gets no new consents.
    partner = partners.get_partner(session, submission.partner_code or "")
    if partner is not None:
        partners.record_consent(session, partner, campaign_id=submission.campaign_id,
                                name=submission.supporter_name,
                                email=submission.supporter_email,
                                language=submission.language, consent_text=consent_text)
