"""What every template can use beyond Flask's and Flask-Babel's own."""

from __future__ import annotations

import base64
from functools import lru_cache

from flask import Flask, render_template
from markupsafe import Markup

from .i18n import country_choices, country_codes, current_language

# Languages times the countries someone chose: the options for the common ones stay rendered.
RENDERED_OPTION_LISTS = 512


def country_options(selected: str | None) -> Markup:
    """The options of the country select in the visitor's language, `selected` marked.

    Most of the campaign page is this list of some 250 countries, the same for every visitor
    in a language but for the one chosen; rendering it for each request was most of the page's
    cost.
    """
    language = current_language()
    if selected not in country_codes():  # what a form sent must not fill the cache
        selected = ""
    return _rendered_options(language, selected)


@lru_cache(maxsize=RENDERED_OPTION_LISTS)
def _rendered_options(language: str, selected: str) -> Markup:
    return Markup(render_template("_country_options.html", choices=country_choices(language),
                                  selected=selected))


def init_app(app: Flask) -> None:
    app.jinja_env.filters["b64encode"] = lambda data: base64.b64encode(data).decode("ascii")
    app.jinja_env.globals["country_options"] = country_options
