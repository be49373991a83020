"""Whether the words a supporter added to a letter are in another language than the letter.

An office reads a letter in its own language; a sentence in another one may go unread. The
supporter is only told, gently (the page shows a hint once): nothing here refuses a letter.

Language identification is py3langid (a maintained fork of langid.py: a naive Bayes model over
byte n-grams, shipped in its wheel, no network). Short texts are where such models err most,
so a passage counts only when it is long enough and the model is sure of it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

from .text import normalise_newlines

# Fewer letters or words than this and the model guesses: "Bitte handeln Sie jetzt." comes out
# German, but so can a line of names or a greeting. A hint on a few words would be noise.
MIN_LETTERS = 30
MIN_WORDS = 5
# How sure the model must be (its probabilities normalised over its 97 languages).
MIN_CONFIDENCE = 0.9

# Languages written so alike that the model confuses them, and that a reader of one reads:
# a letter in Croatian with a Bosnian-looking sentence is no reason for a hint.
_ALIKE = (
    frozenset({"hr", "bs", "sr"}),
    frozenset({"id", "ms"}),
    frozenset({"no", "nb", "nn", "da"}),
    frozenset({"cs", "sk"}),
)

# Sentence ends, and line breaks: a letter's paragraphs and its closing lines.
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+|\n+")
_LETTER = re.compile(r"[^\W\d_]")
_WORD = re.compile(r"[^\W\d_]+")


def fingerprint(text: str) -> str:
    """A short digest of a letter's text as generated: carried by the page, it tells whether
    the supporter changed the text without generating it again to compare."""
    return hashlib.blake2b(normalise_newlines(text).encode(), digest_size=12).hexdigest()


@cache
def _identifier() -> LanguageIdentifier:
    # Loading the model takes about a second: once per process, on the first check.
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def load_model() -> None:
    """Load the model now (a web process's start-up) rather than on the first check, which
    would make the first supporter a process serves wait for it."""
    _identifier()


def model_language(code: str) -> str:
    """A campaign's language code as the model names it: "pt-br" is "pt", "nb" is "no"."""
    base = code.lower().split("-")[0]
    return "no" if base == "nb" else base


def _same_language(detected: str, letter_language: str) -> bool:
    ours = model_language(letter_language)
    return detected == ours or any(detected in alike and ours in alike for alike in _ALIKE)


def sentences(text: str) -> list[str]:
    """The text's sentences and lines, trimmed, without empty ones."""
    return [part.strip() for part in _SENTENCE_END.split(normalise_newlines(text))
            if part.strip()]


def _key(sentence: str) -> str:
    return " ".join(sentence.split()).casefold()


def added_text(generated: str, edited: str) -> str:
    """The sentences of `edited` that `generated` does not hold, joined by spaces: what the
    supporter wrote themselves (a changed sentence counts as written by them)."""
    known = {_key(sentence) for sentence in sentences(generated)}
    return " ".join(s for s in sentences(edited) if _key(s) not in known)


@dataclass(frozen=True, slots=True)
class OtherLanguage:
    """A passage that seems to be in another language than its letter."""

    language: str  # as the model names it (ISO 639-1 where there is one: "de")
    passage: str


def identify(text: str) -> str | None:
    """The language of `text` when it is long enough and the model is sure; None otherwise."""
    if len(_LETTER.findall(text)) < MIN_LETTERS or len(_WORD.findall(text)) < MIN_WORDS:
        return None
    language, confidence = _identifier().classify(text)
    return str(language) if confidence >= MIN_CONFIDENCE else None


def own_words_language(own_words: str, letter_languages: Iterable[str]
                       ) -> dict[str, OtherLanguage]:
    """The letter languages that the supporter's own sentence (step one's, which goes into
    every letter) seems not to be in, each with it; empty when it is too short to tell."""
    detected = identify(own_words)
    if detected is None:
        return {}
    return {language: OtherLanguage(detected, own_words) for language in set(letter_languages)
            if not _same_language(detected, language)}


def other_language(generated: str, edited: str, letter_language: str) -> OtherLanguage | None:
    """What the supporter added to a letter in `letter_language`, when it seems to be in
    another language; None when they added nothing, too little to tell, or the same language."""
    passage = added_text(generated, edited)
    detected = identify(passage)
    if detected is None or _same_language(detected, letter_language):
        return None
    return OtherLanguage(detected, passage)
