"""Benchmark of overload: twice the app's capacity for a minute, with load shedding and without.

    .venv/bin/python bench/overload.py [--seconds 60] [--factor 2] [--budget-ms 800]
        [--workers N] [--database sqlite|postgresql] [--mode default|production]
        [--gunicorn-args "--worker-class gthread --threads 4"] [--only shed|baseline]

Issue 19's row "2x capacity for 60 s": every supporter gets an answer within 1 s, either
served or a quick 503 (or 429) page that keeps what they typed, and no accepted letter is
lost.

What runs: the real app under gunicorn on 127.0.0.1, started as bench/submit_path.py starts it
(in the project folder, so gunicorn reads the project's gunicorn.conf.py: its backlog, worker
class and timeouts; the command line sets only the port, the workers and the logs), with
TRUSTED_REQUEST_START_HEADER=X-Request-Start and LOAD_SHED_AFTER_MS=--budget-ms. The request
is the "send it for me" POST of step two by a British supporter (the typical few letters),
each with a fresh form_key, so each one accepted stores a new submission.

1. Capacity: a short closed loop (--clients supporters, each POSTing again as soon as it has
   its answer) gives the requests per second the server serves.
2. Open loop at --factor times that rate for --seconds: requests are sent at their times
   whatever the answers (as supporters arrive), each on a new connection, up to
   --max-requests. Twice, against the same server:
   - baseline: without X-Request-Start, so the app cannot tell how long a request waited and
     sheds nothing: what happened before this change, apart from gunicorn's settings;
   - shedding: each request carries X-Request-Start. There is no front proxy here: the load
     generator stamps each request with the time it sends it, as Heroku's router or nginx
     stamps the time it received it.
   Between the two, the server works off what is left in its queue before anything is
   counted.

Printed for each: the share of requests answered within 1 s, latency percentiles (from
sending the request to the whole answer; a request without an answer counts as its timeout),
the answers by kind (200 with the letters stored, 503, 429, other statuses, connection errors,
timeouts), whether the 503 pages gave the supporter's form back, and the rows stored against
the 200s: every accepted submission must be stored, and a request that got a 503 must have
stored nothing (a request without an answer may or may not have been stored).

The load generator shares the machine's cores with the server, so the capacity is the
capacity of this setup, measured in the same run: the comparison is what counts.
This is a benchmark: it prints figures and PASS/FAIL, it is not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import secrets
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from submit_path import (  # noqa: E402  (a script beside this one)
    ROOT,
    SLUG,
    RealClient,
    Result,
    Scenario,
    Server,
    Store,
    add_backing_options,
    backing_from,
    clean_up,
    count_scenario_rows,
    drive,
    email_prefix,
    http,
    machine_busy_seconds,
    nearest_rank,
    parse_response,
    prepare,
    print_server_logs,
    run_main,
    server_cpu_seconds,
    setup_real,
    start_gunicorn,
    stop_on_signals,
)

ANSWER_GOAL_S = 1.0
GOAL_SHARE = 0.99
HEADER = "X-Request-Start"


@dataclass
class Phase:
    """One open-loop run: what each request got, and how long it took."""

    name: str
    stamped: bool
    rate: float = 0.0
    outcomes: dict[str, int] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)  # seconds, one per request sent
    lags: list[float] = field(default_factory=list)  # the generator's lateness, seconds
    accepted: int = 0
    kept_form: int = 0  # 503 pages that hold the request's own form_key: the form came back
    unknown: int = 0  # no answer (timeout, connection lost after sending): stored or not
    window: float = 0.0
    drain: float = 0.0
    rows: dict = field(default_factory=dict)
    # CPU seconds while the requests were sent and answered: the server's, the load
    # generator's, and every other process's on the machine (shared cores).
    cpu: dict[str, float] = field(default_factory=dict)

    def cores(self, who: str) -> str:
        return f"{self.cpu[who] / self.window:.2f}" if self.window and who in self.cpu else "-"

    @property
    def sent(self) -> int:
        return len(self.latencies)

    def within(self, seconds: float) -> float:
        return sum(1 for v in self.latencies if v <= seconds) / self.sent if self.sent else 0.0

    def percentile(self, q: float) -> float:
        return nearest_rank(self.latencies, q)

    def percentile_lag(self, q: float) -> float:
        return nearest_rank(self.lags, q)

    def count(self, kind: str) -> int:
        return self.outcomes.get(kind, 0)


async def post(client: RealClient, stamp: bool, timeout: float) -> tuple[int, bytes, str]:
    """The client's letters POST with a fresh form_key, on a new connection; `stamp` adds
    X-Request-Start (milliseconds since the epoch, Heroku's format) at the moment it is sent.
    Returns (status, body, form_key)."""
    form_key = secrets.token_urlsafe(24)
    body = client.fixed + b"&" + urlencode({"form_key": form_key}).encode()
    reader, writer = await asyncio.wait_for(
        asyncio.open_connection("127.0.0.1", client.port), timeout)
    try:
        head = [f"POST /c/{SLUG}/letters?lang=en HTTP/1.1", f"Host: 127.0.0.1:{client.port}",
                "Connection: close", "Accept-Language: en", "User-Agent: bench/overload",
                "Content-Type: application/x-www-form-urlencoded",
                f"Content-Length: {len(body)}",
                "Cookie: " + "; ".join(f"{k}={v}" for k, v in client.cookies.items())]
        if stamp:
            head.append(f"{HEADER}: {int(time.time() * 1000)}")
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)
        raw = await asyncio.wait_for(reader.read(), timeout)
    finally:
        writer.close()
    status, payload = parse_response(raw)
    return status, payload, form_key


async def open_loop(phase: Phase, pool: list[RealClient], rate: float, seconds: float,
                    limit: int, timeout: float, server: Server) -> None:
    """Send min(rate x seconds, limit) requests at evenly spaced times, whatever the answers."""
    total = min(int(rate * seconds), limit)
    phase.rate = rate
    start = time.perf_counter() + 0.2
    before = (server_cpu_seconds(server.process.pid), time.process_time(),
              machine_busy_seconds())

    async def one(i: int) -> None:
        due = start + i / rate
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        began = time.perf_counter()
        phase.lags.append(began - due)
        client = pool[i % len(pool)]
        try:
            status, body, form_key = await asyncio.wait_for(
                post(client, phase.stamped, timeout), timeout)
            if status == 200 and client.ok_marker in body:
                kind = "200 stored"
                phase.accepted += 1
            elif status == 503:
                kind = "503"
                phase.kept_form += form_key.encode() in body
            else:
                kind = str(status)
        except TimeoutError:  # sent, perhaps stored: no answer
            kind = "timeout"
            phase.unknown += 1
        except OSError as error:
            kind = f"connection error ({type(error).__name__})"
            phase.unknown += not isinstance(error, ConnectionRefusedError)  # refused: not sent
        elapsed = time.perf_counter() - began
        if kind == "timeout":
            elapsed = max(elapsed, timeout)
        phase.outcomes[kind] = phase.outcomes.get(kind, 0) + 1
        phase.latencies.append(elapsed)

    await asyncio.gather(*(one(i) for i in range(total)))
    phase.window = time.perf_counter() - start
    server_cpu = server_cpu_seconds(server.process.pid) - before[0]
    client_cpu = time.process_time() - before[1]
    phase.cpu = {"server": server_cpu, "generator": client_cpu,
                 "others": max(0.0, machine_busy_seconds() - before[2] - server_cpu
                               - client_cpu)}


async def wait_until_drained(port: int, limit: float = 120.0) -> float:
    """Seconds until the server answers a page quickly again (its queue worked off)."""
    began = time.perf_counter()
    while time.perf_counter() - began < limit:
        asked = time.perf_counter()
        try:
            status, _ = await http(port, "GET", f"/c/{SLUG}?lang=en", timeout=limit)
        except (OSError, TimeoutError):
            status = 0
        if status == 200 and time.perf_counter() - asked < 0.2:
            return time.perf_counter() - began
        await asyncio.sleep(0.2)
    return time.perf_counter() - began


def gunicorn_settings(env: dict[str, str]) -> str:
    """What gunicorn runs with, from its own --print-config (project file, env, flags)."""
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--print-config", "--workers",
         env.get("WEB_CONCURRENCY", "2"), "webapp:create_app()"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    wanted = ("worker_class", "workers", "threads", "backlog", "timeout", "graceful_timeout",
              "worker_connections", "config")
    found = {}
    for line in result.stdout.splitlines():
        name, _, value = line.partition("=")
        if name.strip() in wanted:
            found[name.strip()] = value.strip()
    return ", ".join(f"{k} {found[k]}" for k in wanted if k in found)


def report(phases: list[Phase], timeout: float) -> bool:
    print()
    names = [p.name for p in phases]
    print(f"{'':34}" + "".join(f"{n:>16}" for n in names))
    kinds = sorted({k for p in phases for k in p.outcomes} - {"200 stored", "503"})
    rows = [
        ("offered rate, requests/s", lambda p: f"{p.rate:.1f}"),
        ("requests sent", lambda p: str(p.sent)),
        (f"answered within {ANSWER_GOAL_S:g} s", lambda p: f"{p.within(ANSWER_GOAL_S):.1%}"),
        ("p50 latency ms", lambda p: f"{1000 * p.percentile(50):.0f}"),
        ("p95 latency ms", lambda p: f"{1000 * p.percentile(95):.0f}"),
        ("p99 latency ms", lambda p: f"{1000 * p.percentile(99):.0f}"),
        ("max latency ms", lambda p: f"{1000 * max(p.latencies, default=0):.0f}"),
        ("200, letters stored", lambda p: str(p.count("200 stored"))),
        ("  accepted per second", lambda p: f"{p.count('200 stored') / p.window:.1f}"
         if p.window else "-"),
        ("503", lambda p: str(p.count("503"))),
        ("  503 giving the form back", lambda p: str(p.kept_form)),
        ("429", lambda p: str(p.count("429"))),
        *[(k, lambda p, k=k: str(p.count(k))) for k in kinds if k != "429"],
        ("generator lateness p99 ms", lambda p: f"{1000 * p.percentile_lag(99):.0f}"),
        ("queue drained after, s", lambda p: f"{p.drain:.1f}"),
        ("CPU cores: server", lambda p: p.cores("server")),
        ("CPU cores: load generator", lambda p: p.cores("generator")),
        ("CPU cores: other processes", lambda p: p.cores("others")),
    ]
    for label, get in rows:
        print(f"{label:34}" + "".join(f"{get(p):>16}" for p in phases))
    print(f"(a request without an answer counts as its timeout, {timeout:g} s, in the "
          f"latencies; CPU cores over each phase's sending time, out of {os.cpu_count()})")
    busy = max((p.cpu.get("others", 0.0) / p.window for p in phases if p.window), default=0)
    if busy > 0.3:
        print(f"warning: other processes kept {busy:.2f} cores busy during a phase: the "
              f"capacity measured before it was not what the server had, and the figures are "
              f"worse than on a quiet machine")

    print()
    print("stored rows (the submissions of each phase, told apart by their e-mail addresses):")
    stored_ok = {}
    for p in phases:
        rows = p.rows
        stored = rows["submission"]
        # Every 200 stored; nothing more, except what a request without an answer did.
        ok = p.accepted <= stored <= p.accepted + p.unknown and rows["notice"] == stored
        stored_ok[p.name] = ok
        print(f"  {p.name}: 200 answers {p.accepted}, stored submissions {stored} (notices "
              f"{rows['notice']}, letters {rows['letter']}); requests without an answer "
              f"{p.unknown}  {'OK' if ok else 'MISMATCH'}")

    print()
    verdict = True
    for p in phases:
        if not p.stamped:
            continue
        share = p.within(ANSWER_GOAL_S)
        errors = p.sent - p.count("200 stored") - p.count("503") - p.count("429")
        checks = [
            (f"answered within {ANSWER_GOAL_S:g} s: {share:.1%}", f">= {GOAL_SHARE:.0%}",
             share >= GOAL_SHARE),
            (f"answers other than 200/503/429 (errors, timeouts): {errors}", "0", errors == 0),
            (f"503 pages giving the form back: {p.kept_form} of {p.count('503')}", "all",
             p.kept_form == p.count("503")),
            ("every accepted submission stored, none for a 503", "yes", stored_ok[p.name]),
        ]
        print(f"goals, {p.name} (issue 19, 2x capacity):")
        for what, goal, ok in checks:
            print(f"  {what}  (goal {goal})  {'PASS' if ok else 'FAIL'}")
            verdict = verdict and ok
    for p in phases:
        if not p.stamped:
            print(f"for comparison, {p.name}: {p.within(ANSWER_GOAL_S):.1%} answered within "
                  f"{ANSWER_GOAL_S:g} s, stored rows {'OK' if stored_ok[p.name] else 'MISMATCH'}")
    return verdict


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0,
                        help="open-loop time of each phase")
    parser.add_argument("--factor", type=float, default=2.0,
                        help="offered load, as a multiple of the measured capacity")
    parser.add_argument("--budget-ms", type=int, default=800,
                        help="LOAD_SHED_AFTER_MS of the server")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1),
                        help="gunicorn workers (WEB_CONCURRENCY); default gunicorn.conf.py's, "
                             "two per core")
    parser.add_argument("--clients", type=int, default=8,
                        help="concurrent supporters of the closed loop that measures capacity")
    parser.add_argument("--capacity-seconds", type=float, default=5.0,
                        help="measured time of the closed loop (after 2 s warm-up)")
    parser.add_argument("--capacity", type=float,
                        help="take this capacity (requests/s) instead of measuring it")
    parser.add_argument("--pool", type=int, default=32,
                        help="supporters (sessions) the open loop takes turns with")
    parser.add_argument("--timeout", type=float, default=15.0,
                        help="a request without an answer after this many seconds is given up")
    parser.add_argument("--max-requests", type=int, default=50_000,
                        help="upper bound of requests per phase")
    parser.add_argument("--only", choices=["shed", "baseline"],
                        help="run one phase only")
    parser.add_argument("--gunicorn-args", default="",
                        help="extra gunicorn settings for the server (GUNICORN_CMD_ARGS), "
                             "e.g. '--backlog 2048' or '--worker-class gthread --threads 4'")
    parser.add_argument("--meps-format", default="ep-meps-csv")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    add_backing_options(parser, redis_db=11)
    args = parser.parse_args(argv)
    stop_on_signals()

    tmp = Path(tempfile.mkdtemp(prefix="bench-overload-"))
    run_id = secrets.token_hex(3)
    backing = backing_from(args)
    server: Server | None = None
    try:
        print(f"overload benchmark: {os.cpu_count()} CPUs, Python {platform.python_version()}, "
              f"{args.factor:g}x capacity for {args.seconds:g} s per phase, shedding budget "
              f"{args.budget_ms} ms, temp dir {tmp}")
        print(f"app on: {backing.describe()}")
        backing.open()
        print("setting up the real app's database:")
        env = setup_real(tmp, args.meps_format, backing=backing,
                         database_url=backing.new_database("bench_over", run_id))
        env.update(TRUSTED_REQUEST_START_HEADER=HEADER, LOAD_SHED_AFTER_MS=str(args.budget_ms),
                   WEB_CONCURRENCY=str(args.workers))
        env.pop("GUNICORN_CMD_ARGS", None)
        if args.gunicorn_args:
            env["GUNICORN_CMD_ARGS"] = args.gunicorn_args
        print(f"gunicorn: {gunicorn_settings(env)}"
              + (f" (GUNICORN_CMD_ARGS={args.gunicorn_args!r})" if args.gunicorn_args else ""))
        server = start_gunicorn("real", "webapp:create_app()", env, ROOT, args.workers, tmp,
                                f"/c/{SLUG}")
        print(f"server: 127.0.0.1:{server.port}")

        if args.capacity:
            capacity = args.capacity
            print(f"capacity: {capacity:.1f} requests/s (given)")
        else:
            cap = Scenario("cap", "GB", "capacity")
            pool = asyncio.run(prepare(
                server, lambda port, i, run: RealClient(port, i, run, cap), args.clients,
                run_id))
            result = Result("capacity")
            asyncio.run(drive(result, server, pool, 2.0, args.capacity_seconds, [10**9],
                              args.timeout))
            capacity = result.rps
            print(f"capacity: {capacity:.1f} requests/s served by a closed loop of "
                  f"{args.clients} supporters (p50 {result.percentile(50):.0f} ms, errors "
                  f"{result.measured_errors})")
            if not capacity:
                raise SystemExit("the server served nothing: no capacity to double")
        rate = args.factor * capacity
        print(f"open loop: {rate:.1f} requests/s for {args.seconds:g} s "
              f"(at most {args.max_requests} requests), a new connection each, timeout "
              f"{args.timeout:g} s")
        print(f"no front proxy here: in the shedding phase the load generator sets {HEADER} "
              f"to the time it sends each request (as a proxy stamps the time it received "
              f"it); the baseline sends none, so the same server sheds nothing")

        phases = []
        wanted = [("baseline", False), ("shedding", True)]
        if args.only:
            wanted = [w for w in wanted if w[1] == (args.only == "shed")]
        for name, stamped in wanted:
            phase = Phase(name, stamped)
            scenario = Scenario(f"o{name[0]}", "GB", name)
            pool = asyncio.run(prepare(
                server, lambda port, i, run, sc=scenario: RealClient(port, i, run, sc),
                args.pool, run_id))
            print(f"phase {name}: {rate:.1f} requests/s for {args.seconds:g} s ...", flush=True)
            asyncio.run(open_loop(phase, pool, rate, args.seconds, args.max_requests,
                                  args.timeout, server))
            phase.drain = asyncio.run(wait_until_drained(server.port))
            phase.rows = count_scenario_rows(Store(env["DATABASE_URL"]),
                                             email_prefix(run_id, scenario.key))
            phases.append(phase)

        verdict = report(phases, args.timeout)
        print()
        print(f"overall ({args.factor:g}x capacity, {backing.database}, {backing.mode} mode):",
              "PASS" if verdict else "FAIL")
        return 0
    finally:
        if server is not None:
            server.stop()
        print_server_logs(tmp)
        clean_up(tmp, args.keep, backing)


if __name__ == "__main__":
    run_main(main)
