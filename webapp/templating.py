"""What every template can use beyond Flask's and Flask-Babel's own."""

from __future__ import annotations

import base64
from typing import NamedTuple

from flask import Flask, current_app, has_request_context, request, url_for
from markupsafe import Markup

from .i18n import current_language, language_links


def init_app(app: Flask) -> None:
    app.jinja_env.filters["b64encode"] = lambda data: base64.b64encode(data).decode("ascii")
    app.jinja_env.globals["static_url"] = static_url
    app.jinja_env.globals["page_chrome"] = page_chrome


def static_url(filename: str) -> str:
    """url_for("static", filename=...) for the public pages' own files, built once per
    script root rather than on every page (a tenth of the check-your-inbox page)."""
    built = current_app.extensions.setdefault("static_urls", {})
    key = (request.script_root if has_request_context() else None, filename)
    url = built.get(key)
    if url is None:
        url = built[key] = url_for("static", filename=filename)
    return url


class PageChrome(NamedTuple):
    """What base.html puts around every public page."""

    language: str
    head: Markup  # the stylesheet and script tags (_page_head.html)
    nav: Markup  # the language switcher (_language_nav.html)


def page_chrome() -> PageChrome:
    """The page's language, head links and language switcher, for base.html.

    The answer to a form (a POST) has the same chrome on every request in one language (its
    language links lead to the home page): rendered once per language and script root and
    then reused. That was a third of the check-your-inbox page after a submit, the
    busiest page: a dozen template calls and escapes for markup that never changes. A page
    asked for with GET links to itself in each language, so its switcher is rendered each
    time. While templates reload (debug), nothing is kept.
    """
    language = current_language()
    environment = current_app.jinja_env
    key = (language, request.script_root, request.method == "GET")
    kept = current_app.extensions.setdefault("page_chrome", {})
    chrome = None if key[2] else kept.get(key)
    if chrome is None:
        chrome = PageChrome(
            language,
            Markup(environment.get_template("_page_head.html").render()),
            Markup(environment.get_template("_language_nav.html").render(
                links=language_links())),
        )
        if not key[2] and not environment.auto_reload:
            kept[key] = chrome
    return chrome
