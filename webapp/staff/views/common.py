"""Helpers that several staff feature modules share: loading a campaign, storing content."""

from __future__ import annotations

from flask import abort
from sqlalchemy import select

from letters.templates import CampaignContent

from ...app_state import app_state
from ...db import get_session
from ...models import Campaign


def campaign_or_404(slug: str) -> Campaign:
    """The campaign with this slug, or a 404."""
    campaign = get_session().scalars(select(Campaign).where(Campaign.slug == slug)).first()
    if campaign is None:
        abort(404)
    return campaign


def content_or_404(slug: str) -> CampaignContent:
    """The campaign's content as supporters see it, or a 404."""
    campaigns = app_state().campaigns
    content = campaigns.get(slug)
    if content is None:
        # A staff campaign that is not complete yet reads as the default one.
        content = campaigns.get(app_state().config.default_campaign)
    if content is None:
        abort(404)
    return content


def commit_content() -> None:
    """Commit the staff change, and rebuild this process's campaign content at once."""
    # Other processes notice the bumped content revision; this one must not serve stale text
    # to the staff member who is about to look at the result.
    get_session().commit()
    app_state().campaigns.invalidate()
