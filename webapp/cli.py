"""The app's own commands (`flask db ...`, `flask setup`); each feature adds its own group
from its `cli.py`."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from .campaigns.cli import campaigns_cli, campaigns_sync
from .db import get_database
from .delivery.cli import delivery_cli
from .directory.cli import reps_cli, run_import_command
from .partners.cli import partners_cli
from .staff.cli import staff_cli

db_cli = AppGroup("db", help="Database migrations.")


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


@click.command("setup")
def setup():
    """Migrate, load the campaigns and the project's default data: ready to serve."""
    ctx = click.get_current_context()
    ctx.invoke(db_upgrade)
    ctx.invoke(campaigns_sync)

    run_import_command("default", None, dry_run=False, partial=False)


def init_app(app: Flask) -> None:
    for group in (db_cli, reps_cli, delivery_cli, campaigns_cli, partners_cli, staff_cli):
        app.cli.add_command(group)
    app.cli.add_command(setup)
