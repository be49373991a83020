"""The outbox: letters and notices move through their states here, and only here.

Every change is a conditional UPDATE (``WHERE state = <expected>``), so that two processes
racing for the same row cannot both win, and every letter's change is recorded as an event.
The task queue only carries ids; the database decides what happens to them.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Integer, bindparam, exists, func, insert, or_, select, update
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, aliased, joinedload, sessionmaker
from sqlalchemy.sql.elements import ColumnElement

from database import as_utc, insert_or_merge, rowcount, utcnow
from letters.compose import OutgoingMail, UnsendableMail
from letters.text import without_addresses

from ..log_privacy import describe, report_outage
from ..models import (
    Campaign,
    DeliveryPause,
    Letter,
    LetterEvent,
    LetterState,
    LetterText,
    Notice,
    NoticeKind,
    NoticeState,
    PendingLetters,
    Submission,
)
from .after_commit import enqueue_after_commit
from .backends import MailBackend, MailError

log = logging.getLogger(__name__)

# A letter waiting for confirmation has no row yet (see queue_submission).
ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    LetterState.QUEUED: {LetterState.SENDING, LetterState.HELD, LetterState.CANCELLED},
    LetterState.HELD: {LetterState.QUEUED, LetterState.CANCELLED},
    # SENDING -> SENT/DELIVERED/BOUNCED also by a delivery event, for a letter whose worker died
    # after the mail service took it.
    LetterState.SENDING: {LetterState.SENT, LetterState.QUEUED, LetterState.FAILED,
                          LetterState.DELIVERED, LetterState.BOUNCED},
    LetterState.SENT: {LetterState.DELIVERED, LetterState.BOUNCED},
    LetterState.FAILED: {LetterState.QUEUED},  # only by staff: `flask delivery retry --failed`
}
UNFINISHED_LETTER_STATES = (
    LetterState.QUEUED,
    LetterState.SENDING,
    LetterState.HELD,
)

# What a task queue needs from us: put ("letter" | "notice", id) on the queue, after `delay`.
Enqueue = Callable[[str, int, float], None]


@dataclass(frozen=True)
class DeliverySettings:
    max_attempts: int = 6
    # A letter claimed but never handed over (the worker died first) goes back to the queue.
    claim_timeout: timedelta = timedelta(minutes=2)
    # A letter handed over with no answer and no delivery event by then is settled by the
    # sweep: see "When nobody knows whether SendGrid took a letter" in the README.
    unknown_after: timedelta = timedelta(hours=1)
    # A queued letter whose id went on the queue this long ago is put on it again.
    requeue_after: timedelta = timedelta(minutes=5)
    reminder_after: timedelta = timedelta(hours=24)
    # True when SendGrid's event webhook (with "processed" events) is configured: a letter
    # it never reported can then be sent again without risk of a duplicate.
    events_report_handover: bool = False
    # SendGrid retries events for a day: past that, an unreported letter is settled as failed.
    events_give_up_after: timedelta = timedelta(hours=24)


def move_letters(
    session: Session,
    where,
    from_state: str,
    to_state: str,
    reason: str,
    **values,
) -> list[int]:
    """Move the letters matching `where` from one state to the next; return the ids moved."""
    _check_move(from_state, to_state, values)
    statements = _move_statements(_on_postgres(session), where, values)
    return _move(session, statements, from_state, to_state, reason, {})


# move_letter's statements, by (PostgreSQL?, the columns it sets, whether it counts an
# attempt). SQLAlchemy caches a statement's compiled form, but building the statement and its
# cache key happens at every call, and is much of the CPU a letter costs the worker, which
# moves every letter twice.
_ONE_LETTER_MOVES: dict[tuple, tuple] = {}


def move_letter(session: Session, letter_id: int, from_state: str, to_state: str, reason: str,
                *, attempts_change: int = 0, **values) -> bool:
    """move_letters for one letter, by id, with plain values: True if it moved.

    The worker's path: its statements are built once, with parameters for the values.
    `attempts_change` is added to the letter's attempts in the same UPDATE."""
    _check_move(from_state, to_state, values)
    postgres = _on_postgres(session)
    key = (postgres, tuple(sorted(values)), bool(attempts_change))
    statements = _ONE_LETTER_MOVES.get(key)
    if statements is None:
        letter = Letter.__table__
        new: dict[str, ColumnElement] = {
            name: bindparam(f"new_{name}", type_=letter.c[name].type) for name in values}
        if attempts_change:
            new["attempts"] = letter.c.attempts + bindparam("attempts_change", type_=Integer)
        statements = _ONE_LETTER_MOVES[key] = _move_statements(
            postgres, letter.c.id == bindparam("move_id"), new)
    params = {f"new_{name}": value for name, value in values.items()}
    params.update(move_id=letter_id, attempts_change=attempts_change)
    return bool(_move(session, statements, from_state, to_state, reason, params))


def _on_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _check_move(from_state: str, to_state: str, values: dict) -> None:
    if to_state not in ALLOWED_TRANSITIONS.get(from_state, set()):
        raise ValueError(f"a letter cannot go from {from_state} to {to_state}")
    if isinstance(values.get("last_error"), str):
        values["last_error"] = without_addresses(values["last_error"])[:500]


def _move_statements(postgres: bool, where, values: dict) -> tuple:
    """The UPDATE of the letters matching `where` that are in the state `move_from`, and the
    INSERT of their events; on PostgreSQL one statement for both (the second is None).

    UPDATE and INSERT on the tables, not the mapped classes: the ORM's bulk-UPDATE
    bookkeeping costs CPU on the path every letter takes twice. Objects already in the
    session are not updated."""
    letter, event = Letter.__table__, LetterEvent.__table__
    moving = (update(letter)
              .where(where, letter.c.state == bindparam("move_from", type_=letter.c.state.type))
              .values(state=bindparam("move_to", type_=letter.c.state.type), **values)
              .returning(letter.c.id))
    if not postgres:  # SQLite has no UPDATE in a WITH
        return moving, insert(event)
    # The move and its events in one statement (an UPDATE in a WITH): every letter moves
    # twice, and each statement costs the worker a round trip and its CPU.
    moved = moving.cte("moved")
    return insert(event).from_select(
        ["letter_id", "from_state", "to_state", "reason", "at"],
        select(moved.c.id, bindparam("move_from", type_=event.c.from_state.type),
               bindparam("move_to", type_=event.c.to_state.type),
               bindparam("event_reason", type_=event.c.reason.type),
               bindparam("event_at", type_=event.c.at.type)),
    ).returning(event.c.letter_id), None


def _move(session: Session, statements: tuple, from_state: str, to_state: str, reason: str,
          params: dict) -> list[int]:
    moving, writing_events = statements
    reason, now = without_addresses(reason)[:200], utcnow()
    params.update(move_from=from_state, move_to=to_state, event_reason=reason, event_at=now)
    moved: Sequence[int] = session.execute(moving, params).scalars().all()
    if moved and writing_events is not None:
        session.execute(writing_events,
                        [{"letter_id": letter_id, "from_state": from_state, "to_state": to_state,
                          "reason": reason, "at": now} for letter_id in moved])
    return list(moved)


def queue_submission(session: Session, submission: Submission,
                     held: Mapping[int, str] | None = None) -> list[int]:
    """Confirm a submission: its pending letters become queued rows in `letter`, once, however
    often this runs (or in how many processes at once); returns the new letters' ids, in the
    order of the pending letters.

    `held`: the letters (by their place among the pending ones) that moderation holds, with
    the reason; they are written as `held`, and not marked as put on the task queue."""
    pending = submission.pending()
    now = utcnow()
    # Whoever clears the pending letters writes them; a second confirmation finds none.
    # On PostgreSQL a concurrent one waits for this row's lock, then finds it taken.
    claimed = rowcount(session.execute(
        update(Submission.__table__)
        .where(Submission.id == submission.id, Submission.pending_letters.is_not(None))
        .values(pending_letters=None, confirmed_at=func.coalesce(Submission.confirmed_at, now))
    ))
    if not claimed or not pending:
        return []
    held = held or {}
    text_ids: dict[int, int] = {}
    for letter in pending:
        if letter.text_id not in text_ids:
            text_ids[letter.text_id] = session.execute(
                insert(LetterText.__table__).returning(LetterText.__table__.c.id),
                {"submission_id": submission.id, "subject": letter.subject,
                 "body": letter.text, "language": letter.language},
            ).scalar_one()
    table = Letter.__table__
    queued: Sequence[int] = session.execute(
        insert(table).returning(table.c.id, sort_by_parameter_order=True),
        [{"submission_id": submission.id, "campaign_id": submission.campaign_id,
          "target_id": letter.target_id, "target_name": letter.target_name,
          "to_address": letter.to_address, "salutation": letter.salutation,
          "text_id": text_ids[letter.text_id],
          "state": LetterState.HELD if place in held else LetterState.QUEUED, "attempts": 0,
          # Put on the task queue right after the commit (see confirm_letters).
          "created_at": submission.created_at, "enqueued_at": None if place in held else now}
         for place, letter in enumerate(pending)],
    ).scalars().all()
    session.execute(
        insert(LetterEvent.__table__),
        [{"letter_id": letter_id, "from_state": PendingLetters.STATE,
          "to_state": LetterState.HELD if place in held else LetterState.QUEUED,
          "reason": held.get(place, "confirmed by the supporter"), "at": now}
         for place, letter_id in enumerate(queued)],
    )
    session.expire(submission)
    return list(queued)


def add_receipt_if_done(session: Session, submission_id: int) -> int | None:
    """Queue the supporter's receipt once every letter has gone its way; the new notice's id.

    One receipt per submission (a unique key), whoever settles the last letter first: a
    worker, or a delivery event for a letter whose worker died. Call it in the transaction
    that changed the letters' states, after the change: when two transactions settle a
    submission's last two letters at once, the second must count after the first commits.
    SQLite runs one writer at a time, so its UPDATE already waited for the other's commit;
    on PostgreSQL the submission's row lock makes the second wait, then count again.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(_LOCK_SUBMISSION, {"submission_id": submission_id})
    unfinished = session.scalar(_UNFINISHED, {"submission_id": submission_id})
    if unfinished:
        return None
    email = session.scalar(select(Submission.supporter_email)
                           .where(Submission.id == submission_id))
    if not email:  # erased meanwhile at the supporter's request: nobody to tell
        return None
    return session.execute(
        insert_or_merge(session, Notice)
        .values(submission_id=submission_id, kind=NoticeKind.RECEIPT, to_address=email,
                state=NoticeState.QUEUED, attempts=0, created_at=utcnow(),
                enqueued_at=utcnow())  # the caller queues it after the commit
        .on_conflict_do_nothing(index_elements=["submission_id", "kind"])
        .returning(Notice.id)
    ).scalar()


_LOCK_SUBMISSION = (select(Submission.id).where(Submission.id == bindparam("submission_id"))
                    .with_for_update())
_UNFINISHED = select(func.count(Letter.id)).where(
    Letter.submission_id == bindparam("submission_id"),
    Letter.state.in_(UNFINISHED_LETTER_STATES))
# A letter with what the checks and its mail need (the text is always joined), and whether
# any pause holds sending back (read in full only when one does).
_LETTER_TO_SEND = (
    select(Letter, exists().where(or_(DeliveryPause.until.is_(None),
                                      DeliveryPause.until > bindparam("now"))))
    .where(Letter.id == bindparam("letter_id"))
    .options(joinedload(Letter.submission).joinedload(Submission.campaign)))


def backoff(attempts: int) -> timedelta:
    """Exponential backoff with jitter: about 30 s, 1 min, 2 min, ... capped at one hour."""
    base = min(30 * 2 ** max(attempts - 1, 0), 3600)
    return timedelta(seconds=base * random.uniform(0.5, 1.0))


def active_pause(session: Session, now: datetime) -> DeliveryPause | None:
    """Why nothing may be sent right now, if anything stops it."""
    return session.scalars(
        select(DeliveryPause).where(or_(DeliveryPause.until.is_(None), DeliveryPause.until > now))
    ).first()


def pause_delivery(session: Session, reason: str, detail: str, until: datetime | None) -> None:
    """Stop all sending (until `until`, or until staff resume); committed by the caller.

    One statement, INSERT ... ON CONFLICT DO UPDATE: workers that get a 429 (or 401/403) at
    the same moment all record the pause. Read-then-insert let the second of them fail on
    the pause's key, with its letter or notice left in "sending".
    """
    insert_pause = insert_or_merge(session, DeliveryPause).values(
        reason=reason, detail=without_addresses(detail)[:500], until=until,
        created_at=utcnow())
    session.execute(insert_pause.on_conflict_do_update(
        index_elements=["reason"],
        set_={"detail": insert_pause.excluded.detail, "until": insert_pause.excluded.until},
    ))


def said(error: BaseException | str) -> str:
    """What an error says, fit to store and to log: a mail service's answer, an SMTP reply or
    a bounce may quote the recipient's or the supporter's address, which this leaves out."""
    return without_addresses(str(error))


def _log_cannot_be_written(kind: str, row_id: int, error: Exception) -> None:
    """One ERROR line for a letter or notice that cannot be written.

    The mail builder's refusal names the field, never its value (a supporter's address): no
    traceback for it. Anything else is a fault of ours, and its traceback is needed (logged
    without the exceptions' messages: webapp/log_privacy.py).
    """
    if isinstance(error, UnsendableMail):
        log.error("%s %s cannot be written: %s", kind, row_id, said(error))
    else:
        log.error("%s %s cannot be written", kind, row_id, exc_info=error)


def next_window_opening(campaign: Campaign, now: datetime) -> datetime | None:
    """None when the campaign's send window is open now, else when it next opens."""
    start, end = campaign.send_window_start, campaign.send_window_end
    if start is None or end is None or start == end:
        return None
    try:
        zone = ZoneInfo(campaign.send_window_tz or "UTC")
    except ZoneInfoNotFoundError:
        zone = ZoneInfo("UTC")
    local = now.astimezone(zone)
    hour = local.hour
    is_open = start <= hour < end if start < end else (hour >= start or hour < end)
    if is_open:
        return None
    opening = local.replace(hour=start, minute=0, second=0, microsecond=0)
    if opening <= local:
        opening += timedelta(days=1)
    return opening.astimezone(now.tzinfo)


@dataclass
class WorkerResult:
    sent: int = 0
    failed: int = 0
    retried: int = 0
    deferred: int = 0

    unknown: int = 0

    def add(self, outcome: str) -> None:
        if outcome in ("sent", "failed", "retried", "deferred", "unknown"):
            setattr(self, outcome, getattr(self, outcome) + 1)


@dataclass
class SweepResult:
    requeued_unsent: int = 0
    failed_unknown: int = 0
    reminders: int = 0
    to_enqueue: list[tuple[str, int]] = field(default_factory=list)


class Worker:
    """Sends one letter or notice at a time, by id, whoever calls it: a queue task or a loop."""

    def __init__(
        self,
        session_factory: sessionmaker,
        backend: MailBackend,
        build_letter: Callable[[Letter], OutgoingMail],
        build_notice: Callable[[Notice], OutgoingMail],
        settings: DeliverySettings = DeliverySettings(),
        enqueue: Enqueue | None = None,
        housekeeping: Callable[[Session], object] | None = None,
        alert: Callable[[str], None] | None = None,
        batch_size: int = 200,
    ):
        self.session_factory = session_factory
        self.backend = backend
        self.build_letter = build_letter
        self.build_notice = build_notice
        self.settings = settings
        self.enqueue = enqueue
        self.housekeeping = housekeeping
        self.alert = alert or (lambda message: log.critical("%s", message))
        self.batch_size = batch_size

    # --- one letter ------------------------------------------------------------------------

    def send_letter(self, letter_id: int) -> str:
        """Claim, hand over and record one letter; return what happened to it."""
        with self.session_factory() as session:
            now = utcnow()
            # One query for what the checks and the letter need.
            row = session.execute(_LETTER_TO_SEND, {"letter_id": letter_id, "now": now}).first()
            if row is None or row[0].state != LetterState.QUEUED:
                return "skipped"
            letter = row[0]
            next_attempt = as_utc(letter.next_attempt_at)
            if next_attempt and next_attempt > now:
                self._later(session, "letter", letter_id, next_attempt)
                return "deferred"
            held_until = self._held_until(session, letter, now, paused=row[1])
            if held_until is not False:
                if held_until is not None:
                    session.execute(update(Letter).where(Letter.id == letter_id)
                                    .values(next_attempt_at=held_until))
                    session.commit()
                    self._later(session, "letter", letter_id, held_until)
                return "deferred"
            # Written before the claim, so that the claim can be followed by the call at once.
            try:
                message = self.build_letter(letter)
            except SQLAlchemyError:
                # The database, not the letter: it stays queued and the sweep puts it back.
                raise
            except Exception as error:  # noqa: BLE001  (a letter that cannot be written)
                _log_cannot_be_written("letter", letter_id, error)
                return self._cannot_be_written(session, letter, now, error)
            # One commit claims the letter and records that the hand-over begins: from here
            # on, if this process dies, the mail service may have the letter, and the sweep
            # will not send it again. Nothing runs between this commit and the call. If two
            # workers race, the conditional UPDATE lets only one of them have the letter.
            claimed = move_letter(
                session, letter_id, LetterState.QUEUED, LetterState.SENDING,
                "claimed by a worker", claimed_at=now, attempts_change=1,
                handover_started_at=now,
            )
            session.commit()
            if not claimed:
                return "skipped"  # another worker has it
            try:
                provider_id = self.backend.send(message)
            except MailError as error:
                return self._letter_not_sent(session, letter, error, letter.attempts + 1)
            return self._letter_sent(session, letter, provider_id)

    def _cannot_be_written(self, session: Session, letter: Letter, now: datetime,
                           error: Exception) -> str:
        claimed = move_letters(session, Letter.id == letter.id, LetterState.QUEUED,
                               LetterState.SENDING, "claimed by a worker", claimed_at=now,
                               attempts=Letter.attempts + 1)
        if not claimed:
            session.rollback()
            return "skipped"
        move_letters(session, Letter.id == letter.id, LetterState.SENDING, LetterState.FAILED,
                     f"cannot be written: {said(error)}", last_error=said(error)[:500])
        self._settle(session, letter.submission_id)
        return "failed"

    def _letter_sent(self, session: Session, letter: Letter, provider_id: str) -> str:
        """Record the hand-over and, in the same transaction, the receipt if it was the last."""
        move_letter(
            session, letter.id, LetterState.SENDING, LetterState.SENT,
            "handed to the mail service", sent_at=utcnow(),
            provider_message_id=(provider_id or "")[:200], last_error=None,
        )
        self._settle(session, letter.submission_id)
        return "sent"

    def _held_until(
        self, session: Session, letter: Letter, now: datetime, paused: bool = True
    ) -> datetime | None | Literal[False]:
        """False if the letter may go now; else when to look again (None: when told to).

        `paused`: False when the caller already knows that no pause is active."""
        pause = active_pause(session, now) if paused else None
        if pause is not None:
            return as_utc(pause.until)
        # Campaigns are never deleted, and the letter's foreign key keeps its own.
        campaign = session.get_one(Campaign, letter.campaign_id)
        if campaign.sending_paused:
            return None
        opening = next_window_opening(campaign, now)
        if opening is not None:
            return opening
        if campaign.per_target_hourly_cap:
            # Counted per address, not per target: people who share an inbox (a ministry's
            # general address) share its cap. Served by ix_letter_address_sent.
            hour_ago = now - timedelta(hours=1)
            sent, first_sent = session.execute(
                select(func.count(), func.min(Letter.sent_at)).where(
                    Letter.to_address == letter.to_address,
                    Letter.campaign_id == letter.campaign_id,
                    Letter.sent_at > hour_ago,
                )
            ).one()
            # The first is None only when none was sent in the hour.
            if sent >= campaign.per_target_hourly_cap and first_sent is not None:
                return as_utc(first_sent) + timedelta(hours=1, seconds=random.uniform(0, 60))
        return False

    def _letter_not_sent(self, session: Session, letter: Letter, error: MailError,
                         attempts: int) -> str:
        """`attempts`: this one included (the claim counted it in the database)."""
        now = utcnow()
        log.warning("letter %s not sent (attempt %d): %s", letter.id, attempts, said(error))
        if error.outcome_unknown:
            # SendGrid may have the letter: sending it again could deliver it twice. It stays
            # in "sending" until a delivery event or the sweep settles it.
            session.execute(update(Letter).where(Letter.id == letter.id)
                            .values(last_error=said(error)[:500]))
            session.commit()
            return "unknown"
        back = {"last_error": said(error)[:500], "handover_started_at": None}
        if error.rate_limited:
            until = datetime.fromtimestamp(error.retry_at or time.time() + 60, tz=now.tzinfo)
            pause_delivery(session, "rate_limit", said(error), until)
            # Not the letter's fault: the attempt does not count.
            move_letters(session, Letter.id == letter.id, LetterState.SENDING, LetterState.QUEUED,
                         "the mail service asked us to wait", next_attempt_at=until,
                         attempts=Letter.attempts - 1, **back)
            session.commit()
            self._later(session, "letter", letter.id, until)
            return "retried"
        if error.account_problem:
            pause_delivery(session, "auth", said(error), None)
            move_letters(session, Letter.id == letter.id, LetterState.SENDING, LetterState.QUEUED,
                         "sending paused: the mail service refused our account",
                         attempts=Letter.attempts - 1, **back)
            session.commit()
            self.alert(f"Sending is paused: {said(error)}. Fix the API key or account, then "
                       "run `flask delivery resume`.")
            return "retried"
        if error.permanent or attempts >= self.settings.max_attempts:
            move_letters(session, Letter.id == letter.id, LetterState.SENDING, LetterState.FAILED,
                         said(error), **back)
            self._settle(session, letter.submission_id)
            return "failed"
        retry_at = now + backoff(attempts)
        move_letters(session, Letter.id == letter.id, LetterState.SENDING, LetterState.QUEUED,
                     f"retry: {said(error)}", next_attempt_at=retry_at, **back)
        session.commit()
        self._later(session, "letter", letter.id, retry_at)
        return "retried"

    def _settle(self, session: Session, submission_id: int) -> None:
        """Commit a letter's new state, with the supporter's receipt if it was the last one."""
        notice_id = add_receipt_if_done(session, submission_id)
        if notice_id is not None:
            enqueue_after_commit(session, "notice", [notice_id])
        session.commit()

    # --- one notice ------------------------------------------------------------------------

    def send_notice(self, notice_id: int) -> str:
        """Send one mail to a supporter (written now, in their language)."""
        with self.session_factory() as session:
            now = utcnow()
            pause = active_pause(session, now)
            if pause is not None:
                if pause.until is not None:
                    self._later(session, "notice", notice_id, as_utc(pause.until))
                return "deferred"
            claimed = session.execute(
                update(Notice.__table__)
                .where(Notice.id == notice_id, Notice.state == NoticeState.QUEUED,
                       or_(Notice.next_attempt_at.is_(None), Notice.next_attempt_at <= now))
                .values(state=NoticeState.SENDING, claimed_at=now,
                        attempts=Notice.attempts + 1)
            ).rowcount
            session.commit()
            if not claimed:
                return "skipped"
            # What the mail is written from, in two queries rather than one per relation.
            submission = joinedload(Notice.submission)
            notice = session.get(Notice, notice_id, populate_existing=True, options=[
                submission.joinedload(Submission.campaign),
                submission.selectinload(Submission.letters)])
            if notice is None:
                # Erased since the claim, with its submission (delivery.retention).
                return "skipped"
            try:
                mail = self.build_notice(notice)
            except SQLAlchemyError:
                # The database, not the notice: the sweep puts it back (a limited number of
                # times, as for a worker that dies).
                raise
            except Exception as error:  # noqa: BLE001  (a notice that cannot be written)
                return self._notice_cannot_be_written(session, notice_id, error)
            values: dict[str, object]
            outcome = "sent"
            retry_at: datetime | None = None
            try:
                self.backend.send(mail)
                values = {"state": NoticeState.SENT, "sent_at": utcnow(), "last_error": None}
            except MailError as error:
                if error.account_problem:
                    pause_delivery(session, "auth", said(error), None)
                    self.alert(f"Sending is paused: {said(error)}")
                retry_at = utcnow() + backoff(notice.attempts)
                if error.rate_limited:
                    retry_at = datetime.fromtimestamp(error.retry_at or time.time() + 60,
                                                      tz=now.tzinfo)
                    pause_delivery(session, "rate_limit", said(error), retry_at)
                # As for letters: waiting for the mail service, or for staff to fix the
                # account, is not the notice's fault, and does not count as an attempt.
                not_its_fault = error.rate_limited or error.account_problem
                if not not_its_fault and (error.permanent
                                          or notice.attempts >= self.settings.max_attempts):
                    values, outcome = {"state": NoticeState.FAILED,
                                       "last_error": said(error)[:500]}, "failed"
                else:
                    values, outcome = {"state": NoticeState.QUEUED,
                                       "last_error": said(error)[:500],
                                       "next_attempt_at": retry_at}, "retried"
                    if not_its_fault:
                        values["attempts"] = Notice.attempts - 1
            session.execute(
                update(Notice.__table__)
                .where(Notice.id == notice_id, Notice.state == NoticeState.SENDING)
                .values(**values)
            )
            session.commit()
            if outcome == "retried":
                self._later(session, "notice", notice_id, retry_at)
            return outcome

    def _notice_cannot_be_written(self, session: Session, notice_id: int,
                                  error: Exception) -> str:
        """Fail a notice whose mail cannot be written: written again, it would be the same.

        Once, visibly: its state and last_error say why, and one ERROR line (without the
        supporter's address) tells staff, rather than a traceback at every retry.
        """
        _log_cannot_be_written("notice", notice_id, error)
        session.rollback()
        session.execute(
            update(Notice.__table__)
            .where(Notice.id == notice_id, Notice.state == NoticeState.SENDING)
            .values(state=NoticeState.FAILED,
                    last_error=f"cannot be written: {said(error)}"[:500])
        )
        session.commit()
        return "failed"

    # --- loops -----------------------------------------------------------------------------

    def run_once(self) -> WorkerResult:
        """Send everything that is due now, in this process; return what happened."""
        result = WorkerResult()
        with self.session_factory() as session:
            notices = self._due(session, Notice, NoticeState.QUEUED)
            letters = self._due(session, Letter, LetterState.QUEUED)
        for notice_id in notices:
            result.add(self.send_notice(notice_id))
        for letter_id in letters:
            result.add(self.send_letter(letter_id))
        # Receipts written while sending the letters above go out in the same run.
        with self.session_factory() as session:
            notices = self._due(session, Notice, NoticeState.QUEUED)
        for notice_id in notices:
            result.add(self.send_notice(notice_id))
        return result

    def run_forever(self, poll_seconds: float = 1.0,
                    should_stop: Callable[[], bool] = lambda: False):
        """Without a task queue: poll the outbox; a lost database only pauses the loop."""
        while not should_stop():
            try:
                self.sweep()
                result = self.run_once()
            except OperationalError as error:
                report_outage(error)
                result = WorkerResult()
                time.sleep(5)
            if not (result.sent or result.failed or result.retried):
                time.sleep(poll_seconds)

    def _due(self, session: Session, model, queued_state: str) -> list[int]:
        now = utcnow()
        return list(
            session.execute(
                select(model.id)
                .where(
                    model.state == queued_state,
                    or_(model.next_attempt_at.is_(None), model.next_attempt_at <= now),
                )
                .order_by(model.id)
                .limit(self.batch_size)
            ).scalars()
        )

    def _later(self, session: Session, kind: str, row_id: int, at: datetime | None) -> None:
        """Put the id back on the task queue for `at` (or now); the sweep covers a failure."""
        if self.enqueue is None:
            return
        delay = max((at - utcnow()).total_seconds(), 0.0) if at else 0.0
        try:
            self.enqueue(kind, row_id, delay)
        except Exception as error:  # noqa: BLE001  (any queue failure: the sweep re-queues)
            if not report_outage(error):
                log.warning("could not enqueue %s %s: %s", kind, row_id, describe(error))

    # --- the sweep -------------------------------------------------------------------------

    def sweep(self, now: datetime | None = None) -> SweepResult:
        """Mend what crashes and outages left behind, then re-queue what is due and not queued."""
        now = now or utcnow()
        settings = self.settings
        result = SweepResult()
        with self.session_factory() as session:
            never_handed_over = (Letter.handover_started_at.is_(None)
                                 & (Letter.claimed_at < now - settings.claim_timeout))
            # A letter that keeps killing its worker must not go round for ever.
            move_letters(session, never_handed_over & (Letter.attempts >= settings.max_attempts),
                         LetterState.SENDING, LetterState.FAILED,
                         "the worker stopped every time it took this letter")
            result.requeued_unsent = len(move_letters(
                session, never_handed_over, LetterState.SENDING, LetterState.QUEUED,
                "the worker stopped before handing it over", next_attempt_at=None,
                enqueued_at=None,
            ))
            unanswered = (Letter.handover_started_at < now - settings.unknown_after)
            later = aliased(Letter)
            # Events are flowing: a letter handed over after this one has been reported.
            events_since = exists().where(
                later.handover_started_at > Letter.handover_started_at,
                later.last_event_at.is_not(None))
            if settings.events_report_handover:
                # SendGrid reports every message it takes ("processed") within minutes; with
                # no word about this one in all that time, it never took it.
                # it never took it, provided the webhook has been working since.
                result.requeued_unsent += len(move_letters(
                    session, unanswered & events_since, LetterState.SENDING, LetterState.QUEUED,
                    "no answer and no delivery event: the mail service never took it",
                    next_attempt_at=None, handover_started_at=None, enqueued_at=None,
                ))
                unanswered = Letter.handover_started_at < now - settings.events_give_up_after
            unknown = move_letters(
                session, unanswered, LetterState.SENDING, LetterState.FAILED,
                "no answer from the mail service: not sent again, so it cannot arrive twice",
                last_error="outcome unknown",
            )
            result.failed_unknown = len(unknown)
            # A notice may arrive twice rather than never: it is only our own mail. But one
            # that keeps stopping its worker must not go round for ever either.
            stuck_notice = ((Notice.state == NoticeState.SENDING)
                            & (Notice.claimed_at < now - settings.claim_timeout))
            session.execute(
                update(Notice)
                .where(stuck_notice, Notice.attempts >= settings.max_attempts)
                .values(state=NoticeState.FAILED,
                        last_error="the worker stopped every time it took this notice")
            )
            session.execute(update(Notice).where(stuck_notice).values(state=NoticeState.QUEUED))
            result.reminders = self._add_reminders(session, now)
            if self.housekeeping is not None:
                self.housekeeping(session)
            session.commit()
            for submission_id in set(session.scalars(
                select(Letter.submission_id).where(Letter.id.in_(unknown)))):
                self._settle(session, submission_id)
            stale = now - settings.requeue_after
            for model, state, kind in ((Notice, NoticeState.QUEUED, "notice"),
                                       (Letter, LetterState.QUEUED, "letter")):
                ids = session.scalars(
                    select(model.id).where(
                        model.state == state,
                        or_(model.next_attempt_at.is_(None), model.next_attempt_at <= now),
                        or_(model.enqueued_at.is_(None), model.enqueued_at < stale),
                    ).order_by(model.id)
                ).all()
                result.to_enqueue += [(kind, row_id) for row_id in ids]
        return result

    def _add_reminders(self, session: Session, now: datetime) -> int:
        """One reminder for supporters who have not confirmed after a day."""
        has_reminder = exists().where(Notice.submission_id == Submission.id,
                                      Notice.kind == NoticeKind.REMINDER)
        due = session.execute(
            select(Submission.id, Submission.supporter_email).where(
                Submission.confirmed_at.is_(None),
                Submission.created_at < now - self.settings.reminder_after,
                Submission.pending_letters.is_not(None), ~has_reminder,
            )
        ).all()
        for submission_id, email in due:
            session.add(Notice(submission_id=submission_id, kind=NoticeKind.REMINDER,
                               to_address=email))
        return len(due)
