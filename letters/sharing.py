"""One letter text for many recipients: the same words, each with their own salutation.

Offices judge letters by their words, and a supporter writing to 31 members of the European
Parliament should not have to edit 31 copies. Letters that differ only in their first line
(the salutation) share one editable text; the salutation is added per recipient when sent.

Where a language's closing agrees with the salutation ("Je vous prie d'agréer, Madame la
Députée, ..."; "Yours faithfully," after "Dear Sir or Madam,"), the closing line is taken out
of the shared text too and put back per recipient (`closed_text`): just before the supporter's
name, or in place of a closing line the supporter wrote, so that there is always exactly one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from representatives.model import Target
from representatives.summits import SummitSeries

from .rendering import LetterRenderer, RenderedLetter, Supporter
from .salutations import salutation
from .salutations.closings import agrees, closing, is_closing_line
from .sandbox import recipient_line, recipient_lines_kept


@dataclass(frozen=True, slots=True)
class Recipient:
    target: Target
    salutation: str  # empty when the template does not open with one
    closing: str = ""  # empty when the shared text keeps its own closing


@dataclass(frozen=True, slots=True)
class SharedLetter:
    language: str
    subject: str
    body: str  # the text after the salutation, without a closing that agrees with it
    recipients: tuple[Recipient, ...]
    fell_back: bool  # written in English because the target's language had no template


def share_letters(
    renderer: LetterRenderer, campaign_slug: str, targets: Iterable[Target], supporter: Supporter,
    summits: SummitSeries | None = None, language: str | None = None,
) -> list[SharedLetter]:
    """Render the letter to each target and group those whose texts differ only in salutation
    (and a closing that agrees with it). Each distinct text is rendered once
    (`LetterRenderer.render_each`).

    `language`: the one the supporter chose for these letters; default, each target's own.
    """
    groups: dict[tuple, list[Recipient]] = {}
    targets = list(targets)
    # The lines the renders printed are the ones split off here: each worked out once.
    with recipient_lines_kept():
        letters = renderer.render_each(campaign_slug, targets, supporter, language=language,
                                       summits=summits)
        for target, letter in zip(targets, letters, strict=True):
            _group(groups, target, letter, supporter)
    return [
        SharedLetter(language=language, subject=subject, body=text,
                     recipients=tuple(recipients), fell_back=fell_back)
        for (language, subject, text, _greets, _closes, fell_back), recipients
        in groups.items()
    ]


def _group(groups: dict[tuple, list[Recipient]], target: Target, letter: RenderedLetter,
           supporter: Supporter) -> None:
    """Put `target` among those whose letter, without their own salutation and closing, is
    the same as `letter`."""
    greeting = recipient_line("salutation", target, letter.language)
    if letter.body.startswith(greeting + "\n"):
        text = letter.body[len(greeting) :].lstrip("\n")
    else:
        greeting, text = "", letter.body
    ending = recipient_line("closing", target, letter.language) if agrees(letter.language) \
        else ""
    unclosed = _without_closing(text, ending, letter.language, supporter.name)
    if unclosed is None:
        ending = ""
    else:
        text = unclosed
    key = (letter.language, letter.subject, text, bool(greeting), bool(ending),
           letter.fell_back)
    groups.setdefault(key, []).append(Recipient(target, greeting, ending))


def _without_closing(text: str, ending: str, language: str, signer: str) -> str | None:
    """The text without its closing line, when `closed_text` puts that line back exactly where
    the template wrote it; None otherwise (the template closes in a way of its own, and the
    shared text keeps its closing)."""
    if not ending:
        return None
    lines = text.split("\n")
    places = [i for i, line in enumerate(lines) if line == ending]
    if not places:
        return None
    at = places[-1]
    after = at + 1 if at + 1 < len(lines) and not lines[at + 1] else at
    unclosed = "\n".join(lines[:at] + lines[after + 1:])
    return unclosed if closed_text(unclosed, ending, language, signer) == text else None


def closed_text(text: str, ending: str, language: str, signer: str = "") -> str:
    """The shared text with one recipient's closing line in place, exactly once.

    A closing line already in the text (one the supporter typed, or ours from an earlier pass)
    is replaced by `ending`; otherwise `ending` goes, as a paragraph of its own, before the
    last line that is the supporter's name (`signer`), or else at the end.
    """
    if not ending:
        return text
    lines = text.split("\n")
    for i in range(len(lines) - 1, -1, -1):
        if is_closing_line(lines[i], language):
            return "\n".join([*lines[:i], ending, *lines[i + 1:]])
    name = signer.strip()
    at = next((i for i in range(len(lines) - 1, -1, -1) if name and lines[i].strip() == name),
              None)
    if at is None:
        body, newline = text.rstrip("\n"), "\n" if text.endswith("\n") else ""
        return f"{body}\n\n{ending}{newline}" if body.strip() else f"{ending}{newline}"
    before = "\n".join(lines[:at]).rstrip("\n")
    after = "\n".join(lines[at:])
    return f"{before}\n\n{ending}\n\n{after}" if before.strip() else f"{ending}\n\n{after}"


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


def closing_for(target: Target, language: str, shared: bool) -> str:
    """The closing to put in a shared text (none if the text keeps its own, or if the
    language closes the same way for everyone)."""
    if not shared or not agrees(language):
        return ""
    return closing(target, language)
