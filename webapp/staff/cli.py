"""`flask staff ...`: accounts from the command line (the first admin is made here)."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup
from sqlalchemy import select

from ..db import get_database
from . import auth
from .models import Role, StaffUser

staff_cli = AppGroup("staff", help="Staff accounts.")


@staff_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.VIEWER.value,
              show_default=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create(email: str, role: str, password_stdin: bool):
    """Create a staff account (asks for the password)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if len(password) < 12:
        raise click.ClickException("the password needs at least 12 characters")
    with get_database().session_factory() as session:
        email = email.strip().lower()
        if session.scalars(select(StaffUser).where(StaffUser.email == email)).first():
            raise click.ClickException(f"{email} has an account already")
        user = auth.create_user(session, email, password, Role(role))
        session.add(auth.AuditEntry(actor="(command line)", action="user.create",
                                    subject=email, detail=f"role {role}", user_id=None,
                                    at=auth.utcnow()))
        session.commit()
        click.echo(f"created {user.email} ({role})")


@staff_cli.command("list")
def list_users():
    """List staff accounts."""
    with get_database().session_factory() as session:
        for user in session.scalars(select(StaffUser).order_by(StaffUser.email)):
            state = "active" if user.active else "disabled"
            click.echo(f"{user.email}\t{user.role}\t{state}")


@staff_cli.command("dashboard-counts")
def dashboard_counts():
    """Count settled letters into the dashboards' kept counts (webapp/staff/dashboard.py).

    Pages do it too, and so does the delivery sweep every minute, which keeps that work off
    them; by hand, run twice SETTLE apart, it makes a first count at once.
    """
    from .dashboard import bring_counts_up_to_date

    with get_database().session_factory() as session:
        counted = bring_counts_up_to_date(session, auth.utcnow())
        session.commit()
    click.echo(" ".join(f"{source} {through}" for source, through in sorted(counted.items())))
