"""What every template can use beyond Flask's and Flask-Babel's own."""

from __future__ import annotations

import base64
from datetime import date
from functools import lru_cache
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from babel import Locale, UnknownLocaleError
from flask import Flask, render_template
from jinja2 import BytecodeCache
from jinja2.bccache import Bucket
from markupsafe import Markup

from representatives.committees import EP_COMMITTEES, committee_choices, committee_name
from representatives.model import Target

from .i18n import country_choices, country_codes, country_name, current_language

# Languages times the countries someone chose: the options for the common ones stay rendered.
RENDERED_OPTION_LISTS = 512


def country_options(selected: str | None, reach: Any = None) -> Markup:
    """The options of the country select in the visitor's language, `selected` marked, each
    saying what a supporter from there can do when `reach` (supporters.operations.CountryReach)
    is given.

    Most of the campaign page is this list of some 250 countries, the same for every visitor
    in a language but for the one chosen; rendering it for each request was most of the page's
    cost. `reach` is the same object until the data or the campaign's settings change.
    """
    language = current_language()
    if selected not in country_codes():  # what a form sent must not fill the cache
        selected = ""
    return _rendered_options(language, selected, reach)


@lru_cache(maxsize=RENDERED_OPTION_LISTS)
def _rendered_options(language: str, selected: str, reach: Any) -> Markup:
    return Markup(render_template("_country_options.html", choices=country_choices(language),
                                  selected=selected, reach=reach))


class Source(NamedTuple):
    """One page a target's addresses come from, as a card shows it."""

    url: str
    site: str  # the page's host, without "www."
    checked: date | None  # the oldest check of the addresses it shows
    stored_copy: bool  # any of them checked only on a stored copy of the page


def target_sources(target: Target) -> list[Source]:
    """The pages a target's channels come from, each once, in the channels' order."""
    found: dict[str, Source] = {}
    for channel in target.channels:
        url = channel.source_url
        if not url:
            continue
        seen = found.get(url)
        checked = channel.verified_on
        if seen is not None:
            if seen.checked and (checked is None or checked < seen.checked):
                seen = seen._replace(checked=checked)
            found[url] = seen._replace(stored_copy=seen.stored_copy or channel.stored_copy)
        else:
            site = (urlsplit(url).hostname or url).removeprefix("www.")
            found[url] = Source(url, site, checked, channel.stored_copy)
    return list(found.values())


@lru_cache(maxsize=64)
def text_direction(language: str) -> str:
    """"rtl" for a language written right to left (Arabic, Persian...), else "ltr"."""
    try:
        locale = Locale.parse(language.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return "ltr"
    return "rtl" if locale.character_order == "right-to-left" else "ltr"


class CompiledTemplates(BytecodeCache):
    """Templates compiled once per process, whichever app of it renders them first.

    A web worker builds one app, but the CLI, the test suite and the benchmarks build many, and
    each new app's Jinja environment would compile every template again. Jinja keys the code
    by the template's name and file and checks it against the source's checksum, so an edited
    template is compiled anew. Every app here sets up its environment the same way
    (`create_app`), which is what makes their compiled code interchangeable.
    """

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = CompiledTemplates()


def init_app(app: Flask) -> None:
    app.jinja_env.bytecode_cache = COMPILED_TEMPLATES
    app.jinja_env.filters["b64encode"] = lambda data: base64.b64encode(data).decode("ascii")
    app.jinja_env.globals["country_options"] = country_options
    app.jinja_env.globals["target_sources"] = target_sources
    app.jinja_env.globals["text_direction"] = text_direction
    app.jinja_env.globals["committee_name"] = committee_name
    # For lists of many members: an item looked up, not a function called, for each seat.
    app.jinja_env.globals["committee_names"] = EP_COMMITTEES
    app.jinja_env.globals["committee_choices"] = committee_choices
    app.jinja_env.globals["country_name"] = lambda code: country_name(code, current_language())
