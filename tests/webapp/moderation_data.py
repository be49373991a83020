"""Submissions written straight into the database, and moderation rules, for the tests of
moderation (tests/webapp/test_moderation.py, tests/staff/test_moderation_staff.py)."""

from __future__ import annotations

import secrets

from sqlalchemy import delete, select

from webapp.app_state import app_state
from webapp.models import Campaign, ModerationRules, PendingLetter, PendingLetters, Submission

SLUG = "treaty-at-next-summit"
MINISTER = ("t:nl-minister", "Anna de Vries", "minister@ezk.example.org")
MEP = ("t:nl-mep", "Pieter JANSEN", "pieter.jansen@ep.example.org")
TEXT = ("Please support a binding international treaty on artificial intelligence at the next "
        "summit, with independent oversight and clear red lines for the most dangerous "
        "systems. My children deserve a future we chose together.")


def campaign_id(session) -> int:
    return session.scalar(select(Campaign.id).where(Campaign.slug == SLUG))


def set_rules(app, **values) -> None:
    with app_state(app).database.session_factory() as session:
        cid = campaign_id(session)
        session.execute(delete(ModerationRules).where(ModerationRules.campaign_id == cid))
        session.add(ModerationRules(campaign_id=cid, **values))
        session.commit()


def clear_rules(app) -> None:
    with app_state(app).database.session_factory() as session:
        session.execute(delete(ModerationRules))
        session.commit()


def add_submission(session, *, email: str = "jane@example.org", name: str = "Jane Doe",
                   letters=((MINISTER, "A treaty now", TEXT), (MEP, "A treaty now", TEXT)),
                   ) -> Submission:
    """A submission waiting for confirmation; letters with the same subject and text share
    one text (as PendingLetters keeps them)."""
    pending = [PendingLetter(target_id, target_name, address, f"Dear {target_name},", subject,
                             text, "en")
               for (target_id, target_name, address), subject, text in letters]
    submission = Submission(public_id=secrets.token_hex(8), form_key=secrets.token_hex(16),
                            campaign_id=campaign_id(session), supporter_name=name,
                            supporter_email=email, country="NL", language="en",
                            pending_letters=PendingLetters.pack(pending))
    session.add(submission)
    session.flush()
    return submission
