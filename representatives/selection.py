"""A few letters per supporter, spread fairly: which of a long list of targets to tick.

A German supporter has 96 members of the European Parliament; ninety-six identical letters
weigh less than three chosen well. Of a list longer than the campaign's number, that many are
ticked, in turn: each time, those offered least so far for their priority come first, ties
drawn at random. A target's priority is a weight (2: offered twice as often as 1; 0: never
ticked by default, still one click away).
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from threading import Lock

from .model import Target

# The largest weight staff may give: beyond it one target would take nearly every ticked letter.
MAX_PRIORITY = 100


def choose_in_turn(candidates: Sequence[Target], count: int, offered: Counter,
                   rng: random.Random | None = None) -> list[Target]:
    """The `count` candidates to tick (in the candidates' order): those offered least for
    their priority, at random among equals. Only targets with a channel and a priority above
    0 are ticked; fewer than `count` when there are fewer."""
    draw = (rng or random).random
    eligible = [t for t in candidates if t.priority > 0 and t.channels]
    chosen = {t.id for t in sorted(eligible, key=lambda t: (offered[t.id] / t.priority, draw()))
              [:max(count, 0)]}
    return [t for t in candidates if t.id in chosen]


class Rotation:
    """How often each target was ticked for a supporter, per campaign, in this process.

    Kept in memory, not in the database: every process balances its own share of the
    supporters, so their sum is balanced too, and a restart starts a fresh, balanced round.
    """

    def __init__(self) -> None:
        self._offered: dict[object, Counter] = {}
        self._lock = Lock()

    def choose(self, campaign: object, candidates: Sequence[Target], count: int,
               rng: random.Random | None = None) -> list[Target]:
        """Tick `count` of `candidates` for one supporter, and count them as offered."""
        with self._lock:
            offered = self._offered.setdefault(campaign, Counter())
            chosen = choose_in_turn(candidates, count, offered, rng)
            offered.update(t.id for t in chosen)
        return chosen

    def offered(self, campaign: object) -> Counter:
        with self._lock:
            return Counter(self._offered.get(campaign, ()))
