"""The app's own commands (`flask db ...`, `flask setup`, `flask dev`); each feature adds its
own group from its `cli.py`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup
from werkzeug.serving import run_simple

from .app_state import current_app_object
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


@click.command("dev")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
def dev(host: str, port: int):
    """Serve the app with a delivery worker (and its sweep) beside it; Ctrl+C stops both."""
    # The worker runs in a session of its own, so that the terminal's Ctrl+C reaches only this
    # process; it then gets the TERM that makes it finish the letters in hand and stop.
    worker = subprocess.Popen([sys.executable, "-m", "flask", "delivery", "worker", "--sweep"],
                              start_new_session=True)
    try:
        run_simple(host, port, current_app_object(), threaded=True)
    except KeyboardInterrupt:
        pass
    finally:
        worker.terminate()
        worker.wait()


def init_app(app: Flask) -> None:
    for group in (db_cli, reps_cli, delivery_cli, campaigns_cli, partners_cli, staff_cli):
        app.cli.add_command(group)
    app.cli.add_command(setup)
    app.cli.add_command(dev)
