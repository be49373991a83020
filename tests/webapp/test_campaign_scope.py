"""What staff set about a campaign reaches supporters: countries, kinds of target, deadline."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import delete, select

from webapp.app_state import app_state
from webapp.models import Campaign, Submission
from webapp.staff.content import bump_revision
from webapp.staff.models import CampaignSettings

from .flow import SLUG, letters_form, step_one, step_two
from .pages import text


@pytest.fixture
def configure(app):
    def set_(**values):
        with app_state(app).database.session_factory() as session:
            campaign_id = session.scalar(select(Campaign.id).where(Campaign.slug == SLUG))
            session.execute(delete(CampaignSettings))
            session.add(CampaignSettings(campaign_id=campaign_id, **values))
            bump_revision(session)
            session.commit()
        app_state(app).campaigns.invalidate()

    yield set_
    # The PostgreSQL database is shared between tests.
    with app_state(app).database.session_factory() as session:
        session.execute(delete(CampaignSettings))
        bump_revision(session)
        session.commit()


def test_only_the_kinds_of_target_the_campaign_addresses(client, configure):
    configure(target_kinds="mep")
    page = text(step_one(client))
    assert "Pieter JANSEN" in page and "Anna de Vries" not in page


def test_only_supporters_from_the_campaign_countries(app, client, configure):
    configure(countries="GB")
    response = step_one(client)
    assert response.status_code == 422
    assert "This campaign takes letters from supporters in United Kingdom." in text(response)
    assert step_one(client, country="GB").status_code == 200


def test_after_the_deadline_no_letters(app, client, configure):
    fields = letters_form(step_one(client))
    configure(deadline=date.today() - timedelta(days=1))
    assert "no longer takes letters" in text(client.get(f"/c/{SLUG}"))
    response = step_two(client, fields)
    assert response.status_code == 409
    with app_state(app).database.session_factory() as session:
        assert session.scalars(select(Submission)).all() == []
