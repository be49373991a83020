"""Rules that hold a letter for an editor before it is sent: what they match, without storage.

Three rules, each switched on per campaign by staff (webapp.moderation reads them from the
database and applies them when letters are confirmed):

- a flood: a letter near-identical (letters.similarity) to at least `flood_per_hour` letters
  sent to the same address in the past hour;
- a supporter address that is the target's own address;
- a word from the staff's list, as a whole word, in the subject or the text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from .similarity import resemblance, shingles

# The most recent letters to one address a new one is compared with: the rule's threshold is
# at most this, so it can always be reached, and the comparison stays bounded in a flood.
FLOOD_SAMPLE = 200
DEFAULT_SIMILARITY = 90  # per cent, as letters.similarity.NEAR_COPY
MAX_WORDS = 500


class Rule(StrEnum):
    FLOOD = "flood"
    SUPPORTER_IS_TARGET = "supporter_is_target"
    WORDS = "words"


@dataclass(frozen=True)
class Rules:
    flood_per_hour: int | None = None
    flood_similarity: int = DEFAULT_SIMILARITY  # per cent
    supporter_as_target: bool = False
    words: tuple[str, ...] = ()

    @property
    def any(self) -> bool:
        return bool(self.flood_per_hour or self.supporter_as_target or self.words)


def _folded(text: str) -> str:
    # NFKC first: full- and half-width forms, ligatures and composed accents compare equal.
    return unicodedata.normalize("NFKC", text).casefold()


def parse_words(typed: str) -> tuple[str, ...]:
    """The staff's list as typed (one a line, or separated by commas): case-folded, each once,
    in the order typed."""
    seen: dict[str, None] = {}
    for part in re.split(r"[\n,]", typed or ""):
        word = _folded(" ".join(part.split()))
        if word:
            seen.setdefault(word, None)
    return tuple(seen)


# Scripts written without spaces between words: a listed word in them is found wherever it
# stands, as there is no word boundary to look for.
_UNSPACED = ("CJK ", "HIRAGANA", "KATAKANA", "THAI", "LAO", "KHMER", "MYANMAR")


def _unspaced(word: str) -> bool:
    return any(unicodedata.name(char, "").startswith(_UNSPACED) for char in word)


@lru_cache(maxsize=64)
def word_pattern(words: tuple[str, ...]) -> re.Pattern[str] | None:
    """One expression for the whole list (compiled once per list, whatever the traffic)."""
    if not words:
        return None
    spaced = [re.escape(word) for word in words if not _unspaced(word)]
    unspaced = [re.escape(word) for word in words if _unspaced(word)]
    parts = []
    if spaced:
        parts.append(r"(?<!\w)(?:" + "|".join(spaced) + r")(?!\w)")
    if unspaced:
        parts.append("|".join(unspaced))
    return re.compile("|".join(parts))


def listed_words(words: tuple[str, ...], *texts: str) -> list[str]:
    """The listed words found in `texts`, case-insensitively, each once."""
    pattern = word_pattern(words)
    if pattern is None:
        return []
    found: dict[str, None] = {}
    for text in texts:
        for match in pattern.finditer(_folded(text)):
            found.setdefault(match.group(0), None)
    return list(found)


def same_address(supporter_email: str, to_address: str) -> bool:
    return supporter_email.strip().casefold() == to_address.strip().casefold()


@lru_cache(maxsize=2048)
def _shingles(text: str) -> frozenset[int]:
    # Cached by the text itself: in a flood the same few texts come again and again.
    return shingles(text)


def near_copies(text: str, others: Iterable[str], similarity: int) -> int:
    """How many of `others` are near-identical to `text` (resemblance >= similarity %)."""
    mine = _shingles(text)
    threshold = similarity / 100
    return sum(1 for other in others if resemblance(mine, _shingles(other)) >= threshold)
