"""Popolo-shaped tables: people, bodies, memberships, areas, contacts, postcodes and summits.

Rows are never deleted when someone leaves office: a re-import sets `Person.retired_at` and
`Membership.end_date`, so letters already sent still point at who they were sent to. Every row
records which importer (`source`) wrote it last, so a re-import retires only its own people.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from database import Base, utcnow

ORGANIZATION_CLASSIFICATIONS = (
    "parliament",
    "government",
    "ministry",
    "summit_delegation",
    "european_parliament",
)
AREA_CLASSIFICATIONS = ("country", "subdivision", "district")
PARTICIPATION_STATUSES = ("attended", "signed", "endorsed", "declined", "unknown")
# "held": dates known and past; "next": the summit the campaign works towards (at most one);
# "announced": named, later than the next, dates not yet known.
SUMMIT_STATUSES = ("held", "next", "announced")
# The `source` of rows staff wrote in the browser: imports leave those rows as staff left them.
STAFF_SOURCE = "staff"


def text_limit(column) -> int | None:
    """The most characters a text column holds (None: unlimited). PostgreSQL refuses longer
    text, where SQLite would store it: importers and staff forms check against this."""
    return getattr(column.type, "length", None)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class _Tracked:
    """Columns every table carries: who wrote the row last and when it last changed."""

    source: Mapped[str] = mapped_column(String(40), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Indexed because `directory_version` reads max(updated_at) on every check.
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow, index=True
    )


class Person(_Tracked, Base):
    __tablename__ = "rep_person"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # "mep:197490", "us:C000127"
    name: Mapped[str] = mapped_column(String(200))
    given_name: Mapped[str | None] = mapped_column(String(100))
    family_name: Mapped[str | None] = mapped_column(String(100))
    honorific_prefix: Mapped[str | None] = mapped_column(String(40))
    gender: Mapped[str | None] = mapped_column(String(16))
    # An office whose holder the data does not name ("Minister for Digital Affairs"): `name` is
    # the office's title, and letters greet the office ("Dear Minister,"), which survives a
    # reshuffle where a holder's name would not.
    by_title: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    retired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    memberships: Mapped[list[Membership]] = relationship(back_populates="person")
    contact_details: Mapped[list[ContactDetail]] = relationship(back_populates="person")


class Organization(_Tracked, Base):
    __tablename__ = "rep_organization"
    __table_args__ = (
        CheckConstraint(_in("classification", ORGANIZATION_CLASSIFICATIONS), "class"),
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # "ep", "us:senate", "gb:dsit"
    name: Mapped[str] = mapped_column(String(300))
    # Its name in the language of its offices ("Présidence de la République"), where the data
    # gives it; `name` is the English one.
    local_name: Mapped[str | None] = mapped_column(String(300))
    classification: Mapped[str] = mapped_column(String(32))
    country: Mapped[str] = mapped_column(String(2))  # ISO alpha-2, or "EU"

    memberships: Mapped[list[Membership]] = relationship(back_populates="organization")
    contact_details: Mapped[list[ContactDetail]] = relationship(back_populates="organization")


class Area(_Tracked, Base):
    """A place people are elected for. Ids start with the country: "US-CA", "US-CA-12"."""

    __tablename__ = "rep_area"
    __table_args__ = (CheckConstraint(_in("classification", AREA_CLASSIFICATIONS), "class"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2), index=True)
    classification: Mapped[str] = mapped_column(String(16))
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("rep_area.id"))
    ocd_id: Mapped[str | None] = mapped_column(String(200))


class Membership(_Tracked, Base):
    """One person holding one role in one body; a target of letters while `end_date` is null."""

    __tablename__ = "rep_membership"
    __table_args__ = (Index("ix_rep_membership_current", "end_date", "person_id"),)

    # Stable across imports ("mep:197490@ep") so a re-import updates instead of duplicating.
    id: Mapped[str] = mapped_column(String(160), primary_key=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("rep_person.id"), index=True)
    organization_id: Mapped[str] = mapped_column(ForeignKey("rep_organization.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # a TargetKind value
    role: Mapped[str] = mapped_column(String(300))
    # The role's title in the office's own language ("Président de la République"), where the
    # data gives it; `role` is the English one, which salutations are chosen by.
    local_role: Mapped[str | None] = mapped_column(String(300))
    # The country whose residents this role answers to: an MEP's member state, not "EU".
    country: Mapped[str] = mapped_column(String(2))
    area_id: Mapped[str | None] = mapped_column(ForeignKey("rep_area.id"), index=True)
    language: Mapped[str] = mapped_column(String(8))
    party: Mapped[str | None] = mapped_column(String(200))
    # The group the member sits with in the parliament ("EPP", "Greens/EFA"), beside the
    # national party above; supporters filter a long list of members by it.
    political_group: Mapped[str | None] = mapped_column(String(100))
    # Committees the member sits on, sorted by code: [{"code": "ITRE", "role": "member"}],
    # roles as representatives.model.COMMITTEE_ROLES; empty: none known.
    committees: Mapped[list | None] = mapped_column(JSON)
    # How strongly the campaign wants this role written to, as a weight (see
    # representatives.selection); empty: 1, the same as everyone.
    priority: Mapped[int | None] = mapped_column(Integer)
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    # Where the role itself is documented, and when someone last checked it.
    source_url: Mapped[str | None] = mapped_column(String(1000))
    verified_on: Mapped[date | None] = mapped_column(Date)
    # Checked against a stored copy of the source page, not the live site: re-check first.
    stored_copy: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Who last checked it by hand (a staff member's e-mail address), as for contacts.
    checked_by: Mapped[str | None] = mapped_column(String(254))

    person: Mapped[Person] = relationship(back_populates="memberships")
    organization: Mapped[Organization] = relationship(back_populates="memberships")


class ContactDetail(_Tracked, Base):
    __tablename__ = "rep_contact_detail"
    __table_args__ = (
        CheckConstraint("person_id IS NOT NULL OR organization_id IS NOT NULL", "owner"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[str | None] = mapped_column(ForeignKey("rep_person.id"), index=True)
    organization_id: Mapped[str | None] = mapped_column(
        ForeignKey("rep_organization.id"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))  # a ChannelKind value
    value: Mapped[str] = mapped_column(String(500))
    label: Mapped[str | None] = mapped_column(String(200))  # "General enquiries"
    source_url: Mapped[str | None] = mapped_column(String(1000))
    verified_on: Mapped[date | None] = mapped_column(Date)
    # Checked against a stored copy of the source page, not the live site: re-check first.
    stored_copy: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Set by the delivery side when mail to this address bounces; imports never clear it.
    bounced_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Set when the source stopped listing this contact; kept so bounce history survives.
    retired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Who last checked it by hand (a staff member's e-mail address); empty for a check an
    # import recorded. Text rather than a key: this package knows nothing of staff accounts.
    checked_by: Mapped[str | None] = mapped_column(String(254))
    # The kind and address an import wrote, kept when staff first correct the row: an import
    # that still lists the old address must not add it back beside the correction.
    imported_kind: Mapped[str | None] = mapped_column(String(20))
    imported_value: Mapped[str | None] = mapped_column(String(500))

    person: Mapped[Person | None] = relationship(back_populates="contact_details")
    organization: Mapped[Organization | None] = relationship(back_populates="contact_details")


class PostcodeArea(Base):
    """One postcode in one area; a US ZIP that spans districts has one row per district."""

    __tablename__ = "rep_postcode_area"

    country: Mapped[str] = mapped_column(String(2), primary_key=True)
    postcode: Mapped[str] = mapped_column(String(16), primary_key=True)  # normalised
    area_id: Mapped[str] = mapped_column(ForeignKey("rep_area.id"), primary_key=True)
    source: Mapped[str] = mapped_column(String(40), index=True)


class Summit(_Tracked, Base):
    __tablename__ = "rep_summit"
    __table_args__ = (CheckConstraint(_in("status", SUMMIT_STATUSES), "status"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # "paris-2025"
    name: Mapped[str] = mapped_column(String(200))
    host_country: Mapped[str] = mapped_column(String(2))
    city: Mapped[str] = mapped_column(String(100))
    # Unknown for a summit that is only announced.
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="held", server_default="held")
    # The year it is announced for, when its dates are not known yet.
    year: Mapped[int | None] = mapped_column(Integer)
    source_url: Mapped[str | None] = mapped_column(String(1000))
    # Its outcome documents: [{"title", "date" (ISO, may be ""), "url" (may be "")}]; the
    # participation rows name them by title.
    documents: Mapped[list | None] = mapped_column(JSON)


class SummitParticipation(_Tracked, Base):
    """What one country (or "EU") did about one outcome document of one summit."""

    __tablename__ = "rep_summit_participation"
    __table_args__ = (
        UniqueConstraint("summit_id", "country", "document"),
        CheckConstraint(_in("status", PARTICIPATION_STATUSES), "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    summit_id: Mapped[str] = mapped_column(ForeignKey("rep_summit.id"), index=True)
    country: Mapped[str] = mapped_column(String(2), index=True)
    status: Mapped[str] = mapped_column(String(16))
    # Empty when the status is about the summit as a whole rather than one document.
    document: Mapped[str] = mapped_column(String(300), default="")
    source_url: Mapped[str | None] = mapped_column(String(1000))
    note: Mapped[str | None] = mapped_column(Text)


class ImportRun(Base):
    """One committed import: an audit trail for staff, and a cheap signal that data changed."""

    __tablename__ = "rep_import_run"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(40))
    path: Mapped[str] = mapped_column(String(1000))
    finished_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    added: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    retired: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
