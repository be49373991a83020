"""One supporter's whole journey, request by request, in-process (Flask's test client).

    .venv/bin/python bench/journey.py [--journeys 200] [--countries GB DE] [--rounds 4]
        [--database sqlite|postgresql] [--mode default|production] [--baseline REF]

What is timed, for each journey a new supporter with a new browser (test client): GET the
campaign page, POST step one (country, town: who represents them), POST step two with
`send=x` (the letters stored, waiting for confirmation), GET the confirmation page, POST its
button (the letters written and queued for the worker). The confirmation link is the one the
mail holds, made from the new submission's public id (looked up in the database, untimed), as
tests/webapp/flow.py does: no worker runs, so no mail is written. Printed: the median of each
request and of the whole journey over N journeys, for a British supporter (the typical case:
the UK government contacts) and a German one (96 letters, to every German MEP, the
most any supporter gets), and the campaign page GET alone, each by a new visitor. Goals: the
whole journey <= 6 ms for GB and <= 15 ms for DE, the campaign page <= 1 ms.

In-process, so without gunicorn, HTTP or a load generator: what the app's own code costs. The
database is set up as bench/submit_path.py does (migrations, the default campaign, the default
directory and the MEPs), a SQLite file or, with `--database postgresql`, a fresh PostgreSQL
database (dropped at the end). The default mode has the rate limits off and the task queue in
a SQLite file; `--mode production` puts the queue and the rate limits in Redis (db 11 by
default, emptied at the start and the end) with every limit on but raised, as submit_path.py.

The app runs in a child process (this script with `--worker`), fed journeys round by round.
With `--baseline REF` a second child runs the same journeys against the app at that git commit
(a worktree on the child's sys.path, its own database of the same kind), and the rounds
alternate between the two (this checkout, baseline, then baseline, this checkout, ...), so
that both see the same machine at the same time; the report puts them side by side.

This is a benchmark: it prints figures and PASS/FAIL against the goals, it is not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
from submit_path import (  # noqa: E402
    ROOT,
    SLUG,
    TOWNS,
    Backing,
    add_backing_options,
    backing_from,
    baseline_checkout,
    clean_up,
    raised_limits,
    run_main,
    setup_real,
    stop_on_signals,
)

from tests.webapp.pages import csrf_token, form_fields  # noqa: E402

STEPS = (
    ("page", "GET campaign page"),
    ("step_one", "POST step one"),
    ("step_two", "POST step two (send)"),
    ("confirm_page", "GET confirm page"),
    ("confirm", "POST confirm"),
)
GOAL_JOURNEY_MS = {"GB": 6.0, "DE": 15.0}
GOAL_PAGE_MS = 1.0
KINDS = {"GB": "typical", "NL": "many letters", "DE": "most letters"}
WARM_UP_JOURNEYS = 10
WARM_UP_PAGES = 50

# --------------------------------------------------------------------------- the child


class Journeys:
    """The app of this process (from the environment), and the journeys through it."""

    def __init__(self):
        import webapp
        from webapp.app_state import app_state

        self.app = webapp.create_app()
        self.state = app_state(self.app)
        self.webapp_path = webapp.__file__

    def public_id(self, email: str) -> tuple[int, str]:
        from sqlalchemy import select

        from webapp.models import Submission

        with self.state.database.session_factory() as session:
            row = session.execute(select(Submission.id, Submission.public_id)
                                  .where(Submission.supporter_email == email)
                                  .order_by(Submission.id.desc())).first()
        if row is None:
            raise RuntimeError(f"no submission stored for {email}")
        return row[0], row[1]

    def letters_written(self, submission_id: int) -> int:
        from sqlalchemy import func, select

        from webapp.models import Letter

        with self.state.database.session_factory() as session:
            return session.scalar(select(func.count()).select_from(Letter)
                                  .where(Letter.submission_id == submission_id)) or 0

    def journey(self, country: str, email: str, check: bool = False) -> dict:
        """One supporter's way, timed request by request (seconds), with what it gave."""
        client = self.app.test_client()
        times: dict[str, float] = {}
        cpu: dict[str, float] = {}

        def timed(step: str, request):
            wall, used = time.perf_counter(), time.process_time()
            response = request()
            times[step], cpu[step] = time.perf_counter() - wall, time.process_time() - used
            return response

        page = timed("page", lambda: client.get(f"/c/{SLUG}?lang=en"))
        expect(page, 200, "campaign page")

        data = {"name": "Jane Doe", "email": email, "town": TOWNS.get(country, ""),
                "country": country, "postcode": "",
                "own_words": "My daughter will grow up with whatever we build now.",
                "csrf_token": csrf_token(page.get_data(as_text=True))}
        step_one = timed("step_one", lambda: client.post(f"/c/{SLUG}?lang=en", data=data))
        expect(step_one, 200, "step one")

        fields = form_fields(step_one.get_data(as_text=True), "/letters")
        targets = sum(1 for name, _ in fields if name.endswith("-targets"))
        fields.append(("send", "x"))
        step_two = timed("step_two", lambda: client.post(
            f"/c/{SLUG}/letters?lang=en", data=urlencode(fields).encode(),
            content_type="application/x-www-form-urlencoded"))
        expect(step_two, 200, "step two", b"Please check your inbox")

        submission_id, public_id = self.public_id(email)  # untimed: the mail's link
        link = f"/confirm/{self.state.confirmation_tokens.make(public_id)}"
        confirm_page = timed("confirm_page", lambda: client.get(link))
        expect(confirm_page, 200, "confirm page")

        token = csrf_token(confirm_page.get_data(as_text=True))
        confirmed = timed("confirm", lambda: client.post(link, data={"csrf_token": token}))
        expect(confirmed, 303, "confirm")

        result = {"times": times, "cpu": cpu, "targets": targets}
        if check:
            result["letters"] = self.letters_written(submission_id)
        return result

    def page(self) -> tuple[float, float]:
        """One new visitor's GET of the campaign page: wall-clock and CPU seconds."""
        client = self.app.test_client()
        began, used = time.perf_counter(), time.process_time()
        response = client.get(f"/c/{SLUG}?lang=en")
        elapsed, cpu = time.perf_counter() - began, time.process_time() - used
        expect(response, 200, "campaign page")
        return elapsed, cpu


def expect(response, status: int, what: str, marker: bytes | None = None) -> None:
    body = response.get_data()
    if response.status_code != status or (marker and marker not in body):
        raise RuntimeError(f"{what} answered {response.status_code}: {body[:1500]!r}")


def worker(root: Path) -> int:
    """The child: the app from `root`, journeys on request (one JSON line in, one out)."""
    out = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # whatever else writes to stdout goes to the log
    sys.path.insert(0, str(root))  # before this checkout, which submit_path put first

    def answer(**message):
        out.write(json.dumps(message) + "\n")

    try:
        journeys = Journeys()
    except Exception as error:  # noqa: BLE001 - reported to the parent
        answer(error=f"the app did not start: {type(error).__name__}: {error}")
        return 1
    answer(ready=True, webapp=journeys.webapp_path)
    for line in sys.stdin:
        command = json.loads(line)
        try:
            if command["op"] == "journeys":
                runs = [journeys.journey(command["country"], f"{command['prefix']}{n}@example.org",
                                         check=n == command["first"])
                        for n in range(command["first"], command["first"] + command["n"])]
                answer(times={key: [r["times"][key] for r in runs] for key, _ in STEPS},
                       cpu={key: [r["cpu"][key] for r in runs] for key, _ in STEPS},
                       targets=sorted({r["targets"] for r in runs}),
                       letters=[r["letters"] for r in runs if "letters" in r])
            elif command["op"] == "pages":
                answer(times=[journeys.page() for _ in range(command["n"])])  # (wall, cpu)
            else:
                answer(error=f"unknown command {command!r}")
        except Exception as error:  # noqa: BLE001 - reported to the parent
            answer(error=f"{type(error).__name__}: {error}")
    return 0


# --------------------------------------------------------------------------- the parent


class Child:
    """One app (this checkout or the baseline) in a worker process."""

    def __init__(self, name: str, root: Path, env: dict[str, str], tmp: Path):
        self.name = name
        self.log_path = tmp / f"journey-{name}.log"
        self.count = 0
        with open(self.log_path, "w") as log:
            self.process = subprocess.Popen(
                [sys.executable, str(Path(__file__).resolve()), "--worker", str(root)],
                cwd=root, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log,
                text=True, bufsize=1)
        ready = self.read()
        if not Path(ready["webapp"]).resolve().is_relative_to(root.resolve()):
            raise SystemExit(f"{name}: the child imported {ready['webapp']}, not from {root}")

    def read(self) -> dict:
        line = self.process.stdout.readline() if self.process.stdout else ""
        if not line:
            self.process.wait(timeout=30)
            raise SystemExit(f"the {self.name} child ended ({self.process.returncode}):\n"
                             + self.log_tail())
        message = json.loads(line)
        if "error" in message:
            raise SystemExit(f"the {self.name} child: {message['error']}\n" + self.log_tail())
        return message

    def ask(self, **command) -> dict:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()
        return self.read()

    def journeys(self, country: str, n: int, run_id: str) -> dict:
        answer = self.ask(op="journeys", country=country, n=n, first=self.count,
                          prefix=f"journey-{run_id}-{self.name}-{country.lower()}-")
        self.count += n
        return answer

    def log_tail(self) -> str:
        text = self.log_path.read_text() if self.log_path.exists() else ""
        return "\n".join(text.strip().splitlines()[-20:])

    def stop(self) -> None:
        if self.process.poll() is None:
            if self.process.stdin:
                self.process.stdin.close()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


class Tally:
    """What one child measured for one country: seconds per step, per journey (wall-clock and
    the child's CPU time)."""

    def __init__(self):
        self.times: dict[str, list[float]] = {key: [] for key, _ in STEPS}
        self.cpu: dict[str, list[float]] = {key: [] for key, _ in STEPS}
        self.targets: set[int] = set()
        self.letters: list[int] = []

    def add(self, answer: dict) -> None:
        for key, values in answer["times"].items():
            self.times[key] += values
        for key, values in answer["cpu"].items():
            self.cpu[key] += values
        self.targets.update(answer["targets"])
        self.letters += answer["letters"]

    def totals(self, cpu: bool = False) -> list[float]:
        source = self.cpu if cpu else self.times
        return [sum(parts) for parts in zip(*(source[key] for key, _ in STEPS), strict=True)]


def ms(values: list[float]) -> str:
    if not values:
        return "-"
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]
    return f"{1000 * statistics.median(values):6.2f} ({1000 * p90:6.2f})"


def change(walls: list[list[float]], cpus: list[list[float]]) -> str:
    """'old -> new' of the medians, wall-clock and CPU; the lists are [new, old]."""
    parts = []
    for what, (new, old) in (("", walls), ("CPU ", cpus)):
        new, old = statistics.median(new), statistics.median(old)
        parts.append(f"{what}{1000 * old:.2f} -> {1000 * new:.2f} ms ({new / old - 1:+.0%})")
    return "; ".join(parts)


def report(tallies: dict[str, dict[str, Tally]], pages: dict[str, list[tuple[float, float]]],
           names: list[str], labels: dict[str, str]) -> bool:
    width = 22
    print()
    print("median ms (p90 ms) per request, wall-clock; a journey's total is the median of the "
          "journeys' sums. The CPU rows: this process's CPU time (not the database server's), "
          "which other load on the machine disturbs less")
    print(f"{'':28}" + "".join(f"{labels[name]:>{width}}" for name in names) + "   goal")
    overall = True
    for country, by_child in tallies.items():
        first = by_child[names[0]]
        targets = "/".join(str(t) for t in sorted(first.targets))
        letters = "/".join(str(n) for n in sorted(set(first.letters))) or "?"
        print(f"{country}, {KINDS.get(country, '')} ({targets} targets, {letters} letters "
              f"written on confirmation; {len(first.totals())} journeys)")
        for key, label in STEPS:
            print(f"  {label:26}" + "".join(f"{ms(by_child[name].times[key]):>{width}}"
                                            for name in names))
        goal = GOAL_JOURNEY_MS.get(country)
        total = statistics.median(first.totals())
        verdict = ""
        if goal is not None:
            passed = 1000 * total <= goal
            overall = overall and passed
            verdict = f"   <= {goal:g} ms  {'PASS' if passed else 'FAIL'}"
        print(f"  {'whole journey':26}" + "".join(f"{ms(by_child[name].totals()):>{width}}"
                                                  for name in names) + verdict)
        print(f"  {'whole journey, CPU':26}"
              + "".join(f"{ms(by_child[name].totals(cpu=True)):>{width}}" for name in names))
    walls = {name: [wall for wall, _ in pages[name]] for name in names}
    passed = 1000 * statistics.median(walls[names[0]]) <= GOAL_PAGE_MS
    overall = overall and passed
    print(f"{'campaign page GET alone':28}" + "".join(f"{ms(walls[name]):>{width}}"
                                                     for name in names)
          + f"   <= {GOAL_PAGE_MS:g} ms  {'PASS' if passed else 'FAIL'}  "
            f"({len(walls[names[0]])} new visitors)")
    print(f"{'campaign page GET, CPU':28}" + "".join(
        f"{ms([cpu for _, cpu in pages[name]]):>{width}}" for name in names))
    if len(names) > 1:
        print()
        print(f"{labels[names[0]]} against {labels[names[1]]}, medians:")
        for country, by_child in tallies.items():
            print(f"  {country} whole journey: " + change(
                [by_child[n].totals() for n in names[:2]],
                [by_child[n].totals(cpu=True) for n in names[:2]]))
        print("  campaign page: " + change(
            [walls[n] for n in names[:2]], [[cpu for _, cpu in pages[n]] for n in names[:2]]))
    return overall


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--journeys", type=int, default=200,
                        help="measured journeys per country (and per checkout)")
    parser.add_argument("--pages", type=int, default=500,
                        help="measured campaign page GETs alone (per checkout)")
    parser.add_argument("--countries", nargs="+", type=str.upper, default=["GB", "DE"],
                        help="the supporters' countries (GB: typical, DE: the most letters)")
    parser.add_argument("--rounds", type=int, default=4,
                        help="split the journeys into this many rounds, alternating checkouts")
    parser.add_argument("--meps-format", default="ep-meps-csv",
                        help="importer format name for the MEPs CSV")
    parser.add_argument("--baseline", metavar="REF",
                        help="also run the journeys against the app at this git commit, "
                             "branch or tag (same --database and --mode), in the same rounds")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--worker", metavar="ROOT", help=argparse.SUPPRESS)
    add_backing_options(parser, redis_db=11)
    args = parser.parse_args(argv)
    if args.worker:
        return worker(Path(args.worker))
    stop_on_signals()

    tmp = Path(tempfile.mkdtemp(prefix="bench-journey-"))
    run_id = secrets.token_hex(3)
    backing: Backing = backing_from(args)
    children: list[Child] = []
    baseline_root: Path | None = None
    try:
        print(f"journey benchmark: in-process (Flask test client), Python "
              f"{platform.python_version()}, {os.cpu_count()} CPUs, {args.journeys} journeys "
              f"per country for {' '.join(args.countries)} and {args.pages} campaign page GETs "
              f"in {args.rounds} rounds after {WARM_UP_JOURNEYS} warm-up journeys, temp dir "
              f"{tmp}")
        print(f"app on: {backing.describe()}")
        backing.open()
        if backing.production and not raised_limits():
            print("  note: no rate-limit setting found in webapp/config.py to raise")
        print("setting up this checkout's database:")
        env = setup_real(tmp / "current", args.meps_format, backing=backing,
                         database_url=backing.new_database("bench_jny", run_id))
        names, labels = ["current"], {"current": "this checkout"}
        roots = {"current": ROOT}
        envs = {"current": env}
        if args.baseline:
            print(f"setting up the baseline, the app at {args.baseline}:")
            baseline_root = baseline_checkout(args.baseline, tmp)
            envs["baseline"] = setup_real(
                tmp / "baseline-run", args.meps_format, root=baseline_root, backing=backing,
                database_url=backing.new_database("bench_jny_base", run_id))
            roots["baseline"] = baseline_root
            names.append("baseline")
            labels["baseline"] = f"baseline {args.baseline}"[:20]
        if backing.created:
            print(f"PostgreSQL databases of this run: {', '.join(backing.created)}")
        for name in names:
            children.append(Child(name, roots[name], envs[name], tmp))
        by_name = {child.name: child for child in children}

        for child in children:  # templates, translations, directory and caches warm
            for country in args.countries:
                child.journeys(country, WARM_UP_JOURNEYS, run_id)
            child.ask(op="pages", n=WARM_UP_PAGES)

        tallies = {country: {name: Tally() for name in names} for country in args.countries}
        pages: dict[str, list[tuple[float, float]]] = {name: [] for name in names}
        order = list(names)
        for round_no in range(args.rounds):
            share = (args.journeys * (round_no + 1) // args.rounds
                     - args.journeys * round_no // args.rounds)
            page_share = (args.pages * (round_no + 1) // args.rounds
                          - args.pages * round_no // args.rounds)
            print(f"round {round_no + 1}/{args.rounds}: {', '.join(order)}", flush=True)
            for name in order:
                child = by_name[name]
                for country in args.countries:
                    if share:
                        tallies[country][name].add(child.journeys(country, share, run_id))
                if page_share:
                    pages[name] += [tuple(t) for t in
                                    child.ask(op="pages", n=page_share)["times"]]
            order.reverse()

        print()
        print(f"{backing.database}, {backing.mode} mode (rate limits "
              f"{'on, in Redis' if backing.production else 'off'})")
        overall = report(tallies, pages, names, labels)
        print()
        print("overall:", "PASS" if overall else "FAIL")
        return 0
    finally:
        for child in children:
            child.stop()
        clean_up(tmp, args.keep, backing, baseline_root)


if __name__ == "__main__":
    run_main(main)
