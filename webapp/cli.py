"""Commands: `flask db ...`, `flask setup`, `flask campaigns ...`."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from .db import get_database

db_cli = AppGroup("db", help="Database migrations.")
campaigns_cli = AppGroup("campaigns", help="Campaigns.")


def alembic_config():
    from alembic.config import Config as AlembicConfig

    config = AlembicConfig()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    config.attributes["engine"] = get_database().engine
    return config


@db_cli.command("upgrade")
@click.argument("revision", default="heads")
def db_upgrade(revision: str):
    """Apply migrations up to REVISION (default: the latest)."""
    from alembic import command

    command.upgrade(alembic_config(), revision)
    click.echo(f"database at {revision}")


@db_cli.command("revision")
@click.option("-m", "--message", required=True)
def db_revision(message: str):
    """Write a new migration from the difference between the models and the database."""
    from alembic import command

    command.revision(alembic_config(), message=message, autogenerate=True)


@campaigns_cli.command("sync")
def campaigns_sync():
    """Create a database row for each campaign folder in letters/campaigns."""
    from .services import sync_campaigns

    with get_database().session_factory() as session:
        added = sync_campaigns(session, current_app.extensions["campaigns"])
        session.commit()
    click.echo(f"campaigns added: {', '.join(added) or 'none'}")


@click.command("setup")
def setup():
    """Migrate, load the campaigns and the project's default data: ready to serve."""
    ctx = click.get_current_context()
    ctx.invoke(db_upgrade)
    ctx.invoke(campaigns_sync)
    from .reps_cli import run_import_command

    run_import_command("default", None, dry_run=False, partial=False)


def init_app(app: Flask) -> None:
    from .delivery_cli import delivery_cli
    from .reps_cli import reps_cli

    for group in (db_cli, reps_cli, delivery_cli, campaigns_cli):
        app.cli.add_command(group)
    app.cli.add_command(setup)
