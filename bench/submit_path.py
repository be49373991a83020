"""Benchmark of the submit path: the real app's "send it for me" POST against a minimal app.

    .venv/bin/python bench/submit_path.py [--seconds 10] [--clients 16] [--warmup 3]
        [--database sqlite|postgresql] [--mode default|production] [--baseline REF] [--page]

What is measured: the POST to /c/treaty-at-next-summit/letters with `send=x`, the request
that validates the letters form, matches the supporter to their targets, renders the letters
and stores one new submission holding one letter per target (and its confirmation notice). It is
compared with the least a form-handling Flask app can do (bench/minimal_app.py: validate a
Flask-WTF form with CSRF, insert one row).

Why three real-app scenarios: the work per POST grows with the number of letters, and that
depends on the supporter's country. A British supporter, the typical case, is matched to the
UK government contacts in the project's default directory, a few letters per POST (the app
shows but stores no letter for a target without an e-mail address; the run prints both
numbers). A Dutch supporter is matched to every
Dutch MEP (31 letters per POST): the many-letters case, for the campaign's EU supporters. A
German supporter is matched to every German MEP (96 letters), the most any supporter gets.
All three are measured in the same run, and the goals and the stored-row check are reported
for each.

What the apps stand on (`--database`, `--mode`; the environment's DATABASE_URL, REDIS_URL and
APP_ENV are not used): SQLite files (the default) or a fresh PostgreSQL database per server on
127.0.0.1:5432 (`bench_real_<run>`, `bench_min_<run>`, `bench_base_<run>`; the minimal app
then stores its rows there too), dropped at the end, also after a failure or Ctrl+C. The
default mode is `make run`'s: the task queue in a SQLite file, rate limits off. Production
mode is a deployment's: APP_ENV=production, REDIS_URL (db 12 by default, emptied at the start
and the end), so the task queue is huey on Redis and the rate limits are counted in Redis,
on, with every limit webapp/config.py reads raised a million times: checked on each request,
never reached. There the run also counts the Redis commands per POST.

Goals: in production mode, issue 19's: requests/s >= 500 for GB and DE, requests/s >= 0.45 x
the minimal app's (on the same database), p95 < 100 ms at 16 clients. In the default mode
the benchmark's own: requests/s >= 0.5 x minimal, p95 < 100 ms.

All are measured in one run: the minimal app and the real app run under gunicorn with the same
flags (2 sync workers, as in the Procfile), bound to 127.0.0.1 on free ports. The real
scenarios share one real-app server and database; only one scenario is driven at a time, and
the rounds alternate (minimal, GB, NL, DE, then DE, NL, GB, minimal, ...) so that every
scenario sees the same server and the same growing database. Each scenario's rows are told apart by
the e-mail addresses' prefix. One asyncio load generator in this process drives every
scenario the same way: N concurrent clients, a new connection per request (gunicorn's sync
worker closes it after each response). The machine's cores are shared by the servers and the
load generator, so the absolute figures are low; the comparison is what counts.

Real app, per client: GET the campaign page (session cookie, CSRF token), POST step one as a
supporter from the scenario's country, read the letters form, then POST it again and again to
/letters with `send=x` and a fresh `form_key`, so each POST validates the letters, matches,
and stores one new submission with all its letters. The supporter's details go back as step
one sealed them, as a real supporter's do, so step two does not check them again (a changed
detail would be: webapp.supporters.tokens.DetailsSeal); each client has its own address. Only
that POST is timed. Minimal app, per client: GET the token once, then POST the form again and again;
each POST validates and inserts one row.

With `--page`, the campaign page's GET is driven too, in the same rounds, as a scenario of its
own: each request from a new visitor (no cookie), as most of the page's visitors are. Its
requests/s is printed beside the baseline's (issue 19's goal: at least three times the
baseline's) and beside the minimal app's POST.

With `--baseline REF` the real app also runs at that git commit (a worktree, its own database
of the same kind, the same mode), in the same alternating rounds, and the run ends with both
side by side: on a shared machine two runs minutes apart differ more than most changes do.

This is a benchmark: it prints figures and PASS/FAIL against the goals, it is not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
SLUG = "treaty-at-next-summit"
MEPS_CSV = ROOT.parent / "shared" / "data" / "eu-parliament-meps" / "meps.csv"

GOAL_RATIO = 0.5
GOAL_P95_MS = 100.0


@dataclass(frozen=True)
class Goals:
    """What a real scenario must reach: requests/s as a share of the minimal app's, p95, and
    for the countries in `rps_countries` requests/s of its own."""

    ratio: float
    p95_ms: float
    rps: float | None = None
    rps_countries: tuple[str, ...] = ()
    source: str = ""


GOALS = {
    "default": Goals(GOAL_RATIO, GOAL_P95_MS, source="the benchmark's goals"),
    "production": Goals(0.45, 100.0, 500.0, ("GB", "DE"),
                        source="issue 19's goals, on PostgreSQL and Redis"),
}

# The supporter's town per country, for step one.
TOWNS = {"GB": "Manchester", "NL": "Utrecht", "DE": "Berlin"}


@dataclass(frozen=True)
class Scenario:
    """One real-app supporter profile: which country, and how the report calls it."""

    key: str  # also the e-mail tag that tells this scenario's rows apart
    country: str
    kind: str  # "typical", "many letters"...


REAL_SCENARIOS = (Scenario("gb", "GB", "typical"), Scenario("nl", "NL", "many letters"),
                  Scenario("de", "DE", "most letters"))

sys.path.insert(0, str(ROOT))
from tests.webapp.pages import csrf_token, form_fields  # noqa: E402  (the tests' form reader)

# --------------------------------------------------------------------------- setup

POSTGRES_SERVER = "postgresql://postgres@127.0.0.1:5432"
REDIS_SERVER = "redis://127.0.0.1:6379"
# Every rate limit of the app's config is raised this many times in production mode: the same
# limits and windows, checked and counted in Redis on each request, never reached in a run.
LIMIT_FACTOR = 1_000_000
_LIMIT_SETTING = re.compile(r'env\.get\(\s*"([A-Z0-9_]+)"\s*,\s*"(\d+ per [^"]*)"\s*\)')
_LIMIT_SETTING_VALUE = re.compile(r"(\d+)(?= per )")


def raised_limits(root: Path = ROOT) -> dict[str, str]:
    """Every rate-limit setting `root`'s webapp/config.py reads, LIMIT_FACTOR times its default.

    Read from the config's source ('env.get("NAME", "30 per minute;...")'), so that a limit
    added there is raised here too, and a baseline gets the settings its own code reads.
    """
    source = (root / "webapp" / "config.py").read_text()
    return {name: _LIMIT_SETTING_VALUE.sub(lambda m: str(int(m.group(1)) * LIMIT_FACTOR), value)
            for name, value in _LIMIT_SETTING.findall(source)}


@dataclass
class Backing:
    """What the apps of one run stand on: `database` ("sqlite" or "postgresql") and `mode`.

    "default": what `make run` uses (the task queue in a SQLite file, rate limits off).
    "production": REDIS_URL, so the task queue is huey on Redis and the rate limits are
    counted in Redis (on, every limit raised by LIMIT_FACTOR), and APP_ENV=production (with an
    SMTP backend nobody listens to: only the delivery worker sends mail, and none runs).

    With PostgreSQL each app gets a fresh database on `postgres_server`; close() drops them
    and empties the Redis db. Call it in a `finally`.
    """

    database: str = "sqlite"
    mode: str = "default"
    postgres_server: str = POSTGRES_SERVER
    redis_db: int = 12
    created: list[str] = field(default_factory=list)
    opened: bool = False

    @property
    def postgresql(self) -> bool:
        return self.database == "postgresql"

    @property
    def production(self) -> bool:
        return self.mode == "production"

    @property
    def redis_url(self) -> str | None:
        return f"{REDIS_SERVER}/{self.redis_db}" if self.production else None

    def describe(self) -> str:
        where = (f"PostgreSQL at {self.postgres_server}, a fresh database per app"
                 if self.postgresql else "SQLite, a fresh file per app")
        if self.production:
            return (f"{where}; production mode: APP_ENV=production, task queue and rate limits "
                    f"in Redis db {self.redis_url} (limits on, raised {LIMIT_FACTOR:,} times)")
        return f"{where}; default mode: task queue in a SQLite file, rate limits off"

    def open(self, log=print) -> None:
        """Check the servers answer; empty the Redis db."""
        self.opened = True
        for name in ("DATABASE_URL", "REDIS_URL", "APP_ENV"):
            if os.environ.get(name):
                log(f"  note: {name} from the environment is not used; --database and --mode "
                    f"choose what the apps run on")
        if self.postgresql:
            with self._postgres() as connection:
                connection.execute("SELECT 1")
        if self.production:
            client = self.redis()
            keys = client.dbsize()
            if keys:
                log(f"  Redis db {self.redis_db} held {keys} keys (an earlier run's?): emptied")
            client.flushdb()

    def _postgres(self):
        import psycopg

        return psycopg.connect(f"{self.postgres_server}/postgres", autocommit=True,
                               connect_timeout=10)

    def redis(self):
        import redis

        return redis.Redis.from_url(self.redis_url, socket_connect_timeout=5)

    def new_database(self, prefix: str, run_id: str) -> str | None:
        """A fresh PostgreSQL database's SQLAlchemy URL (None with SQLite: a file per app)."""
        if not self.postgresql:
            return None
        name = f"{prefix}_{run_id}"
        with self._postgres() as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        self.created.append(name)
        server = self.postgres_server.split("://", 1)[1]
        return f"postgresql+psycopg://{server}/{name}"

    def close(self, log=print) -> None:
        """Drop the databases made for this run and empty the Redis db (best effort)."""
        if self.created:
            try:
                with self._postgres() as connection:
                    while self.created:
                        name = self.created.pop()
                        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            except Exception as error:  # noqa: BLE001 - say what is left, do not hide the run
                log(f"could not drop the benchmark's databases {self.created}: {error}")
        if self.production and self.opened:
            try:
                self.redis().flushdb()
            except Exception as error:  # noqa: BLE001
                log(f"could not empty Redis db {self.redis_db}: {error}")


def real_env(tmp: Path, root: Path = ROOT, backing: Backing | None = None,
             database_url: str | None = None) -> dict[str, str]:
    backing = backing or Backing()
    instance = tmp / "instance"
    env = dict(os.environ)
    env.update(
        INSTANCE_PATH=str(instance),
        DATABASE_URL=database_url or f"sqlite:///{instance / 'app.sqlite3'}",
        SECRET_KEY=secrets.token_urlsafe(32),
        RATELIMIT_ENABLED="false",
        MAIL_OUTBOX_DIR=str(tmp / "outbox"),
        MAIL_BACKEND="file",
        FLASK_APP="webapp",
        PYTHONPATH=str(root),
    )
    env.pop("APP_ENV", None)
    env.pop("REDIS_URL", None)
    if backing.production:
        env.update(raised_limits(root))
        env.update(APP_ENV="production", REDIS_URL=backing.redis_url or "",
                   RATELIMIT_ENABLED="true", MAIL_BACKEND="smtp", SMTP_HOST="127.0.0.1",
                   SMTP_PORT=str(free_port()))
    return env


def flask(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "webapp", *args],
        cwd=env["PYTHONPATH"], env=env, capture_output=True, text=True, timeout=600,
    )
    if result.returncode != 0:
        raise SystemExit(f"flask {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout.strip()


def importer_formats(env: dict[str, str]) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c",
         "from representatives.importers import IMPORTERS; print(' '.join(IMPORTERS))"],
        cwd=env["PYTHONPATH"], env=env, capture_output=True, text=True, timeout=120,
    )
    return result.stdout.split() if result.returncode == 0 else []


def baseline_checkout(ref: str, tmp: Path) -> Path:
    """The project at `ref` (a commit, tag or branch), checked out beside this one.

    A git worktree, with this checkout's compiled translations (they are built, not committed).
    """
    path = tmp / "baseline"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "--force", str(path),
                    ref], check=True, capture_output=True, text=True, timeout=120)
    for compiled in (ROOT / "webapp" / "translations").glob("*/LC_MESSAGES/*.mo"):
        target = path / compiled.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(compiled, target)
    return path


def remove_checkout(path: Path) -> None:
    subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(path)],
                   capture_output=True, timeout=120)


def setup_real(tmp: Path, meps_format: str, log=print, root: Path = ROOT,
               backing: Backing | None = None, database_url: str | None = None
               ) -> dict[str, str]:
    """Migrate, sync the campaigns and import the directory into a fresh database: a SQLite
    file under `tmp`, or `database_url` (a fresh PostgreSQL database, see Backing)."""
    env = real_env(tmp, root, backing, database_url)
    Path(env["INSTANCE_PATH"]).mkdir(parents=True, exist_ok=True)
    log("  " + flask(env, "db", "upgrade").splitlines()[-1])
    log("  " + flask(env, "campaigns", "sync"))
    log("  " + flask(env, "reps", "import", "default", ""))
    if MEPS_CSV.exists():
        formats = importer_formats(env)
        if formats and meps_format not in formats:
            guess = [f for f in formats if "mep" in f.lower() and "csv" in f.lower()]
            log(f"  importer {meps_format!r} not found among {formats}; using {guess[:1]}")
            meps_format = guess[0] if guess else ""
        if meps_format:
            log("  " + flask(env, "reps", "import", meps_format, str(MEPS_CSV)))
    else:
        log(f"  {MEPS_CSV} not found: only the default directory is loaded")
    return env


def minimal_env(tmp: Path, database_url: str | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(MINIMAL_DB=str(tmp / "minimal.sqlite3"), SECRET_KEY=secrets.token_urlsafe(32))
    env.pop("MINIMAL_DATABASE_URL", None)
    if database_url:
        env["MINIMAL_DATABASE_URL"] = database_url
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    name: str
    process: subprocess.Popen
    port: int
    log_path: Path

    def stop(self) -> int | None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # gunicorn: graceful stop of all workers
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        return self.process.returncode


def start_gunicorn(name: str, app: str, env: dict[str, str], chdir: Path, workers: int,
                   tmp: Path, ready_path: str) -> Server:
    port = free_port()
    log_path = tmp / f"gunicorn-{name}.log"
    command = [
        sys.executable, "-m", "gunicorn", "--workers", str(workers),
        "--bind", f"127.0.0.1:{port}", "--chdir", str(chdir), "--timeout", "60",
        "--log-level", "warning", "--error-logfile", str(log_path), app,
    ]
    process = subprocess.Popen(command, cwd=chdir, env=env, stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    server = Server(name, process, port, log_path)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{ready_path}", timeout=5) as r:
                if r.status == 200:
                    return server
        except OSError:
            time.sleep(0.2)
    server.stop()
    log = log_path.read_text() if log_path.exists() else ""
    raise SystemExit(f"gunicorn for {name} did not come up on port {port}:\n{log[-3000:]}")


# --------------------------------------------------------------------------- CPU accounting

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _proc_stat(pid: int) -> tuple[int, float] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # ppid, cpu s


def machine_busy_seconds() -> float:
    """CPU time all processes on the machine used so far (from /proc/stat), in seconds."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(v) for v in fields[:8])
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS


def server_cpu_seconds(pid: int) -> float:
    """CPU time of a gunicorn arbiter and its living workers."""
    total = 0.0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = _proc_stat(int(entry))
            if stat and (int(entry) == pid or stat[0] == pid):
                total += stat[1]
    return total


# --------------------------------------------------------------------------- HTTP client


async def http(port: int, method: str, path: str, body: bytes | None = None,
               cookies: dict[str, str] | None = None, timeout: float = 30.0):
    """One request on a new connection; returns (status, body). Updates `cookies`."""
    reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), timeout)
    try:
        head = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close",
                "Accept-Language: en", "User-Agent: bench/submit_path"]
        if cookies:
            head.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items()))
        if body is not None:
            head += ["Content-Type: application/x-www-form-urlencoded",
                     f"Content-Length: {len(body)}"]
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + (body or b""))
        raw = await asyncio.wait_for(reader.read(), timeout)
    finally:
        writer.close()
    return parse_response(raw, cookies)


def parse_response(raw: bytes, cookies: dict[str, str] | None = None) -> tuple[int, bytes]:
    """(status, de-chunked body) of a whole HTTP/1.1 answer; Set-Cookie goes into `cookies`."""
    header_block, _, payload = raw.partition(b"\r\n\r\n")
    lines = header_block.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    chunked = False
    for line in lines[1:]:
        name, _, value = line.partition(":")
        name, value = name.strip().lower(), value.strip()
        if name == "set-cookie" and cookies is not None:
            pair = value.split(";", 1)[0]
            key, _, val = pair.partition("=")
            cookies[key.strip()] = val.strip()
        elif name == "transfer-encoding" and "chunked" in value.lower():
            chunked = True
    if chunked:
        payload = dechunk(payload)
    return status, payload


def dechunk(data: bytes) -> bytes:
    out, pos = [], 0
    while True:
        end = data.index(b"\r\n", pos)
        size = int(data[pos:end].split(b";")[0], 16)
        if size == 0:
            return b"".join(out)
        out.append(data[end + 2 : end + 2 + size])
        pos = end + 2 + size + 2


# --------------------------------------------------------------------------- clients


class RealClient:
    """A supporter from one country who sends the same letters again and again, as new
    submissions."""

    ok_marker = b"Please check your inbox"

    def __init__(self, port: int, index: int, run_id: str, scenario: Scenario):
        self.port, self.index, self.run_id, self.scenario = port, index, run_id, scenario
        self.cookies: dict[str, str] = {}
        self.targets = 0  # ticked on the letters form; a letter is stored for each one
        # that has an e-mail address (the others are only shown), see count_scenario_rows

    async def setup(self):
        status, page = await http(self.port, "GET", f"/c/{SLUG}?lang=en", cookies=self.cookies)
        if status != 200:
            raise RuntimeError(f"campaign page answered {status}")
        data = {
            "name": f"Bench Supporter {self.index}",
            "email": self.email(),
            "town": TOWNS.get(self.scenario.country, ""),
            "country": self.scenario.country,
            "postcode": "",
            "own_words": "My daughter will grow up with whatever we build now.",
            "csrf_token": csrf_token(page.decode()),
        }
        status, page = await http(self.port, "POST", f"/c/{SLUG}?lang=en",
                                  urlencode(data).encode(), cookies=self.cookies)
        if status != 200:
            raise RuntimeError(f"step one answered {status}: {page[:500]!r}")
        fields = form_fields(page.decode(), "/letters")
        self.targets = sum(1 for name, _ in fields if name.endswith("-targets"))
        if not self.targets:
            raise RuntimeError("the letters form has no targets")
        # The supporter's details as step one sealed them: a real supporter sends them back
        # unchanged, so step two takes them without checking them again (DetailsSeal).
        fixed = [(k, v) for k, v in fields if k not in {"form_key", "send", "draft"}]
        fixed.append(("send", "x"))
        self.fixed = urlencode(fixed).encode()
        self.body_bytes = len(self.fixed)

    def email(self) -> str:
        return f"{email_prefix(self.run_id, self.scenario.key)}{self.index}@example.org"

    async def one(self):
        extra = urlencode({"form_key": secrets.token_urlsafe(24)})
        return await http(self.port, "POST", f"/c/{SLUG}/letters?lang=en",
                          self.fixed + b"&" + extra.encode(), cookies=self.cookies)


class PageClient:
    """A new visitor opening the campaign page: no cookie, so every request starts a session
    and a CSRF token of its own, as a first visit does."""

    ok_marker = b'name="csrf_token"'

    def __init__(self, port: int, index: int, run_id: str):
        self.port = port

    async def setup(self):
        self.body_bytes = 0

    async def one(self):
        return await http(self.port, "GET", f"/c/{SLUG}?lang=en", cookies={})


def email_prefix(run_id: str, key: str) -> str:
    """The start of every e-mail address one scenario uses: its stored rows are found by it."""
    return f"bench-{run_id}-{key}-"


class MinimalClient:
    ok_marker = b"stored"

    def __init__(self, port: int, index: int, run_id: str):
        self.port, self.index, self.run_id = port, index, run_id
        self.cookies: dict[str, str] = {}
        self.n = 0

    async def setup(self):
        status, page = await http(self.port, "GET", "/", cookies=self.cookies)
        if status != 200:
            raise RuntimeError(f"minimal page answered {status}")
        self.token = csrf_token(page.decode())
        self.body_bytes = 0

    async def one(self):
        self.n += 1
        data = {"name": f"Bench Supporter {self.index}",
                "email": f"bench-{self.run_id}-{self.index}-{self.n}@example.org",
                "country": "NL", "csrf_token": self.token}
        return await http(self.port, "POST", "/submit", urlencode(data).encode(),
                          cookies=self.cookies)


# --------------------------------------------------------------------------- driving


@dataclass
class Result:
    name: str
    window: float = 0.0
    latencies: list[float] = field(default_factory=list)  # measured, seconds
    measured_ok: int = 0
    measured_errors: int = 0
    total_ok: int = 0  # warm-up included: what the database should hold
    total_sent: int = 0
    error_kinds: dict[str, int] = field(default_factory=dict)
    server_cpu: float = 0.0
    client_cpu: float = 0.0
    machine_cpu: float = 0.0  # every process on the machine, in the same span
    cpu_span: float = 0.0
    # Redis commands by name while this scenario was driven (warm-up included, like
    # total_sent), from the server's INFO commandstats: every client of the server counts.
    redis_commands: dict[str, int] = field(default_factory=dict)

    @property
    def redis_per_post(self) -> float:
        return sum(self.redis_commands.values()) / max(1, self.total_sent)

    @property
    def server_cpu_per_request(self) -> float:
        """Server CPU seconds per measured request."""
        return self.server_cpu / max(1, len(self.latencies))

    @property
    def cpu_per_request(self) -> float:
        """Server plus load-generator CPU seconds per measured request."""
        return (self.server_cpu + self.client_cpu) / max(1, len(self.latencies))

    @property
    def others_cores(self) -> float:
        busy = self.machine_cpu - self.server_cpu - self.client_cpu
        return max(0.0, busy) / self.cpu_span if self.cpu_span else 0.0

    @property
    def rps(self) -> float:
        return self.measured_ok / self.window if self.window else 0.0

    def percentile(self, q: float) -> float:
        """The q-th percentile of the latencies, in milliseconds."""
        return nearest_rank(self.latencies, q) * 1000


def nearest_rank(values: list[float], q: float) -> float:
    """The q-th percentile of `values` by the nearest-rank method (NaN if there are none)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, math.ceil(q / 100 * len(ordered)) - 1))]


async def prepare(server: Server, make_client, clients: int, run_id: str) -> list:
    """Make the clients and let each fetch its cookie, token (and letters form); untimed."""
    pool = [make_client(server.port, i, run_id) for i in range(clients)]
    await asyncio.gather(*(c.setup() for c in pool))
    return pool


def redis_command_counts(client) -> dict[str, int]:
    """Commands the Redis server ran so far, by name (INFO, what this script asks, left out)."""
    return {name.removeprefix("cmdstat_"): stats["calls"]
            for name, stats in client.info("commandstats").items()
            if name != "cmdstat_info"}


async def drive(result: Result, server: Server, pool: list, warmup: float, seconds: float,
                budget: list[int], timeout: float, redis_client=None) -> None:
    """Run the pool for `warmup` then `seconds`; add the measured part to `result`."""
    redis_before = redis_command_counts(redis_client) if redis_client else {}
    start = time.perf_counter()
    measure_from, stop_at = start + warmup, start + warmup + seconds
    records: list[tuple[float, float, bool]] = []
    cpu: dict[str, float] = {}

    async def mark_measure_start():
        await asyncio.sleep(max(0.0, measure_from - time.perf_counter()))
        cpu["server"], cpu["client"] = server_cpu_seconds(server.process.pid), time.process_time()
        cpu["machine"], cpu["at"] = machine_busy_seconds(), time.perf_counter()

    async def run(client):
        while True:
            began = time.perf_counter()
            if began >= stop_at or budget[0] <= 0:
                return
            budget[0] -= 1
            try:
                status, body = await client.one()
                ok = status == 200 and client.ok_marker in body
                kind = None if ok else f"HTTP {status}"
            except Exception as error:  # noqa: BLE001 - every failure is an error to count
                ok, kind = False, type(error).__name__
            ended = time.perf_counter()
            records.append((began, ended, ok))
            result.total_sent += 1
            result.total_ok += ok
            if kind and began >= measure_from:
                result.error_kinds[kind] = result.error_kinds.get(kind, 0) + 1

    await asyncio.wait_for(
        asyncio.gather(mark_measure_start(), *(run(c) for c in pool)),
        warmup + seconds + timeout + 30,
    )
    if redis_client:
        for name, calls in redis_command_counts(redis_client).items():
            if calls > redis_before.get(name, 0):
                result.redis_commands[name] = (result.redis_commands.get(name, 0) + calls
                                               - redis_before.get(name, 0))
    measured = [r for r in records if r[0] >= measure_from]
    result.server_cpu += server_cpu_seconds(server.process.pid) - cpu.get("server", 0.0)
    result.client_cpu += time.process_time() - cpu.get("client", 0.0)
    result.machine_cpu += machine_busy_seconds() - cpu.get("machine", 0.0)
    result.cpu_span += time.perf_counter() - cpu.get("at", start)
    result.window += (max(r[1] for r in measured) - measure_from) if measured else 0.0
    result.latencies += [r[1] - r[0] for r in measured]
    ok = sum(1 for r in measured if r[2])
    result.measured_ok += ok
    result.measured_errors += len(measured) - ok


@dataclass(frozen=True)
class Store:
    """Where one app keeps its rows, as a SQLAlchemy URL: a SQLite file or PostgreSQL."""

    url: str

    @property
    def postgresql(self) -> bool:
        return self.url.startswith("postgresql")

    def query(self, sql: str, *params) -> list[tuple]:
        """Rows of one query; `?` marks a parameter on both."""
        if not self.postgresql:
            connection = sqlite3.connect(self.url.removeprefix("sqlite:///"))
            try:
                return connection.execute(sql, params).fetchall()
            finally:
                connection.close()
        import psycopg

        server = self.url.split("://", 1)[1]
        with psycopg.connect(f"postgresql://{server}") as connection:
            return connection.execute(sql.replace("?", "%s"), params).fetchall()


def count_rows(store: Store, *tables: str) -> dict[str, int]:
    return {t: store.query(f"SELECT count(*) FROM {t}")[0][0] for t in tables}


def count_scenario_rows(store: Store, prefix: str) -> dict[str, int]:
    """Submissions, letters and notices of the submissions whose e-mail starts with `prefix`,
    and the fewest and most letters one of them holds.

    A letter waiting for confirmation is an entry in its submission's `pending_letters`
    (migration 0006), a confirmed one a row in `letter`; both count. A baseline from before
    0006 has no such column, and all its letters are rows.
    """
    if store.postgresql:
        columns = {row[0] for row in store.query(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_name = 'submission'")}
        count = "json_array_length((pending_letters::json) -> 'letters')"  # text before 0007
    else:
        columns = {row[1] for row in store.query("PRAGMA table_info(submission)")}
        count = "json_array_length(pending_letters, '$.letters')"
    pending = f"coalesce({count}, 0)" if "pending_letters" in columns else "0"
    per_submission = store.query(
        f"SELECT {pending} + (SELECT count(*) FROM letter "
        "WHERE letter.submission_id = submission.id), "
        "(SELECT count(*) FROM notice WHERE notice.submission_id = submission.id) "
        "FROM submission WHERE substr(supporter_email, 1, CAST(? AS INTEGER)) = ?",
        len(prefix), prefix)
    letters = [row[0] for row in per_submission]
    return {"submission": len(per_submission), "letter": sum(letters),
            "notice": sum(row[1] for row in per_submission),
            "min_letters": min(letters, default=None), "max_letters": max(letters, default=None)}


# --------------------------------------------------------------------------- report


def _cores(result: Result, seconds: float) -> str:
    """CPU seconds over the measured span, as a number of busy cores."""
    return f"{max(0.0, seconds) / result.cpu_span:.2f}" if result.cpu_span else "-"


def report(minimal: Result, reals: list[tuple[Scenario, Result, int, int]],
           args, goals: Goals, backing: Backing) -> dict[str, bool]:
    """Print the table and the goals for each real scenario; return whether each passed.

    `reals` holds (scenario, result, targets on the form, letters stored per POST)."""
    per_post = {r.name: (targets, letters) for _, r, targets, letters in reals}
    rows = [
        ("targets on the form", lambda r: str(per_post[r.name][0]) if r.name in per_post else "-"),
        ("letters stored/POST", lambda r: str(per_post[r.name][1]) if r.name in per_post else "-"),
        ("requests/s (2xx)", lambda r: f"{r.rps:.1f}"),
        ("ratio to minimal", lambda r: f"{r.rps / minimal.rps:.2f}" if minimal.rps else "-"),
        ("p50 ms", lambda r: f"{r.percentile(50):.1f}"),
        ("p95 ms", lambda r: f"{r.percentile(95):.1f}"),
        ("p99 ms", lambda r: f"{r.percentile(99):.1f}"),
        ("errors (non-200)", lambda r: str(r.measured_errors)),
        ("requests measured", lambda r: str(len(r.latencies))),
        ("window s", lambda r: f"{r.window:.1f}"),
        ("server CPU ms/req", lambda r: f"{1000 * r.server_cpu_per_request:.2f}"),
        ("client CPU ms/req", lambda r: f"{1000 * r.client_cpu / max(1, len(r.latencies)):.2f}"),
        ("CPU cores: servers", lambda r: _cores(r, r.server_cpu)),
        ("CPU cores: load gen", lambda r: _cores(r, r.client_cpu)),
        ("CPU cores: others", lambda r: _cores(r, r.machine_cpu - r.server_cpu - r.client_cpu)),
    ]
    if backing.production:
        rows.append(("Redis commands/POST", lambda r: f"{r.redis_per_post:.1f}"))
    results = [minimal] + [r for _, r, _, _ in reals]
    heads = [("minimal app", "")] + [
        (f"real, {sc.kind}", f"({sc.country}, {n} letters)") for sc, _, _, n in reals]
    widths = [16] + [max(20, len(a) + 3, len(b) + 3) for a, b in heads[1:]]
    print()
    print(f"{'':22}" + "".join(f"{a:>{w}}" for (a, _), w in zip(heads, widths, strict=True)))
    print(f"{'':22}" + "".join(f"{b:>{w}}" for (_, b), w in zip(heads, widths, strict=True)))
    for label, get in rows:
        cells = (f"{get(r):>{w}}" for r, w in zip(results, widths, strict=True))
        print(f"{label:22}" + "".join(cells))
    for r in results:
        if r.error_kinds:
            print(f"errors in {r.name}: {r.error_kinds}")
    if backing.production:
        report_redis(results)

    print()
    print(f"goals ({goals.source}; {args.clients} clients, {backing.database}, {backing.mode} "
          f"mode):")
    verdicts = {}
    for scenario, real, _, letters in reals:
        ratio = real.rps / minimal.rps if minimal.rps else 0.0
        p95 = real.percentile(95)
        checks = [(f"ratio real/minimal requests/s: {ratio:.2f}", f">= {goals.ratio}",
                   ratio >= goals.ratio),
                  (f"p95: {p95:.1f} ms", f"< {goals.p95_ms:.0f} ms", p95 < goals.p95_ms)]
        if goals.rps is not None and scenario.country in goals.rps_countries:
            checks.insert(0, (f"requests/s: {real.rps:.1f}", f">= {goals.rps:.0f}",
                              real.rps >= goals.rps))
        cpu_ratio = minimal.cpu_per_request / real.cpu_per_request if real.cpu_per_request else 0
        print(f"  real {scenario.kind} ({scenario.country}, {letters} letters per POST):")
        for what, goal, ok in checks:
            print(f"    {what}  (goal {goal})  {'PASS' if ok else 'FAIL'}")
        print(f"    for reference, the ratio of CPU per request (server + load generator), which "
              f"other load on the machine disturbs less: {cpu_ratio:.2f}")
        verdicts[scenario.key] = all(ok for _, _, ok in checks)
    busy = max(r.others_cores for r in results)
    if busy > 0.3:
        print()
        print(f"warning: other processes (the kernel's disk work included) kept {busy:.2f} "
              f"cores busy during the run: requests/s and latencies are worse than on a quiet "
              f"machine")
    return verdicts


def report_page(results: dict[str, Result], args) -> None:
    """The campaign page's GET by new visitors, beside the baseline's and the minimal POST."""
    page, minimal = results["real-page"], results["minimal"]
    print()
    print(f"campaign page GET by new visitors ({args.clients} clients):")
    print(f"  this checkout: {page.rps:.1f} requests/s, p50 {page.percentile(50):.1f} ms, p95 "
          f"{page.percentile(95):.1f} ms, server CPU "
          f"{1000 * page.server_cpu_per_request:.2f} ms/req, errors "
          f"{page.measured_errors}; the minimal app's POST: {minimal.rps:.1f} requests/s")
    base = results.get("baseline-page")
    if base is not None:
        ratio = page.rps / base.rps if base.rps else 0.0
        print(f"  baseline {args.baseline}: {base.rps:.1f} requests/s, p50 "
              f"{base.percentile(50):.1f} ms, p95 {base.percentile(95):.1f} ms, server CPU "
              f"{1000 * base.server_cpu_per_request:.2f} ms/req")
        print(f"  ratio to the baseline: {ratio:.2f}  (goal >= 3)  "
              f"{'PASS' if ratio >= 3 else 'FAIL'}")


def report_redis(results: list[Result]) -> None:
    """Redis commands per POST of each scenario, by command."""
    print()
    print("Redis commands per POST (INFO commandstats around each scenario's driving, warm-up "
          "included, divided by its POSTs; what a script (EVALSHA) runs counts too, and so "
          "do the server's other clients: the minimal app, which uses no Redis, shows how "
          "many they add):")
    for r in results:
        top = sorted(r.redis_commands.items(), key=lambda item: -item[1])
        detail = ", ".join(f"{name} {calls / max(1, r.total_sent):.2f}" for name, calls in top)
        print(f"  {r.name}: {r.redis_per_post:.2f}" + (f"  ({detail})" if detail else ""))


def compare_with_baseline(results: dict[str, Result], args, backing: Backing) -> None:
    minimal = results["minimal"].rps
    print()
    print(f"this checkout against the baseline ({args.baseline}), in the same rounds, "
          f"both on {backing.database} in {backing.mode} mode:")
    for sc in REAL_SCENARIOS:
        old, new = results[f"baseline-{sc.key}"], results[f"real-{sc.key}"]
        if not (old.latencies and new.latencies and minimal and old.rps):
            continue
        redis = (f"; Redis commands/POST {old.redis_per_post:.1f} -> {new.redis_per_post:.1f}"
                 if backing.production else "")
        print(f"  {sc.kind} ({sc.country}): requests/s {old.rps:.1f} -> {new.rps:.1f} "
              f"({new.rps / old.rps - 1:+.0%}); ratio to minimal {old.rps / minimal:.2f} -> "
              f"{new.rps / minimal:.2f}; p50 {old.percentile(50):.1f} -> "
              f"{new.percentile(50):.1f} ms; p95 {old.percentile(95):.1f} -> "
              f"{new.percentile(95):.1f} ms; server CPU "
              f"{1000 * old.server_cpu_per_request:.2f} -> "
              f"{1000 * new.server_cpu_per_request:.2f} ms/req{redis}")


def add_backing_options(parser: argparse.ArgumentParser, redis_db: int) -> None:
    """--database, --mode and where their servers are (shared with bench/journey.py)."""
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite",
                        help="sqlite: a fresh file per app (the default); postgresql: a fresh "
                             "database per app on --postgres-server, dropped at the end")
    parser.add_argument("--mode", choices=["default", "production"], default="default",
                        help="default: task queue in a SQLite file, rate limits off (as "
                             "`make run`); production: APP_ENV=production, task queue and rate "
                             "limits in Redis (--redis-db), every limit on but raised")
    parser.add_argument("--postgres-server", default=POSTGRES_SERVER,
                        help="PostgreSQL server URL, without a database (user with CREATEDB)")
    parser.add_argument("--redis-db", type=int, default=redis_db,
                        help=f"Redis db on {REDIS_SERVER} for production mode; emptied at "
                             f"the start and the end")


def backing_from(args) -> Backing:
    return Backing(database=args.database, mode=args.mode,
                   postgres_server=args.postgres_server.rstrip("/"), redis_db=args.redis_db)


def stop_on_signals() -> None:
    """Ctrl+C and SIGTERM end the run at once, through the `finally` that cleans up.

    asyncio.run's own Ctrl+C handling only cancels the running task, and a cancellation that
    meets a finished read is lost (asyncio.wait_for before Python 3.12): the run went on. A
    handler of our own keeps asyncio from installing its one.
    """
    def interrupt(signum, frame):
        raise KeyboardInterrupt

    def terminate(signum, frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, terminate)


def print_server_logs(tmp: Path) -> None:
    """The last lines of every gunicorn log start_gunicorn wrote under `tmp`, if any."""
    for server_log in tmp.glob("gunicorn-*.log"):
        text = server_log.read_text().strip()
        if text:
            print(f"--- {server_log.name} (last lines)\n" + "\n".join(text.splitlines()[-15:]))


def clean_up(tmp: Path, keep: bool, backing: Backing, checkout: Path | None = None) -> None:
    """The end of a run, in its `finally`: the baseline worktree, the databases and Redis db
    (Backing.close), and the temporary directory unless `keep`."""
    if checkout is not None:
        remove_checkout(checkout)
    backing.close()
    if keep:
        print(f"kept {tmp}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)


def run_main(main) -> None:
    """Exit with main()'s code; Ctrl+C (after main's own clean-up) with 130."""
    try:
        sys.exit(main())
    except KeyboardInterrupt:  # cleaned up already, by main's `finally`
        print("interrupted", file=sys.stderr)
        sys.exit(130)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0,
                        help="measured time per app and per real scenario")
    parser.add_argument("--warmup", type=float, default=3.0,
                        help="warm-up time per app and per real scenario")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients")
    parser.add_argument("--rounds", type=int, default=3,
                        help="alternate the apps this many times; --seconds is split among them")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per app")
    parser.add_argument("--max-requests", type=int, default=200_000,
                        help="upper bound of timed POSTs per scenario (warm-up included)")
    parser.add_argument("--timeout", type=float, default=30.0, help="per request, seconds")
    parser.add_argument("--meps-format", default="ep-meps-csv",
                        help="importer format name for the MEPs CSV")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--baseline", metavar="REF",
                        help="also run the real app at this git commit, branch or tag, in the "
                             "same rounds (same --database and --mode), to compare a change "
                             "with the code before it on the same machine at the same time")
    parser.add_argument("--page", action="store_true",
                        help="also drive the campaign page's GET by new visitors, in the same "
                             "rounds (issue 19's row: three times the baseline's requests/s)")
    add_backing_options(parser, redis_db=12)
    args = parser.parse_args(argv)
    stop_on_signals()

    tmp = Path(tempfile.mkdtemp(prefix="bench-submit-"))
    servers: list[Server] = []
    run_id = secrets.token_hex(3)
    baseline_root: Path | None = None
    backing = backing_from(args)
    goals = GOALS[backing.mode]
    try:
        print(f"submit path benchmark: {os.cpu_count()} CPUs, Python "
              f"{platform.python_version()}, gunicorn --workers {args.workers} (sync) per app, "
              f"{args.clients} clients, {args.seconds:g} s measured per app and scenario in "
              f"{args.rounds} alternating rounds after {args.warmup:g} s warm-up, temp dir {tmp}")
        print(f"apps on: {backing.describe()}")
        backing.open()
        if backing.production:
            limits = raised_limits()
            print("  rate limits raised: " + (", ".join(f"{k}={v}" for k, v in limits.items())
                                               or "none found in webapp/config.py"))
        print("setting up the real app's database:")
        real_url = backing.new_database("bench_real", run_id)
        env = setup_real(tmp, args.meps_format, backing=backing, database_url=real_url)
        minimal_url = backing.new_database("bench_min", run_id)
        servers.append(start_gunicorn("minimal", "minimal_app:create_app()",
                                      minimal_env(tmp, minimal_url), BENCH, args.workers, tmp,
                                      "/"))
        servers.append(start_gunicorn("real", "webapp:create_app()", env, ROOT, args.workers,
                                      tmp, f"/c/{SLUG}"))
        minimal_server, real_server = servers[:2]
        if args.baseline:
            print(f"setting up the baseline, the real app at {args.baseline}:")
            baseline_root = baseline_checkout(args.baseline, tmp)
            baseline_env = setup_real(tmp / "baseline-run", args.meps_format, root=baseline_root,
                                      backing=backing,
                                      database_url=backing.new_database("bench_base", run_id))
            baseline_server = start_gunicorn("baseline", "webapp:create_app()", baseline_env,
                                             baseline_root, args.workers, tmp, f"/c/{SLUG}")
            servers.append(baseline_server)
        if backing.created:
            print(f"PostgreSQL databases of this run: {', '.join(backing.created)}")
        print(f"servers: minimal on 127.0.0.1:{minimal_server.port}, "
              f"real on 127.0.0.1:{real_server.port} (shared by the real scenarios)")
        print("load: one asyncio process in this script, the same client code, connection "
              "handling and timing for every scenario; it shares the CPUs with the servers, so "
              "all pay the same tax.")

        # name -> (server, client factory); the real scenarios differ only in the country.
        apps = {"minimal": (minimal_server, MinimalClient)}
        for sc in REAL_SCENARIOS:
            apps[f"real-{sc.key}"] = (
                real_server,
                lambda port, i, run, sc=sc: RealClient(port, i, run, sc))
        if args.baseline:
            for sc in REAL_SCENARIOS:
                apps[f"baseline-{sc.key}"] = (
                    baseline_server, lambda port, i, run, sc=sc: RealClient(port, i, run, sc))
        if args.page:
            apps["real-page"] = (real_server, PageClient)
            if args.baseline:
                apps["baseline-page"] = (baseline_server, PageClient)
        results = {name: Result(name) for name in apps}
        pools, budgets = {}, {name: [args.max_requests] for name in apps}
        for name, (server, make_client) in apps.items():
            pools[name] = asyncio.run(prepare(server, make_client, args.clients, run_id))
        targets = {}
        for sc in REAL_SCENARIOS:
            counts = {c.targets for c in pools[f"real-{sc.key}"]}
            sample = pools[f"real-{sc.key}"][0]
            targets[sc.key] = sample.targets
            print(f"real app, {sc.kind} ({sc.country}): step one gives {sample.targets} targets"
                  + (f" (differs between clients: {sorted(counts)})" if len(counts) > 1 else "")
                  + f", {sample.body_bytes / 1024:.1f} KiB per POST")
        redis_client = backing.redis() if backing.production else None
        # Rounds alternate the order, so that a change in the machine's other load (and the
        # real app's growing database) during the run falls on every scenario alike.
        order = list(apps)
        for round_no in range(args.rounds):
            warmup = args.warmup if round_no == 0 else min(1.0, args.warmup)
            for name in order:
                print(f"round {round_no + 1}/{args.rounds}: {name} "
                      f"({warmup:g} s warm-up + {args.seconds / args.rounds:g} s)", flush=True)
                server = apps[name][0]
                asyncio.run(drive(results[name], server, pools[name], warmup,
                                  args.seconds / args.rounds, budgets[name], args.timeout,
                                  redis_client))
            order.reverse()

        for server in servers:
            code = server.stop()
            if code not in (0, None):
                print(f"gunicorn {server.name} exited with {code}")
        servers.clear()

        real_store = Store(env["DATABASE_URL"])
        real_total = count_rows(real_store, "submission", "letter", "notice")
        minimal_rows = count_rows(
            Store(minimal_url or f"sqlite:///{tmp / 'minimal.sqlite3'}"), "submission")
        scenario_rows = {sc.key: count_scenario_rows(real_store, email_prefix(run_id, sc.key))
                         for sc in REAL_SCENARIOS}
        # Letters per POST as stored (a target without an e-mail address gets none).
        letters = {key: rows["max_letters"] for key, rows in scenario_rows.items()}
        reals = [(sc, results[f"real-{sc.key}"], targets[sc.key], letters[sc.key])
                 for sc in REAL_SCENARIOS]
        verdicts = report(results["minimal"], reals, args, goals, backing)
        if args.baseline:
            compare_with_baseline(results, args, backing)
        if args.page:
            report_page(results, args)

        print()
        print("stored rows (warm-up included):")
        ok = results["minimal"].total_ok
        minimal_same = minimal_rows["submission"] == ok
        print(f"  minimal: successful POSTs {ok}, stored submissions {minimal_rows['submission']}"
              f"  {'OK' if minimal_same else 'MISMATCH'}")
        stored_ok = {}
        for sc, result, n_targets, n in reals:
            rows = scenario_rows[sc.key]
            ok = result.total_ok
            same = (rows["submission"] == ok and rows["notice"] == ok and rows["letter"] == ok * n
                    and rows["min_letters"] == n and n is not None and 0 < n <= n_targets)
            stored_ok[sc.key] = same
            print(f"  real, {sc.kind} ({sc.country}): successful POSTs {ok}, stored submissions "
                  f"{rows['submission']}, letters {rows['letter']} (= {ok} x {n}; letters per "
                  f"submission {rows['min_letters']}..{rows['max_letters']}, of {n_targets} "
                  f"targets), notices {rows['notice']}  {'OK' if same else 'MISMATCH'}")
            if n is not None and n < n_targets:
                print(f"    ({n_targets - n} of the {n_targets} targets without an e-mail "
                      f"address: the app shows them but stores no letter for them)")
        print(f"  real app database in all: submissions {real_total['submission']}, rows in "
              f"letter (written on confirmation) {real_total['letter']}, notices "
              f"{real_total['notice']}")

        print()
        overall = minimal_same
        for sc in REAL_SCENARIOS:
            passed = verdicts[sc.key] and stored_ok[sc.key]
            overall = overall and passed
            print(f"verdict, real {sc.kind} ({sc.country}, {letters[sc.key]} letters): "
                  f"{'PASS' if passed else 'FAIL'}")
        print(f"overall ({goals.source}, {backing.database}, {backing.mode} mode):",
              "PASS" if overall else "FAIL")
        return 0
    finally:
        for server in servers:
            server.stop()
        print_server_logs(tmp)
        clean_up(tmp, args.keep, backing, baseline_root)


if __name__ == "__main__":
    run_main(main)
