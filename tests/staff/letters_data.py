"""Letters, submissions and partners written straight into the database for the staff tests
of the letter browser, the exports and the delivery controls."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import select

from database import utcnow
from webapp.app_state import app_state
from webapp.models import Campaign, Letter, LetterEvent, LetterText, Submission
from webapp.partners.models import Partner, PartnerConsent
from webapp.staff.models import AuditEntry

SLUG = "treaty-at-next-summit"


def campaign_id(app, slug: str = SLUG) -> int:
    with app_state(app).database.session_factory() as session:
        return session.scalar(select(Campaign.id).where(Campaign.slug == slug))


def add_submission(app, *, country: str = "NL", partner: str | None = None,
                   name: str = "Ada Supporter", email: str = "ada@example.org",
                   wants_updates: bool = False, confirmed: bool = True,
                   erased: bool = False, created_at: datetime | None = None,
                   letters: list[tuple[str, str, str]] = (),
                   body: str = "Please sign the treaty.") -> list[int]:
    """A submission with a letter per (target_id, target_name, state); the letters' ids."""
    created_at = created_at or utcnow()
    with app_state(app).database.session_factory() as session:
        submission = Submission(
            public_id=secrets.token_hex(8), form_key=secrets.token_hex(8),
            campaign_id=campaign_id(app), supporter_name=name, supporter_email=email,
            country=country, language="en", wants_updates=wants_updates,
            partner_code=partner, created_at=created_at,
            confirmed_at=created_at if confirmed else None,
            erased_at=created_at + timedelta(days=1) if erased else None)
        session.add(submission)
        session.flush()
        letter_text = LetterText(submission_id=submission.id, subject="" if erased else "Treaty",
                                 body="" if erased else body, language="en")
        session.add(letter_text)
        session.flush()
        rows = []
        for target_id, target_name, state in letters:
            letter = Letter(submission_id=submission.id, campaign_id=submission.campaign_id,
                            target_id=target_id, target_name=target_name,
                            to_address="" if erased else f"{target_id[2:]}@gov.example",
                            text_id=letter_text.id, salutation="" if erased else "Dear Minister,",
                            state=state, created_at=created_at)
            session.add(letter)
            session.flush()
            session.add(LetterEvent(letter_id=letter.id, from_state="pending_confirmation",
                                    to_state="queued", reason="confirmed", at=created_at))
            if state != "queued":
                session.add(LetterEvent(letter_id=letter.id, from_state="queued",
                                        to_state=state, reason=f"now {state}",
                                        at=created_at + timedelta(minutes=1)))
            rows.append(letter.id)
        session.commit()
        return rows


def add_partner(app, code: str, consents: list[tuple[str, str]]) -> int:
    with app_state(app).database.session_factory() as session:
        partner = Partner(code=code, name=code.title(), allowed_origins="", active=True,
                          consent_text="Hear from us")
        session.add(partner)
        session.flush()
        for name, email in consents:
            session.add(PartnerConsent(partner_id=partner.id, campaign_id=campaign_id(app),
                                       supporter_name=name, supporter_email=email,
                                       language="en", consent_text="Hear from us"))
        session.commit()
        return partner.id


def audit_actions(app) -> list[tuple[str, str, str, str]]:
    with app_state(app).database.session_factory() as session:
        return [tuple(row) for row in session.execute(
            select(AuditEntry.actor, AuditEntry.action, AuditEntry.subject, AuditEntry.detail)
            .order_by(AuditEntry.id))]
