"""Tables the web app owns: campaigns, submissions, letters and notices to supporters.

No Flask here either: the worker and the commands use these with a plain session.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from enum import StrEnum
from typing import NamedTuple

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from database import Base, utcnow
from letters.sharing import addressed_body


class CampaignStatus(StrEnum):
    OPEN = "open"
    PAUSED = "paused"
    CLOSED = "closed"


class LetterState(StrEnum):
    # Letters waiting for confirmation are not rows yet: they live in their submission's
    # row (Submission.pending_letters, PendingLetters).
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "delivered"
    BOUNCED = "bounced"
    FAILED = "failed"
    HELD = "held"
    CANCELLED = "cancelled"


class NoticeKind(StrEnum):
    CONFIRMATION = "confirmation"
    REMINDER = "reminder"  # of the confirmation, once, after a day
    RECEIPT = "receipt"
    # "Did they reply?", two weeks after the letters went (webapp.followup), and once more
    # two weeks later for letters the supporter answered "not yet".
    FOLLOWUP = "followup"
    FOLLOWUP_AGAIN = "followup_again"
    # Asks to confirm "keep me informed" or a partner's consent ticked on the draft path.
    CONSENT = "consent"
    # Letters staff cancelled from the held queue (webapp.moderation): once per submission.
    CANCELLED = "cancelled"


class NoticeState(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class Campaign(Base):
    """A campaign's state; its texts and letter templates live as files in letters/campaigns."""

    __tablename__ = "campaign"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    status: Mapped[str] = mapped_column(String(16), default=CampaignStatus.OPEN)
    allow_send: Mapped[bool] = mapped_column(Boolean, default=True)
    allow_draft: Mapped[bool] = mapped_column(Boolean, default=True)
    # Kill switch: confirmed letters wait in the queue, nothing goes out until it is lifted.
    sending_paused: Mapped[bool] = mapped_column(Boolean, default=False)
    # Drip delivery: letters go out only between these hours (in send_window_tz), and no
    # target gets more than per_target_hourly_cap of them in an hour.
    send_window_start: Mapped[int | None] = mapped_column(Integer)
    send_window_end: Mapped[int | None] = mapped_column(Integer)
    send_window_tz: Mapped[str] = mapped_column(String(64), default="UTC")
    per_target_hourly_cap: Mapped[int | None] = mapped_column(Integer)
    # Test mode: every letter goes to this staff address instead of its target.
    test_recipient: Mapped[str | None] = mapped_column(String(254))
    # "Send it for me" needs a proof of work from the supporter's browser first (ALTCHA:
    # webapp/supporters/proof_of_work.py).
    proof_of_work: Mapped[bool] = mapped_column(Boolean, default=False)
    # Every supporter, whatever their country, is also offered the government hosting the
    # next summit (it shapes the agenda); a country with no targets of its own still has them.
    write_to_next_host: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # How many letters (sent or drafted) staff aim for before the next summit; the public
    # counter shows progress towards it. None: the counter shows the count alone.
    letter_goal: Mapped[int | None] = mapped_column(Integer)
    # In a list longer than this (96 MEPs), only this many are ticked for a supporter, chosen
    # in turn (representatives.selection); the others are one click away.
    letters_ticked: Mapped[int] = mapped_column(Integer, default=3, server_default="3")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PendingLetter(NamedTuple):
    """A letter waiting for the supporter's confirmation, kept in its submission's row.

    Its row in `letter` is written when the supporter confirms (outbox.queue_submission): a
    submission is stored as one row however many letters it holds, and letters never
    confirmed never enter the outbox.
    """

    target_id: str
    target_name: str
    to_address: str
    salutation: str
    subject: str
    text: str  # the words after the salutation
    language: str
    text_id: int = 0  # its text's place among the submission's texts (set by unpack)

    @property
    def body(self) -> str:
        return addressed_body(self.salutation, self.text)


class PendingLetters:
    """Submission.pending_letters: the letters waiting for confirmation, as versioned JSON.

    {"version": 1, "texts": [{"subject", "text", "language"}, ...],
     "letters": [{"target_id", "target_name", "to_address", "salutation", "text"}, ...]}:
    each text once (31 letters to MEPs share a few texts), each letter naming its text by
    its place in "texts". The one place that writes and reads that shape, migrations included.
    """

    VERSION = 1
    # Where a confirmed letter's history starts; not a state of a row in `letter`.
    STATE = "pending_confirmation"

    @classmethod
    def pack(cls, letters: Iterable[PendingLetter]) -> dict:
        texts: dict[tuple[str, str, str], int] = {}
        packed = []
        for letter in letters:
            index = texts.setdefault((letter.subject, letter.text, letter.language), len(texts))
            packed.append({"target_id": letter.target_id, "target_name": letter.target_name,
                           "to_address": letter.to_address,
                           "salutation": letter.salutation, "text": index})
        return {"version": cls.VERSION,
                "texts": [{"subject": subject, "text": text, "language": language}
                          for subject, text, language in texts],
                "letters": packed}

    @classmethod
    def unpack(cls, value: dict | None) -> list[PendingLetter]:
        if not value:
            return []
        if value.get("version") != cls.VERSION:
            raise ValueError(f"pending letters of version {value.get('version')!r}")
        texts = value["texts"]
        return [PendingLetter(letter["target_id"], letter["target_name"], letter["to_address"],
                              letter["salutation"], texts[letter["text"]]["subject"],
                              texts[letter["text"]]["text"], texts[letter["text"]]["language"],
                              letter["text"])
                for letter in value["letters"]]


class Submission(Base):
    """One supporter's "send it for me": who they are and the letters waiting for confirmation."""

    __tablename__ = "submission"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Random, so confirmation tokens do not reveal how many submissions exist.
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    # The form's one-time key: a double submit finds the first submission instead of a new one.
    form_key: Mapped[str] = mapped_column(String(64), unique=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"))
    supporter_name: Mapped[str] = mapped_column(String(100))
    # Not indexed: nothing looks submissions up by address, and each index is one more page
    # written by every submit.
    supporter_email: Mapped[str] = mapped_column(String(254))
    supporter_town: Mapped[str] = mapped_column(String(100), default="")
    country: Mapped[str] = mapped_column(String(2))
    postcode: Mapped[str] = mapped_column(String(16), default="")
    language: Mapped[str] = mapped_column(String(8))  # the supporter's interface language
    # "Keep me informed" as the supporter ticked it. It counts only once they have confirmed
    # their address (confirmed_at set): anything that lists, counts or keeps such supporters
    # must filter on confirmed_at too, or it takes in addresses nobody verified.
    wants_updates: Mapped[bool] = mapped_column(Boolean, default=False)
    # The partner whose embed or API key brought the letters (webapp.partners); None: our site.
    partner_code: Mapped[str | None] = mapped_column(String(40))
    # The words of the partner's consent box the supporter ticked, as they saw them; None: not
    # ticked. Recorded as their PartnerConsent when they confirm (confirm_letters), not before.
    # Deferred: only confirming reads it, and a submission still loads from a database at an
    # earlier revision (tests/webapp/test_migrations.py loads one at 0007).
    partner_consent_text: Mapped[str | None] = mapped_column(Text, deferred=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # When the letters' texts and the supporter's details were erased (see delivery/retention).
    erased_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The letters until the supporter confirms them (PendingLetters); NULL once they are
    # confirmed (they are rows in `letter` then), cancelled or erased.
    pending_letters: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))

    # Partial: most letters come through our own site and need no entry here.
    __table_args__ = (
        Index("ix_submission_partner_code", "partner_code",
              sqlite_where=text("partner_code IS NOT NULL"),
              postgresql_where=text("partner_code IS NOT NULL")),
    )

    campaign: Mapped[Campaign] = relationship()
    letters: Mapped[list[Letter]] = relationship(
        back_populates="submission", order_by="Letter.id", cascade="all, delete-orphan"
    )
    texts: Mapped[list[LetterText]] = relationship(cascade="all, delete-orphan")

    def pending(self) -> list[PendingLetter]:
        """The letters waiting for confirmation; none once confirmed, cancelled or erased."""
        return PendingLetters.unpack(self.pending_letters)

    def letters_as_written(self) -> list[PendingLetter] | list[Letter]:
        """Its letters to show the supporter: waiting for confirmation, or written since."""
        return self.pending() or self.letters


class LetterText(Base):
    """The words of a letter, stored once however many recipients share them."""

    __tablename__ = "letter_text"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submission.id", ondelete="CASCADE"), index=True
    )
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(8))


class Letter(Base):
    """One letter to one target; its row is the outbox entry the worker sends from."""

    __tablename__ = "letter"
    __table_args__ = (
        Index("ix_letter_state_next_attempt", "state", "next_attempt_at"),
        # For the per-target hourly cap, which counts the letters sent lately to one address
        # (people who share an inbox share the cap). It replaced one on target_id (migration
        # 0016): nothing else looks letters up by target. Partial, so that a letter enters it
        # when it is sent, not when it is written: an index on all letters put one more
        # scattered page per letter into every confirmation's commit.
        Index("ix_letter_address_sent", "to_address", "campaign_id", "sent_at",
              sqlite_where=text("sent_at IS NOT NULL"),
              postgresql_where=text("sent_at IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Indexed: the worker counts a submission's unfinished letters after every letter.
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submission.id", ondelete="CASCADE"), index=True
    )
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"))
    # A snapshot of the target as it was when the letter was written: the directory may change.
    target_id: Mapped[str] = mapped_column(String(64))
    target_name: Mapped[str] = mapped_column(String(200))
    to_address: Mapped[str] = mapped_column(String(254))
    text_id: Mapped[int] = mapped_column(ForeignKey("letter_text.id", ondelete="CASCADE"),
                                         index=True)
    # The recipient's own first line; empty when the text carries its own.
    salutation: Mapped[str] = mapped_column(String(200), default="")
    state: Mapped[str] = mapped_column(String(24), default=LetterState.QUEUED)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # When its id was last handed to the task queue (the sweep re-queues what got lost).
    enqueued_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Set, and committed, just before the mail service is called: a letter stuck in
    # "sending" without it was never handed over and can safely go again.
    handover_started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    provider_message_id: Mapped[str | None] = mapped_column(String(200))
    last_error: Mapped[str | None] = mapped_column(String(500))
    last_event: Mapped[str | None] = mapped_column(String(32))
    last_event_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    submission: Mapped[Submission] = relationship(back_populates="letters")
    text: Mapped[LetterText] = relationship(lazy="joined")

    @property
    def subject(self) -> str:
        return self.text.subject

    @property
    def body(self) -> str:
        """The letter exactly as its recipient gets it."""
        return addressed_body(self.salutation, self.text.body)

    @property
    def language(self) -> str:
        return self.text.language


class LetterEvent(Base):
    """Every state change of a letter, with its time and reason."""

    __tablename__ = "letter_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(
        ForeignKey("letter.id", ondelete="CASCADE"), index=True
    )
    from_state: Mapped[str] = mapped_column(String(24))
    to_state: Mapped[str] = mapped_column(String(24))
    reason: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Notice(Base):
    """A mail to the supporter (confirmation, receipt), written and sent by the worker."""

    __tablename__ = "notice"
    # One confirmation and one receipt per submission, however often anything is retried.
    __table_args__ = (UniqueConstraint("submission_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    to_address: Mapped[str] = mapped_column(String(254))
    state: Mapped[str] = mapped_column(String(16), default=NoticeState.QUEUED, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    enqueued_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    submission: Mapped[Submission] = relationship()


class DeliveryPause(Base):
    """Sending stopped for everyone: the mail service refused our key, or asked us to wait.

    One row per reason; sending resumes when `until` has passed (a rate limit) or when staff
    delete the row (`flask delivery resume`) after fixing the key or the account.
    """

    __tablename__ = "delivery_pause"

    reason: Mapped[str] = mapped_column(String(32), primary_key=True)  # "rate_limit", "auth"
    detail: Mapped[str] = mapped_column(String(500), default="")
    until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class WebhookEvent(Base):
    """A delivery event from the mail service, kept so that a repeated one is ignored."""

    __tablename__ = "webhook_event"

    event_id: Mapped[str] = mapped_column(String(100), primary_key=True)  # sg_event_id
    event: Mapped[str] = mapped_column(String(32))
    letter_id: Mapped[int | None] = mapped_column(
        ForeignKey("letter.id", ondelete="SET NULL"), index=True
    )
    occurred_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class DraftCount(Base):
    """The only trace of "open in my mail app": an anonymous count per campaign, day, country."""

    __tablename__ = "draft_count"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    country: Mapped[str] = mapped_column(String(2), primary_key=True)
    letters: Mapped[int] = mapped_column(Integer, default=0)


class SpentChallenge(Base):
    """A proof-of-work challenge that letters were stored with: refused for any other form
    until it expires (after which it is refused as expired, and its row can go)."""

    __tablename__ = "spent_challenge"

    signature: Mapped[str] = mapped_column(String(128), primary_key=True)
    # The form that spent it: the same form sent twice is a double submit, not a replay.
    form_key: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class DataReportKind(StrEnum):
    WRONG_CONTACT = "wrong_contact"  # "wrong address or person?" on a target's card
    SUGGESTION = "suggestion"  # "whom should we write to?" from a country with nobody


class DataReport(Base):
    """A supporter telling staff about the data: no personal data asked for or kept."""

    __tablename__ = "data_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    campaign_slug: Mapped[str] = mapped_column(String(80))
    country: Mapped[str] = mapped_column(String(2), index=True)
    # The target as the supporter saw it; the name too, as the data may change by the time
    # staff read the report.
    target_id: Mapped[str | None] = mapped_column(String(160), index=True)
    target_name: Mapped[str | None] = mapped_column(String(300))
    message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ModerationRules(Base):
    """A campaign's rules for holding confirmed letters for an editor (webapp.moderation).

    No row: no rule, and confirming costs one primary-key read more than before.
    """

    __tablename__ = "moderation_rules"

    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True)
    # A flood: a letter to an address that already had this many near-identical letters in
    # the past hour is held. None: the rule is off.
    flood_per_hour: Mapped[int | None] = mapped_column(Integer)
    # How alike two texts must be (shingle resemblance, letters.similarity) to count, in %.
    flood_similarity: Mapped[int] = mapped_column(Integer, default=90, server_default="90")
    # A supporter writing to their own address as if it were a target's.
    hold_supporter_as_target: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false())
    # Words that hold a letter, one a line, as staff typed them.
    held_words: Mapped[str] = mapped_column(Text, default="", server_default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class RecentLetter(Base):
    """A letter confirmed in the past hour, for the flood rule: written only for campaigns
    that have it on, and pruned as it goes, so that the rule reads a small index rather than
    the letter table (which has no index by address and time, on purpose: see Letter)."""

    __tablename__ = "moderation_recent_letter"
    __table_args__ = (
        Index("ix_moderation_recent_letter_address", "campaign_id", "to_address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    to_address: Mapped[str] = mapped_column(String(254))  # case-folded
    letter_id: Mapped[int] = mapped_column(ForeignKey("letter.id", ondelete="CASCADE"),
                                           index=True)
    # What the letter's text is compared by (letters.moderation.sketch), not the text itself.
    sketch: Mapped[str] = mapped_column(String(512))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class DashboardCount(Base):
    """The staff dashboard's counts (webapp/staff/dashboard.py), per campaign, measure, value
    and day: letters written per supporter country, partner, language and target, letters
    reaching and leaving each state, why they failed or bounced, submissions made and
    confirmed.

    Counted from rows that never change once written (letters' fixed facts, state events,
    submissions), so a day's count only ever grows, and a page adds to it only the rows
    written since (DashboardCursor) instead of grouping a million letters per view.
    """

    __tablename__ = "dashboard_count"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), primary_key=True)
    # "country", "partner", "language", "target", "state" (reached), "left" (a state),
    # "reason:failed", "reason:bounced", "submitted", "confirmed"
    measure: Mapped[str] = mapped_column(String(16), primary_key=True)
    # A code, a target's id, a state, an event's reason (up to 200); "" where none.
    value: Mapped[str] = mapped_column(String(200), primary_key=True)
    # In UTC; 1970-01-01 (dashboard.ALL_DAYS) for the measures kept only as totals.
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class DashboardCursor(Base):
    """How far DashboardCount has counted a table ("letter", "letter_event", "submission"):
    every row up to `counted_through` (its id). `pending_through` is the highest id seen at
    `pending_since`; it is counted once any transaction that held a lower id has surely
    ended."""

    __tablename__ = "dashboard_cursor"

    source: Mapped[str] = mapped_column(String(16), primary_key=True)
    counted_through: Mapped[int] = mapped_column(Integer, default=0)
    pending_through: Mapped[int | None] = mapped_column(Integer)
    pending_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
