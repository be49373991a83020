"""A campaign's dashboard: its letters counted, for every staff member (counts only)."""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue
from flask_babel import format_date, format_datetime, format_number, format_percent
from flask_babel import gettext as _

from database import utcnow

from ...app_state import app_state
from ...db import get_session
from ...i18n import country_name, current_language, language_name
from .. import dashboard
from . import bp, dashboard_charts
from .common import campaign_or_404


def _state_labels() -> dict[str, str]:
    return {"queued": _("Queued"), "sending": _("Sending"), "sent": _("Sent"),
            "delivered": _("Delivered"), "bounced": _("Bounced"), "failed": _("Failed"),
            "held": _("Held for review"), "cancelled": _("Cancelled")}


def _kind_labels() -> dict[str, str]:
    return {"summit_delegate": _("Summit delegates"), "minister": _("Ministers"),
            "head_of_government": _("Heads of government"), "mp": _("Members of parliament"),
            "mep": _("Members of the European Parliament"),
            dashboard.UNKNOWN_KIND: _("No longer in the directory")}


@bp.get("/campaigns/<slug>/dashboard")
def campaign_dashboard(slug: str) -> ResponseReturnValue:
    """Letters per day by state, by country, kind of target, target, partner and language;
    confirmations, drafts and how delivery is doing."""
    campaign = campaign_or_404(slug)
    db = get_session()
    page = dashboard.campaign_dashboard(db, campaign, app_state().directory.get().get, utcnow())
    db.commit()  # the counts brought up to date, and the cursors' locks released
    states, kinds, language = _state_labels(), _kind_labels(), current_language()
    countries = [(country_name(code, language), n) for code, n in page.countries]
    kind_rows = [(kinds.get(kind, kind), n) for kind, n in page.kinds]
    partner_rows = [(code or _("Our own site"), n) for code, n in page.partners]
    language_rows = [(language_name(code), n) for code, n in page.languages]
    charts = {"locale": language, "charts": [
        dashboard_charts.states_by_day("chart-states", page, lambda s: states.get(s, s)),
        dashboard_charts.bars("chart-countries", countries),
        dashboard_charts.bars("chart-kinds", kind_rows),
        dashboard_charts.bars("chart-partners", partner_rows),
        dashboard_charts.bars("chart-languages", language_rows),
    ]}
    return render_template(
        "staff/campaign_dashboard.html", page=page, charts=charts, state_labels=states,
        kind_labels=kinds, countries=countries, kind_rows=kind_rows, partner_rows=partner_rows,
        language_rows=language_rows, format_number=format_number,
        format_percent=format_percent, format_datetime=format_datetime, format_date=format_date)
