"""Benchmark of delivery: confirmed letters through real workers to a local SendGrid.

    .venv/bin/python bench/delivery.py [--letters 6000] [--workers 2] [--threads N]
                                       [--paced-letters 2000] [--rate 400]
                                       [--queue sqlite|redis] [--latency 0.1]
                                       [--postgres [URL]] [--baseline REF]
    .venv/bin/python bench/delivery.py --postgres --profile 2000 [--latency 0]

What runs: `--workers` real `flask delivery worker` processes (as the Procfile starts them,
with the worker's own default thread count unless `--threads` is given) against a temporary
SQLite database and huey's SQLite queue in a temporary instance folder (`--queue redis`: the
Redis queue, database 14 of `--redis-url`, flushed before and after; `--postgres`: a temporary
PostgreSQL database, created on that server and dropped afterwards). Mail goes through the
real `sendgrid` client to the tests' local SendGrid (tests/webapp/fake_sendgrid.py), in this
process, on 127.0.0.1, answering after `--latency` seconds (the real one: about 0.1).

The letters are written straight into the table with SQLAlchemy (submissions of
`--per-submission` letters each, sharing one text, waiting for confirmation in their
submission's row), which is not what is measured. They are then confirmed the way the confirm
view does it: the outbox's own `queue_submission` (the letters written as `queued` rows,
`confirmed_at`), one commit per batch, and the ids put on the queue after the commit with the
session's after-commit hook (`enqueue_after_commit`).
Each letter's confirmation time is its submission's `confirmed_at`; its hand-over time is
`sent_at` (written when SendGrid answered 202). The workers also send each submission's
receipt, as they would in production.

Two phases, one after the other:

1. Throughput: `--letters` letters are confirmed and queued while no worker runs (a backlog,
   as after a flood of supporters or a worker outage); then the workers start. Letters handed
   over per second = letters / (workers ready -> last hand-over), and the workers' CPU (user +
   system from /proc/<pid>/stat over the same span) per letter.
2. Delay: with the workers running, `--paced-letters` letters are confirmed at a steady
   `--rate` letters/s (the throughput goal), in batches every 0.1 s. The p50/p95 time from
   confirmation to hand-over is the delay a supporter sees when the service runs at that
   rate. The confirming process reports the rate it really reached.

Goals: >= 400 letters/s and <= 2.5 ms of worker CPU per letter (phase 1), p95 < 5 s
(phase 2). It also checks that SendGrid received every letter exactly once (lost, twice), and
waits for the receipts. The last line, RESULT, has the figures; `--baseline REF` runs the same
again with the code at REF (a git worktree, removed afterwards) and prints both side by side.

`--profile N` instead runs cProfile around Worker.send_letter in this process, one thread,
over N letters (half of them first without the profiler), and prints the CPU per letter and
the top lines by own and cumulative time. Its timer is the thread's CPU time: waiting for the
database or SendGrid costs a worker a thread, not CPU.

The machine's cores are shared by the workers, the local SendGrid and the confirming process,
and anything else running on the machine skews the figures: the load average is printed at
the start and the end. Every phase is bounded by `--timeout`; the worker processes are stopped
(TERM, then KILL, also when this process gets a TERM) and the temporary folder removed.

This is a benchmark: it prints figures and PASS/FAIL against the goals, it is not a test.
"""

from __future__ import annotations

import argparse
import os
import platform
import secrets
import shutil
import signal
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# `--code PATH` (what --baseline uses): the project's code, the workers' included, from PATH.
CODE = Path(sys.argv[sys.argv.index("--code") + 1]) if "--code" in sys.argv else ROOT
sys.path.insert(0, str(CODE))

from sqlalchemy import func, insert, select  # noqa: E402

from database import as_utc, utcnow  # noqa: E402
from tests.webapp.fake_sendgrid import FakeSendGrid  # noqa: E402  (the tests' local SendGrid)
from tests.webapp.processes import Processes, flask_env, wait_until  # noqa: E402
from webapp import create_app  # noqa: E402
from webapp.app_state import app_state  # noqa: E402
from webapp.config import Config  # noqa: E402
from webapp.delivery.after_commit import enqueue_after_commit  # noqa: E402
from webapp.delivery.outbox import queue_submission  # noqa: E402
from webapp.models import (  # noqa: E402
    Campaign,
    Letter,
    LetterState,
    Notice,
    NoticeState,
    PendingLetter,
    PendingLetters,
    Submission,
)

SLUG = "treaty-at-next-summit"
SECRET = "bench-secret"
FROM = "letters@campaign.example"
GOAL_RATE = 400.0
GOAL_CPU_MS = 2.5
GOAL_P95 = 5.0
DONE = (LetterState.SENT, LetterState.FAILED)
BODY = ("I am writing to ask you to support an international treaty that pauses the "
        "development of the most powerful AI systems, and to put it on the agenda of the next "
        "AI summit.\n\n") * 8


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--letters", type=int, default=6_000, help="phase 1 letters")
    parser.add_argument("--paced-letters", type=int, default=2_000, help="phase 2 letters")
    parser.add_argument("--rate", type=float, default=GOAL_RATE,
                        help="phase 2 confirmations, letters per second")
    parser.add_argument("--workers", type=int, default=2, help="worker processes")
    parser.add_argument("--threads", type=int, default=None,
                        help="threads per worker (default: the worker's own default)")
    parser.add_argument("--per-submission", type=int, default=5,
                        help="letters per supporter (one receipt each)")
    parser.add_argument("--batch", type=int, default=20,
                        help="phase 1: submissions confirmed per commit")
    parser.add_argument("--latency", type=float, default=0.1,
                        help="seconds the local SendGrid takes to answer (the real one: ~0.1)")
    parser.add_argument("--queue", choices=("sqlite", "redis"), default="sqlite",
                        help="huey's SQLite queue or Redis (database 14 of --redis-url)")
    parser.add_argument("--redis", action="store_const", const="redis", dest="queue",
                        help="the same as --queue redis")
    parser.add_argument("--redis-url", default=os.environ.get(
        "BENCH_REDIS_URL", "redis://127.0.0.1:6379/14"))
    parser.add_argument("--postgres", metavar="URL", nargs="?", const=os.environ.get(
        "BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"),
                        help="PostgreSQL instead of SQLite: a temporary database is created "
                             "on this URL's server and dropped afterwards")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per phase")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--baseline", metavar="REF",
                        help="then run the same with the code at REF (a git worktree, removed "
                             "afterwards) and print both")
    parser.add_argument("--code", metavar="PATH", help=argparse.SUPPRESS)
    parser.add_argument("--profile", type=int, metavar="N", default=0,
                        help="instead: cProfile one worker's letter path (Worker.send_letter) "
                             "over N letters in this process, and print the top lines")
    return parser.parse_args()


def make_app(tmp: Path, sendgrid_url: str, redis_url: str | None, database_url: str | None):
    config = Config(
        secret_key=SECRET,
        database_url=database_url or f"sqlite:///{tmp / 'app.sqlite3'}",
        instance_path=tmp / "instance",
        redis_url=redis_url,
        mail_backend="sendgrid",
        mail_from_address=FROM,
        sendgrid_api_key="SG.bench",
        sendgrid_api_host=sendgrid_url,
        mail_outbox_dir=tmp / "outbox",
        ratelimit_enabled=False,
    )
    app = create_app(config)
    runner = app.test_cli_runner()
    for args in (["db", "upgrade"], ["campaigns", "sync"]):
        result = runner.invoke(args=args)
        if result.exit_code != 0:
            raise SystemExit(f"flask {' '.join(args)} failed:\n{result.output}")
    return app


def write_letters(app, letters: int, per_submission: int, tag: str) -> list[int]:
    """Submissions with their letters pending confirmation, straight into the table."""
    factory = app_state(app).database.session_factory
    with factory() as session:
        campaign_id = session.scalar(select(Campaign.id).where(Campaign.slug == SLUG))
        count = -(-letters // per_submission)
        now = utcnow()
        submissions = []
        for n in range(count):
            pending = PendingLetters.pack(
                PendingLetter(f"bench:{k}", f"Representative {k}", f"rep{k}@parliament.example",
                              f"Dear Representative {k},",
                              "Please support a treaty pausing frontier AI", BODY, "en")
                for k in range(min(per_submission, letters - n * per_submission)))
            submissions.append(dict(
                public_id=secrets.token_hex(16),
                form_key=secrets.token_hex(16), campaign_id=campaign_id,
                supporter_name=f"Supporter {tag}{n}", supporter_email=f"{tag}{n}@example.org",
                supporter_town="Utrecht", country="NL", postcode="", language="en",
                wants_updates=False, created_at=now, pending_letters=pending))
        ids = session.execute(insert(Submission).returning(Submission.id), submissions)
        ids = ids.scalars().all()
        session.commit()
    return list(ids)


def confirm(app, submission_ids: list[int]) -> int:
    """Confirm as the view does: queue_submission, commit, then enqueue after the commit."""
    factory = app_state(app).database.session_factory
    with factory() as session:
        queued = []
        for submission_id in submission_ids:
            queued += queue_submission(session, session.get(Submission, submission_id))
        enqueue_after_commit(session, "letter", queued)
        session.commit()
    return len(queued)


def confirm_flood(app, submission_ids, batch: int) -> float:
    started = time.monotonic()
    for start in range(0, len(submission_ids), batch):
        confirm(app, submission_ids[start:start + batch])
    return time.monotonic() - started


def confirm_paced(app, submission_ids, per_submission: int, rate: float) -> float:
    """About `rate` letters a second, in batches every 0.1 s; return the seconds taken."""
    started = time.monotonic()
    done = 0
    pending = list(submission_ids)
    while pending:
        due = (time.monotonic() - started) * rate  # letters that should be confirmed by now
        take = max(int((due - done) // per_submission), 0)
        if take:
            batch, pending = pending[:take], pending[take:]
            done += confirm(app, batch)
        time.sleep(0.1 - (time.monotonic() - started) % 0.1)
    return time.monotonic() - started


def wait_done(app, submission_ids, timeout: float) -> bool:
    factory = app_state(app).database.session_factory
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with factory() as session:
            left = session.scalar(select(func.count()).select_from(Letter).where(
                Letter.submission_id.in_(submission_ids), Letter.state.not_in(DONE)))
        if not left:
            return True
        time.sleep(0.25)
    return False


def wait_notices(app, timeout: float) -> int:
    """Wait for the receipts the workers write after the last letters; return those left."""
    factory = app_state(app).database.session_factory
    deadline = time.monotonic() + timeout
    while True:
        with factory() as session:
            left = session.scalar(select(func.count()).select_from(Notice).where(
                Notice.state != NoticeState.SENT))
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.25)


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(int(round(p / 100 * (len(ordered) - 1))), len(ordered) - 1)]


def measure(app, submission_ids, since=None) -> dict:
    """States, hand-overs per second from `since` (or the first confirmation), and delays."""
    factory = app_state(app).database.session_factory
    with factory() as session:
        rows = session.execute(
            select(Letter.id, Letter.state, Letter.sent_at, Submission.confirmed_at)
            .join(Submission, Submission.id == Letter.submission_id)
            .where(Letter.submission_id.in_(submission_ids))).all()
    sent = [(as_utc(r.sent_at), as_utc(r.confirmed_at)) for r in rows
            if r.state == LetterState.SENT]
    delays = [(s - c).total_seconds() for s, c in sent]
    start = since or min(as_utc(r.confirmed_at) for r in rows if r.confirmed_at)
    last_sent = max((s for s, _ in sent), default=start)
    span = max((last_sent - start).total_seconds(), 1e-9)
    return {
        "letters": len(rows),
        "sent": len(sent),
        "failed": sum(r.state == LetterState.FAILED for r in rows),
        "other": sum(r.state not in DONE for r in rows),
        "unfinished": Counter(r.state for r in rows if r.state not in DONE),
        "ids": [r.id for r in rows],
        "rate": len(sent) / span,
        "span": span,
        "p50": percentile(delays, 50),
        "p95": percentile(delays, 95),
        "max": max(delays, default=float("nan")),
    }


def _states(measured: dict) -> str:
    left = measured["unfinished"]
    return f" ({', '.join(f'{n} {state}' for state, n in sorted(left.items()))})" if left else ""


def cpu_seconds(pid: int) -> float:
    """User + system CPU a process has used so far (/proc/<pid>/stat, Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def profile(app, letters: int, per_submission: int, top: int = 15) -> None:
    """cProfile around Worker.send_letter, in this process, for `letters` queued letters."""
    import cProfile
    import pstats

    from webapp.delivery.worker import make_worker

    confirm_flood(app, write_letters(app, letters, per_submission, "profile"), 20)
    factory = app_state(app).database.session_factory
    with factory() as session:
        ids = session.scalars(select(Letter.id).where(Letter.state == LetterState.QUEUED)
                              .order_by(Letter.id)).all()
    worker = make_worker(app, with_queue=False)
    warm = ids[:50]  # imports, compiled-statement caches, the first connections
    for letter_id in warm:
        worker.send_letter(letter_id)
    plain, measured = ids[len(warm):len(warm) + len(ids) // 2], ids[len(warm) + len(ids) // 2:]
    cpu = time.thread_time()
    for letter_id in plain:
        worker.send_letter(letter_id)
    print(f"{len(plain)} letters without the profiler: "
          f"{(time.thread_time() - cpu) / max(len(plain), 1) * 1000:.2f} ms CPU per letter "
          f"(this thread)")
    # This thread's CPU time, not the wall clock: waiting for PostgreSQL or SendGrid costs a
    # worker nothing but a thread, and the local SendGrid runs in other threads of this process.
    profiler = cProfile.Profile(time.thread_time)
    cpu = time.thread_time()
    profiler.enable()
    outcomes = Counter(worker.send_letter(letter_id) for letter_id in measured)
    profiler.disable()
    cpu = time.thread_time() - cpu
    print(f"profiled {len(measured)} letters: {dict(outcomes)}; "
          f"{cpu / len(measured) * 1000:.2f} ms CPU per letter (this thread, with the "
          f"profiler's own overhead)")
    for order in ("tottime", "cumulative"):
        print(f"\ntop {top} by {order}:")
        pstats.Stats(profiler).sort_stats(order).print_stats(top)


def main() -> int:
    args = parse_args()
    # A TERM (a CI timeout, `kill`) ends the run through the `finally` below, which stops the
    # worker processes; Python's default would leave them running.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if args.baseline:
        return with_baseline(args)
    redis_url = None
    if args.queue == "redis":
        import redis

        redis_url = args.redis_url
        redis.Redis.from_url(redis_url).flushdb()
    database_url = None
    if args.postgres:
        # A database of its own, so that nothing of the tests' (or another run's) is touched.
        from sqlalchemy import create_engine
        from sqlalchemy.engine import make_url

        name = f"bench_delivery_{os.getpid()}"
        admin = create_engine(args.postgres, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        database_url = make_url(args.postgres).set(database=name).render_as_string(
            hide_password=False)
    # mkdtemp, not TemporaryDirectory, whose finalizer would remove a --keep folder at exit.
    tmp = Path(tempfile.mkdtemp(prefix="bench-delivery-"))
    sendgrid = FakeSendGrid().start()
    if args.latency:
        sendgrid.mode, sendgrid.slow_seconds = "slow", args.latency
    procs = app = None
    print(f"delivery benchmark: {args.workers} workers x {args.threads or 'default'} threads, "
          f"code {CODE}, queue "
          f"{'Redis ' + redis_url if redis_url else 'huey SQLite'}, database "
          f"{'PostgreSQL' if database_url else 'SQLite'}, "
          f"SendGrid answers in {args.latency:.2f} s, "
          f"{os.cpu_count()} CPUs, Python {platform.python_version()}, load average "
          f"{os.getloadavg()[0]:.1f}")
    try:
        app = make_app(tmp, sendgrid.url, redis_url, database_url)
        config = app_state(app).config
        if args.profile:
            profile(app, args.profile, args.per_submission)
            return 0
        procs = Processes(tmp, flask_env(
            instance_path=config.instance_path, database_url=config.database_url,
            sendgrid_url=sendgrid.url, redis_url=redis_url, timeout_seconds=10.0,
            secret_key=SECRET, mail_from_address=FROM))
        started = time.monotonic()
        flood = write_letters(app, args.letters, args.per_submission, "flood")
        paced = write_letters(app, args.paced_letters, args.per_submission, "paced")
        print(f"wrote {args.letters + args.paced_letters} letters pending confirmation in "
              f"{time.monotonic() - started:.1f} s (not measured)")
        print(f"\nphase 1, throughput: {args.letters} letters confirmed, then the workers start")
        seconds = confirm_flood(app, flood, args.batch)
        print(f"  confirmed and queued in {seconds:.1f} s ({args.letters / seconds:.0f} "
              f"letters/s, no worker running)")
        threads = ["--threads", str(args.threads)] if args.threads else []
        workers = [procs.start("delivery", "worker", *threads) for _ in range(args.workers)]
        for worker in workers:
            wait_until(lambda w=worker: "worker started" in w.output(), 60,
                       "the worker to start", on_timeout=procs.logs)
        print("  " + "; ".join(line for w in workers for line in w.output().splitlines()
                               if "worker started" in line))
        ready = utcnow()
        cpu_start = sum(cpu_seconds(w.pid) for w in workers)
        finished = wait_done(app, flood, args.timeout)
        cpu = sum(cpu_seconds(w.pid) for w in workers) - cpu_start
        one = measure(app, flood, since=ready)
        cpu_ms = cpu / max(one["sent"], 1) * 1000
        print(f"  sent {one['sent']}, failed {one['failed']}, unfinished {one['other']}"
              f"{_states(one)}"
              f"{'' if finished else f' (stopped waiting after {args.timeout:.0f} s)'}")
        print(f"  letters handed over per second: {one['rate']:.0f} (workers ready to last "
              f"hand-over, {one['span']:.1f} s)   goal >= {GOAL_RATE:.0f}: "
              f"{verdict(finished and one['rate'] >= GOAL_RATE)}")
        print(f"  worker CPU (/proc/<pid>/stat, user + system, all workers, the receipts sent "
              f"meanwhile included): {cpu_ms:.2f} ms per letter   goal <= {GOAL_CPU_MS}: "
              f"{verdict(cpu_ms <= GOAL_CPU_MS)}")

        # The receipts were queued behind the backlog: let them go first, or phase 2's letters
        # would wait behind them on the queue.
        started = time.monotonic()
        left = wait_notices(app, args.timeout)
        print(f"  then the {len(flood)} receipts, in {time.monotonic() - started:.1f} s more"
              f"{f' ({left} left)' if left else ''}")

        print(f"\nphase 2, delay: {args.paced_letters} letters confirmed at "
              f"{args.rate:.0f} letters/s")
        seconds = confirm_paced(app, paced, args.per_submission, args.rate)
        print(f"  confirmed in {seconds:.1f} s ({args.paced_letters / seconds:.0f} letters/s)")
        finished = wait_done(app, paced, args.timeout)
        two = measure(app, paced)
        print(f"  sent {two['sent']}, failed {two['failed']}, unfinished {two['other']}"
              f"{_states(two)}")
        print(f"  confirmation to hand-over: p50 {two['p50']:.2f} s, p95 {two['p95']:.2f} s, "
              f"max {two['max']:.2f} s   goal p95 < {GOAL_P95:.0f} s: "
              f"{verdict(finished and two['p95'] < GOAL_P95)}")

        unsent = wait_notices(app, 30.0)
        received = FakeSendGrid.letter_ids(sendgrid.received_bodies)
        ids = {str(i) for i in one["ids"] + two["ids"]}
        twice = sum(count > 1 for count in received.values())
        lost = len(ids - set(received))
        print(f"\nSendGrid received {sum(received.values())} letters "
              f"({len(ids & set(received))} distinct of {len(ids)}), {twice} more than once; "
              f"{len(sendgrid.received_bodies) - sum(received.values())} receipts")
        print(f"receipts not sent 30 s after the last letter: {unsent}")
        for worker in workers:
            if not worker.alive():
                print(f"worker {worker.pid} died:\n{worker.output()[-2000:]}")
        print("load average (1, 5, 15 min) at the end: "
              + ", ".join(f"{x:.1f}" for x in os.getloadavg())
              + f" on {os.cpu_count()} CPUs (anything else running skews the figures)")
        print(f"RESULT rate={one['rate']:.1f} cpu_ms={cpu_ms:.2f} p50={two['p50']:.2f} "
              f"p95={two['p95']:.2f} lost={lost} twice={twice}")
        return 0 if twice == 0 else 1
    finally:
        if procs is not None:
            for process in procs.started:
                process.stop(timeout=15)
            procs.close()
        sendgrid.stop()
        if database_url:
            if app is not None:
                app_state(app).database.dispose()
            with admin.connect() as connection:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.dispose()
        if redis_url:
            import redis

            redis.Redis.from_url(redis_url).flushdb()
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def with_baseline(args) -> int:
    """This code, then the code at `args.baseline` in a git worktree, the same way; both."""
    import subprocess

    sys.path.insert(0, str(ROOT / "bench"))
    from submit_path import baseline_checkout, remove_checkout

    argv = sys.argv[1:]
    at = argv.index("--baseline")
    argv = argv[:at] + argv[at + 2:]
    tmp = Path(tempfile.mkdtemp(prefix="bench-delivery-baseline-"))
    results = {}
    try:
        checkout = baseline_checkout(args.baseline, tmp)
        for label, code in (("this code", ROOT), (f"baseline {args.baseline}", checkout)):
            print(f"\n===== {label} =====", flush=True)
            run = subprocess.run([sys.executable, __file__, *argv, "--code", str(code)],
                                 stdout=subprocess.PIPE, text=True, timeout=4 * args.timeout)
            print(run.stdout, flush=True)
            line = next((x for x in run.stdout.splitlines() if x.startswith("RESULT ")), "")
            results[label] = dict(f.split("=") for f in line.split()[1:])
    finally:
        remove_checkout(tmp / "baseline")
        shutil.rmtree(tmp, ignore_errors=True)
    names = ("rate", "cpu_ms", "p50", "p95", "lost", "twice")
    print(f"{'':24}" + "".join(f"{n:>10}" for n in names))
    for label, result in results.items():
        print(f"{label:24}" + "".join(f"{result.get(n, '-'):>10}" for n in names))
    return 0 if all(r.get("twice") == "0" for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
