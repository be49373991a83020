"""`flask reps ...`: importing and checking the representatives data."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from .db import get_database

reps_cli = AppGroup("reps", help="Representatives data.")


def run_import_command(fmt: str, source: str | None, dry_run: bool, partial: bool,
                       allow_mass_retirement: bool = False) -> None:
    """Run one importer, print its report, and fail the command when rows were rejected."""
    from representatives.importers import IMPORTERS, run_import

    if fmt not in IMPORTERS:
        raise click.BadParameter(f"unknown format {fmt!r}; one of: {', '.join(IMPORTERS)}")
    report = run_import(get_database().session_factory, fmt, source or None,
                        dry_run=dry_run, partial=partial,
                        allow_mass_retirement=allow_mass_retirement)
    current_app.extensions["directory"].invalidate()
    click.echo(report.summary())
    if report.rejected and not (partial or dry_run):
        raise SystemExit(1)


@reps_cli.command("import")
@click.argument("fmt", metavar="FORMAT")
@click.argument("source", metavar="FILE", required=False)
@click.option("--dry-run", is_flag=True, help="Check and report, change nothing.")
@click.option("--partial", is_flag=True, help="Import the valid rows even if some are rejected.")
@click.option("--allow-mass-retirement", is_flag=True,
              help="Allow retiring more than half of a source's people (after an election).")
def reps_import(fmt: str, source: str | None, dry_run: bool, partial: bool,
                allow_mass_retirement: bool):
    """Import representatives from FILE in FORMAT (`default` needs no file)."""
    run_import_command(fmt, source, dry_run, partial, allow_mass_retirement)
