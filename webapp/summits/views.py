"""The public summit pages: /summits (the series, who signed what, the map) and one page per
country (/summits/DE). Both are the same for every visitor in a language, so they are
rendered once per language, filter and counting window (page_cache), and never count letters
per request (momentum)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, render_template, request

from ..app_state import app_state
from ..db import get_session
from ..i18n import current_language
from ..momentum import counter_view
from . import operations
from .page_cache import kept_page

bp = Blueprint("summits", __name__, url_prefix="/summits")

# Browsers and proxies may keep a page about as long as this process keeps it; the language
# comes from Accept-Language unless the address names it.
PAGE_HEADERS = {"Cache-Control": "public, max-age=60", "Vary": "Accept-Language"}

# The counter on the campaign page (campaign.html): campaign_counter(campaign).
bp.add_app_template_global(counter_view, "campaign_counter")


@bp.get("")
def summits():
    language = current_language()
    directory = app_state().directory.get()
    table_filter, problems = operations.parse_filter(request.args, directory.summits)
    return kept_page(directory, ("summits", language, table_filter, problems), lambda:
                     render_template("summits/index.html", page=operations.summits_page(
                         get_session(), language, table_filter, problems)), PAGE_HEADERS)


@bp.get("/<code>")
def country(code: str):
    code = code.upper()
    if not operations.is_known_country(code):
        abort(404)
    language = current_language()
    return kept_page(app_state().directory.get(), ("country", language, code), lambda:
                     render_template("summits/country.html", page=operations.country_page(
                         get_session(), code, language, date.today())), PAGE_HEADERS)
