"""One letter text for many recipients: the same words, each with their own salutation.

Offices judge letters by their words, and a supporter writing to 31 members of the European
Parliament should not have to edit 31 copies. Letters that differ only in their first line
(the salutation) share one editable text; the salutation is added per recipient when sent.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from representatives.model import Target

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
    renderer: LetterRenderer, campaign_slug: str, targets: Iterable[Target], supporter: Supporter
) -> list[SharedLetter]:
    """Render the letter to each target and group those whose texts differ only in salutation."""
    groups: dict[tuple, list[Recipient]] = {}
    for target in targets:
        letter = renderer.render(campaign_slug, target, supporter)
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
    return _cached_salutation(target, language) if shared else ""


@lru_cache(maxsize=8192)
def _cached_salutation(target: Target, language: str) -> str:
    # Targets are frozen dataclasses hashed on every field, so the cache key changes whenever
    # anything the salutation uses does (names, gender, honorific, kind, role, country);
    # a letter to 31 people asks for the same 31 salutations on every submission.
    return salutation(target, language)
