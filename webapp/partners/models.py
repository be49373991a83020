"""Partners' tables. No Flask here: the commands use them with a plain session."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from database import Base, utcnow


class Partner(Base):
    """An organisation that embeds campaigns on its own site or calls the API."""

    __tablename__ = "partner"

    id: Mapped[int] = mapped_column(primary_key=True)
    # In the snippet (data-partner) and in embed URLs: short, lower case, no spaces.
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # Space-separated origins ("https://example.org"), the only pages allowed to frame the
    # embed (CSP frame-ancestors) and the CORS allow-list of the API.
    allowed_origins: Mapped[str] = mapped_column(Text, default="")
    privacy_url: Mapped[str] = mapped_column(String(500), default="")
    # The box a supporter may tick to hear from the partner; empty means no box.
    consent_text: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    keys: Mapped[list[ApiKey]] = relationship(back_populates="partner")

    @property
    def origins(self) -> list[str]:
        return [o for o in (self.allowed_origins or "").split() if o]


class ApiKey(Base):
    """A partner's API key. Only its SHA-256 is stored; the key is shown once, when made."""

    __tablename__ = "partner_api_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="CASCADE"),
                                            index=True)
    # The key's first characters, shown in listings so staff can tell keys apart.
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    partner: Mapped[Partner] = relationship(back_populates="keys")


class PartnerConsent(Base):
    """A supporter ticked the partner's box: they agreed to hear from this partner."""

    __tablename__ = "partner_consent"

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="CASCADE"),
                                            index=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"))
    supporter_name: Mapped[str] = mapped_column(String(100))
    supporter_email: Mapped[str] = mapped_column(String(254), index=True)
    language: Mapped[str] = mapped_column(String(8))
    # The words the supporter agreed to, as they were shown: the partner may change them later.
    consent_text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PartnerDraftCount(Base):
    """Letters opened in supporters' own mail apps through a partner's embed or API.

    The anonymous draft_count stays the campaign's total; this is its share per partner.
    """

    __tablename__ = "partner_draft_count"

    partner_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    country: Mapped[str] = mapped_column(String(2), primary_key=True)
    letters: Mapped[int] = mapped_column(Integer, default=0)
