"""The staff area at /staff: one blueprint, its routes in a module per feature.

campaigns (the dashboard and campaign settings), letters (the template editor, versions,
similarity and reviews of translated letters), data_reports (supporters' reports about the
data), summits (the summit series and each country's participation) and accounts (signing in,
users and the audit log). Views stay thin: read the request, call one function of
staff.operations (or of a feature's own module: data_reports, summits), commit, render or
redirect.
"""

from __future__ import annotations

from flask import Blueprint
from flask_login import current_user

from .. import auth

bp = Blueprint("staff", __name__, url_prefix="/staff")
bp.before_request(auth.enforce_access)


@bp.context_processor
def _signed_in_user() -> dict[str, object]:
    # Registered here rather than app-wide (see staff/__init__.py).
    return {"current_user": current_user}


# Imported last, for their routes to register on `bp`, which they import from here.
from . import (  # noqa: E402, F401
    accounts,
    campaign_dashboard,
    campaigns,
    data_desk,
    data_imports,
    data_reports,
    delivery_controls,
    erasure,
    exports,
    letter_browser,
    letters,
    moderation,
    replies,
    summits,
)
