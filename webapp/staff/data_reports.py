"""Supporters' reports about the data, as staff read and resolve them; no Flask here.

Supporters send two kinds (webapp.models.DataReportKind): a wrong address or person on a
target's card, and a suggestion whom to write to in a country with nobody. They are stored by
supporters.operations.record_data_report; staff read them here and mark them resolved once
the data is checked (or the report is not worth acting on).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import Session

from database import rowcount, utcnow

from ..models import DataReport, DataReportKind
from . import auth
from .auth import StaffIdentity

T = TypeVar("T")

# Each list of the page shows at most this many; older ones stay in the table.
REPORTS_SHOWN = 500


@dataclass(frozen=True)
class ReportFilter:
    """What the staff page asked for: a kind and a country, each None for all."""

    kind: str | None = None
    country: str | None = None

    @classmethod
    def parse(cls, kind: str | None, country: str | None) -> ReportFilter:
        """The filter from query arguments as typed; what is not a kind or a code is ignored."""
        kind = (kind or "").strip()
        country = (country or "").strip().upper()
        return cls(kind=kind if kind in {k.value for k in DataReportKind} else None,
                   country=country if len(country) == 2 and country.isalpha() else None)


def _matching(query: Select[T], where: ReportFilter) -> Select[T]:
    """`query` narrowed to the reports of `where`'s kind and country."""
    if where.kind:
        query = query.where(DataReport.kind == where.kind)
    if where.country:
        query = query.where(DataReport.country == where.country)
    return query


def list_reports(db: Session, where: ReportFilter, *, resolved: bool,
                 limit: int = REPORTS_SHOWN) -> Sequence[DataReport]:
    """Open (or resolved) reports matching `where`: open ones newest first, resolved ones most
    recently resolved first."""
    query = select(DataReport)
    if resolved:
        query = query.where(DataReport.resolved_at.is_not(None)).order_by(
            DataReport.resolved_at.desc(), DataReport.id.desc())
    else:
        query = query.where(DataReport.resolved_at.is_(None)).order_by(
            DataReport.created_at.desc(), DataReport.id.desc())
    return db.scalars(_matching(query, where).limit(limit)).all()


def count_reports(db: Session, where: ReportFilter | None = None, *,
                  resolved: bool = False) -> int:
    """How many reports are open (or resolved), among those matching `where`: one COUNT."""
    where = where or ReportFilter()
    query = select(func.count()).select_from(DataReport).where(
        DataReport.resolved_at.is_not(None) if resolved else DataReport.resolved_at.is_(None))
    return db.scalar(_matching(query, where)) or 0


def report_countries(db: Session) -> list[str]:
    """The countries that have reports, for the filter (the country column is indexed)."""
    return sorted(db.scalars(select(DataReport.country).distinct()).all())


@dataclass(frozen=True)
class ReportsPage:
    """What the staff page shows: the open reports, the resolved ones when asked, the counts
    of both, and the countries to filter by."""

    open_reports: Sequence[DataReport]
    resolved_reports: Sequence[DataReport]
    open_count: int
    resolved_count: int
    countries: list[str]


def reports_page(db: Session, where: ReportFilter, *, show_resolved: bool) -> ReportsPage:
    """The staff page's reports matching `where`."""
    return ReportsPage(
        open_reports=list_reports(db, where, resolved=False),
        resolved_reports=list_reports(db, where, resolved=True) if show_resolved else [],
        open_count=count_reports(db, where),
        resolved_count=count_reports(db, where, resolved=True),
        countries=report_countries(db),
    )


def resolve_report(db: Session, report_id: int, actor: StaffIdentity) -> bool:
    """Mark a report resolved and note it in the audit log; False if it is unknown or was
    resolved already (by someone else, maybe at the same moment: the UPDATE decides)."""
    report = db.get(DataReport, report_id)
    if report is None:
        return False
    changed = rowcount(db.execute(
        update(DataReport)
        .where(DataReport.id == report_id, DataReport.resolved_at.is_(None))
        .values(resolved_at=utcnow())
        .execution_options(synchronize_session="fetch")
    ))
    if changed != 1:
        return False
    detail = " ".join(part for part in (report.kind, report.country, report.target_id) if part)
    auth.audit(db, "data_report.resolve", f"data_report/{report.id}", detail, actor=actor)
    return True
