"""How alike letters are: shingle (w-shingling) resemblance, as WriteToThem measures it.

A letter is cut into overlapping runs of `size` words; two letters' resemblance is the share of
runs they have in common (Jaccard). Offices tend to discount letters that are near copies, so
staff see, per target, how alike the letters sent to them are.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

SHINGLE_WORDS = 5
# Above this two letters count as near copies (WriteToThem flags similar letters the same way).
NEAR_COPY = 0.9
_WORD = re.compile(r"\w+", re.UNICODE)


def shingles(text: str, size: int = SHINGLE_WORDS) -> frozenset[int]:
    """The hashed runs of `size` consecutive words of `text` (case and punctuation ignored)."""
    words = _WORD.findall(text.casefold())
    if len(words) < size:
        return frozenset({hash(tuple(words))}) if words else frozenset()
    return frozenset(hash(tuple(words[i : i + size])) for i in range(len(words) - size + 1))


def resemblance(a: frozenset[int], b: frozenset[int]) -> float:
    """Jaccard resemblance of two shingle sets, 0.0 to 1.0."""
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def similarity(text_a: str, text_b: str, size: int = SHINGLE_WORDS) -> float:
    """Resemblance of two texts."""
    return resemblance(shingles(text_a, size), shingles(text_b, size))


@dataclass(frozen=True, slots=True)
class SimilarityReport:
    letters: int
    mean: float  # mean resemblance over all pairs
    highest: float  # the most alike pair
    near_copies: int  # letters with at least one other letter above NEAR_COPY

    @property
    def near_copy_share(self) -> float:
        return self.near_copies / self.letters if self.letters else 0.0


def report(texts: Sequence[str] | Iterable[str], size: int = SHINGLE_WORDS,
           near_copy: float = NEAR_COPY) -> SimilarityReport:
    """Pairwise resemblance of `texts` (letters to one target). Quadratic: pass a sample."""
    sets = [shingles(text, size) for text in texts]
    count = len(sets)
    if count < 2:
        return SimilarityReport(count, 0.0, 0.0, 0)
    total, highest, pairs = 0.0, 0.0, 0
    near = [False] * count
    for i in range(count):
        for j in range(i + 1, count):
            value = resemblance(sets[i], sets[j])
            total += value
            pairs += 1
            highest = max(highest, value)
            if value >= near_copy:
                near[i] = near[j] = True
    return SimilarityReport(count, total / pairs, highest, sum(near))
