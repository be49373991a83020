"""Known letters for the campaign dashboard's tests: what they are, and what must be counted.

A campaign of its own (SLUG), so letters of other tests in the shared PostgreSQL database do
not enter its numbers; `clear` removes it and every count the dashboard kept.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from database import utcnow
from webapp.models import (
    Campaign,
    DashboardCount,
    DashboardCursor,
    DeliveryPause,
    DraftCount,
    Letter,
    LetterEvent,
    LetterState,
    LetterText,
    PendingLetter,
    PendingLetters,
    Submission,
)

SLUG = "dashboard-test"
PAUSE_REASON = "dashboard_test"
# The moment the tests look from: noon UTC, so that days do not shift with the clock.
NOW = utcnow().replace(hour=12, minute=0, second=0, microsecond=0)
DAY_1 = NOW - timedelta(days=3)
DAY_2 = NOW - timedelta(days=1)

# What the letters below must give.
EXPECTED = {
    "letters": 5,
    "countries": [("NL", 3), ("GB", 2)],
    # t:nl-minister, t:gb-minister (directory); t:nl-mep (directory) and mep:999 (by its id);
    # zz:1 is neither.
    "kinds": [("mep", 2), ("minister", 2), ("unknown", 1)],
    "partners": [("", 3), ("acme", 2)],
    "languages": [("nl", 3), ("en", 2)],
    "submitted": 4,
    "confirmed": 3,
    "drafts": 6,
    "states": {"queued": 5, "sent": 2, "delivered": 1, "bounced": 1, "failed": 1},
}


def _submission(session: Session, key: str, country: str, created: datetime,
                partner: str | None = None, confirmed: bool = True) -> Submission:
    campaign = session.scalars(select(Campaign).where(Campaign.slug == SLUG)).one()
    submission = Submission(
        public_id=f"dash-{key}", form_key=f"dash-{key}", campaign_id=campaign.id,
        supporter_name="A Supporter", supporter_email=f"{key}@example.org", country=country,
        language="en", partner_code=partner, created_at=created,
        confirmed_at=created + timedelta(minutes=5) if confirmed else None)
    if not confirmed:
        submission.pending_letters = PendingLetters.pack([PendingLetter(
            "t:nl-minister", "Anna de Vries", "anna@example.nl", "Geachte mevrouw,",
            "Een verdrag", "Alstublieft.", "nl")])
    session.add(submission)
    session.flush()
    return submission


def add_letter(session: Session, submission: Submission, target_id: str, language: str,
               moves: list[tuple[str, datetime]], error: str | None = None) -> Letter:
    """A letter written when its submission was, queued when confirmed, then moved through
    `moves` (state, when), each with its event, as the outbox writes them."""
    text = LetterText(submission_id=submission.id, subject="A treaty", body="Please.",
                      language=language)
    session.add(text)
    session.flush()
    confirmed = submission.confirmed_at or submission.created_at
    letter = Letter(submission_id=submission.id, campaign_id=submission.campaign_id,
                    target_id=target_id, target_name=target_id, to_address="x@example.org",
                    text_id=text.id, state=LetterState.QUEUED,
                    created_at=submission.created_at, last_error=error)
    session.add(letter)
    session.flush()
    session.add(LetterEvent(letter_id=letter.id, from_state=PendingLetters.STATE,
                            to_state=LetterState.QUEUED, reason="confirmed", at=confirmed))
    state = LetterState.QUEUED
    for to_state, at in moves:
        reason = error if error and to_state in ("failed", "bounced") else "test"
        session.add(LetterEvent(letter_id=letter.id, from_state=state, to_state=to_state,
                                reason=reason, at=at))
        state = to_state
    letter.state = state
    session.flush()
    return letter


def fill(session: Session) -> dict[str, int]:
    """The campaign, its submissions, letters, drafts and a pause; the ids of some letters."""
    session.add(Campaign(slug=SLUG, send_window_start=8, send_window_end=18,
                         send_window_tz="Europe/Amsterdam", per_target_hourly_cap=7))
    session.flush()
    nl = _submission(session, "nl", "NL", DAY_1)
    first = add_letter(session, nl, "t:nl-minister", "nl", [
        ("sending", DAY_2), ("sent", DAY_2), ("delivered", DAY_2 + timedelta(hours=1))])
    add_letter(session, nl, "t:nl-mep", "nl", [])
    gb = _submission(session, "gb", "GB", DAY_2, partner="acme")
    add_letter(session, gb, "t:gb-minister", "en", [("failed", DAY_2)], error="mailbox full")
    add_letter(session, gb, "mep:999", "en", [("sent", DAY_2), ("bounced", NOW)],
               error="mail service: bounce")
    nl_later = _submission(session, "nl-later", "NL", DAY_2)
    add_letter(session, nl_later, "zz:1", "nl", [])
    _submission(session, "unconfirmed", "NL", DAY_2, confirmed=False)
    campaign_id = nl.campaign_id
    session.add_all([DraftCount(campaign_id=campaign_id, day=DAY_1.date(), country="NL",
                                letters=4),
                     DraftCount(campaign_id=campaign_id, day=DAY_2.date(), country="GB",
                                letters=2)])
    session.add(DeliveryPause(reason=PAUSE_REASON, detail="too many requests",
                              until=NOW + timedelta(hours=1)))
    session.flush()
    return {"campaign": campaign_id, "first": first.id}


def clear(session: Session) -> None:
    campaign_ids = select(Campaign.id).where(Campaign.slug == SLUG).scalar_subquery()
    submissions = select(Submission.id).where(Submission.campaign_id == campaign_ids)
    letters = select(Letter.id).where(Letter.campaign_id == campaign_ids)
    session.execute(delete(LetterEvent).where(LetterEvent.letter_id.in_(letters)))
    session.execute(delete(Letter).where(Letter.campaign_id == campaign_ids))
    session.execute(delete(LetterText).where(LetterText.submission_id.in_(submissions)))
    session.execute(delete(Submission).where(Submission.campaign_id == campaign_ids))
    session.execute(delete(DraftCount).where(DraftCount.campaign_id == campaign_ids))
    # Counts kept of other tests' letters go too: the cursors start again from the start.
    session.execute(delete(DashboardCount))
    session.execute(delete(DashboardCursor))
    session.execute(delete(DeliveryPause).where(DeliveryPause.reason == PAUSE_REASON))
    session.execute(delete(Campaign).where(Campaign.slug == SLUG))
    session.commit()


def settle_everything(session: Session) -> None:
    """Make the cursors count every row now on the next page."""
    session.execute(update(DashboardCursor).values(pending_since=NOW - timedelta(days=1)))
