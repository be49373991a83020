"""Benchmark of the public summit pages under concurrent load, beside two baselines.

    .venv/bin/python bench/summits_page.py [--seconds 3] [--rounds 3] [--warmup 0.5] [--clients 8]
        [--letters 100000] [--database postgresql|sqlite] [--mode production|default]
        [--accept-encoding "gzip, deflate, br, zstd"]

What is measured, one path at a time on the same server (GET, a new connection each):

- `/summits`: the series, the country-by-summit table and the inline world map, kept
  rendered per language, filter and counting window (webapp/summits/page_cache.py);
- `/summits/DE`: Germany's record, targets and letters, kept the same way;
- `/summits?q=<new each time>`: the same page with a filter text no one typed before, so it
  is never kept: what rendering the page costs, the letter counter still from the tally;
- beside them, the campaign page (`/c/<campaign>`, with its counter) and the least a Flask app
  does for a page (bench/minimal_app.py's `/`: a form with a CSRF token, under gunicorn the same
  way).

What the app stands on: by default PostgreSQL (a fresh database on 127.0.0.1:5432, dropped at
the end) and production mode (Redis db 13 for the task queue and the rate limits, every limit
raised so that none is reached; see bench/submit_path.py, whose set-up this reuses), the
shipped directory (`flask reps import default`, and the MEPs where ../shared/data has them),
and `--letters` letters already sent plus a year of drafts counted per day and country, so
that counting them would show in the figures if a request did it (the pages count them once
per process and TALLY_SECONDS, all countries together: webapp/momentum.py).

The load: one asyncio process here, `--clients` concurrent clients, each asking again as soon
as it has its answer, with the browser's Accept-Encoding by default (Flask-Compress compresses
each answer). gunicorn runs 2 sync workers per app, as in the Procfile. The machine's cores
are shared by the servers and this load generator, so the absolute figures are low; the
comparison with the baselines is what counts.

This is a benchmark: it prints figures, it is not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import platform
import secrets
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
from submit_path import (  # noqa: E402  (the benchmarks' shared set-up)
    ROOT,
    SLUG,
    Result,
    Server,
    add_backing_options,
    backing_from,
    clean_up,
    drive,
    minimal_env,
    parse_response,
    print_server_logs,
    run_main,
    setup_real,
    start_gunicorn,
    stop_on_signals,
)

BROWSER_ENCODING = "gzip, deflate, br, zstd"
SEED = """
import random, secrets
from datetime import date, timedelta
from sqlalchemy import insert, select
from webapp import create_app
from webapp.app_state import app_state
from webapp.models import Campaign, DraftCount, Letter, LetterText, Submission

LETTERS, PER_SUBMISSION = {letters}, 10
COUNTRIES = ["DE", "FR", "GB", "NL", "US", "JP", "IN", "BR", "KE", "CH", "ES", "IT", "PL", "SE"]
app = create_app()
with app_state(app).database.session_factory() as session:
    campaign = session.scalars(select(Campaign.id).where(Campaign.slug == "{slug}")).one()
    random.seed(1)
    for start in range(0, LETTERS, 10_000):
        count = min(10_000, LETTERS - start) // PER_SUBMISSION
        new_submissions = insert(Submission).returning(Submission.id,
                                                       sort_by_parameter_order=True)
        ids = session.execute(new_submissions, [dict(
            public_id=secrets.token_hex(16), form_key=secrets.token_hex(16),
            campaign_id=campaign, supporter_name="Bench", supporter_email="b@example.org",
            country=random.choice(COUNTRIES), language="en") for _ in range(count)]).scalars().all()
        new_texts = insert(LetterText).returning(LetterText.id, sort_by_parameter_order=True)
        texts = session.execute(new_texts, [dict(
            submission_id=i, subject="A treaty", body="Please.", language="en")
            for i in ids]).scalars().all()
        session.execute(insert(Letter), [dict(
            submission_id=i, campaign_id=campaign, target_id=f"t:{{n}}", target_name="Someone",
            to_address="someone@example.org", text_id=t,
            state=random.choice(["sent", "delivered", "delivered", "bounced", "queued"]))
            for i, t in zip(ids, texts) for n in range(PER_SUBMISSION)])
        session.commit()
    first = date.today() - timedelta(days=365)
    session.execute(insert(DraftCount), [dict(
        campaign_id=campaign, day=first + timedelta(days=d), country=c,
        letters=random.randint(0, 40)) for d in range(365) for c in COUNTRIES])
    session.commit()
print(f"seeded {{LETTERS}} letters and {{365 * len(COUNTRIES)}} draft counts")
"""


async def get(port: int, path: str, encoding: str, timeout: float = 30.0) -> tuple[int, bytes]:
    """One GET on a new connection, as a browser asks (Accept-Encoding), with no cookie."""
    reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), timeout)
    try:
        head = [f"GET {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close",
                "Accept-Language: en", "User-Agent: bench/summits_page"]
        if encoding:
            head.append(f"Accept-Encoding: {encoding}")
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1"))
        raw = await asyncio.wait_for(reader.read(), timeout)
    finally:
        writer.close()
    return parse_response(raw)


class PageClient:
    """Asks for one page again and again; each answer must be a 200 (bodies may be
    compressed: what they hold is checked once, uncompressed, before the run)."""

    ok_marker = b""

    def __init__(self, port: int, paths, encoding: str):
        self.port, self.paths, self.encoding = port, paths, encoding

    async def one(self):
        return await get(self.port, next(self.paths), self.encoding)


def seed(env: dict[str, str], letters: int) -> None:
    import subprocess

    script = SEED.format(letters=letters, slug=SLUG)
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=1800)
    if result.returncode != 0:
        raise SystemExit(f"seeding failed:\n{result.stdout}{result.stderr}")
    print("  " + result.stdout.strip())


def check_pages(real: Server, minimal: Server) -> None:
    """What each path answers, uncompressed, before it is timed."""
    checks = [(real, "/summits?lang=en", b"Who signed what"),
              (real, "/summits/DE?lang=en", b"Germany at the AI summits"),
              (real, "/summits?lang=en&q=bench-x", b"No country matches this filter."),
              (real, f"/c/{SLUG}?lang=en", b"letter-counter"),
              (minimal, "/", b"csrf_token")]
    for server, path, marker in checks:
        status, body = asyncio.run(get(server.port, path, ""))
        if status != 200 or marker not in body:
            raise SystemExit(f"{server.name} {path}: {status}, {marker!r} not in the page")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=3.0,
                        help="measured time per path, split among the rounds")
    parser.add_argument("--rounds", type=int, default=3, help="alternate the paths this often")
    parser.add_argument("--warmup", type=float, default=0.5,
                        help="warm-up time per path and round")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per app")
    parser.add_argument("--letters", type=int, default=100_000,
                        help="letters already in the outbox (and a year of drafts)")
    parser.add_argument("--accept-encoding", default=BROWSER_ENCODING,
                        help="what the clients accept ('' for uncompressed answers)")
    parser.add_argument("--timeout", type=float, default=30.0, help="per request, seconds")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    add_backing_options(parser, redis_db=13)
    parser.set_defaults(database="postgresql", mode="production")
    args = parser.parse_args(argv)
    stop_on_signals()

    tmp = Path(tempfile.mkdtemp(prefix="bench-summits-"))
    run_id = secrets.token_hex(3)
    backing = backing_from(args)
    servers: list[Server] = []
    try:
        print(f"summit pages benchmark: {os.cpu_count()} CPUs, Python "
              f"{platform.python_version()}, gunicorn --workers {args.workers} (sync) per app, "
              f"{args.clients} clients, {args.seconds:g} s measured per path in {args.rounds} "
              f"alternating rounds, each after {args.warmup:g} s warm-up, Accept-Encoding: "
              f"{args.accept_encoding or '-'}")
        print(f"app on: {backing.describe()}")
        backing.open()
        print("setting up the app's database:")
        env = setup_real(tmp, "ep-meps-csv", backing=backing,
                         database_url=backing.new_database("bench_summits", run_id))
        seed(env, args.letters)
        minimal_url = backing.new_database("bench_summits_min", run_id)
        servers.append(start_gunicorn("minimal", "minimal_app:create_app()",
                                      minimal_env(tmp, minimal_url), BENCH, args.workers, tmp,
                                      "/"))
        servers.append(start_gunicorn("real", "webapp:create_app()", env, ROOT, args.workers,
                                      tmp, "/summits"))
        minimal, real = servers
        check_pages(real, minimal)

        fresh = (f"/summits?lang=en&q=bench-{n}" for n in itertools.count())
        paths = {
            "/summits": (real, lambda: itertools.repeat("/summits?lang=en")),
            "/summits/DE": (real, lambda: itertools.repeat("/summits/DE?lang=en")),
            "/summits, never kept": (real, lambda: fresh),
            "campaign page": (real, lambda: itertools.repeat(f"/c/{SLUG}?lang=en")),
            "minimal Flask page": (minimal, lambda: itertools.repeat("/")),
        }
        results = {name: Result(name) for name in paths}
        pools = {}
        for name, (server, make_paths) in paths.items():
            shared = make_paths()  # one iterator for all clients: every path asked once
            pools[name] = [PageClient(server.port, shared, args.accept_encoding)
                           for _ in range(args.clients)]
        # Rounds in alternating order, so that every path sees the machine as busy as the
        # others do (other work on it comes and goes).
        order = list(paths)
        for round_number in range(args.rounds):
            for name in order if round_number % 2 == 0 else reversed(order):
                server = paths[name][0]
                asyncio.run(drive(results[name], server, pools[name], args.warmup,
                                  args.seconds / args.rounds, [10**9], args.timeout))
                time.sleep(0.2)

        width = max(len(name) for name in results)
        print(f"\n{'path':<{width}}  {'requests/s':>10}  {'p50 ms':>7}  {'p95 ms':>7}  "
              f"{'errors':>6}  {'server CPU ms/req':>17}")
        for name, r in results.items():
            print(f"{name:<{width}}  {r.rps:>10.1f}  {r.percentile(50):>7.1f}  "
                  f"{r.percentile(95):>7.1f}  {r.measured_errors:>6}  "
                  f"{1000 * r.server_cpu / max(1, len(r.latencies)):>17.2f}")
            for kind, count in r.error_kinds.items():
                print(f"    {kind}: {count}")
        return 1 if any(r.measured_errors for r in results.values()) else 0
    finally:
        for server in servers:
            server.stop()
        print_server_logs(tmp)
        clean_up(tmp, args.keep, backing)


if __name__ == "__main__":
    run_main(main)
