"""CSV downloads: letters counted (everyone), supporters and partners' consents (editors)."""

from __future__ import annotations

from collections.abc import Iterator

from flask import Response, abort, request, stream_with_context
from flask.typing import ResponseReturnValue
from flask_login import current_user

from database import utcnow

from ...db import get_session
from .. import exports
from ..letter_browser import LetterFilter
from ..models import Role
from . import bp
from .common import campaign_or_404


def _csv(name: str, lines: Iterator[str]) -> Response:
    stamp = utcnow().strftime("%Y%m%d-%H%M")
    return Response(stream_with_context(lines), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}-{stamp}.csv"',
                             "Cache-Control": "no-store"})


def _editors_only() -> None:
    # Personal data: a GET, so auth.enforce_access lets viewers through; this does not.
    if not current_user.can(Role.EDITOR):
        abort(403)


@bp.get("/campaigns/<slug>/exports/letters.csv")
def export_aggregates(slug: str) -> ResponseReturnValue:
    """Letters by day, state, country and target, under the letter browser's filter."""
    campaign = campaign_or_404(slug)
    where = LetterFilter.parse(request.args)
    db = get_session()
    exports.audit_export(db, "letters", f"campaign/{slug}",
                         " ".join(f"{k}={v}" for k, v in where.as_args().items()), current_user)
    db.commit()
    return _csv(f"{slug}-letters", exports.csv_lines(
        exports.AGGREGATE_HEADER, exports.aggregate_rows(db, campaign, where)))


@bp.get("/campaigns/<slug>/exports/supporters.csv")
def export_supporters(slug: str) -> ResponseReturnValue:
    """Supporters who asked to hear from the campaign and confirmed their address."""
    _editors_only()
    campaign = campaign_or_404(slug)
    db = get_session()
    exports.audit_export(db, "supporters", f"campaign/{slug}", "", current_user)
    db.commit()
    return _csv(f"{slug}-supporters", exports.csv_lines(
        exports.SUPPORTER_HEADER, exports.supporter_rows(db, campaign)))


@bp.get("/partners/<code>/consents.csv")
def export_partner_consents(code: str) -> ResponseReturnValue:
    """One partner's consents, and no other partner's."""
    _editors_only()
    db = get_session()
    partner = exports.partner_by_code(db, code)
    if partner is None:
        abort(404)
    exports.audit_export(db, "partner_consents", f"partner/{code}", "", current_user)
    db.commit()
    return _csv(f"{code}-consents", exports.csv_lines(
        exports.CONSENT_HEADER, exports.consent_rows(db, partner)))
