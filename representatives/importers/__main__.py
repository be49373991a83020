"""Command line: python -m representatives.importers KEY [PATH] --database-url URL [--dry-run].

The same importers and options as `flask reps import`, for a database without the web app.
"""

from __future__ import annotations

import argparse
import os
import sys

from database import make_engine, make_session_factory

from . import IMPORTERS, OptionError, build_options, needs_path, run_import


def main(argv: list[str] | None = None) -> int:
    """Run one importer and print its report; exit status 1 when rows were rejected."""
    parser = argparse.ArgumentParser(prog="python -m representatives.importers")
    parser.add_argument("key", choices=sorted(IMPORTERS))
    parser.add_argument(
        "path", nargs="?", help="the file (default: the shipped data for 'default')"
    )
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--dry-run", action="store_true", help="report what would change")
    parser.add_argument("--partial", action="store_true", help="import the valid rows only")
    parser.add_argument(
        "--allow-mass-retirement",
        action="store_true",
        help="the file is complete even though many people left (after an election)",
    )
    parser.add_argument("--country", help="ISO country code (everypolitician-csv, ...)")
    parser.add_argument("--source", help="name the rows' source (popolo-json, generic-csv, ...)")
    parser.add_argument("--source-url", help="where the file was published")
    parser.add_argument("--as-of", help="the file's date, YYYY-MM-DD")
    parser.add_argument("--role", help="everypolitician-csv: every member's role")
    parser.add_argument("--mapping", help="generic-csv, postcode-csv: a JSON or TOML column "
                        "mapping")
    parser.add_argument("--map", action="append", default=[], metavar="FIELD=COLUMN")
    parser.add_argument("--default", action="append", default=[], metavar="FIELD=VALUE")
    args = parser.parse_args(argv)
    if not args.database_url:
        parser.error("--database-url or DATABASE_URL is required")
    if args.path is None and needs_path(args.key):
        parser.error(f"{args.key} needs a path")
    try:
        options = build_options(
            args.key, country=args.country, source=args.source, source_url=args.source_url,
            as_of=args.as_of, role=args.role, mapping=args.mapping, columns=args.map,
            defaults=args.default,
        )  # fmt: skip
    except OptionError as exc:
        parser.error(str(exc))
    engine = make_engine(args.database_url)
    try:
        report = run_import(
            make_session_factory(engine),
            args.key,
            args.path,
            dry_run=args.dry_run,
            partial=args.partial,
            allow_mass_retirement=args.allow_mass_retirement,
            **options,
        )
    finally:
        engine.dispose()
    print(report.summary())
    for where, reason in report.rejected:
        print(f"  rejected {where}: {reason}", file=sys.stderr)
    for where, reason in report.warnings:
        print(f"  warning {where}: {reason}")
    for where, reason in report.notes:
        print(f"  note {where}: {reason}")
    for where, reason in report.kept:
        print(f"  kept as staff left it {where}: {reason}")
    return 1 if report.rejected else 0


if __name__ == "__main__":
    sys.exit(main())
