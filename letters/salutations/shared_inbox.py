"""One greeting for a letter to several people who share one inbox.

Some offices have only a general address: a minister and two junior ministers of one ministry
all reach the same inbox. They get one letter naming them all, which opens with one salutation
that fits every one of them, and closes with the closing that agrees with it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from . import Addressee, salutation
from .closings import closing


@dataclass(frozen=True, slots=True)
class _Nobody:
    """An addressee without a name, gender, title or office: each language's neutral form."""

    name: str = ""
    kind: str = ""
    role: str = ""
    country: str = ""
    given_name: str | None = None
    family_name: str | None = None
    honorific: str | None = None
    gender: str | None = None


# Where every recipient is a minister, a plural of the office reads better than the neutral
# form; only for languages where the plural is the established one.
_ALL_MINISTERS = {"en": "Dear Ministers,"}


def neutral_salutation(language: str) -> str:
    """The language's greeting for a recipient it knows nothing about ("Dear Sir or Madam,",
    "Sehr geehrte Damen und Herren,", "Geachte heer, mevrouw,")."""
    return salutation(_Nobody(), language)


def salutation_for_all(targets: Sequence[Addressee], language: str) -> str:
    """One salutation for a letter to all of `targets`: theirs when they all have the same
    one ("Dear Minister,"), else a plural of the office that all of them hold, else the
    language's neutral form."""
    greetings = {salutation(target, language) for target in targets}
    if len(greetings) == 1:
        return greetings.pop()
    base = language.lower().split("-")[0]
    if base in _ALL_MINISTERS and all(str(getattr(t, "kind", "")) == "minister"
                                      for t in targets):
        return _ALL_MINISTERS[base]
    return neutral_salutation(language)


def closing_for_all(targets: Sequence[Addressee], language: str) -> str:
    """The closing that agrees with `salutation_for_all`: theirs when they all close alike and
    are not greeted with the neutral form ("Dear Ministers," closes "Yours sincerely," as
    "Dear Minister," does), else the neutral form's ("Madame, Monsieur," closes "Je vous prie
    d'agréer, Madame, Monsieur, ...", even when each was "Madame Dupont," and "Madame Martin,")."""
    closings = {closing(target, language) for target in targets}
    neutral = salutation_for_all(targets, language) == neutral_salutation(language)
    if len(closings) == 1 and not neutral:
        return closings.pop()
    return closing(_Nobody(), language)
