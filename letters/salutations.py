"""The opening line of a letter ("Dear Dr Smith,"), per language.

Gender is used only where the data states it; otherwise each language has a neutral form with the
full name. Family names given in capitals by some sources (the European Parliament writes
"Christophe BAY") are brought back to ordinary case.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol


class Addressee(Protocol):
    """The parts of a `representatives.model.Target` a salutation reads."""

    name: str
    country: str
    given_name: str | None
    family_name: str | None
    honorific: str | None
    gender: str | None


# Name particles written in lower case inside a name ("Cotrim de Figueiredo", "von der Leyen").
_PARTICLES = frozenset(
    "van von der den de del della dei degli di da das do dos du des la le lo ten ter te "
    "vom zu zum zur op in y e i".split()
)
# Countries where a particle that opens a family name keeps its capital ("Di Maio", "De Croo").
_CAPITAL_PARTICLE_COUNTRIES = frozenset({"IT", "BE"})
# In French names the articles keep a capital ("Le Pen") while "de"/"d'" do not.
_FRENCH_CAPITAL_PARTICLES = frozenset({"le", "la", "les", "du", "des"})


def _capitalise(word: str, more_follows: bool = False) -> str:
    """MÜLLER-LÜDENSCHEIDT -> Müller-Lüdenscheidt, O'BRIEN -> O'Brien."""
    parts = word.split("-")
    out = []
    for i, part in enumerate(parts):
        head, apostrophe, tail = part.partition("'")
        if i and (more_follows or i < len(parts) - 1) and part.lower() in _PARTICLES:
            out.append(part.lower())  # HERMIDA-VAN DER WALLE -> Hermida-van der Walle
        elif apostrophe and head.lower() in ("d", "l") and tail:
            # d'ESTAING / D'ALEMA: an elided particle, lower case unless the caller capitalises.
            out.append(head.lower() + "'" + tail[:1].upper() + tail[1:].lower())
        elif apostrophe and tail:
            out.append(
                head[:1].upper() + head[1:].lower() + "'" + tail[:1].upper() + tail[1:].lower()
            )
        else:
            out.append(part[:1].upper() + part[1:].lower())
    return "-".join(out)


def _is_particle(word: str) -> bool:
    lowered = word.lower()
    return lowered in _PARTICLES or (len(lowered) > 2 and lowered[1] == "'" and lowered[0] in "dl")


def normalise_family_name(family: str, country: str = "") -> str:
    """Bring words written in capitals back to ordinary case; mixed-case words are kept as given."""
    words = family.split()
    country = country.upper()
    out = []
    for i, word in enumerate(words):
        if not word.isupper():
            out.append(word)
            continue
        last = i == len(words) - 1
        if _is_particle(word) and not last:
            lowered = word.lower()
            if (i == 0 and country in _CAPITAL_PARTICLE_COUNTRIES) or (
                country == "FR" and lowered in _FRENCH_CAPITAL_PARTICLES
            ):
                out.append(lowered.capitalize())
            else:
                out.append(lowered)
            continue
        fixed = _capitalise(word, more_follows=not last)
        if i == 0 and fixed[1:2] == "'" and country in _CAPITAL_PARTICLE_COUNTRIES:
            fixed = fixed[0].upper() + fixed[1:]  # D'Alema
        out.append(fixed)
    return " ".join(out)


def _normalise_words(text: str) -> str:
    """A given name or full name: capitals-only words become ordinary case."""
    return " ".join(_capitalise(w) if w.isupper() and len(w) > 1 else w for w in text.split())


class _Parts:
    """The name pieces every language builds from, computed once."""

    __slots__ = ("family", "full", "gender", "honorific", "raw_honorific", "country")

    def __init__(self, target: Addressee) -> None:
        self.country = (target.country or "").upper()
        family = (target.family_name or "").strip()
        given = (target.given_name or "").strip()
        self.family = normalise_family_name(family, self.country) if family else ""
        if given and self.family:
            self.full = f"{_normalise_words(given)} {self.family}"
        else:
            self.full = _normalise_words(target.name or "") or self.family
        gender = (target.gender or "").strip().lower()
        self.gender = gender if gender in ("female", "male") else ""
        honorific = (target.honorific or "").strip()
        self.raw_honorific = honorific
        self.honorific = honorific.lower().rstrip(".")  # "Dr." / "dr" / "Dr" -> "dr"


def _english(p: _Parts) -> str:
    us = p.country == "US"
    # British usage drops the full stop after contractions ("Dr", "Ms"); American keeps it.
    dot = "." if us else ""
    known = {
        "dr": f"Dr{dot}",
        "prof": "Professor",
        "professor": "Professor",
        "sen": "Senator",
        "senator": "Senator",
        "rep": "Representative",
        "representative": "Representative",
    }
    if p.family and p.honorific and p.honorific != "hon":
        # "Hon." is a style of address, not a salutation title ("Dear Hon. Smith" is wrong).
        return f"Dear {known.get(p.honorific, p.raw_honorific)} {p.family},"
    if p.family and p.gender:
        title = "Ms" if p.gender == "female" else "Mr"
        return f"Dear {title}{dot} {p.family},"
    if p.full:
        return f"Dear {p.full},"
    return "Dear Sir or Madam,"


def _dutch(p: _Parts) -> str:
    # Dutch writes a leading particle with a capital when no first name precedes it
    # ("mevrouw Van Brug", "mevrouw Von der Leyen"); academic titles are usually left out,
    # except that a professor is addressed as such.
    standalone = p.family[:1].upper() + p.family[1:]
    if p.family and p.honorific in ("prof", "professor"):
        return f"Geachte professor {standalone},"
    if p.family and p.gender:
        title = "mevrouw" if p.gender == "female" else "heer"
        return f"Geachte {title} {standalone},"
    if p.full:
        return f"Geachte {p.full},"
    return "Geachte heer, mevrouw,"


def _german(p: _Parts) -> str:
    titles = {"dr": "Dr.", "prof": "Prof.", "professor": "Prof."}
    title = titles.get(p.honorific, "")
    title = f"{title} " if title else ""
    if p.family and p.gender == "female":
        return f"Sehr geehrte Frau {title}{p.family},"
    if p.family and p.gender == "male":
        return f"Sehr geehrter Herr {title}{p.family},"
    if p.full:
        return f"Guten Tag {title}{p.full},"
    return "Sehr geehrte Damen und Herren,"


def _french(p: _Parts) -> str:
    if p.family and p.gender:
        title = "Madame" if p.gender == "female" else "Monsieur"
        return f"{title} {p.family},"
    if p.full:
        return f"Bonjour {p.full},"
    return "Madame, Monsieur,"


def _spanish(p: _Parts) -> str:
    doctor = p.honorific == "dr"
    if p.family and p.gender == "female":
        return f"Estimada {'doctora' if doctor else 'señora'} {p.family}:"
    if p.family and p.gender == "male":
        return f"Estimado {'doctor' if doctor else 'señor'} {p.family}:"
    if p.full:
        return f"Estimado/a {p.full}:"
    return "Estimado/a señor/a:"


def _italian(p: _Parts) -> str:
    doctor = p.honorific == "dr"
    if p.family and p.gender == "female":
        return f"Gentile {'dottoressa' if doctor else 'signora'} {p.family},"
    if p.family and p.gender == "male":
        return f"Gentile {'dottor' if doctor else 'signor'} {p.family},"
    if p.full:
        return f"Gentile {p.full},"
    return "Gentile signora, gentile signore,"


_BY_LANGUAGE: dict[str, Callable[[_Parts], str]] = {
    "en": _english,
    "nl": _dutch,
    "de": _german,
    "fr": _french,
    "es": _spanish,
    "it": _italian,
}

LANGUAGES = frozenset(_BY_LANGUAGE)


def salutation(target: Addressee, language: str) -> str:
    """The opening line of a letter to `target` in `language`, punctuation included."""
    build = _BY_LANGUAGE.get(language.split("-")[0].lower(), _english)
    return build(_Parts(target))
