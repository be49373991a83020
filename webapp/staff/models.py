"""Tables of the staff area: accounts and their sessions, the audit log, and campaign content
edited by staff.

Staff edits override the files in letters/campaigns: per-language titles and introductions,
campaign settings, and letter templates kept as numbered versions, one of them published.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from database import Base, utcnow


class Role(StrEnum):
    ADMIN = "admin"  # everything, including accounts and the audit log
    EDITOR = "editor"  # campaigns and letters
    VIEWER = "viewer"  # reads only

    @property
    def rank(self) -> int:
        return {"viewer": 0, "editor": 1, "admin": 2}[self.value]


class StaffUser(Base):
    __tablename__ = "staff_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16), default=Role.VIEWER)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Part of the session's user id: changing it (new password, deactivation) ends every session.
    session_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class StaffSession(Base):
    """One signed-in browser. Signing out deletes it, so that a copy of its cookie is refused."""

    __tablename__ = "staff_session"

    # A hash of the key in the session cookie: the table alone does not let anyone sign in.
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("staff_user.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AuditEntry(Base):
    """One change made by staff: who, what, when."""

    __tablename__ = "staff_audit"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL"), index=True
    )
    actor: Mapped[str] = mapped_column(String(254))  # the e-mail address, kept if the user goes
    action: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(200), default="")
    detail: Mapped[str] = mapped_column(Text, default="")


class CampaignText(Base):
    """A campaign's title and introduction in one language, overriding campaign.json."""

    __tablename__ = "campaign_text"

    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True
    )
    language: Mapped[str] = mapped_column(String(8), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    intro: Mapped[str] = mapped_column(Text, default="")


class CampaignSettings(Base):
    """What staff set about a campaign beyond its state: targets, countries, deadline."""

    __tablename__ = "campaign_settings"

    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True
    )
    target_kinds: Mapped[str] = mapped_column(String(200), default="")  # comma-separated
    countries: Mapped[str] = mapped_column(Text, default="")  # comma-separated; empty: all
    deadline: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class TemplateVersion(Base):
    """One saved (and validated) version of a campaign's letter in one language."""

    __tablename__ = "template_version"
    __table_args__ = (UniqueConstraint("campaign_id", "language", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaign.id", ondelete="CASCADE"), index=True
    )
    language: Mapped[str] = mapped_column(String(8))
    number: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(Text)  # the whole file: header, '---', body
    note: Mapped[str] = mapped_column(String(200), default="")
    author: Mapped[str] = mapped_column(String(254), default="")
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PublishedTemplate(Base):
    """Which version of a campaign's letter in a language supporters get."""

    __tablename__ = "published_template"

    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True
    )
    language: Mapped[str] = mapped_column(String(8), primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("template_version.id", ondelete="CASCADE"))
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    version: Mapped[TemplateVersion] = relationship(lazy="joined")


class LetterReview(Base):
    """A native reader has read a campaign's letter in a language translated without one (its
    file says `review: native reader needed`): who said so, and when."""

    __tablename__ = "letter_review"

    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True
    )
    language: Mapped[str] = mapped_column(String(8), primary_key=True)
    reviewed_by: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ContentRevision(Base):
    """One row whose counter grows with every staff change supporters see.

    Each process compares it with the one its compiled templates were built from, at most every
    few seconds, and rebuilds them when it has grown.
    """

    __tablename__ = "content_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    counter: Mapped[int] = mapped_column(Integer, default=0)


class DataDeskSettings(Base):
    """The data desk's settings for the whole campaign tool: one row (id 1), made when first
    changed; without it the defaults hold."""

    __tablename__ = "data_desk_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    # A contact not checked for longer than this joins the re-check queue.
    recheck_months: Mapped[int] = mapped_column(Integer, default=6)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
