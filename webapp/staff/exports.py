"""Tables staff (and partners, of their own consents) download as CSV; no Flask here.

Each export is a generator of CSV lines read from the database a batch at a time, so a
million rows never sit in memory; the caller streams it. Every cell that a spreadsheet would
read as a formula is neutralised (safe_cell). Each export is written to the audit log before
its first line goes out.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from database import utcnow

from ..delivery.retention import ERASED
from ..followup.models import FollowupAnswer, TargetResponse
from ..models import Campaign, Letter, Submission
from ..partners.models import Partner, PartnerConsent
from . import auth
from .auth import StaffIdentity
from .letter_browser import LetterFilter, filtered
from .models import AuditEntry

# Rows fetched from the database at a time while streaming.
BATCH = 1000
# Consents a partner gets per API call; the next call asks for those after the last id.
API_PAGE_SIZE = 500

# A spreadsheet takes a cell starting with one of these as a formula (OWASP's list: tab and
# carriage return too, which some programs skip before the formula sign).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """The value as CSV text that no spreadsheet runs: a leading formula sign is quoted."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """The header and each row as one CSV line (RFC 4180: CRLF endings, quoted as needed)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in _with_header(header, rows):
        writer.writerow([safe_cell(cell) for cell in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def _with_header(header: Sequence[str],
                 rows: Iterable[Sequence[object]]) -> Iterator[Sequence[object]]:
    yield header
    yield from rows


AGGREGATE_HEADER = ("day", "state", "country", "target_id", "target_name", "letters")


def aggregate_rows(db: Session, campaign: Campaign,
                   where: LetterFilter) -> Iterator[Sequence[object]]:
    """The campaign's letters matching `where`, counted by day, state, country and target."""
    day = func.date(Letter.created_at)
    query = select(day, Letter.state, Submission.country, Letter.target_id,
                   func.max(Letter.target_name), func.count())
    query = filtered(query, campaign, where)
    if not (where.country or where.partner):
        query = query.join(Submission, Submission.id == Letter.submission_id)
    query = (query.group_by(day, Letter.state, Submission.country, Letter.target_id)
             .order_by(day, Submission.country, Letter.target_id, Letter.state))
    yield from db.execute(query.execution_options(yield_per=BATCH))


SUPPORTER_HEADER = ("name", "email", "language", "country", "confirmed_at")


def supporter_rows(db: Session, campaign: Campaign) -> Iterator[Sequence[object]]:
    """Supporters who asked to hear from the campaign and confirmed their address, once each.

    Retention keeps exactly these people's name and address (delivery.retention); a row whose
    address was erased all the same is left out. A supporter who wrote several times is listed
    once, with their latest submission's details.
    """
    query = (select(Submission.supporter_name, Submission.supporter_email, Submission.language,
                    Submission.country, Submission.confirmed_at)
             .where(Submission.campaign_id == campaign.id, Submission.wants_updates,
                    Submission.confirmed_at.is_not(None),
                    Submission.supporter_email != ERASED)
             .order_by(func.lower(Submission.supporter_email), Submission.confirmed_at.desc())
             .execution_options(yield_per=BATCH))
    last = None
    for name, email, language, country, confirmed_at in db.execute(query):
        key = email.lower()
        if key == last:
            continue
        last = key
        yield name, email, language, country, confirmed_at.isoformat() if confirmed_at else ""


ANSWER_HEADER = ("answered_at", "country", "target_id", "target_name", "answer", "reply_text")


def answer_rows(db: Session, campaign: Campaign) -> Iterator[Sequence[object]]:
    """Supporters' answers to "did they reply?" about the campaign's letters, oldest first,
    with the reply they pasted (empty once retention or the supporter erased it)."""
    query = (select(FollowupAnswer.answered_at, Submission.country, Letter.target_id,
                    Letter.target_name, FollowupAnswer.answer, FollowupAnswer.reply_text)
             .join(Letter, Letter.id == FollowupAnswer.letter_id)
             .join(Submission, Submission.id == FollowupAnswer.submission_id)
             .where(Letter.campaign_id == campaign.id)
             .order_by(FollowupAnswer.answered_at, FollowupAnswer.id)
             .execution_options(yield_per=BATCH))
    for answered_at, *rest in db.execute(query):
        yield answered_at.isoformat(), *rest


RESPONSE_HEADER = ("on_date", "country", "target_id", "target_name", "target_kind", "kind",
                   "link", "text", "recorded_by", "recorded_at")


def response_rows(db: Session) -> Iterator[Sequence[object]]:
    """Replies and commitments staff recorded (they are public once recorded), by date."""
    query = (select(TargetResponse.on_date, TargetResponse.country, TargetResponse.target_id,
                    TargetResponse.target_name, TargetResponse.target_kind,
                    TargetResponse.kind, TargetResponse.link, TargetResponse.text,
                    TargetResponse.recorded_by, TargetResponse.recorded_at)
             .order_by(TargetResponse.on_date, TargetResponse.id)
             .execution_options(yield_per=BATCH))
    for row in db.execute(query).mappings():
        values = {**row, "on_date": row["on_date"].isoformat(),
                  "recorded_at": row["recorded_at"].isoformat()}
        yield tuple(values[name] for name in RESPONSE_HEADER)


CONSENT_HEADER = ("id", "campaign", "name", "email", "language", "consent_text", "created_at")


def _consents(partner_id: int,
              after: int = 0) -> Select[int, str, str, str, str, str, datetime]:
    return (select(PartnerConsent.id, Campaign.slug, PartnerConsent.supporter_name,
                   PartnerConsent.supporter_email, PartnerConsent.language,
                   PartnerConsent.consent_text, PartnerConsent.created_at)
            .join(Campaign, Campaign.id == PartnerConsent.campaign_id)
            .where(PartnerConsent.partner_id == partner_id, PartnerConsent.id > after)
            .order_by(PartnerConsent.id))


def consent_rows(db: Session, partner_id: int) -> Iterator[Sequence[object]]:
    """Every consent given to this partner (and no other), oldest first."""
    for row_id, slug, name, email, language, consent_text, created_at in db.execute(
            _consents(partner_id).execution_options(yield_per=BATCH)):
        yield row_id, slug, name, email, language, consent_text, created_at.isoformat()


def consents_after(db: Session, partner: Partner, after: int,
                   limit: int | None = None) -> list[dict[str, object]]:
    """The partner's consents with an id above `after`, for the API, oldest first."""
    limit = limit or API_PAGE_SIZE
    return [{"id": row_id, "campaign": slug, "name": name, "email": email,
             "language": language, "consent_text": consent_text,
             "created_at": created_at.isoformat()}
            for row_id, slug, name, email, language, consent_text, created_at
            in db.execute(_consents(partner.id, after).limit(limit))]


def partner_by_code(db: Session, code: str) -> Partner | None:
    return db.scalar(select(Partner).where(Partner.code == code))


def audit_export(db: Session, what: str, subject: str, detail: str,
                 actor: StaffIdentity) -> None:
    """Note a staff member's export in the audit log (the caller commits before streaming)."""
    auth.audit(db, f"export.{what}", subject, detail, actor=actor)


def audit_partner_fetch(db: Session, partner: Partner, after: int, count: int) -> None:
    """Note a partner's fetch of its consents; the actor is the partner, not a staff member."""
    db.add(AuditEntry(at=utcnow(), user_id=None, actor=f"partner:{partner.code}",
                      action="api.consents", subject=f"partner/{partner.code}",
                      detail=f"after {after}: {count} consents"))
