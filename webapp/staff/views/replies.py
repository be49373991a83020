"""Targets' replies and commitments: every staff member reads the answers and the table,
editors record a reply or a commitment (viewers are refused by auth.enforce_access)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from ...app_state import app_state
from ...db import get_session
from ...followup.models import ResponseKind
from ...summits.page_cache import rendered_pages
from .. import replies
from ..forms import ActionForm, ResponseForm
from ..replies import ResponseValues
from . import bp


def _render_replies(form: ResponseForm, status: int = 200) -> ResponseReturnValue:
    country = replies.parse_country(request.args.get("country"))
    targets = replies.answers_by_target(get_session(), app_state().directory.get(), country)
    return render_template("staff/replies.html", targets=targets, country=country,
                           form=form, action_form=ActionForm()), status


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


@bp.post("/replies/remove")
def replies_remove() -> ResponseReturnValue:
    """Remove a reply or commitment recorded by mistake (editors), with an audit entry."""
    if not ActionForm().validate():
        abort(400)
    response_id = request.form.get("response", type=int)
    if response_id is None or not 0 < response_id < 2**31:
        abort(400)
    db = get_session()
    removed = replies.remove_response(db, response_id, current_user)
    if removed is None:
        flash(_("This record was removed already."), "error")
        return redirect(url_for("staff.replies_list"), 303)
    db.commit()
    rendered_pages().clear()
    flash(_("Removed for %(name)s.", name=removed.target_name), "ok")
    return redirect(url_for("staff.replies_list", country=removed.country), 303)


@bp.get("/replies/responsiveness")
def replies_responsiveness() -> ResponseReturnValue:
    """Per country and kind of target: letters sent, asked about, answers, replies recorded."""
    rows = replies.responsiveness(get_session(), app_state().directory.get())
    return render_template("staff/replies_responsiveness.html", rows=rows,
                           totals=replies.responsiveness_totals(rows))
