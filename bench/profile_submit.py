"""Where one submit-path request spends its time: cProfile around Flask's test client.

    .venv/bin/python bench/profile_submit.py [--country NL] [--requests 200] [--top 35]
        [--sort tottime] [--database sqlite|postgresql] [--mode default|production]

Sets up the same temporary database as bench/submit_path.py (migrations, campaigns, default
directory and the MEPs), does step one once as a supporter from --country, then profiles N
POSTs of the letters form with `send=x`, each with a fresh form_key (the supporter's details
as step one sealed them), as the benchmark does. NL (the default) is the benchmark's
many-letters case: 31 letters to the Dutch MEPs; GB is its typical case: the UK government
contacts, 4 targets of whom 3 have an e-mail address, so 3 letters per POST; DE gives the most
letters, 96 to the German MEPs.

`--database` and `--mode` are bench/submit_path.py's: PostgreSQL (a fresh database, dropped at
the end) and production mode (task queue and rate limits in Redis db 12, limits on and
raised so none is reached). In production mode the run also prints the Redis commands one
POST sends, by name, from the server's INFO commandstats.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from submit_path import SLUG, TOWNS, Backing, redis_command_counts, setup_real  # noqa: E402

from tests.webapp.pages import csrf_token, form_fields  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--country", default="NL", type=str.upper,
                        help="the supporter's country for step one (NL: many letters, GB: typical)")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--top", type=int, default=35)
    parser.add_argument("--sort", default="cumulative", help="pstats sort key")
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--mode", choices=("default", "production"), default="default")
    parser.add_argument("--output", help="also write the raw profile here (for snakeviz etc.)")
    args = parser.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="bench-profile-"))
    backing = Backing(database=args.database, mode=args.mode)
    try:
        backing.open()
        env = setup_real(tmp, "ep-meps-csv", backing=backing,
                         database_url=backing.new_database("bench_profile", secrets.token_hex(4)))
        for key in list(os.environ):
            if key not in env:
                del os.environ[key]
        os.environ.update(env)
        import webapp

        app = webapp.create_app()
        client = app.test_client()
        page = client.get(f"/c/{SLUG}?lang=en").get_data(as_text=True)
        data = {"name": "Jane Doe", "email": "jane@example.org",
                "town": TOWNS.get(args.country, ""), "country": args.country, "postcode": "",
                "own_words": "My own words.",
                "csrf_token": csrf_token(page)}
        step_one = client.post(f"/c/{SLUG}?lang=en", data=data)
        assert step_one.status_code == 200, step_one.status_code
        fields = [(k, v) for k, v in form_fields(step_one.get_data(as_text=True), "/letters")
                  if k != "form_key"]  # the details as step one sealed them
        targets = sum(1 for k, _ in fields if k.endswith("-targets"))
        if not targets:
            raise SystemExit(f"step one as a supporter from {args.country} gave no targets")
        fixed = urlencode(fields).encode() + b"&"  # encoded once, like the benchmark's clients

        def submit(n: int):
            body = fixed + urlencode({"form_key": secrets.token_urlsafe(24),
                                      "send": "x"}).encode()
            response = client.post(f"/c/{SLUG}/letters?lang=en", data=body,
                                   content_type="application/x-www-form-urlencoded")
            assert response.status_code == 200, response.get_data(as_text=True)[:2000]

        for n in range(10):  # warm caches (directory, templates, translations)
            submit(-n - 1)
        if backing.production:
            redis = backing.redis()
            before = redis_command_counts(redis)
            submit(-11)
            after = redis_command_counts(redis)
            sent = {name: after[name] - before.get(name, 0) for name in after
                    if after[name] != before.get(name, 0)}
            print(f"Redis commands for one POST: {sum(sent.values())} "
                  f"({', '.join(f'{n} {c}' for n, c in sorted(sent.items()))})")
        started = time.perf_counter()
        for n in range(args.requests):
            submit(n)
        plain = (time.perf_counter() - started) / args.requests
        profiler = cProfile.Profile()
        profiler.enable()
        for n in range(args.requests):
            submit(args.requests + n)
        profiler.disable()

        print(f"{args.country}: {targets} targets on the letters form (a letter is stored for "
              f"each with an e-mail address); {args.requests} POSTs "
              f"through the test client: {plain * 1000:.2f} ms each without the profiler")
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.strip_dirs().sort_stats(args.sort).print_stats(args.top)
        print(out.getvalue())
        if args.output:
            stats.dump_stats(args.output)
        return 0
    finally:
        backing.close()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
