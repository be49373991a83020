"""Command line: python -m representatives.importers KEY [PATH] --database-url URL [--dry-run]."""

from __future__ import annotations

import argparse
import os
import sys

from database import make_engine, make_session_factory

from . import IMPORTERS, run_import


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
    args = parser.parse_args(argv)
    if not args.database_url:
        parser.error("--database-url or DATABASE_URL is required")
    if args.path is None and args.key != "default":
        parser.error(f"{args.key} needs a path")
    engine = make_engine(args.database_url)
    try:
        report = run_import(
            make_session_factory(engine),
            args.key,
            args.path,
            dry_run=args.dry_run,
            partial=args.partial,
            allow_mass_retirement=args.allow_mass_retirement,
        )
    finally:
        engine.dispose()
    print(report.summary())
    for where, reason in report.rejected:
        print(f"  rejected {where}: {reason}", file=sys.stderr)
    return 1 if report.rejected else 0


if __name__ == "__main__":
    sys.exit(main())
