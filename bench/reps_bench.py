"""Benchmark of the representatives data: imports, matching, loading, and the web process's memory.

    .venv/bin/python bench/reps_bench.py [--lookups 10000] [--postgres]

With every public data set of ../shared/data imported into a new, migrated SQLite database in a
temporary folder (the shipped default data, PauseAI's contacts, the MEPs, the US Congress and
the ZIP table), it prints:

- the time each file takes to import, first into the empty database and then again unchanged
  (goal: under 30 s each);
- the time `Directory.match` takes for a country plus postcode, p50 and p99 over N lookups
  (default 10,000) that mix US ZIPs drawn from zccd.csv (40%), the Netherlands, the United
  Kingdom and Germany (20% each), as the web form sends them, postcode and all (goal: p99 under
  1 ms);
- the time `load_directory` takes to build the in-memory directory from the tables;
- the resident memory of a fresh process before and after `create_app` and the first directory
  load, read from /proc/self/status (VmRSS), as a web worker would have it.

`--postgres` also runs the imports on PostgreSQL, in a throwaway database created for the run
on the server of TEST_POSTGRES_URL (default 127.0.0.1:5432) and dropped afterwards; the `test`
database other developers share is never touched.

This is a benchmark: it prints figures and PASS/FAIL against the goals, it is not a test.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

SHARED = PROJECT_ROOT.parent / "shared" / "data"
FILES = [
    ("default", None),
    ("pauseai-contacts", SHARED / "pauseai-summits-contacts" / "contacts.json"),
    ("ep-meps-csv", SHARED / "eu-parliament-meps" / "meps.csv"),
    ("us-legislators", SHARED / "us-congress-legislators" / "legislators-current.yaml"),
    ("us-zccd", SHARED / "us-zip-to-district" / "zccd.csv"),
]
IMPORT_GOAL = 30.0  # seconds per file
MATCH_P99_GOAL = 0.001  # seconds

MEMORY_PROBE = r"""
import json, sys, time
from pathlib import Path

def rss_kib():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

database_url, instance = sys.argv[1], Path(sys.argv[2])
before = rss_kib()
from webapp.app_state import app_state
from webapp import create_app
from webapp.config import Config
app = create_app(Config(secret_key="bench", database_url=database_url, instance_path=instance,
                        mail_outbox_dir=instance / "outbox", ratelimit_enabled=False))
after_app = rss_kib()
started = time.perf_counter()
directory = app_state(app).directory.get()
seconds = time.perf_counter() - started
after_directory = rss_kib()
app_state(app).database.dispose()
print(json.dumps({"before": before, "after_app": after_app, "after_directory": after_directory,
                  "load_seconds": seconds, "targets": len(directory)}))
"""


def app_state(app):
    from webapp.app_state import app_state as state

    return state(app)


def make_app(database_url: str, instance: Path):
    from webapp import create_app
    from webapp.config import Config

    return create_app(Config(secret_key="bench", database_url=database_url,
                             instance_path=instance, mail_outbox_dir=instance / "outbox",
                             ratelimit_enabled=False))  # fmt: skip


def migrate(app) -> None:
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    if result.exit_code != 0:
        raise SystemExit(f"migration failed: {result.output}")


def time_imports(session_factory) -> list[tuple[str, float, float, str]]:
    """(key, first import s, unchanged re-import s, summary) per file."""
    from representatives.importers import run_import

    rows = []
    for key, path in FILES:
        first = run_import(session_factory, key, path)
        if not first.ok:
            raise SystemExit(f"{key}: {first.rejected[:3]}")
        again = run_import(session_factory, key, path)
        changed = again.added + again.updated + again.retired
        rows.append((key, first.seconds, again.seconds,
                     f"{first.added:,} added; {changed} changed"))
    return rows


def lookups(count: int, seed: int = 7) -> list[tuple[str, str | None]]:
    """Visitors as the form sends them: 40% US ZIPs from zccd.csv, 20% each NL, GB, DE."""
    with (SHARED / "us-zip-to-district" / "zccd.csv").open(encoding="utf-8", newline="") as f:
        zips = sorted({row["zcta"] for row in csv.DictReader(f)})
    rng = random.Random(seed)
    others = [("NL", "1012 AB"), ("GB", "SW1A 1AA"), ("DE", "10117")]
    queries = []
    for n in range(count):
        if n % 5 < 2:
            queries.append(("US", rng.choice(zips)))
        else:
            queries.append(others[n % 5 - 2])
    rng.shuffle(queries)
    return queries


def time_matching(directory, queries) -> tuple[float, float, float, int]:
    """(p50, p99, max) seconds per match, and how many matches found nobody."""
    for country, postcode in queries[:200]:  # warm the caches
        directory.match(country, postcode)
    timings = []
    empty = 0
    clock = time.perf_counter
    for country, postcode in queries:
        started = clock()
        match = directory.match(country, postcode)
        timings.append(clock() - started)
        empty += not match.targets
    timings.sort()
    return (
        statistics.median(timings),
        timings[min(len(timings) - 1, int(len(timings) * 0.99))],
        timings[-1],
        empty,
    )


def time_load_directory(session_factory, runs: int = 5):
    from representatives.store import load_directory

    timings = []
    for _ in range(runs):
        with session_factory() as session:
            started = time.perf_counter()
            directory = load_directory(session)
            timings.append(time.perf_counter() - started)
    return directory, statistics.median(timings), min(timings)


def memory(database_url: str, instance: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    result = subprocess.run([sys.executable, "-c", MEMORY_PROBE, database_url, str(instance)],
                            capture_output=True, text=True, env=env, cwd=PROJECT_ROOT, check=False)
    if result.returncode != 0:
        raise SystemExit(f"memory probe failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def postgres_database():
    """A throwaway database on the test server (never the shared `test` one); its URL and a
    function that drops it."""
    import sqlalchemy

    from tests.conftest import POSTGRES_URL

    server = sqlalchemy.make_url(POSTGRES_URL)
    name = f"reps_bench_{os.getpid()}"
    admin = sqlalchemy.create_engine(server.set(database="postgres"),
                                     isolation_level="AUTOCOMMIT")  # fmt: skip
    with admin.connect() as connection:
        connection.execute(sqlalchemy.text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(sqlalchemy.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return server.set(database=name).render_as_string(hide_password=False), drop


def row(what: str, figure: str, goal: str = "", ok: bool | None = None) -> str:
    verdict = "" if ok is None else ("PASS" if ok else "FAIL")
    return f"{what:<46} {figure:>14}  {goal:<12} {verdict}"


def microseconds(seconds: float) -> str:
    return f"{seconds * 1e6:,.0f} µs"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lookups", type=int, default=10_000)
    parser.add_argument("--postgres", action="store_true",
                        help="also import into a throwaway PostgreSQL database")
    args = parser.parse_args()
    if not SHARED.is_dir():
        raise SystemExit(f"needs the public data sets at {SHARED}")

    from database import make_session_factory

    lines = [row("what", "figure", "goal", None), "-" * 82]
    verdicts: list[bool] = []
    folder = Path(tempfile.mkdtemp(prefix="reps-bench-"))
    try:
        database_url = f"sqlite:///{folder / 'bench.sqlite3'}"
        app = make_app(database_url, folder / "instance")
        migrate(app)
        factory = make_session_factory(app_state(app).database.engine)
        backends = [("SQLite", factory)]
        drop = None
        if args.postgres:
            pg_url, drop = postgres_database()
            pg_app = make_app(pg_url, folder / "pg-instance")
            migrate(pg_app)
            backends.append(("PostgreSQL", make_session_factory(app_state(pg_app).database
                                                                .engine)))  # fmt: skip
        try:
            for label, session_factory in backends:
                for key, first, again, summary in time_imports(session_factory):
                    ok = first < IMPORT_GOAL and again < IMPORT_GOAL
                    verdicts.append(ok)
                    added, changed = summary.split("; ")
                    lines.append(row(f"import {key}, {label} ({added})", f"{first:.2f} s",
                                     "< 30 s", ok))  # fmt: skip
                    lines.append(row(f"  again, same file ({changed})", f"{again:.2f} s"))
        finally:
            if args.postgres:
                app_state(pg_app).database.dispose()
                drop()

        directory, load_median, load_best = time_load_directory(factory)
        lines.append(row(f"load_directory, median of 5 ({len(directory)} targets)",
                         f"{load_median * 1000:.0f} ms"))  # fmt: skip
        queries = lookups(args.lookups)
        p50, p99, worst, empty = time_matching(directory, queries)
        verdicts.append(p99 < MATCH_P99_GOAL)
        lines.append(row(f"match p50 ({len(queries):,} lookups: US ZIP, NL, GB, DE)",
                         microseconds(p50)))  # fmt: skip
        lines.append(row("match p99", microseconds(p99), "< 1 ms", p99 < MATCH_P99_GOAL))
        lines.append(row("match max", microseconds(worst)))
        if empty:
            lines.append(row("  lookups that found nobody", f"{empty:,}"))

        app_state(app).database.dispose()
        probe = memory(database_url, folder / "instance")
        lines.append(row("web process RSS before create_app", f"{probe['before'] / 1024:.1f} MiB"))
        lines.append(row("  after create_app",
                         f"{probe['after_app'] / 1024:.1f} MiB"))  # fmt: skip
        lines.append(row(f"  after the directory load ({probe['load_seconds']:.2f} s)",
                         f"{probe['after_directory'] / 1024:.1f} MiB"))  # fmt: skip
        lines.append(row("  the directory's share (no goal set)",
                         f"{(probe['after_directory'] - probe['after_app']) / 1024:.1f} MiB"))
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    print("\n".join(lines))
    print("-" * 82)
    print(f"{sum(verdicts)} of {len(verdicts)} goals met")
    return 0 if all(verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
