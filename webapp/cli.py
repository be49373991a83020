"""Commands: `flask db upgrade`, `flask setup`, `flask delivery ...`."""

from __future__ import annotations

import signal
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from .db import get_database

db_cli = AppGroup("db", help="Database migrations.")
delivery_cli = AppGroup("delivery", help="Sending letters.")
campaigns_cli = AppGroup("campaigns", help="Campaigns.")


def alembic_config():
    from alembic.config import Config as AlembicConfig

    config = AlembicConfig()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    config.attributes["engine"] = get_database().engine
    return config


@db_cli.command("upgrade")
@click.argument("revision", default="head")
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


def make_worker(app: Flask):
    from .delivery.outbox import Worker
    from .delivery.retention import purge
    from .mail import letter_message, notice_message

    config = app.extensions["app_config"]

    return Worker(
        session_factory=get_database().session_factory,
        backend=app.extensions["mail_backend"],
        build_letter=lambda letter: letter_message(app, letter),
        build_notice=lambda notice: notice_message(app, notice),
        housekeeping=lambda session: purge(
            session, retention_days=config.retention_days,
            confirm_max_age_seconds=config.confirm_max_age_seconds),
    )


@delivery_cli.command("worker")
@click.option("--once", is_flag=True, help="Send what is due now, then stop.")
@click.option("--poll", default=1.0, show_default=True, help="Seconds between looks at the outbox.")
def delivery_worker(once: bool, poll: float):
    """Send confirmed letters and the mails to supporters."""
    worker = make_worker(current_app._get_current_object())
    if once:
        result = worker.run_once()
        click.echo(f"sent {result.sent}, failed {result.failed}, to retry {result.retried}")
        return
    stopping = []
    # Finish the message in hand, then stop: a TERM from the process manager loses nothing.
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    click.echo("worker started")
    worker.run_forever(poll_seconds=poll, should_stop=lambda: bool(stopping))


@delivery_cli.command("purge")
def delivery_purge():
    """Cancel expired unconfirmed letters; erase texts and details past their retention."""
    from .delivery.retention import purge

    config = current_app.extensions["app_config"]
    with get_database().session_factory() as session:
        result = purge(session, retention_days=config.retention_days,
                       confirm_max_age_seconds=config.confirm_max_age_seconds)
        session.commit()
    click.echo(f"cancelled {result.cancelled} unconfirmed letters, "
               f"erased {result.erased_submissions} submissions")


@delivery_cli.command("status")
def delivery_status():
    """Letters per state."""
    from .models import Letter

    with get_database().session_factory() as session:
        rows = session.execute(select(Letter.state, func.count()).group_by(Letter.state)).all()
    for state, count in sorted(rows):
        click.echo(f"{state:22} {count}")


def init_app(app: Flask) -> None:
    from .reps_cli import reps_cli

    for group in (db_cli, reps_cli, delivery_cli, campaigns_cli):
        app.cli.add_command(group)
    app.cli.add_command(setup)
