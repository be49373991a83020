"""Targets' replies and commitments: every staff member reads the answers and the table,
editors record a reply or a commitment (viewers are refused by auth.enforce_access)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from ...app_state import app_state
from ...db import get_session
from ...followup.models import ResponseKind
from ...summits.page_cache import rendered_pages
from .. import replies
from ..forms import ResponseForm
from ..replies import ResponseValues
from . import bp


def _render_replies(form: ResponseForm, status: int = 200) -> ResponseReturnValue:
    country = replies.parse_country(request.args.get("country"))
    targets = replies.answers_by_target(get_session(), app_state().directory.get(), country)
    return render_template("staff/replies.html", targets=targets, country=country,
                           form=form), status


@bp.get("/replies")
def replies_list() -> ResponseReturnValue:
    """Supporters' answers and pasted replies per target, and what staff recorded."""
    form = ResponseForm(formdata=None)
    form.target.data = request.args.get("target", "")[:64]
    return _render_replies(form)


@bp.post("/replies/record")
def replies_record() -> ResponseReturnValue:
    """Record that a target replied or has committed (editors), with an audit entry."""
    form = ResponseForm()
    if not form.validate():
        return _render_replies(form, 400)
    db = get_session()
    recorded = replies.record_response(db, app_state().directory.get(), ResponseValues(
        target_id=form.target.data.strip(), kind=ResponseKind(form.kind.data),
        on_date=form.on_date.data, link=(form.link.data or "").strip(),
        text=(form.text.data or "").strip()), current_user)
    if recorded is None:
        form.target.errors = [_("No target with this id in the directory or the letters.")]
        return _render_replies(form, 400)
    db.commit()
    # The summit pages list commitments, and keep their pages (this process's; the others
    # make theirs afresh within a counting window).
    rendered_pages().clear()
    flash(_("Recorded for %(name)s.", name=recorded.target_name), "ok")
    return redirect(url_for("staff.replies_list", country=recorded.country), 303)


@bp.get("/replies/responsiveness")
def replies_responsiveness() -> ResponseReturnValue:
    """Per country and kind of target: letters sent, asked about, answers, replies recorded."""
    rows = replies.responsiveness(get_session(), app_state().directory.get())
    return render_template("staff/replies_responsiveness.html", rows=rows,
                           totals=replies.responsiveness_totals(rows))
