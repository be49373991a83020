"""Partners for the embed and API tests, made through the same service the commands use."""

from __future__ import annotations

from sqlalchemy import delete

from webapp.app_state import app_state
from webapp.partners import service
from webapp.partners.models import ApiKey, Partner, PartnerConsent, PartnerDraftCount

PARTNER = "greens"
PARTNER_ORIGIN = "https://partner.example"
CONSENT = "Yes, Greens for AI Safety may e-mail me about their work."


def add_partner(app, code=PARTNER, origins=(PARTNER_ORIGIN,), consent_text=CONSENT,
                privacy_url="https://partner.example/privacy", name="Greens for AI Safety"):
    """Create a partner (and return a fresh API key for it)."""
    with app_state(app).database.session_factory() as session:
        partner = service.create_partner(session, code=code, name=name, origins=list(origins),
                                         privacy_url=privacy_url, consent_text=consent_text)
        key = service.create_key(session, partner, "tests")
        session.commit()
    return key


def clear_partners(app) -> None:
    """PostgreSQL keeps its tables between tests (see tests/conftest.py): start empty."""
    with app_state(app).database.session_factory() as session:
        for model in (PartnerConsent, PartnerDraftCount, ApiKey, Partner):
            session.execute(delete(model))
        session.commit()
