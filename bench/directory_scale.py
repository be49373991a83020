"""Benchmark: the directory of representatives at the world's scale, beside the code before it.

    .venv/bin/python bench/directory_scale.py [--scale 1] [--baseline REF] [--lookups 3000]

Generates, in throwaway PostgreSQL databases on 127.0.0.1:5432 (created for the run and dropped
at its end), two directories:

- "world": 100,000 representatives in 40 countries (members by district, senators by region,
  ministers, MEPs) and 2 million postcode rows mapping postcodes to districts, 3% of postcodes
  in two districts;
- "uk": 650 constituencies with a member each and 1.8 million postcodes, one constituency each.

Postcodes go in through the postcode-csv importer (its time is printed). For each directory it
runs, in a fresh process each, this checkout and the baseline (by default the commit before
the directory kept its postcodes in the database, checked out as a git worktree), and prints:

- the resident memory the directory adds to a process (/proc/self/statm, before and after the
  first load), and the load's time;
- the time one postcode lookup (`DirectoryCache.get().match(country, postcode)`) takes, p50
  and p99, for postcodes in the table and for unknown ones, each inside a "request" that holds
  its session and connection already, as the app's do; beside it, a `SELECT 1` round trip
  timed after each lookup, the floor on this machine at that moment;
- a reload while 4 threads look postcodes up: how long it took, the longest any lookup waited
  and the p99 (and the same over the second before the reload), the longest full garbage
  collection meanwhile, the most memory the process held, and what it held once the directory
  it replaced was gone.

The baseline loads every postcode into every process: it is measured on the first tenth of
each directory (`--baseline-share`) and its memory and load times scaled to the whole, since
they grow with the rows; `--baseline-share 1` measures it on everything (several GB).

Goals: at 100k representatives and 2M postcode rows, at most 100 MiB added per process, no
lookup waiting over 50 ms during a reload, lookups p99 under 2 ms; for the UK, p99 under 5 ms
and at most 50 MB added. This is a benchmark: it prints figures, it is not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import string
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from submit_path import ROOT, baseline_checkout, remove_checkout  # noqa: E402

sys.path.insert(0, str(ROOT))

DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
# The last commit whose directory held every postcode in memory and reloaded inside a request.
DEFAULT_BASELINE = "f3f980e"
MiB = 1024 * 1024

# Countries with their own ISO codes, as matching checks; half of them EU member states.
WORLD_COUNTRIES = (
    "AT BE BG CZ DE DK ES FI FR GR HU IE IT NL PL PT RO SE SK HR "
    "NO CH IS TR UA RS AL BA MK ME MD GE AM AZ CA MX BR AR CL CO"
).split()
REGIONS = 25  # per country, each with two senators
MINISTERS = 10  # per country
MEPS = 20  # per EU member state
MEMBERS_PER_DISTRICT = 3
SPANNING_SHARE = 0.03  # postcodes in two districts
UK_CONSTITUENCIES = 650
GIVEN = "Anna Ben Carla David Eva Frank Greta Hugo Ines Jan Kim Lena Marc Nora Olaf Pia".split()
FAMILY = "Smith Jansen Müller Rossi Novak Silva Garcia Nowak Berg Dubois Larsen Horvat".split()
VERIFIED = [date(2025, month, 1) for month in range(1, 7)]

PROBE = r"""
import gc, json, os, random, sys, threading, time
from contextlib import contextmanager
root, url, samples_path, lookups = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
sys.path.insert(0, root)
PAGE = os.sysconf("SC_PAGE_SIZE")

def rss():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE

from sqlalchemy import func, select, text, update
from database import make_engine, make_session_factory, utcnow
import representatives.store
from representatives.model import MatchError
from representatives.tables import Person
from webapp.directory import DirectoryCache
assert representatives.store.__file__.startswith(root), representatives.store.__file__

engine = make_engine(url)
session_factory = make_session_factory(engine)
with session_factory() as session:  # the connection and SQLAlchemy's caches, before measuring
    session.scalar(select(func.count()).select_from(Person))
with open(samples_path) as handle:
    samples = json.load(handle)
try:  # what a web process does once started, before it serves (gunicorn's post_worker_init)
    from webapp.process import settle
except ImportError:  # the baseline had no such step
    settle = gc.collect
settle()
before = rss()
cache = DirectoryCache(session_factory, check_seconds=3600)
# Lookups read postcodes in the session of the request they are part of, as in the app
# (DirectoryCache._lookup_session); here each timed lookup is in a "request" of its own.
current = threading.local()
if hasattr(cache, "_postcodes"):
    @contextmanager
    def request_session():
        yield current.session
    cache._postcodes = representatives.store.DatabasePostcodes(request_session)
started = time.perf_counter()
directory = cache.get()
load_seconds = time.perf_counter() - started
gc.collect()
loaded = rss()

def in_request(work):
    # A request has its session, and a connection, before it matches (it read its campaign).
    with session_factory() as session:
        session.execute(text("SELECT 1"))
        current.session = session
        started = time.perf_counter()
        try:
            work(session)
        except MatchError:
            pass
        return time.perf_counter() - started

def lookup(country, postcode):
    return in_request(lambda session: cache.get().match(country, postcode))

def percentiles(timings):
    timings = sorted(timings)
    return {"p50": timings[len(timings) // 2], "p99": timings[int(len(timings) * 0.99)],
            "max": timings[-1]}

# Older directories (the baseline) only list their targets.
count = len(directory) if hasattr(directory, "__len__") else sum(1 for _ in directory.targets())
result = {"targets": count, "rss_added": loaded - before,
          "load_seconds": load_seconds}
# Each lookup is followed by one round trip to the database, the floor under any lookup on
# this machine at that moment.
round_trips = []
for kind in ("known", "unknown"):
    queries = samples[kind][:lookups]
    for country, postcode in queries[:200]:
        lookup(country, postcode)
    timings = []
    for country, postcode in queries:
        timings.append(lookup(country, postcode))
        round_trips.append(in_request(lambda session: session.execute(text("SELECT 1"))))
    result[kind] = percentiles(timings)
result["round_trip"] = percentiles(round_trips)

# A reload under load: the data changes, and 4 threads go on looking postcodes up meanwhile.
with session_factory() as session:
    session.execute(update(Person).where(Person.id == samples["person"])
                    .values(updated_at=utcnow()))
    session.commit()
queries = samples["known"] + samples["unknown"]
old = cache.get()
stop, changed, reloading = threading.Event(), threading.Event(), threading.Event()
lookups_done, collections, collecting, when = [], [], {}, {}

def look_up_until_stopped(seed):
    # Only these threads use the cache: with the baseline, one of them does the reload.
    rng = random.Random(seed)
    done = []
    while not stop.is_set():

        def match(session):
            directory = cache.get()
            if directory is not old and not changed.is_set():
                when["reloaded"] = time.perf_counter()
                changed.set()
            directory.match(*rng.choice(queries))

        started = time.perf_counter()
        done.append((started, in_request(match)))
    lookups_done.extend(done)

def on_collection(phase, info):
    if info["generation"] == 2 and reloading.is_set() and not changed.is_set():
        if phase == "start":
            collecting["started"] = time.perf_counter()
        elif "started" in collecting:
            collections.append(time.perf_counter() - collecting.pop("started"))

gc.callbacks.append(on_collection)
threads = [threading.Thread(target=look_up_until_stopped, args=(n,)) for n in range(4)]
for thread in threads:
    thread.start()
time.sleep(1.0)  # the same lookups without a reload, to compare with
reloading.set()
when["reloading"] = time.perf_counter()
cache.invalidate()
started = time.perf_counter()
peak = rss()
while not changed.wait(0.002):
    peak = max(peak, rss())
reload_seconds = time.perf_counter() - started
time.sleep(0.2)
stop.set()
for thread in threads:
    thread.join()
gc.callbacks.remove(on_collection)
gc.collect()
# A lookup that began before the reload was seen and ended after it began waited during it.
during = [took for began, took in lookups_done
          if began < when["reloaded"] and began + took > when["reloading"]]
quiet = [took for began, took in lookups_done if began + took <= when["reloading"]]
result.update(reload_seconds=reload_seconds, reload_longest_wait=max(during),
              reload_p99=percentiles(during)["p99"], quiet_p99=percentiles(quiet)["p99"],
              reload_lookups=len(during), quiet_longest_wait=max(quiet),
              reload_longest_collection=max(collections, default=0.0),
              reload_peak_added=max(peak, rss()) - before, rss_after_reload=rss() - before)
print(json.dumps(result))
"""


def log(message: str) -> None:
    print(message, flush=True)


# --- the data --------------------------------------------------------------------------------


def letters(n: int, width: int) -> str:
    """n as `width` capital letters (0 -> 'AA...')."""
    out = []
    for _ in range(width):
        n, rest = divmod(n, 26)
        out.append(string.ascii_uppercase[rest])
    return "".join(reversed(out))


def world_postcode(n: int) -> str:
    """'1000 AA', '1000 AB'...: NL-shaped, 6 characters once normalised."""
    number, pair = divmod(n, 676)
    return f"{1000 + number} {letters(pair, 2)}"


def uk_postcode(n: int) -> str:
    """'AB1 0AA'...: an outward code per 4,000 postcodes, an inward code (digit, letters) each."""
    outward, inward = divmod(n, 4000)
    digit, pair = divmod(inward, 400)
    area, district = divmod(outward, 20)
    return f"{letters(area, 2)}{district + 1} {digit}{letters(pair, 2)}"


def district_label(n: int, regions: int) -> str:
    """'R03-D0028': district 28 in region 3; 'D0028' where there are no regions."""
    return f"R{n % regions:02d}-D{n:04d}" if regions else f"D{n:04d}"


class Generator:
    """Writes representatives with SQLAlchemy Core, and postcode tables as CSV files."""

    def __init__(self, url: str, folder: Path, seed: int = 7):
        from database import make_engine

        self.engine = make_engine(url)
        self.folder = folder
        self.rng = random.Random(seed)
        self.people = 0

    def create_schema(self) -> None:
        from database import Base
        from representatives import tables

        Base.metadata.create_all(self.engine, tables=[
            model.__table__ for model in (
                tables.Area, tables.Organization, tables.Person, tables.Membership,
                tables.ContactDetail, tables.PostcodeArea, tables.Summit,
                tables.SummitParticipation, tables.ImportRun,
            )
        ])  # fmt: skip

    def representatives(self, countries: list[str], districts: int, regions: int,
                        ministers: int, members: int) -> int:
        """Write each country's bodies, areas and people; the number of people written."""
        from sqlalchemy import insert

        from representatives.countries import EU_MEMBER_STATES, main_language
        from representatives.tables import (
            Area,
            ContactDetail,
            Membership,
            Organization,
            Person,
        )

        rows: dict[type, list[dict]] = {model: [] for model in
                                        (Organization, Person, Membership, ContactDetail)}
        parents, areas = [], []
        before = self.people
        rng = self.rng
        for country in countries:
            low, language = country.lower(), main_language(country)
            site = f"https://parliament.{low}.example"
            rows[Organization] += [
                {"id": f"{low}:parliament", "name": f"Parliament of {country}",
                 "classification": "parliament", "country": country, "source": "bench"},
                {"id": f"{low}:government", "name": f"Government of {country}",
                 "classification": "ministry", "country": country, "source": "bench"},
            ]  # fmt: skip
            for r in range(regions):
                parents.append({"id": f"{country}-R{r:02d}", "name": f"Region {r}",
                                "country": country, "classification": "subdivision",
                                "source": "bench"})  # fmt: skip
            for d in range(districts):
                areas.append({"id": f"{country}-{district_label(d, regions)}",
                              "name": f"District {d}", "country": country,
                              "classification": "district",
                              "parent_id": f"{country}-R{d % regions:02d}" if regions else None,
                              "source": "bench"})  # fmt: skip

            def person(kind, role, organization, area, country=country, low=low,
                       language=language, site=site):
                self.people += 1
                given, family = rng.choice(GIVEN), rng.choice(FAMILY)
                pid = f"{low}:p{self.people:06d}"
                rows[Person].append({"id": pid, "name": f"{given} {family}", "given_name": given,
                                     "family_name": family, "source": "bench",
                                     "gender": rng.choice(("female", "male", None))})
                rows[Membership].append({
                    "id": f"{pid}@{organization}", "person_id": pid,
                    "organization_id": organization, "kind": kind, "role": role,
                    "country": country, "area_id": area, "language": language,
                    "party": f"Party {rng.randrange(8)}", "source": "bench",
                    "source_url": f"{site}/members", "verified_on": rng.choice(VERIFIED),
                })  # fmt: skip
                contact = {"person_id": pid, "source_url": f"{site}/members", "source": "bench"}
                rows[ContactDetail].append({**contact, "kind": "email",
                                            "value": f"p{self.people}@{low}.example",
                                            "verified_on": rng.choice(VERIFIED)})
                if self.people % 2:
                    rows[ContactDetail].append({**contact, "kind": "phone",
                                                "value": f"+99 {rng.randrange(10**8):08d}",
                                                "verified_on": rng.choice(VERIFIED)})
                if self.people % 5 == 0:
                    rows[ContactDetail].append({**contact, "kind": "contact_form",
                                                "value": f"{site}/contact/{self.people}",
                                                "verified_on": rng.choice(VERIFIED)})

            for _ in range(ministers):
                person("minister", "Minister", f"{low}:government", None)
            if country in EU_MEMBER_STATES:
                rows[Organization].append({"id": f"{low}:ep", "name": "European Parliament",
                                           "classification": "european_parliament",
                                           "country": "EU", "source": "bench"})
                for _ in range(MEPS):
                    person("mep", "Member of the European Parliament", f"{low}:ep", None)
            for r in range(regions):
                for _ in range(2):
                    person("mp", "Senator", f"{low}:parliament", f"{country}-R{r:02d}")
            for d in range(districts):
                for _ in range(members):
                    person("mp", "Member of Parliament", f"{low}:parliament",
                           f"{country}-{district_label(d, regions)}")
        with self.engine.begin() as connection:
            for model, batch in ((Area, parents), (Area, areas), *rows.items()):
                for start in range(0, len(batch), 20_000):
                    connection.execute(insert(model), batch[start:start + 20_000])
        return self.people - before

    def world_postcodes(self, name: str, countries: list[str], per_country: int,
                        districts: int) -> Path:
        """A CSV of postcode, district and country; some postcodes in two districts."""
        path = self.folder / f"{name}.csv"
        rng = random.Random(name)
        with path.open("w", encoding="utf-8") as out:
            out.write("postcode,district,country\n")
            for country in countries:
                for n in range(per_country):
                    code = world_postcode(n)
                    district = n * districts // per_country
                    out.write(f"{code},{district_label(district, REGIONS)},{country}\n")
                    if rng.random() < SPANNING_SHARE:
                        other = (district + 1) % districts
                        out.write(f"{code},{district_label(other, REGIONS)},{country}\n")
        return path

    def uk_postcodes(self, name: str, first: int, last: int, total: int) -> Path:
        """A CSV of postcodes first..last (of `total`), each in one constituency, in blocks."""
        path = self.folder / f"{name}.csv"
        with path.open("w", encoding="utf-8") as out:
            out.write("pcds,pcon\n")
            for n in range(first, last):
                out.write(f"{uk_postcode(n)},{district_label(n * UK_CONSTITUENCIES // total, 0)}\n")
        return path

    def import_postcodes(self, path: Path, source: str, **options) -> tuple[float, int]:
        """(seconds, rows added) of the postcode-csv importer on `path`."""
        from database import make_session_factory
        from representatives.importers import run_import

        report = run_import(make_session_factory(self.engine), "postcode-csv", path,
                            source=source, **options)  # fmt: skip
        if report.rejected or not report.written:
            raise SystemExit(f"import of {path} failed: {report.rejected[:3]}")
        return report.seconds, report.added

    def dispose(self) -> None:
        self.engine.dispose()


def samples(path: Path, known: list[tuple[str, str]], unknown: list[tuple[str, str]],
            person: str) -> Path:
    with path.open("w", encoding="utf-8") as out:
        json.dump({"known": known, "unknown": unknown, "person": person}, out)
    return path


# --- running the probes ----------------------------------------------------------------------


def probe(root: Path, url: str, samples_file: Path, lookups: int) -> dict:
    env = {**os.environ, "PYTHONPATH": str(root)}
    result = subprocess.run([sys.executable, "-c", PROBE, str(root), url, str(samples_file),
                             str(lookups)], capture_output=True, text=True, env=env, cwd=root,
                            timeout=3600, check=False)  # fmt: skip
    if result.returncode != 0:
        raise SystemExit(f"probe of {root} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


class Databases:
    """Throwaway databases on the server, dropped at the end whatever happens."""

    def __init__(self, server: str):
        import sqlalchemy

        self._server = sqlalchemy.make_url(server)
        self._admin = sqlalchemy.create_engine(self._server, isolation_level="AUTOCOMMIT")
        self._names: list[str] = []

    def create(self, name: str) -> str:
        from sqlalchemy import text

        with self._admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        self._names.append(name)
        return self._server.set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        from sqlalchemy import text

        with self._admin.connect() as connection:
            for name in self._names:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self._admin.dispose()


# --- printing ----------------------------------------------------------------------------------


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms" if seconds < 1 else f"{seconds:.1f} s"


def show(title: str, new: dict, old: dict | None, factor: float, goals: dict) -> None:
    """One directory's figures: the baseline (scaled by `factor` where it grows with the rows)
    beside this checkout, and PASS/FAIL against the goals."""
    log(f"\n{title}: {new['targets']:,} targets")
    scaled = f" (x{factor:g})" if factor != 1 else ""
    log(f"  {'':38} {'baseline' + scaled:>22} {'this checkout':>16}  goal")

    def line(label, key, fmt, goal=None, grows=False, sub=None):
        def get(result, scale=1.0):
            value = result[key] if sub is None else result[key][sub]
            return value * scale if grows else value

        before = fmt(get(old, factor)) if old else "-"
        verdict = ""
        if goal is not None:
            verdict = f"{goal[0]}  {'PASS' if get(new) <= goal[1] else 'FAIL'}"
        log(f"  {label:38} {before:>22} {fmt(get(new)):>16}  {verdict}")

    mib = lambda value: f"{value / MiB:,.1f} MiB"  # noqa: E731
    line("memory added by the directory", "rss_added", mib, goals.get("memory"), grows=True)
    line("first load", "load_seconds", ms, grows=True)
    for kind in ("known", "unknown"):
        line(f"lookup p50, {kind} postcodes", kind, ms, sub="p50")
        line(f"lookup p99, {kind} postcodes", kind, ms, goals.get("p99"), sub="p99")
    line("  (floor: a SELECT 1 round trip, p50)", "round_trip", ms, sub="p50")
    line("  (floor: a SELECT 1 round trip, p99)", "round_trip", ms, sub="p99")
    line("reload (data changed)", "reload_seconds", ms, grows=True)
    line("longest lookup during the reload", "reload_longest_wait", ms, goals.get("wait"),
         grows=True)
    line("  (longest lookup, 1 s before it)", "quiet_longest_wait", ms)
    line("  (p99 of lookups during the reload)", "reload_p99", ms)
    line("  (p99 of lookups, 1 s before it)", "quiet_p99", ms)
    line("  (longest full garbage collection)", "reload_longest_collection", ms, grows=True)
    line("most memory held during the reload", "reload_peak_added", mib, grows=True)
    line("memory held after the reload", "rss_after_reload", mib, grows=True)


# --- the run -----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0,
                        help="share of the full sizes (100k representatives, 2M + 1.8M rows)")
    parser.add_argument("--baseline", default=DEFAULT_BASELINE, metavar="REF",
                        help="git commit to compare with ('' for none)")
    parser.add_argument("--baseline-share", type=float, default=0.1,
                        help="the part of each directory the baseline is measured on")
    parser.add_argument("--lookups", type=int, default=3000, help="timed lookups per kind")
    parser.add_argument("--server", default=DEFAULT_SERVER,
                        help="PostgreSQL server (its `postgres` database) for the throwaway ones")
    args = parser.parse_args()

    countries = WORLD_COUNTRIES
    people_per_country = round(100_000 * args.scale / len(countries))
    districts = max(1, (people_per_country - 2 * REGIONS - MINISTERS - MEPS // 2)
                    // MEMBERS_PER_DISTRICT)  # fmt: skip
    codes_per_country = round(2_000_000 * args.scale / len(countries) / (1 + SPANNING_SHARE))
    uk_total = round(1_800_000 * args.scale)
    first_part = max(1, round(len(countries) * args.baseline_share))
    uk_first = round(uk_total * args.baseline_share)
    factor = 1 / args.baseline_share

    databases = Databases(args.server)
    folder = Path(tempfile.mkdtemp(prefix="directory-scale-"))
    baseline = None
    generators: list[Generator] = []
    try:
        if args.baseline:
            log(f"baseline: {args.baseline}, checked out in {folder / 'baseline'}")
            baseline = baseline_checkout(args.baseline, folder)
        results: dict[str, dict] = {}

        def run(name: str, url: str, sample_file: Path, with_baseline: bool) -> None:
            log(f"  probing this checkout on {name}...")
            results[f"new-{name}"] = probe(ROOT, url, sample_file, args.lookups)
            if with_baseline and baseline is not None:
                log(f"  probing the baseline on {name}...")
                results[f"old-{name}"] = probe(baseline, url, sample_file, args.lookups)

        # The world, its first part first (where the baseline is measured), then the rest.
        url = databases.create(f"bench_dir_{os.getpid()}")
        world = Generator(url, folder)
        generators.append(world)
        world.create_schema()
        rng = random.Random(11)
        parts = [("part", countries[:first_part])]
        if first_part < len(countries):
            parts.append(("all", countries[first_part:]))
        done: list[str] = []
        for name, part in parts:
            log(f"world ({name}): writing {len(part)} countries' representatives...")
            started = time.perf_counter()
            written = world.representatives(part, districts, REGIONS, MINISTERS,
                                            MEMBERS_PER_DISTRICT)  # fmt: skip
            log(f"  {written:,} people in {time.perf_counter() - started:.0f} s")
            path = world.world_postcodes(f"world-{name}", part, codes_per_country, districts)
            seconds, added = world.import_postcodes(path, f"bench-world-{name}",
                                                    mapping=_mapping("district"))
            log(f"  postcode-csv: {added:,} rows in {seconds:.1f} s "
                f"({added / seconds:,.0f} rows/s)")  # fmt: skip
            done += part
            known = [(rng.choice(done), world_postcode(rng.randrange(codes_per_country)))
                     for _ in range(args.lookups)]  # fmt: skip
            unknown = [(rng.choice(done), world_postcode(codes_per_country + rng.randrange(999)))
                       for _ in range(args.lookups)]  # fmt: skip
            sample_file = samples(folder / f"world-{name}.json", known, unknown,
                                  f"{done[0].lower()}:p000001")
            run(f"world-{name}", url, sample_file, with_baseline=name == "part")

        # The UK: a member per constituency, the first part of its postcodes, then the rest.
        uk_url = databases.create(f"bench_dir_uk_{os.getpid()}")
        uk = Generator(uk_url, folder)
        generators.append(uk)
        uk.create_schema()
        log(f"uk: writing {UK_CONSTITUENCIES} members...")
        uk.representatives(["GB"], UK_CONSTITUENCIES, 0, MINISTERS, 1)
        uk_parts = [("part", 0, uk_first)]
        if uk_first < uk_total:
            uk_parts.append(("all", uk_first, uk_total))
        for name, first, last in uk_parts:
            path = uk.uk_postcodes(f"uk-{name}", first, last, uk_total)
            seconds, added = uk.import_postcodes(path, f"bench-uk-{name}", country="GB",
                                                 mapping=_mapping("pcon", "pcds"))
            log(f"  postcode-csv: {added:,} rows in {seconds:.1f} s "
                f"({added / seconds:,.0f} rows/s)")  # fmt: skip
            known = [("GB", uk_postcode(rng.randrange(last))) for _ in range(args.lookups)]
            unknown = [("GB", f"ZZ{rng.randrange(99)} {rng.randrange(10)}ZZ")
                       for _ in range(args.lookups)]  # fmt: skip
            sample_file = samples(folder / f"uk-{name}.json", known, unknown, "gb:p000001")
            run(f"uk-{name}", uk_url, sample_file, with_baseline=name == "part")

        load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
        log(f"\nscale {args.scale:g}; the baseline measured on {args.baseline_share:g} of each "
            f"directory, its memory and times that grow with it x{factor:g}; load average "
            f"{load} on {os.cpu_count()} CPUs")  # fmt: skip
        # With --baseline-share 1 the first part is the whole.
        whole = {name: results.get(f"new-{name}-all", results[f"new-{name}-part"])
                 for name in ("world", "uk")}  # fmt: skip
        show(f"world ({len(countries)} countries, {codes_per_country * len(countries):,} "
             "postcodes)", whole["world"], results.get("old-world-part"), factor,
             {"memory": ("<= 100 MiB", 100 * MiB), "p99": ("< 2 ms", 0.002),
              "wait": ("<= 50 ms", 0.05)})  # fmt: skip
        show(f"world, its first part ({first_part} countries), both measured",
             results["new-world-part"], results.get("old-world-part"), 1, {})
        show(f"uk ({uk_total:,} postcodes, {UK_CONSTITUENCIES} constituencies)",
             whole["uk"], results.get("old-uk-part"), factor,
             {"memory": ("<= 50 MB", 50e6), "p99": ("< 5 ms", 0.005),
              "wait": ("<= 50 ms", 0.05)})  # fmt: skip
    finally:
        for generator in generators:
            generator.dispose()
        databases.drop_all()
        if baseline is not None:
            remove_checkout(baseline)
        shutil.rmtree(folder, ignore_errors=True)  # the generated files


def _mapping(area: str, postcode: str = "postcode"):
    from representatives.importers import PostcodeMapping

    return PostcodeMapping({"postcode": postcode, "area": area})


if __name__ == "__main__":
    main()
