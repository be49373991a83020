"""What supporters tell us about replies, and what staff record about targets. No Flask here:
the worker's sweep and the commands use these with a plain session."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from database import Base, utcnow


class Answer(StrEnum):
    YES = "yes"
    NO = "no"
    NOT_YET = "not_yet"


class FollowupAnswer(Base):
    """A supporter's answer to "did they reply?" about one of their letters.

    One row per letter: a later answer replaces an earlier one ("not yet", then "yes"). The
    answer stays for the counts when the submission is erased; the pasted reply goes with it
    (delivery.retention.erase_submissions).
    """

    __tablename__ = "followup_answer"

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letter.id", ondelete="CASCADE"),
                                           unique=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submission.id", ondelete="CASCADE"), index=True)
    answer: Mapped[str] = mapped_column(String(8))
    # The reply as the supporter pasted it; empty when they gave none, or once erased.
    reply_text: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ResponseKind(StrEnum):
    REPLIED = "replied"
    COMMITTED = "committed"


class TargetResponse(Base):
    """A target's reply or commitment, as staff checked and recorded it.

    The target's id, name, kind and country are copied from the directory when it is
    recorded: the directory may change, and the record is about what they said then.
    """

    __tablename__ = "target_response"

    id: Mapped[int] = mapped_column(primary_key=True)
    target_id: Mapped[str] = mapped_column(String(64), index=True)
    target_name: Mapped[str] = mapped_column(String(200))
    target_kind: Mapped[str] = mapped_column(String(32))
    country: Mapped[str] = mapped_column(String(2), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    on_date: Mapped[date] = mapped_column(Date)
    link: Mapped[str] = mapped_column(String(500), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(254), default="")
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
