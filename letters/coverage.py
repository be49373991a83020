"""Which of a campaign's targets get their letter in English because their language has none.

A letter goes in the target's language; when the campaign has no template in it (or one that
does not address that kind of target) the renderer falls back to English. Staff are told here,
so that a missing translation is a visible to-do rather than a silent downgrade.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from representatives.model import TargetKind

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


# The targets a letter can reach, grouped: (the language their letters are written in, as the
# data gives it; their kind; their country) -> their ids. `Directory.letter_reach` gives it once
# per directory: a campaign's missing translations then cost a pass over a few groups per
# country, not over every target.
LetterReach = Mapping[tuple[str, TargetKind, str], Collection[str]]


def _has_letter(content: CampaignContent, language: str, kind: str) -> bool:
    """Whether a letter in `language`, or in its base language ("pt" for "pt-br"), takes
    `kind`: the renderer's order before it falls back to English."""
    for candidate in (language, language.split("-")[0]):
        template = content.templates.get(candidate)
        if template is not None and kind in template.target_kinds:
            return True
    return False


def missing_translations(content: CampaignContent, reach: LetterReach) -> list[MissingTranslation]:
    """Languages of targets in scope (the campaign's kinds of target, in its countries if it
    has any) that fall back to English, most targets first.

    Only targets a letter can reach count (`reach` holds no others): someone with nothing but
    a phone number gets no letter, in English or otherwise.
    """
    kinds_in_scope = set(content.target_kinds)
    countries_in_scope = set(content.countries)
    ids: dict[str, list[Collection[str]]] = defaultdict(list)
    countries: dict[str, set[str]] = defaultdict(set)
    kinds: dict[str, set[str]] = defaultdict(set)
    for (given, kind, country), target_ids in reach.items():
        if kind not in kinds_in_scope or (countries_in_scope and country not in countries_in_scope):
            continue
        language = (given or DEFAULT_LANGUAGE).lower()
        if language == DEFAULT_LANGUAGE or _has_letter(content, language, str(kind)):
            continue
        ids[language].append(target_ids)
        countries[language].add(country)
        kinds[language].add(str(kind))
    found = []
    for language, groups in ids.items():
        target_ids = frozenset().union(*groups)
        found.append(MissingTranslation(language, len(target_ids),
                                        tuple(sorted(countries[language])),
                                        tuple(sorted(kinds[language])), target_ids))
    return sorted(found, key=lambda m: (-m.targets, m.language))


def fallback_letter_counts(missing: Iterable[MissingTranslation],
                           english_letters_by_target: dict[str, int]) -> Counter[str]:
    """Per missing language, how many letters already went to its targets in English."""
    counts: Counter[str] = Counter()
    for item in missing:
        counts[item.language] = sum(english_letters_by_target.get(t, 0) for t in item.target_ids)
    return counts
