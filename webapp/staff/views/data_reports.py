"""Supporters' reports about the data: every staff member reads them, editors resolve them."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from ...db import get_session
from ...models import DataReportKind
from .. import data_reports
from ..data_reports import ReportFilter
from ..forms import ActionForm
from . import bp


@bp.context_processor
def _open_report_count() -> dict[str, object]:
    # A callable: the COUNT runs only where the navigation is drawn (a signed-in page).
    return {"open_data_reports": lambda: data_reports.count_reports(get_session())}


@bp.get("/data-reports")
def data_reports_list() -> ResponseReturnValue:
    """Open reports, newest first, filtered by kind and country; resolved ones if asked."""
    where = ReportFilter.parse(request.args.get("kind"), request.args.get("country"))
    show_resolved = request.args.get("resolved") == "1"
    page = data_reports.reports_page(get_session(), where, show_resolved=show_resolved)
    return render_template(
        "staff/data_reports.html", where=where, show_resolved=show_resolved,
        open_reports=page.open_reports, resolved_reports=page.resolved_reports,
        open_count=page.open_count, resolved_count=page.resolved_count,
        countries=page.countries, kinds=list(DataReportKind), form=ActionForm())


@bp.post("/data-reports/resolve")
def data_report_resolve() -> ResponseReturnValue:
    """Mark one report resolved (editors; viewers are refused by auth.enforce_access)."""
    if not ActionForm().validate():
        abort(400)
    # type=int, not str.isdigit: "²" is a digit that int() refuses; and an id the column holds.
    report_id = request.form.get("report", type=int)
    if report_id is None or not 0 < report_id < 2**31:
        abort(400)
    db = get_session()
    if data_reports.resolve_report(db, report_id, current_user):
        db.commit()
        flash(_("Marked as resolved."), "ok")
    else:
        flash(_("This report was resolved already, or no longer exists."), "error")
    where = ReportFilter.parse(request.form.get("kind"), request.form.get("country"))
    return redirect(url_for("staff.data_reports_list", kind=where.kind, country=where.country),
                    303)
