"""Benchmark: how fairly a campaign's letters spread over the European Parliament's members.

    .venv/bin/python bench/rotation.py [--supporters 10000] [--processes 2]
                                       [--database postgresql] [--mode production]

Sets up the app as campaigns run it (by default a fresh PostgreSQL database, the task queue
and rate limits in Redis), imports the default data and the European Parliament's members
(../shared/data/eu-parliament-meps/meps.csv), then simulates `--supporters` German
supporters arriving at step one, spread at random over `--processes` app instances (each
like a gunicorn worker, with its own rotation). Each one is matched as the view matches them
(`operations.match_supporter`) and gets the targets the page would tick
(`operations.ticked_targets`). It prints how many letters each German MEP would be offered:
the most and the least, and their ratio (the goal: at most 1.5 at equal priority), beside two
baselines, the page before this change (every MEP ticked for every supporter) and three MEPs
drawn at random per supporter. This is a benchmark: it prints figures, it is not a test.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from submit_path import (  # noqa: E402
    ROOT,
    add_backing_options,
    backing_from,
    clean_up,
    run_main,
    setup_real,
)

sys.path.insert(0, str(ROOT))


def spread(counts: Counter, everyone: list[str]) -> str:
    values = [counts.get(target, 0) for target in everyone]
    most, least = max(values), min(values)
    ratio = f"{most / least:.2f}" if least else "inf"
    return f"most {most:>7,}  least {least:>7,}  ratio {ratio:>5}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--supporters", type=int, default=10_000)
    parser.add_argument("--processes", type=int, default=2,
                        help="app instances, each with its own rotation (gunicorn workers)")
    parser.add_argument("--country", default="DE")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    add_backing_options(parser, redis_db=13)
    parser.set_defaults(database="postgresql", mode="production")
    args = parser.parse_args(argv)

    backing = backing_from(args)
    tmp = Path(tempfile.mkdtemp(prefix="bench-rotation-"))
    try:
        backing.open()
        print(f"setting up: {backing.describe()}")
        env = setup_real(tmp, "ep-meps-csv", backing=backing,
                         database_url=backing.new_database("rotation", tmp.name[-8:]))
        import os

        os.environ.update(env)
        from webapp import create_app
        from webapp.app_state import app_state
        from webapp.config import config_from_env
        from webapp.supporters import operations
        from webapp.supporters.views import campaign_or_404

        apps = [create_app(config_from_env()) for _ in range(args.processes)]
        rng = random.Random(args.seed)
        offered: Counter = Counter()
        per_supporter: list[int] = []
        meps: list[str] = []
        started = time.perf_counter()
        for _ in range(args.supporters):
            app = rng.choice(apps)
            with app.test_request_context("/"):
                campaign, content = campaign_or_404(app_state().config.default_campaign)
                match = operations.match_supporter(campaign, content, args.country)
                ticked = operations.ticked_targets(campaign, match)
            group = [m.target.id for m in match.targets if m.target.kind == "mep"]
            meps = meps or group
            chosen = [target for target in ticked if target in group]
            per_supporter.append(len(chosen))
            offered.update(chosen)
        elapsed = time.perf_counter() - started
        if not meps:
            print(f"no MEPs for {args.country}: is {ROOT.parent / 'shared'} beside the project?")
            return 1

        rng = random.Random(args.seed)
        drawn: Counter = Counter()
        for _ in range(args.supporters):
            drawn.update(rng.sample(meps, min(3, len(meps))))
        everyone_ticked = Counter({mep: args.supporters for mep in meps})

        print(f"\n{args.supporters:,} supporters from {args.country}, {len(meps)} MEPs, "
              f"{args.processes} app instances; ticked MEPs per supporter: "
              f"{min(per_supporter)}–{max(per_supporter)}")
        print(f"{'letters offered per MEP':<34}")
        print(f"  {'chosen in turn (this checkout)':<32}{spread(offered, meps)}   goal ≤ 1.50")
        print(f"  {'baseline: all ticked (before)':<32}{spread(everyone_ticked, meps)}   "
              f"({len(meps)} letters per supporter)")
        print(f"  {'baseline: 3 drawn at random':<32}{spread(drawn, meps)}")
        print(f"match + choice per supporter: {elapsed / args.supporters * 1e6:,.0f} µs "
              f"(in-process, {backing.database})")
        for app in apps:
            app_state(app).database.dispose()
        return 0
    finally:
        clean_up(tmp, args.keep, backing)


if __name__ == "__main__":
    run_main(main)
