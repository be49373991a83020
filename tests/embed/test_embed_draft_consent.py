"""A partner's consent ticked in the embed, letters opened in the mail app: it counts only
once the supporter confirms their address by the mail we send."""

from __future__ import annotations

from sqlalchemy import select

from tests.webapp.flow import run_worker
from tests.webapp.pages import csrf_token, text
from tests.webapp.test_draft_consent import _consent_link
from webapp.app_state import app_state
from webapp.models import Submission
from webapp.partners.models import PartnerConsent

from .support import CONSENT, FRAME_ORIGIN, embed_step_one, embed_step_two


def test_a_partner_consent_on_the_draft_path_is_recorded_after_the_mail(app, partner, outbox):
    client = app.test_client()
    response = embed_step_one(client, consent=True)
    drafted = embed_step_two(client, response, "draft")
    assert drafted.status_code == 200, text(drafted)
    with app_state(app).database.session_factory() as session:
        [(wants_updates, consent_text)] = session.execute(select(
            Submission.wants_updates, Submission.partner_consent_text)).all()
        assert not wants_updates and consent_text == CONSENT
        assert session.scalars(select(PartnerConsent)).all() == []

    run_worker(app)
    link = _consent_link(outbox)
    page = client.get(link, headers=FRAME_ORIGIN)
    client.post(link, data={"csrf_token": csrf_token(page.get_data(as_text=True))})
    client.post(link, data={"csrf_token": csrf_token(page.get_data(as_text=True))})  # twice
    with app_state(app).database.session_factory() as session:
        [consent] = session.scalars(select(PartnerConsent)).all()
        assert consent.supporter_email == "jane@example.org" and consent.consent_text == CONSENT
