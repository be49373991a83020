"""CSV downloads: letters counted (everyone), supporters and partners' consents (editors)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from flask import Response, abort, request
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy.orm import Session

from database import utcnow

from ...db import get_database, get_session
from ...models import Campaign
from .. import exports
from ..letter_browser import LetterFilter
from ..models import Role
from . import bp
from .common import campaign_or_404


def _csv(name: str, lines: Callable[[Session], Iterator[str]]) -> Response:
    """Stream `lines(session)` as a CSV download.

    The export reads with a session of its own, closed when the last line is out or the
    client goes away (the server closes the generator): the request's session is gone by
    then, and a PostgreSQL cursor left open would hold its transaction.
    """
    session_factory = get_database().session_factory

    def stream() -> Iterator[str]:
        with session_factory() as session:
            yield from lines(session)

    stamp = utcnow().strftime("%Y%m%d-%H%M")
    return Response(stream(), mimetype="text/csv",
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
    campaign_id = campaign.id
    db.commit()
    return _csv(f"{slug}-letters", lambda session: exports.csv_lines(
        exports.AGGREGATE_HEADER,
        exports.aggregate_rows(session, session.get_one(Campaign, campaign_id), where)))


def _campaign_csv(slug: str, what: str, header: Sequence[str],
                  rows: Callable[[Session, Campaign], Iterator[Sequence[object]]]) -> Response:
    """A campaign's personal data as CSV: editors only, audited before the first line."""
    _editors_only()
    campaign = campaign_or_404(slug)
    db = get_session()
    exports.audit_export(db, what, f"campaign/{slug}", "", current_user)
    campaign_id = campaign.id
    db.commit()
    return _csv(f"{slug}-{what}", lambda session: exports.csv_lines(
        header, rows(session, session.get_one(Campaign, campaign_id))))


@bp.get("/campaigns/<slug>/exports/supporters.csv")
def export_supporters(slug: str) -> ResponseReturnValue:
    """Supporters who asked to hear from the campaign and confirmed their address."""
    return _campaign_csv(slug, "supporters", exports.SUPPORTER_HEADER, exports.supporter_rows)


@bp.get("/campaigns/<slug>/exports/replies.csv")
def export_answers(slug: str) -> ResponseReturnValue:
    """Supporters' answers to the follow-up question, with the replies they pasted."""
    return _campaign_csv(slug, "answers", exports.ANSWER_HEADER, exports.answer_rows)


@bp.get("/exports/target-responses.csv")
def export_target_responses() -> ResponseReturnValue:
    """The replies and commitments staff recorded, as shown to supporters."""
    db = get_session()
    exports.audit_export(db, "target_responses", "target_responses", "", current_user)
    db.commit()
    return _csv("target-responses", lambda session: exports.csv_lines(
        exports.RESPONSE_HEADER, exports.response_rows(session)))


@bp.get("/partners/<code>/consents.csv")
def export_partner_consents(code: str) -> ResponseReturnValue:
    """One partner's consents, and no other partner's."""
    _editors_only()
    db = get_session()
    partner = exports.partner_by_code(db, code)
    if partner is None:
        abort(404)
    exports.audit_export(db, "partner_consents", f"partner/{code}", "", current_user)
    partner_id = partner.id
    db.commit()
    return _csv(f"{code}-consents", lambda session: exports.csv_lines(
        exports.CONSENT_HEADER, exports.consent_rows(session, partner_id)))
