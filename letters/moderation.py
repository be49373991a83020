"""Rules that hold a letter for an editor before it is sent: what they match, without storage.

Three rules, each switched on per campaign by staff (webapp.moderation reads them from the
database and applies them when letters are confirmed):

- a flood: a letter near-identical (letters.similarity's resemblance, estimated from
  sketches) to at least `flood_per_hour` letters sent to the same address in the past hour;
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
from hashlib import blake2b

from .similarity import SHINGLE_WORDS

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


# --- sketches: the resemblance of texts that are not at hand -----------------------------
# The flood rule compares a new letter with the past hour's letters to the same address. A
# bottom-k sketch of each (the k smallest hashes of its shingles: Broder's estimator) stands
# for its text: a few hundred characters to read back instead of the texts, and a comparison
# of k numbers instead of hundreds of shingles. Hashed with BLAKE2, not hash(): a sketch is
# stored by one process and read by others, and hash() differs from process to process.

SKETCH_SIZE = 32
_WORD = re.compile(r"\w+", re.UNICODE)  # words as letters.similarity cuts them
_HEX = 16  # characters per hash in a stored sketch
SKETCH_LENGTH = SKETCH_SIZE * _HEX


@lru_cache(maxsize=2048)
def sketch(text: str) -> str:
    """The text's bottom-k sketch as stored: its smallest shingle hashes, in hexadecimal."""
    words = _WORD.findall(text.casefold())
    size = SHINGLE_WORDS
    runs = ([words] if 0 < len(words) < size
            else [words[i:i + size] for i in range(len(words) - size + 1)])
    hashes = {int.from_bytes(blake2b(" ".join(run).encode(), digest_size=8).digest(), "big")
              for run in runs}
    return "".join(f"{value:016x}" for value in sorted(hashes)[:SKETCH_SIZE])


def _values(stored: str) -> frozenset[str]:
    # Left as fixed-width hexadecimal: they sort as the numbers do, without parsing them.
    return frozenset(stored[i:i + _HEX] for i in range(0, len(stored), _HEX))


def sketch_resemblance(a: str, b: str) -> float:
    """Estimated resemblance (Jaccard) of the texts two sketches stand for: exact when the
    two texts have no more shingles together than a sketch holds, close for longer ones."""
    first, second = _values(a), _values(b)
    if not first and not second:
        return 1.0
    union = sorted(first | second)[:SKETCH_SIZE]
    return sum(1 for value in union if value in first and value in second) / len(union)


def near_copy_sketches(text: str, others: Iterable[str], similarity: int) -> int:
    """How many of the stored sketches `others` stand for texts near-identical to `text`."""
    mine = sketch(text)
    threshold = similarity / 100
    return sum(1 for other in others if sketch_resemblance(mine, other) >= threshold)
