"""One letter text for many recipients: the same words, each with their own salutation.

Offices judge letters by their words, and a supporter writing to 31 members of the European
Parliament should not have to edit 31 copies. Letters that differ only in their first line
(the salutation) share one editable text; the salutation is added per recipient when sent.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from representatives.model import Target
from representatives.summits import SummitSeries

from .rendering import LetterRenderer, Supporter
from .salutations import salutation


@dataclass(frozen=True, slots=True)
class Recipient:
    target: Target
    salutation: str  # empty when the template does not open with one


@dataclass(frozen=True, slots=True)
class SharedLetter:
    language: str
    subject: str
    body: str  # the text after the salutation
    recipients: tuple[Recipient, ...]
    fell_back: bool  # written in English because the target's language had no template


def share_letters(
    renderer: LetterRenderer, campaign_slug: str, targets: Iterable[Target], supporter: Supporter,
    summits: SummitSeries | None = None, language: str | None = None,
) -> list[SharedLetter]:
    """Render the letter to each target and group those whose texts differ only in salutation.

    `language`: the one the supporter chose for these letters; default, each target's own.
    """
    groups: dict[tuple, list[Recipient]] = {}
    for target in targets:
        letter = renderer.render(campaign_slug, target, supporter, language=language,
                                 summits=summits)
        greeting = salutation(target, letter.language)
        if letter.body.startswith(greeting + "\n"):
            text = letter.body[len(greeting) :].lstrip("\n")
        else:
            greeting, text = "", letter.body
        key = (letter.language, letter.subject, text, bool(greeting), letter.fell_back)
        groups.setdefault(key, []).append(Recipient(target, greeting))
    return [
        SharedLetter(language=language, subject=subject, body=text,
                     recipients=tuple(recipients), fell_back=fell_back)
        for (language, subject, text, _greets, fell_back), recipients in groups.items()
    ]


def addressed_body(greeting: str, text: str) -> str:
    """The letter as one recipient gets it."""
    return f"{greeting}\n\n{text}" if greeting else text


def greeting_for(target: Target, language: str, shared: bool) -> str:
    """The salutation to put before a shared text (none if the text had none)."""
    if not shared:
        return ""
    # A letter to 31 people asks for the same 31 salutations on every submission. Keyed by
    # id and language, and kept only for the same target object or an equal one: the
    # directory builds new objects when its data changes, and an equal target (same names,
    # gender, honorific, kind, role...) has the same salutation. Hashing the whole frozen
    # target for an lru_cache key cost more than the look-up saved.
    key = (target.id, language)
    cached = _SALUTATIONS.get(key)
    if cached is not None and (cached[0] is target or cached[0] == target):
        return cached[1]
    if len(_SALUTATIONS) >= _SALUTATIONS_KEPT:
        _SALUTATIONS.clear()
    greeting = _SALUTATIONS[key] = (target, salutation(target, language))
    return greeting[1]


_SALUTATIONS: dict[tuple[str, str], tuple[Target, str]] = {}
_SALUTATIONS_KEPT = 8192
