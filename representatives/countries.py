"""Country facts the importers and the matching need: ISO codes, EU membership, letter language."""

from __future__ import annotations

from functools import cache

import pycountry
from babel.languages import get_official_languages

EU_MEMBER_STATES = frozenset(
    "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split()
)
# The 24 official languages of the European Union (ISO 639-1): letters to MEPs and EU delegates
# may be written in any of them.
EU_OFFICIAL_LANGUAGES = frozenset(
    "bg cs da de el en es et fi fr ga hr hu it lt lv mt nl pl pt ro sk sl sv".split()
)

# The language a letter to this country's representatives is written in: the country's main
# official language. Where several are official we take the one most people use (Belgium: Dutch,
# Finland: Finnish, Ireland: English), for Luxembourg the language its laws are written in
# (French). The letters package falls back to another language when it lacks a template.
MAIN_LANGUAGE = {
    "AT": "de",
    "BE": "nl",
    "BG": "bg",
    "CY": "el",
    "CZ": "cs",
    "DE": "de",
    "DK": "da",
    "EE": "et",
    "ES": "es",
    "FI": "fi",
    "FR": "fr",
    "GR": "el",
    "HR": "hr",
    "HU": "hu",
    "IE": "en",
    "IT": "it",
    "LT": "lt",
    "LU": "fr",
    "LV": "lv",
    "MT": "mt",
    "NL": "nl",
    "PL": "pl",
    "PT": "pt",
    "RO": "ro",
    "SE": "sv",
    "SI": "sl",
    "SK": "sk",
    # Outside the EU, only where Babel's first official language is not the one a government
    # corresponds in (Babel lists national or community languages first for many).
    "AU": "en",
    "US": "en",
    "IN": "en",  # the Government of India corresponds in English as well as Hindi
    "PK": "en",  # Urdu is national; the government works in English
    "SN": "fr",  # French is the official language; Wolof the most spoken
    "PY": "es",  # Guaraní and Spanish are official; the government writes in Spanish
    "KE": "en",
    "RW": "en",
    "UG": "en",
    "ZW": "en",
    "MW": "en",
    "LS": "en",
    "SC": "en",
    "MU": "en",
    "VU": "en",
    "WS": "en",
    "TO": "en",
    "BT": "en",  # Dzongkha is national; the government corresponds in English too
    "MG": "fr",
    "HT": "fr",
    "BI": "fr",
    "CF": "fr",
    "KM": "fr",
    "TD": "fr",
    "NO": "nb",  # Babel says "no"; letters are written in Bokmål
    "KG": "ru",  # Kyrgyz and Russian are both official; the campaign has a Russian letter
}


@cache
def iso_countries() -> frozenset[str]:
    """Every ISO 3166-1 alpha-2 code pycountry knows."""
    return frozenset(c.alpha_2 for c in pycountry.countries)


@cache
def _alpha3_to_alpha2() -> dict[str, str]:
    return {c.alpha_3: c.alpha_2 for c in pycountry.countries}


def alpha2_from_alpha3(code: str) -> str | None:
    """ISO alpha-3 ("GBR") to alpha-2 ("GB"); None when pycountry does not know it."""
    return _alpha3_to_alpha2().get(code.strip().upper())


@cache
def subdivision_codes(country: str) -> frozenset[str]:
    """ISO 3166-2 codes of a country's subdivisions ("US-CA", ...)."""
    found = pycountry.subdivisions.get(country_code=country) or ()
    return frozenset(s.code for s in found)


def subdivision_name(code: str) -> str | None:
    """The ISO 3166-2 name of a subdivision ("US-CA" -> "California")."""
    found = pycountry.subdivisions.get(code=code)
    return found.name if found else None


@cache
def official_languages(country: str) -> frozenset[str]:
    """The ISO 639-1 languages official in `country`, as CLDR has them (through Babel):
    Switzerland's are German, French and Italian."""
    return frozenset(lang for lang in get_official_languages(country) if len(lang) == 2)


@cache
def main_language(country: str) -> str:
    """ISO 639-1 language that letters to this country's representatives are written in."""
    if country in MAIN_LANGUAGE:
        return MAIN_LANGUAGE[country]
    languages = [lang for lang in get_official_languages(country, de_facto=True) if len(lang) == 2]
    # English is the working language of international correspondence where Babel has nothing.
    return languages[0] if languages else "en"
