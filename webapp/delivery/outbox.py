"""The outbox: letters and notices move through their states here, and only here.

Every change is a conditional UPDATE (``WHERE state = <expected>``), so that two processes
racing for the same row cannot both win, and every letter's change is recorded as an event.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from database import utcnow

from ..models import (
    Letter,
    LetterEvent,
    LetterState,
    Notice,
    NoticeKind,
    NoticeState,
    Submission,
)
from .backends import MailBackend, MailError

log = logging.getLogger(__name__)

ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    LetterState.PENDING_CONFIRMATION: {LetterState.QUEUED, LetterState.CANCELLED},
    LetterState.QUEUED: {LetterState.SENDING, LetterState.HELD, LetterState.CANCELLED},
    LetterState.HELD: {LetterState.QUEUED, LetterState.CANCELLED},
    LetterState.SENDING: {LetterState.SENT, LetterState.QUEUED, LetterState.FAILED},
    LetterState.SENT: {LetterState.DELIVERED, LetterState.BOUNCED},
}
UNFINISHED_LETTER_STATES = (
    LetterState.PENDING_CONFIRMATION,
    LetterState.QUEUED,
    LetterState.SENDING,
    LetterState.HELD,
)
MAX_ATTEMPTS = 6


def move_letters(
    session: Session,
    where,
    from_state: str,
    to_state: str,
    reason: str,
    **values,
) -> list[int]:
    """Move the letters matching `where` from one state to the next; return the ids moved."""
    if to_state not in ALLOWED_TRANSITIONS.get(from_state, set()):
        raise ValueError(f"a letter cannot go from {from_state} to {to_state}")
    moved = session.execute(
        update(Letter)
        .where(where, Letter.state == from_state)
        .values(state=to_state, **values)
        .returning(Letter.id)
        .execution_options(synchronize_session=False)
    ).scalars().all()
    if moved:
        now = utcnow()
        session.execute(
            insert(LetterEvent),
            [
                {"letter_id": letter_id, "from_state": from_state, "to_state": to_state,
                 "reason": reason[:200], "at": now}
                for letter_id in moved
            ],
        )
    return list(moved)


def queue_submission(session: Session, submission: Submission) -> list[int]:
    """Confirm a submission: its pending letters are queued, once, however often this runs."""
    queued = move_letters(
        session,
        Letter.submission_id == submission.id,
        LetterState.PENDING_CONFIRMATION,
        LetterState.QUEUED,
        "confirmed by the supporter",
    )
    if queued and submission.confirmed_at is None:
        submission.confirmed_at = utcnow()
    return queued


def backoff(attempts: int) -> timedelta:
    """Exponential backoff with jitter: about 30 s, 1 min, 2 min, ... capped at one hour."""
    base = min(30 * 2 ** max(attempts - 1, 0), 3600)
    return timedelta(seconds=base * random.uniform(0.5, 1.0))


@dataclass
class WorkerResult:
    sent: int = 0
    failed: int = 0
    retried: int = 0


class Worker:
    """Sends what is queued: notices to supporters first, then letters."""

    def __init__(
        self,
        session_factory: sessionmaker,
        backend: MailBackend,
        build_letter: Callable[[Letter], object],
        build_notice: Callable[[Notice], object],
        housekeeping: Callable[[Session], object] | None = None,
        housekeeping_seconds: float = 3600.0,
        batch_size: int = 50,
    ):
        self.session_factory = session_factory
        self.backend = backend
        self.build_letter = build_letter
        self.build_notice = build_notice
        self.housekeeping = housekeeping
        self.housekeeping_seconds = housekeeping_seconds
        self.batch_size = batch_size

    def run_once(self) -> WorkerResult:
        """Send everything that is due now; return what happened."""
        result = WorkerResult()
        with self.session_factory() as session:
            for notice_id in self._due(session, Notice, NoticeState.QUEUED):
                self._send_notice(session, notice_id, result)
            for letter_id in self._due(session, Letter, LetterState.QUEUED):
                self._send_letter(session, letter_id, result)
        return result

    def run_forever(self, poll_seconds: float = 1.0,
                    should_stop: Callable[[], bool] = lambda: False):
        """Poll the outbox until told to stop; a lost database only pauses the loop."""
        last_housekeeping = float("-inf")
        while not should_stop():
            try:
                if time.monotonic() - last_housekeeping >= self.housekeeping_seconds:
                    self.run_housekeeping()
                    last_housekeeping = time.monotonic()
                result = self.run_once()
            except OperationalError as error:
                log.warning("database unavailable, retrying: %s", error)
                result = WorkerResult()
                time.sleep(5)
            if not (result.sent or result.failed or result.retried):
                time.sleep(poll_seconds)

    def run_housekeeping(self) -> None:
        """Periodic chores (expiry, erasure) in their own transaction."""
        if self.housekeeping is None:
            return
        with self.session_factory() as session:
            self.housekeeping(session)
            session.commit()

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

    def _send_letter(self, session: Session, letter_id: int, result: WorkerResult) -> None:
        claimed = move_letters(
            session, Letter.id == letter_id, LetterState.QUEUED, LetterState.SENDING,
            "claimed by a worker", claimed_at=utcnow(), attempts=Letter.attempts + 1,
        )
        session.commit()
        if not claimed:
            return  # another worker has it
        letter = session.get(Letter, letter_id, populate_existing=True)
        try:
            provider_id = self.backend.send(self.build_letter(letter))
        except MailError as error:
            self._letter_failed(session, letter, error, result)
            return
        move_letters(
            session, Letter.id == letter_id, LetterState.SENDING, LetterState.SENT,
            "handed to the mail service", sent_at=utcnow(),
            provider_message_id=(provider_id or "")[:200], last_error=None,
        )
        session.commit()
        result.sent += 1
        self._receipt_if_done(session, letter.submission_id)

    def _letter_failed(self, session, letter: Letter, error: MailError, result) -> None:
        give_up = error.permanent or letter.attempts >= MAX_ATTEMPTS
        if give_up:
            move_letters(session, Letter.id == letter.id, LetterState.SENDING,
                         LetterState.FAILED, str(error), last_error=str(error)[:500])
            result.failed += 1
        else:
            move_letters(session, Letter.id == letter.id, LetterState.SENDING,
                         LetterState.QUEUED, f"retry: {error}", last_error=str(error)[:500],
                         next_attempt_at=utcnow() + backoff(letter.attempts))
            result.retried += 1
        session.commit()
        if give_up:
            self._receipt_if_done(session, letter.submission_id)

    def _receipt_if_done(self, session: Session, submission_id: int) -> None:
        # The letters' states were changed with UPDATE statements: reload, don't trust the
        # objects already in the session.
        session.expire_all()
        unfinished = session.scalar(
            select(func.count(Letter.id)).where(
                Letter.submission_id == submission_id,
                Letter.state.in_(UNFINISHED_LETTER_STATES),
            )
        )
        if unfinished:
            return
        submission = session.get(Submission, submission_id)
        session.add(Notice(submission_id=submission_id, kind=NoticeKind.RECEIPT,
                           to_address=submission.supporter_email))
        try:
            session.commit()
        except IntegrityError:
            # Another worker finished the last letter at the same moment and wrote it first.
            session.rollback()

    def _send_notice(self, session: Session, notice_id: int, result: WorkerResult) -> None:
        claimed = session.execute(
            update(Notice)
            .where(Notice.id == notice_id, Notice.state == NoticeState.QUEUED)
            .values(state=NoticeState.SENDING, claimed_at=utcnow(), attempts=Notice.attempts + 1)
        ).rowcount
        session.commit()
        if not claimed:
            return
        notice = session.get(Notice, notice_id, populate_existing=True)
        values: dict[str, object]
        try:
            self.backend.send(self.build_notice(notice))
            values = {"state": NoticeState.SENT, "sent_at": utcnow(), "last_error": None}
            result.sent += 1
        except MailError as error:
            if error.permanent or notice.attempts >= MAX_ATTEMPTS:
                values = {"state": NoticeState.FAILED, "last_error": str(error)[:500]}
                result.failed += 1
            else:
                values = {"state": NoticeState.QUEUED, "last_error": str(error)[:500],
                          "next_attempt_at": utcnow() + backoff(notice.attempts)}
                result.retried += 1
        session.execute(
            update(Notice)
            .where(Notice.id == notice_id, Notice.state == NoticeState.SENDING)
            .values(**values)
        )
        session.commit()

