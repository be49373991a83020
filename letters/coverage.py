"""Which of a campaign's targets get their letter in English because their language has none.

A letter goes in the target's language; when the campaign has no template in it (or one that
does not address that kind of target) the renderer falls back to English. Staff are told here,
so that a missing translation is a visible to-do rather than a silent downgrade.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from representatives.model import LETTER_CHANNELS, Target

from .sandbox import DEFAULT_LANGUAGE
from .templates import CampaignContent


@dataclass(frozen=True, slots=True)
class MissingTranslation:
    """A language some targets of the campaign are written to in, without a template."""

    language: str
    targets: int  # how many targets in the campaign's scope get English instead
    countries: tuple[str, ...]  # where they are, sorted
    kinds: tuple[str, ...]  # which kinds of target (one template may address only some)
    target_ids: frozenset[str]


def in_scope(content: CampaignContent, targets: Iterable[Target]) -> Iterable[Target]:
    """The targets this campaign writes to: its kinds of target, in its countries (if limited)."""
    kinds = set(content.target_kinds)
    countries = set(content.countries)
    for target in targets:
        if target.kind in kinds and (not countries or target.country in countries):
            yield target


def _has_letter(content: CampaignContent, language: str, kind: str) -> bool:
    """Whether a letter in `language`, or in its base language ("pt" for "pt-br"), takes
    `kind`: the renderer's order before it falls back to English."""
    for candidate in (language, language.split("-")[0]):
        template = content.templates.get(candidate)
        if template is not None and kind in template.target_kinds:
            return True
    return False


def missing_translations(content: CampaignContent,
                         targets: Iterable[Target]) -> list[MissingTranslation]:
    """Languages of targets in scope that fall back to English, most targets first.

    Only targets a letter can reach count: someone with nothing but a phone number gets no
    letter, in English or otherwise.
    """
    ids: dict[str, set[str]] = defaultdict(set)
    countries: dict[str, set[str]] = defaultdict(set)
    kinds: dict[str, set[str]] = defaultdict(set)
    for target in in_scope(content, targets):
        if not any(channel.kind in LETTER_CHANNELS for channel in target.channels):
            continue
        language = (target.language or DEFAULT_LANGUAGE).lower()
        if language == DEFAULT_LANGUAGE or _has_letter(content, language, str(target.kind)):
            continue
        ids[language].add(target.id)
        countries[language].add(target.country)
        kinds[language].add(str(target.kind))
    found = [
        MissingTranslation(language, len(ids[language]), tuple(sorted(countries[language])),
                           tuple(sorted(kinds[language])), frozenset(ids[language]))
        for language in ids
    ]
    return sorted(found, key=lambda m: (-m.targets, m.language))


def fallback_letter_counts(missing: Iterable[MissingTranslation],
                           english_letters_by_target: dict[str, int]) -> Counter[str]:
    """Per missing language, how many letters already went to its targets in English."""
    counts: Counter[str] = Counter()
    for item in missing:
        counts[item.language] = sum(english_letters_by_target.get(t, 0) for t in item.target_ids)
    return counts
