"""Interface language and the country list in the visitor's language."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from functools import lru_cache

import pycountry
from babel import Locale, UnknownLocaleError
from flask import Flask, request, url_for
from flask_babel import get_locale
from werkzeug.datastructures import LanguageAccept

from .app_state import app_state
from .extensions import babel


def supported_languages() -> tuple[str, ...]:
    return app_state().config.languages


def select_locale() -> Locale:
    """The language from ?lang= when it is one we have, else the browser's preference."""
    languages = supported_languages()
    # Only the URL: reading the form here would parse (and size-check) the body for every
    # request, even the error page for a body that is too large.
    asked = request.args.get("lang")
    if asked not in languages:
        asked = request.accept_languages.best_match(languages) or languages[0]
    return _locale(asked)


@lru_cache(maxsize=64)
def _locale(code: str) -> Locale:
    # Flask-Babel parses what the selector returns, unless it is a Locale already.
    return Locale.parse(code)


def current_language() -> str:
    return str(get_locale().language)


def language_links() -> list[tuple[str, str, str | None]]:
    """The language switcher: (code, name, link), the link None for the current language.

    A page that was asked for (GET) links to itself in each language; after a form was sent,
    the links lead to the home page.
    """
    current, languages = current_language(), supported_languages()
    if request.method == "GET":
        endpoint = request.endpoint or "public.home"
        args = dict(request.view_args or {})
    else:
        endpoint, args = "public.home", {}
    return [(code, language_name(code),
             None if code == current else url_for(endpoint, **dict(args, lang=code)))
            for code in languages]


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals.update(
        current_language=current_language, supported_languages=supported_languages,
        language_name=language_name, language_name_in=language_name_in,
        language_links=language_links,
    )


@lru_cache(maxsize=64)
def language_name(code: str) -> str:
    """A language's name in that language, for the language switcher."""
    try:
        name = Locale.parse(code, sep="-").get_display_name(code.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return code
    return name[:1].upper() + name[1:] if name else code


@lru_cache(maxsize=1024)
def language_name_in(code: str, language: str) -> str:
    """A language's name in another one, the interface's, as it reads inside a sentence:
    "German" for "de" on an English page, "néerlandais" for "nl" on a French one."""
    try:
        return Locale.parse(code, sep="-").get_display_name(language.replace("-", "_")) or code
    except (UnknownLocaleError, ValueError):
        return code


def is_language(code: str) -> bool:
    """An ISO 639 code Babel knows ("mt", "ga", "lb"), or one with its region where the
    written language differs ("pt-br"), written as in our URLs and files."""
    base, _, region = code.partition("-")
    if not (code.isascii() and code.islower() and base.isalpha() and 2 <= len(base) <= 3
            and (not region or (region.isalpha() and len(region) == 2))):
        return False
    try:
        locale = Locale.parse(code, sep="-")
    except (UnknownLocaleError, ValueError):
        return False
    # Babel answers an unknown region with the language's likeliest one ("en-zz": en_US).
    return not region or locale.territory == region.upper()


def folded(name: str) -> str:
    """A name as lists sort and filters compare it: "Österreich" sorts with the O's, as
    people expect, without needing ICU."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


@lru_cache(maxsize=32)
def country_choices(language: str) -> tuple[tuple[str, str], ...]:
    """(alpha-2, name in `language`) for every country, sorted by name in that language."""
    names: Mapping[str, str]
    try:
        names = Locale.parse(language).territories
    except (UnknownLocaleError, ValueError):
        names = {}
    choices = [(c.alpha_2, names.get(c.alpha_2, c.name)) for c in pycountry.countries]
    return tuple(sorted(choices, key=lambda choice: folded(choice[1])))


@lru_cache(maxsize=1)
def country_codes() -> frozenset[str]:
    """Every country's alpha-2 code: what a country field or header may hold."""
    return frozenset(code for code, _name in country_choices("en"))


def country_name(code: str, language: str) -> str:
    """A country's name in the interface language; "EU" is the European Union's."""
    return _country_names(language).get(code, code)


@lru_cache(maxsize=32)
def _country_names(language: str) -> dict[str, str]:
    names = dict(country_choices(language))
    try:
        names["EU"] = Locale.parse(language).territories.get("EU", "European Union")
    except (UnknownLocaleError, ValueError):
        names["EU"] = "European Union"
    return names


def guess_country(headers, accept_languages: LanguageAccept, trusted_header: str) -> str | None:
    """The visitor's country from a header our proxy sets, or a region in Accept-Language."""
    known = country_codes()
    if trusted_header:
        value = (headers.get(trusted_header) or "").strip().upper()
        if value in known:
            return value
    for tag, _quality in accept_languages:
        parts = tag.replace("_", "-").split("-")
        if len(parts) >= 2 and parts[-1].upper() in known:
            return parts[-1].upper()
    return None
