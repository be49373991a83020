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

    Rendered once and kept: the head links per script root, and the switcher of an answer to
    a form (a POST), whose links lead to the home page, per language and script root. That
    switcher was a third of the check-your-inbox page after a submit, the busiest page: a
    dozen template calls and escapes for markup that never changes. A page asked for with
    GET links to itself in each language, so its switcher is rendered each time. While
    templates reload (debug), nothing is kept.
    """
    language, root = current_language(), request.script_root
    head = _kept(("head", root), "_page_head.html")
    if request.method == "GET":
        nav = _rendered("_language_nav.html", links=language_links())
    else:
        nav = _kept(("nav", root, language), "_language_nav.html", links=language_links)
    return PageChrome(language, head, nav)


def _rendered(template: str, **context) -> Markup:
    return Markup(current_app.jinja_env.get_template(template).render(**context))


def _kept(key: tuple, template: str, **makers) -> Markup:
    """A partial template rendered once per key; `makers` give its context when it is."""
    kept = current_app.extensions.setdefault("page_chrome", {})
    markup = kept.get(key)
    if markup is None:
        markup = _rendered(template, **{name: make() for name, make in makers.items()})
        if not current_app.jinja_env.auto_reload:
            kept[key] = markup
    return markup
