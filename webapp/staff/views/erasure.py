"""Erasing a supporter's data by address: editors erase, everyone sees the retention settings."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from ...app_state import app_state
from ...db import get_session
from .. import erasure
from ..forms import ErasureForm
from . import bp


def _page(form: ErasureForm, status: int = 200) -> ResponseReturnValue:
    return render_template("staff/erasure.html", form=form,
                           settings=erasure.RetentionSettings.of(app_state().config)), status


@bp.get("/erasure")
def erasure_form() -> ResponseReturnValue:
    return _page(ErasureForm())


@bp.post("/erasure")
def erasure_erase() -> ResponseReturnValue:
    """Erase by address (editors; viewers are refused by auth.enforce_access)."""
    form = ErasureForm()
    if not form.validate() or "@" not in (form.email.data or ""):
        if not form.email.errors:
            form.email.errors = [_("Please enter the supporter's e-mail address.")]
        return _page(form, 422)
    db = get_session()
    erased = erasure.erase_by_address(db, form.email.data or "", current_user)
    db.commit()
    if erased.anything:
        flash(_("Erased: %(submissions)d submission(s), %(consents)d consent(s) to partners, "
                "%(reports)d report(s) quoting them; %(cancelled)d letter(s) not sent yet "
                "cancelled.", submissions=erased.submissions, consents=erased.consents,
                reports=erased.reports, cancelled=erased.letters_cancelled), "ok")
    else:
        flash(_("We hold nothing under this address."), "ok")
    return redirect(url_for("staff.erasure_form"), 303)
