"""Instructions per submit-path request, real app against the minimal app, counted by callgrind.

    .venv/bin/python bench/submit_instructions.py [--requests 20 60] [--apps minimal gb nl de]

bench/submit_path.py judges the goal (requests per second under gunicorn); on a shared virtual
machine its figures move by a third from one run to the next. This one counts the CPU
instructions a request costs, which other load does not change, so that a code change can be
compared with the one before it. Each app runs in-process through Flask's test client (no
gunicorn, no HTTP: both apps would pay that alike) under `valgrind --tool=callgrind`, once with
the smaller and once with the larger number of timed POSTs after the same warm-up; the
difference, divided by the difference in POSTs, is the cost of one POST without the start-up.
The real app posts the same "send it for me" form as submit_path.py (GB: 3 letters, NL: 31),
and also as a German supporter (DE: 96 letters, to every German MEP, the most any supporter
gets),
each to a fresh copy of one set-up database; the minimal app is bench/minimal_app.py.

What it does not see: the kernel's work (callgrind counts user-space instructions only), so
the pages SQLite writes to its log at each commit count for next to nothing here, though they
cost real CPU under gunicorn. A change to what is written is judged by submit_path.py.
"""

from __future__ import annotations

import argparse
import gc
import math
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
from submit_path import GOAL_RATIO, REAL_SCENARIOS, ROOT, SLUG, TOWNS, setup_real  # noqa: E402

from tests.webapp.pages import csrf_token, form_fields  # noqa: E402

WARM_UP = 50
_COLLECTED = re.compile(r"Collected\s*:\s*(\d+)")


# --------------------------------------------------------------------------- the counted child


def post_real(country: str, requests: int) -> None:
    """Step one once, then WARM_UP + `requests` POSTs of the letters form (the app from env)."""
    import webapp

    app = webapp.create_app()
    client = app.test_client()
    page = client.get(f"/c/{SLUG}?lang=en").get_data(as_text=True)
    step_one = client.post(f"/c/{SLUG}?lang=en", data={
        "name": "Jane Doe", "email": "jane@example.org", "town": TOWNS.get(country, ""),
        "country": country, "postcode": "", "own_words": "My own words.",
        "csrf_token": csrf_token(page)})
    fields = [(k, v) for k, v in form_fields(step_one.get_data(as_text=True), "/letters")
              if k != "form_key"]  # the details as step one sealed them
    fixed = urlencode(fields).encode() + b"&"
    for n in range(WARM_UP + requests):
        if n == WARM_UP:
            # The campaign and directory caches look for changes every 5 and 30 s. Under
            # callgrind a POST takes some 50 times longer, so that look fell on every 50th
            # POST or so instead of every 2,000th, and the counts moved by a tenth from one
            # run to the next. Warmed up, nothing changes: stop looking.
            from webapp.app_state import app_state

            state = app_state(app)
            for cache in (state.campaigns, state.directory):
                cache._recheck.seconds = math.inf
            settle_garbage_collector()
        body = fixed + urlencode({"form_key": secrets.token_urlsafe(24), "send": "x"}).encode()
        response = client.post(f"/c/{SLUG}/letters?lang=en", data=body,
                               content_type="application/x-www-form-urlencoded")
        if response.status_code != 200:
            raise SystemExit(f"POST answered {response.status_code}")


def settle_garbage_collector() -> None:
    """Collect once and set aside what start-up left, before the counted POSTs.

    A full collection walks every object start-up made (directory, locale data, templates)
    and comes when enough of them have piled up: in one child of the pair it fell among the
    counted POSTs, in the other not, which moved the difference by 1.5 M instructions a POST.
    In a server that has run for a while such collections are rare; here they are kept out.
    """
    gc.collect()
    gc.freeze()


def post_minimal(database: str, requests: int) -> None:
    from minimal_app import create_app

    client = create_app(database).test_client()
    page = client.get("/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    for n in range(WARM_UP + requests):
        if n == WARM_UP:
            settle_garbage_collector()
        response = client.post("/submit", data={"csrf_token": token, "name": "Jane Doe",
                                                "email": f"count-{n}@example.org",
                                                "country": "NL"})
        if response.status_code != 200:
            raise SystemExit(f"POST answered {response.status_code}")


# --------------------------------------------------------------------------- the parent


def count(app: str, requests: int, env: dict[str, str], tmp: Path) -> int:
    """Instructions of one child run under callgrind (its subprocesses are not traced)."""
    out = tmp / f"callgrind-{app}-{requests}.out"
    result = subprocess.run(
        ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable,
         __file__, "--child", app, "--child-requests", str(requests)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=3600,
    )
    found = _COLLECTED.search(result.stderr)
    if result.returncode != 0 or not found:
        raise SystemExit(f"{app} with {requests} POSTs failed:\n{result.stderr[-3000:]}")
    return int(found.group(1))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, nargs=2, default=(20, 60),
                        metavar=("FEWER", "MORE"), help="timed POSTs of the two runs per app")
    parser.add_argument("--parallel", type=int, default=os.cpu_count() or 1,
                        help="callgrind runs at once (the counts do not depend on it)")
    parser.add_argument("--apps", nargs="+", type=str.lower,
                        choices=["minimal"] + [s.key for s in REAL_SCENARIOS],
                        default=["minimal"] + [s.key for s in REAL_SCENARIOS],
                        help="which apps to count (one real scenario is quicker, to compare "
                             "a change with the one before it)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--child-requests", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child == "minimal":
        post_minimal(os.environ["MINIMAL_DB"], args.child_requests)
        return 0
    if args.child:
        post_real(args.child.upper(), args.child_requests)
        return 0

    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (Debian: apt-get install valgrind)")
    fewer, more = sorted(args.requests)
    if fewer == more:
        raise SystemExit("--requests needs two different numbers")
    tmp = Path(tempfile.mkdtemp(prefix="bench-instructions-"))
    try:
        print(f"submit path, instructions per POST: callgrind, {fewer} and {more} POSTs per app "
              f"after {WARM_UP} warm-up, Python {sys.version.split()[0]}, temp dir {tmp}")
        print("setting up the real app's database (once, then copied for each run):")
        set_up = setup_real(tmp / "setup", "ep-meps-csv", log=print)
        database = Path(set_up["INSTANCE_PATH"]) / "app.sqlite3"

        def run(app: str, requests: int) -> int:
            run_dir = tmp / f"{app}-{requests}"
            (run_dir / "instance").mkdir(parents=True)
            # The same string hashes in every child, so that dictionaries are laid out alike.
            env = dict(set_up, PYTHONHASHSEED="0")
            if app == "minimal":
                env["MINIMAL_DB"] = str(run_dir / "minimal.sqlite3")
            else:
                shutil.copy(database, run_dir / "instance" / "app.sqlite3")
                env.update(INSTANCE_PATH=str(run_dir / "instance"),
                           DATABASE_URL=f"sqlite:///{run_dir / 'instance' / 'app.sqlite3'}",
                           MAIL_OUTBOX_DIR=str(run_dir / "outbox"))
            return count(app, requests, env, tmp)

        apps = args.apps
        jobs = [(app, n) for app in apps for n in (fewer, more)]
        print(f"{len(jobs)} callgrind runs, {args.parallel} at once (each takes minutes)")
        with ThreadPoolExecutor(args.parallel) as pool:
            totals = dict(zip(jobs, pool.map(lambda job: run(*job), jobs), strict=True))
        per_post = {app: (totals[app, more] - totals[app, fewer]) / (more - fewer)
                    for app in apps}

        print()
        print(f"{'':28s}{'instructions/POST':>20s}{'minimal/real':>16s}")
        if "minimal" in per_post:
            print(f"{'minimal app':28s}{per_post['minimal'] / 1e6:>18.2f} M{'':>16s}")
        for scenario in REAL_SCENARIOS:
            if scenario.key not in per_post:
                continue
            ratio = (f"{per_post['minimal'] / per_post[scenario.key]:.2f}"
                     if "minimal" in per_post else "")
            label = f"real, {scenario.kind} ({scenario.country})"
            print(f"{label:28s}{per_post[scenario.key] / 1e6:>18.2f} M{ratio:>16s}")
        print(f"\nminimal/real is the requests/s ratio the real app would reach if requests cost "
              f"only these instructions (goal {GOAL_RATIO}); under gunicorn both apps also pay "
              f"for HTTP, so bench/submit_path.py measures a higher ratio than this.")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
