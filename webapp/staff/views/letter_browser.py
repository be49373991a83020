"""A campaign's letters: everyone sees their states and counts, editors their words too."""

from __future__ import annotations

from flask import abort, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from ...db import get_session
from ...models import LetterState
from .. import letter_browser
from ..letter_browser import LetterFilter
from ..models import Role
from . import bp
from .common import campaign_or_404


@bp.get("/campaigns/<slug>/letters-sent")
def letters_sent(slug: str) -> ResponseReturnValue:
    """The campaign's letters matching the filter, newest first, a page at a time."""
    campaign = campaign_or_404(slug)
    where = LetterFilter.parse(request.args)
    page = letter_browser.letters_page(get_session(), campaign, where,
                                       before=request.args.get("before", type=int))
    return render_template("staff/letters_sent.html", campaign=campaign, where=where,
                           page=page, states=list(LetterState))


@bp.get("/campaigns/<slug>/letters-sent/<int:letter_id>")
def letter_sent(slug: str, letter_id: int) -> ResponseReturnValue:
    """One letter's history; its words for editors, until retention erased them."""
    campaign = campaign_or_404(slug)
    history = letter_browser.letter_history(get_session(), campaign, letter_id,
                                            with_text=current_user.can(Role.EDITOR))
    if history is None:
        abort(404)
    return render_template("staff/letter_sent.html", campaign=campaign, history=history)
