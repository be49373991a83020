"""`flask reps ...`: importing, checking, counting and exporting the representatives data."""

from __future__ import annotations

import io
import sys
from contextlib import nullcontext
from pathlib import Path

import click
from flask.cli import AppGroup

from ..app_state import app_state
from ..db import get_database

reps_cli = AppGroup("reps", help="Representatives data.")

# Reasons printed per list; the rest are counted, so a broken file does not flood the terminal.
SHOW_REASONS = 50


def _where(where: int | str, path: str) -> str:
    if where == 0:
        return "file"
    if isinstance(where, int):
        # CSV importers count lines; the YAML and JSON importers count entries.
        unit = "line" if Path(path).suffix.lower() in (".csv", ".tsv", ".txt") else "entry"
        return f"{unit} {where}"
    return where


# A problem found on at least this many rows is printed once, with a count.
REPEATED = 3


def grouped_reasons(reasons: list) -> list[tuple[list, str]]:
    """Reasons with the rows they apply to, in the order each problem first appears: a problem
    repeated on many rows ("Jane Doe: bad language 'xx'", "John Roe: bad language 'xx'", ...)
    once, for all its rows."""
    rows: dict[str, list] = {}
    for where, why in reasons:
        name, separator, problem = why.partition(": ")
        rows.setdefault(problem if separator and name else why, []).append((where, why))
    grouped: list[tuple[list, str]] = []
    for problem, found in rows.items():
        if len(found) >= REPEATED:
            grouped.append(([where for where, _ in found], problem))
        else:
            grouped.extend(([where], why) for where, why in found)
    return grouped


def _echo_reasons(title: str, reasons: list, path: str, *, err: bool) -> None:
    if not reasons:
        return
    click.echo(f"{title} ({len(reasons)}):", err=err)
    grouped = grouped_reasons(reasons)
    for places, why in grouped[:SHOW_REASONS]:
        if len(places) == 1:
            click.echo(f"  {_where(places[0], path)}: {why}", err=err)
        else:
            shown = ", ".join(str(_where(p, path)) for p in places[:3])
            click.echo(f"  {len(places)} rows ({shown}, ...): {why}", err=err)
    if len(grouped) > SHOW_REASONS:
        click.echo(f"  ... and {len(grouped) - SHOW_REASONS} more", err=err)


def _progress(label: str):
    """A progress bar on the terminal; nothing when the output goes to a file or a pipe."""
    if not sys.stderr.isatty():
        return nullcontext(None)
    return click.progressbar(length=100, label=label, file=sys.stderr, show_eta=False)


def run_import_command(fmt: str, path: str | None, dry_run: bool, partial: bool,
                       allow_mass_retirement: bool = False, **options) -> None:
    """Run one importer, print its report, and fail the command when rows were rejected."""
    from representatives.importers import IMPORTERS, progress_to, run_import

    if fmt not in IMPORTERS:
        raise click.BadParameter(f"unknown format {fmt!r}; one of: {', '.join(IMPORTERS)}")
    with _progress(f"{fmt}") as bar:

        def advance(fraction: float) -> None:
            if bar is not None and (step := int(fraction * 100) - bar.pos) > 0:
                bar.update(step)

        with progress_to(advance):
            report = run_import(get_database().session_factory, fmt, path or None,
                                dry_run=dry_run, partial=partial,
                                allow_mass_retirement=allow_mass_retirement, **options)
    app_state().directory.invalidate()
    click.echo(report.summary())
    _echo_reasons("Rejected", report.rejected, report.path, err=False)
    _echo_reasons("Warnings", report.warnings, report.path, err=False)
    _echo_reasons("Notes", report.notes, report.path, err=False)
    _echo_reasons("Kept as staff left them", report.kept, report.path, err=False)
    if report.rejected and not report.written and not dry_run:
        hint = "" if partial else ", or import the valid rows with --partial"
        click.echo(f"Nothing was written: fix the file{hint}.")
    # Rejected rows fail the command, unless --partial wrote the others; a command that wrote
    # nothing at all because of them (a file-level error, even with --partial) fails too.
    if report.rejected and not dry_run and (not partial or not report.written):
        raise SystemExit(1)


def _formats() -> str:
    from representatives.importers import IMPORTERS

    return ", ".join(IMPORTERS)


class _ImportCommand(click.Command):
    """`reps import`, whose help ends with what each format reads (known only once the
    importers are loaded, which the other commands do not need)."""

    def format_epilog(self, ctx, formatter) -> None:
        from representatives.importers import FORMAT_FIELDS

        with formatter.section("Formats and their fields"):
            formatter.write_dl(list(FORMAT_FIELDS.items()))


@reps_cli.command("import", cls=_ImportCommand)
@click.argument("fmt", metavar="FORMAT")
@click.argument("source", metavar="FILE", required=False)
@click.option("--dry-run", is_flag=True, help="Check and report, change nothing.")
@click.option("--partial", is_flag=True, help="Import the valid rows even if some are rejected.")
@click.option("--allow-mass-retirement", is_flag=True,
              help="Allow retiring more than half of a source's people (after an election).")
@click.option("--country", help="ISO country code: required by everypolitician-csv; for "
              "popolo-json when the file does not say; generic-csv's and postcode-csv's "
              "default country.")
@click.option("--source", "source_name", metavar="NAME",
              help="Name the rows' source (default: from the format, and the country and body "
              "for everypolitician-csv and popolo-json). Imports of one source retire the "
              "people its previous import listed and this one does not.")
@click.option("--source-url", metavar="URL", help="Where the file was published, recorded as "
              "the source of each role and contact.")
@click.option("--as-of", metavar="YYYY-MM-DD", help="The file's date: recorded as when the data "
              "was verified, and the day whose current roles are imported (EveryPolitician, "
              "Popolo).")
@click.option("--role", help="everypolitician-csv: every member's role (default: 'Member of the "
              "<chamber>').")
@click.option("--mapping", type=click.Path(exists=True, dir_okay=False),
              help="generic-csv, postcode-csv: a JSON or TOML file mapping fields to columns "
              "({'columns': {...}, 'defaults': {...}}).")
@click.option("--map", "columns", multiple=True, metavar="FIELD=COLUMN",
              help="generic-csv, postcode-csv: the column holding FIELD (repeat; over "
              "--mapping).")
@click.option("--default", "defaults", multiple=True, metavar="FIELD=VALUE",
              help="generic-csv, postcode-csv: FIELD's value where the file has none (repeat).")
def reps_import(fmt: str, source: str | None, dry_run: bool, partial: bool,
                allow_mass_retirement: bool, country, source_name, source_url, as_of, role,
                mapping, columns, defaults):
    """Import representatives from FILE in FORMAT (default needs no FILE).

    FORMAT is one of: default, pauseai-contacts, ep-meps-csv, us-legislators, us-zccd,
    everypolitician-csv, popolo-json, generic-csv, postcode-csv.

    postcode-csv reads any postcode (or postcode prefix) to area table: fields postcode,
    area, country, area_name, parent, prefix (see representatives/importers/postcodes.py),
    e.g. `--map postcode=pcds --map area=pcon --country GB --source uk-postcodes`.

    Prints what was added, updated and retired, and why rows were rejected. Nothing is written
    when a row is rejected, unless --partial. Exit status 1 when rows were rejected (except
    with --partial or --dry-run).
    """
    from representatives.importers import IMPORTERS, OptionError, build_options, needs_path

    if fmt not in IMPORTERS:
        raise click.BadParameter(f"unknown format {fmt!r}; one of: {_formats()}")
    if source is None and needs_path(fmt):
        raise click.UsageError(f"{fmt} needs a FILE")
    try:
        options = build_options(fmt, country=country, source=source_name, source_url=source_url,
                                as_of=as_of, role=role, mapping=mapping, columns=columns,
                                defaults=defaults)
    except OptionError as exc:
        raise click.UsageError(str(exc)) from exc
    run_import_command(fmt, source, dry_run, partial, allow_mass_retirement, **options)


@reps_cli.command("validate")
@click.option("--months", default=12, show_default=True, type=click.IntRange(min=0),
              help="Contact details verified longer ago than this are stale.")
@click.option("--source", help="Only the problems of this source's rows.")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(min=0),
              help="Lines shown per kind of problem; the rest are counted by source.")
def reps_validate(months: int, source: str | None, limit: int):
    """Report what is wrong or stale in the representatives data.

    People in office with no email, contact form or postal address; addresses that bounced;
    contact details verified more than --months ago, or never; current roles without a
    source URL.

    Exit status 1 when any problem is found, 0 when none is.
    """
    from representatives.quality import PROBLEMS, validate

    with get_database().session_factory() as session:
        result = validate(session, months=months, source=source)
    for code, title in PROBLEMS.items():
        found = result.of(code)
        if not found:
            continue
        click.echo(f"{title.format(months=months)} ({len(found)}):")
        for problem in found[:limit]:
            click.echo(f"  [{problem.source}] {problem.text}")
        if len(found) > limit:
            counts = ", ".join(f"{s} {n}" for s, n in sorted(result.by_source(code).items()))
            click.echo(f"  ... and {len(found) - limit} more (by source: {counts})")
    if result.problems:
        click.echo(f"{len(result.problems)} problem(s) found.")
        raise SystemExit(1)
    click.echo("No problems found.")


@reps_cli.command("stats")
@click.option("--country", help="Only this country (ISO alpha-2).")
def reps_stats(country: str | None):
    """Coverage per country: targets by kind and channel.

    For each country and kind of target: how many there are, and how many have an email, a
    contact form, a postal address, or none of them (no letter can reach those).
    """
    from representatives.model import TargetKind
    from representatives.quality import stats

    with get_database().session_factory() as session:
        found = stats(session, country=country.upper() if country else None)
    header = ("country", "kind", "targets", "email", "form", "post", "none")
    kind_width = max(len(kind.value) for kind in TargetKind)
    widths = (7, kind_width, 7, 7, 7, 7, 7)
    line = "  ".join(f"{h:<{w}}" if i < 2 else f"{h:>{w}}" for i, (h, w) in
                     enumerate(zip(header, widths, strict=True)))  # fmt: skip
    click.echo(line)
    totals = [0, 0, 0, 0, 0]
    for row in found.rows:
        numbers = (row.targets, row.email, row.contact_form, row.post, row.none)
        totals = [a + b for a, b in zip(totals, numbers, strict=True)]
        click.echo(f"{row.country:<7}  {row.kind.value:<{kind_width}}  "
                   + "  ".join(f"{n:>7}" for n in numbers))  # fmt: skip
    click.echo(f"{'total':<7}  {'':<{kind_width}}  " + "  ".join(f"{n:>7}" for n in totals))
    countries = len({row.country for row in found.rows})
    click.echo(f"Countries with targets: {countries}.")
    if found.summit_countries_without_targets:
        click.echo("Countries in the summit data without any target: "
                   + ", ".join(found.summit_countries_without_targets))  # fmt: skip


@reps_cli.command("coverage")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="A table to read, or JSON for scripts.")
def reps_coverage(fmt: str):
    """Per summit country: targets by kind, usable channels, oldest check, missing sources.

    A summit country is one the summit data names, or a summit's host. It is reachable when
    a government target (minister, head of government, summit delegate) has an e-mail address
    or contact form that did not bounce and has a source URL. Contacts marked as checked
    against a stored copy of their source are to be re-checked on the live site.
    """
    import json

    from representatives.coverage import KINDS, summarize, summit_coverage
    from representatives.model import TargetKind

    labels = {TargetKind.MINISTER: "ministers", TargetKind.HEAD_OF_GOVERNMENT: "heads of "
              "government", TargetKind.SUMMIT_DELEGATE: "summit delegates",
              TargetKind.MP: "MPs", TargetKind.MEP: "MEPs"}

    with get_database().session_factory() as session:
        countries = summit_coverage(session)
    summary = summarize(countries)
    if fmt == "json":
        click.echo(json.dumps({"countries": [c.as_dict() for c in countries],
                               "summary": summary.as_dict()}, indent=2, ensure_ascii=False))
        return
    header = ("code", "name", "reachable", "ministers", "heads", "delegates", "MPs", "MEPs",
              "usable", "oldest check", "stored copy", "no source")
    row = ("{:<4}  {:<22}  {:<9}  {:>9}  {:>5}  {:>9}  {:>4}  {:>4}  {:>6}  {:<12}  {:>11}"
           "  {:>9}")
    click.echo(row.format(*header))
    for c in sorted(countries, key=lambda c: (not c.reachable, c.country)):
        click.echo(row.format(
            c.country, c.name[:22], "yes" if c.reachable else "no",
            *(c.targets[kind] for kind in KINDS), c.usable,
            c.oldest_check.isoformat() if c.oldest_check else "-", c.stored_copy,
            c.missing_sources,
        ))  # fmt: skip
    kinds = ", ".join(f"{labels[kind]} {summary.targets[kind]}" for kind in KINDS)
    click.echo(f"Summit countries: {summary.countries}; reachable (a government target with a "
               f"usable, sourced channel): {summary.reachable}.")  # fmt: skip
    click.echo(f"Targets: {kinds}; with a usable channel: {summary.usable}.")
    click.echo(f"Contacts checked against a stored copy only, to re-check live: "
               f"{summary.stored_copy}.")  # fmt: skip
    if summary.unreachable:
        click.echo("No reachable government target: " + ", ".join(summary.unreachable))


@reps_cli.command("export")
@click.argument("key", metavar="BODY-OR-SOURCE")
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json",
              show_default=True, help="Popolo JSON, or CSV with generic-csv's columns.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True),
              help="Write to this file instead of standard output.")
def reps_export(key: str, fmt: str, output: str | None):
    """Write a body's or a source's current roles as Popolo JSON or CSV.

    BODY-OR-SOURCE is an organization id (e.g. `ep`, `us:senate`) or a source name (e.g.
    `us-legislators`); this command lists them when the name is unknown. Either format
    reads back in: `flask reps import popolo-json FILE --source NAME` or
    `flask reps import generic-csv FILE --source NAME`.
    """
    from representatives.export import ExportError, select_rows, write_csv, write_popolo

    with get_database().session_factory() as session:
        try:
            selection = select_rows(session, key)
        except ExportError as exc:
            raise click.UsageError(str(exc)) from exc
        out = io.StringIO(newline="")
        if fmt == "csv":
            write_csv(selection, out)
        else:
            write_popolo(selection, out)
    if output is None:
        click.echo(out.getvalue(), nl=False)
    else:
        Path(output).write_text(out.getvalue(), encoding="utf-8", newline="")
        click.echo(f"{len(selection.memberships)} role(s) of {selection.kind} {key!r} written "
                   f"to {output}", err=True)  # fmt: skip


@reps_cli.command("unbounce")
@click.argument("email")
def reps_unbounce(email: str):
    """Offer an address again after a hard bounce (once staff know it works again)."""
    from sqlalchemy import func, update

    from representatives.tables import ContactDetail

    with get_database().session_factory() as session:
        cleared = session.execute(
            update(ContactDetail)
            .where(func.lower(ContactDetail.value) == email.strip().lower(),
                   ContactDetail.bounced_at.is_not(None))
            .values(bounced_at=None)
        ).rowcount
        session.commit()
    app_state().directory.invalidate()
    click.echo(f"{cleared} contact(s) offered again")
