"""`flask campaigns ...`: the campaigns' rows in the database."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from ..app_state import app_state
from . import sync_campaigns

campaigns_cli = AppGroup("campaigns", help="Campaigns.")


@campaigns_cli.command("sync")
def campaigns_sync():
    """Create a database row for each campaign folder in letters/campaigns."""
    state = app_state()
    with state.database.session_factory() as session:
        added = sync_campaigns(session, state.campaigns)
        session.commit()
    click.echo(f"campaigns added: {', '.join(added) or 'none'}")
