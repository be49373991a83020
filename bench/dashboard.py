"""Benchmark: the campaign dashboard's counts at a million letters, beside counting them afresh.

    .venv/bin/python bench/dashboard.py [--letters 1000000] [--runs 30] [--server URL]

Creates a throwaway PostgreSQL database on 127.0.0.1:5432 (dropped at the end), migrated to
the newest revision, and fills one campaign with `--letters` letters (three per submission,
plus submissions never confirmed) written over 90 days by supporters of 40 countries, to 1,040
targets of four kinds, a fifth of them through five partners, in eight languages; each letter
with the events of its way (queued, sent, then delivered, bounced or failed; some held or
cancelled). Then it times, each `--runs` times, p50 and p95:

- baseline "naive GROUP BY": letters per day and state, grouped over the letter table;
- baseline "every count afresh": what the dashboard would count without DashboardCount (the
  same grouped queries over all rows: letters joined to their submissions and texts, events,
  submissions);
- "dashboard": the whole operation (webapp.staff.dashboard.campaign_dashboard) once the kept
  counts are up to date, with the letters of the last minutes (`--fresh`) still counted afresh;
- "delivery health" alone (from the counts, plus the oldest queued letter and the pauses);

and, once, how long the first count of everything into DashboardCount took (after a
deployment, or when nobody looked at a dashboard for long) and how many rows it kept. This is
a benchmark: it prints figures, it is not a test.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, func, select  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from database import utcnow  # noqa: E402
from webapp.models import Campaign, DashboardCount, Letter  # noqa: E402
from webapp.staff import dashboard  # noqa: E402

DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
COUNTRIES = ("AT BE BG CZ DE DK ES FI FR GR HU IE IT NL PL PT RO SE SK HR "
             "NO CH IS TR UA RS AL BA MK ME MD GE AM AZ CA MX BR AR CL CO").split()
LANGUAGES = ("de", "fr", "nl", "es", "it", "pl", "en", "pt")
PARTNERS = ("alpha", "beta", "gamma", "delta", "epsilon")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--letters", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--fresh", type=int, default=2_000,
                        help="letters written after the kept counts, counted on every page")
    parser.add_argument("--server", default=DEFAULT_SERVER)
    return parser.parse_args()


def migrate(url: str) -> None:
    from tests.apps import migrate_database

    base = Path(f"/tmp/bench-dashboard-{os.getpid()}")
    base.mkdir(exist_ok=True)
    migrate_database(base, url)


# Data generation only: generate_series writes a million rows in seconds, where the ORM
# would take many minutes; the code measured below goes through the ORM as the app does.
FILL = """
INSERT INTO campaign (slug, status, allow_send, allow_draft, sending_paused, send_window_tz,
                      proof_of_work, write_to_next_host, letters_ticked, created_at)
VALUES ('bench', 'open', true, true, false, 'UTC', false, true, 3, now());

INSERT INTO submission (public_id, form_key, campaign_id, supporter_name, supporter_email,
                        supporter_town, country, postcode, language, wants_updates,
                        partner_code, created_at, confirmed_at)
SELECT 'p' || n, 'f' || n, 1, 'Supporter', 's' || n || '@example.org', '',
       (ARRAY[{countries}])[1 + n % 40], '', (ARRAY[{languages}])[1 + n % 8], false,
       CASE WHEN n % 5 = 0 THEN (ARRAY[{partners}])[1 + (n / 5) % 5] END,
       now() - (n % 90) * interval '1 day' - (n % 86400) * interval '1 second',
       CASE WHEN n <= {confirmed} THEN now() - (n % 90) * interval '1 day'
                                        - (n % 86400) * interval '1 second'
                                        + interval '5 minutes' END
FROM generate_series(1, {submissions}) AS n;

INSERT INTO letter_text (submission_id, subject, body, language)
SELECT id, 'A treaty', 'Please.', language FROM submission WHERE confirmed_at IS NOT NULL;

INSERT INTO letter (submission_id, campaign_id, target_id, target_name, to_address, text_id,
                    salutation, state, attempts, created_at, sent_at, last_error)
SELECT s.id, 1,
       (ARRAY['mp', 'minister', 'summit_delegate', 'mep'])[1 + (s.id + k) % 4] || ':'
         || s.country || '-' || ((s.id * 7 + k * 13) % 26),
       'Target', 't' || ((s.id * 7 + k * 13) % 26) || '@example.org', t.id, '',
       (ARRAY['delivered','delivered','delivered','delivered','delivered','delivered',
              'delivered','delivered','delivered','delivered','delivered','delivered',
              'delivered','delivered','delivered','delivered','sent','queued','bounced',
              'failed','held','cancelled','delivered','delivered','delivered'])
         [1 + (s.id * 3 + k) % 25],
       0, s.created_at, s.confirmed_at + interval '1 hour',
       CASE (s.id * 3 + k) % 25 WHEN 18 THEN 'mail service: bounce (mailbox full)'
                                 WHEN 19 THEN 'mail service refused: ' || (s.id % 7) END
FROM submission s JOIN letter_text t ON t.submission_id = s.id
CROSS JOIN generate_series(0, 2) AS k
WHERE s.confirmed_at IS NOT NULL;

INSERT INTO letter_event (letter_id, from_state, to_state, reason, at)
SELECT id, 'pending_confirmation', 'queued', 'confirmed by the supporter', sent_at
       - interval '55 minutes' FROM letter;
INSERT INTO letter_event (letter_id, from_state, to_state, reason, at)
SELECT id, 'queued', 'sent', 'sent', sent_at FROM letter
WHERE state IN ('sent', 'delivered', 'bounced');
INSERT INTO letter_event (letter_id, from_state, to_state, reason, at)
SELECT id, CASE WHEN state = 'failed' THEN 'queued' WHEN state IN ('held', 'cancelled')
                THEN 'queued' ELSE 'sent' END, state, 'moved', sent_at + interval '2 minutes'
FROM letter WHERE state IN ('delivered', 'bounced', 'failed', 'held', 'cancelled');

INSERT INTO draft_count (campaign_id, day, country, letters)
SELECT 1, (now() - d * interval '1 day')::date, c, 10
FROM generate_series(0, 89) AS d, unnest(ARRAY[{countries}]) AS c;
ANALYZE;
"""


def fill(engine, letters: int) -> None:
    def quoted(values):
        return ", ".join(f"'{value}'" for value in values)

    confirmed = letters // 3
    sql = FILL.format(countries=quoted(COUNTRIES), languages=quoted(LANGUAGES),
                      partners=quoted(PARTNERS), confirmed=confirmed,
                      submissions=confirmed + confirmed // 6)
    with engine.begin() as connection:
        for statement in sql.split(";\n"):
            if statement.strip():
                connection.exec_driver_sql(statement.replace("%", "%%"))  # no parameters


def add_fresh(engine, letters: int) -> None:
    """`letters` more letters (with their queued events), after the kept counts."""
    with engine.begin() as connection:
        connection.exec_driver_sql(f"""
            INSERT INTO letter (submission_id, campaign_id, target_id, target_name, to_address,
                                text_id, salutation, state, attempts, created_at)
            SELECT submission_id, 1, target_id, target_name, to_address, text_id, '',
                   'queued', 0, now()
            FROM letter ORDER BY id LIMIT {letters}""")
        connection.exec_driver_sql(f"""
            INSERT INTO letter_event (letter_id, from_state, to_state, reason, at)
            SELECT id, 'pending_confirmation', 'queued', 'confirmed', now()
            FROM letter ORDER BY id DESC LIMIT {letters}""")


def timed(runs: int, work) -> tuple[float, float]:
    """p50 and p95 of `work()` (or of the seconds it returns, if it does), in milliseconds."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        took = work()
        times.append((took if took is not None else time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]


def main() -> int:
    args = parse_args()
    name = f"bench_dashboard_{os.getpid()}"
    admin = create_engine(args.server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = make_url(args.server).set(database=name).render_as_string(hide_password=False)
    engine = None
    try:
        migrate(url)
        engine = create_engine(url)
        started = time.perf_counter()
        fill(engine, args.letters)
        with Session(engine) as db:
            letters = db.scalar(select(func.count()).select_from(Letter))
        print(f"dashboard benchmark: {letters:,} letters written in "
              f"{time.perf_counter() - started:.0f} s, {os.cpu_count()} CPUs, "
              f"load average {os.getloadavg()[0]:.1f}")
        report(engine, args)
    finally:
        if engine is not None:
            engine.dispose()
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
    return 0


def report(engine, args) -> None:
    runs = args.runs
    baseline_runs = max(3, runs // 5)
    now = utcnow()

    def naive_group_by():
        with Session(engine) as db:
            day = dashboard._day(db, Letter.created_at)
            db.execute(select(day, Letter.state, func.count())
                       .where(Letter.campaign_id == 1).group_by(day, Letter.state)).all()

    def every_count_afresh():
        with Session(engine) as db:
            dashboard.campaign_counts(db, 1, {})

    def page(moment):
        def run():
            with Session(engine) as db:
                campaign = db.get(Campaign, 1)
                dashboard.campaign_dashboard(db, campaign, lambda target_id: None, moment)
                db.commit()
        return run

    def health():
        with Session(engine) as db:
            by_measure: dict = defaultdict(Counter)
            for (_, measure, value, _day), n in dashboard.campaign_counts(
                    db, 1, dashboard.bring_counts_up_to_date(db, now + dashboard.SETTLE)).items():
                by_measure[measure][value] += n
            db.rollback()
            started = time.perf_counter()
            dashboard.delivery_health(db, db.get(Campaign, 1), by_measure)
            return time.perf_counter() - started

    print(f"{'operation':<44}{'p50 ms':>10}{'p95 ms':>10}{'runs':>6}")

    def line(label, figures, count):
        print(f"{label:<44}{figures[0]:>10.1f}{figures[1]:>10.1f}{count:>6}")

    line("baseline: naive GROUP BY day, state", timed(baseline_runs, naive_group_by),
         baseline_runs)
    line("baseline: every count afresh", timed(baseline_runs, every_count_afresh),
         baseline_runs)
    started = time.perf_counter()
    page(now)()  # notes the newest rows
    page(now + dashboard.SETTLE)()  # counts them all into DashboardCount
    first = time.perf_counter() - started
    with Session(engine) as db:
        kept = db.scalar(select(func.count()).select_from(DashboardCount))
    add_fresh(engine, args.fresh)
    line(f"dashboard (kept counts + {args.fresh:,} fresh letters)",
         timed(runs, page(now + dashboard.SETTLE)), runs)
    line("  of which delivery health", timed(runs, health), runs)
    started = time.perf_counter()
    page(now + 2 * dashboard.SETTLE)()  # counts the fresh letters in
    settle = time.perf_counter() - started
    line("dashboard (all counts kept)", timed(runs, page(now + 2 * dashboard.SETTLE)), runs)
    print(f"first count of everything into DashboardCount: {first:.1f} s, {kept:,} rows kept; "
          f"counting {args.fresh:,} fresh letters in: {settle * 1000:.0f} ms")


if __name__ == "__main__":
    sys.exit(main())
