"""Delivery events from the mail service (SendGrid's Event Webhook), applied to letters.

No Flask here: the view checks the signature and hands over the parsed batch; this records
each event once, moves letters through `move_letters`, and marks addresses that bounced so the
directory stops offering them. The caller commits.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import uuid
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from database import insert_or_merge, rowcount
from letters.text import is_storable, storable, without_addresses
from representatives.tables import ContactDetail

from ..models import Letter, LetterState, WebhookEvent
from .outbox import ALLOWED_TRANSITIONS, add_receipt_if_done, move_letters

log = logging.getLogger(__name__)

# Rows per statement: well under SQLite's limit on bound parameters.
_CHUNK = 500
# Letter ids are 32-bit integers in the database: anything else cannot be one of ours.
_MAX_ID = 2**31 - 1
# An event for a letter still in one of these states proves the mail service has it.
_BEFORE_SENT = (LetterState.SENDING, LetterState.QUEUED, LetterState.FAILED)
# Drops that are about our message or account, not the recipient's address: they say nothing
# about whether the address works, so they must not take it out of the directory.
_DROPS_NOT_ABOUT_THE_ADDRESS = ("spam content", "smtpapi", "quota")


@dataclass
class EventSummary:
    """What one batch did."""

    received: int = 0
    duplicates: int = 0
    invalid: int = 0  # not an object
    unmapped: int = 0  # no letter_id, or not one of our letters
    applied: int = 0  # mapped to a letter and recorded on it
    delivered: int = 0
    bounced: int = 0
    addresses_marked: int = 0
    receipts: int = 0
    # Receipts written here, to be put on the task queue once the caller has committed.
    receipt_ids: list[int] = field(default_factory=list, repr=False)

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "receipt_ids"}


@dataclass
class _Event:
    event_id: str
    name: str  # what is recorded: the event, or "blocked" for a soft bounce
    letter_id: int | None
    occurred_at: datetime | None
    email: str
    reason: str
    message_id: str
    order: int

    @property
    def rank(self) -> int:
        # Events stamped in the same second: "processed" is always the earliest of them.
        return 0 if self.name == "processed" else 1

    @property
    def hard_failure(self) -> bool:
        """The mail will never arrive: a hard bounce, or the service refused to try."""
        return self.name in {"bounce", "dropped"}

    @property
    def address_failed(self) -> bool:
        if self.name == "bounce":
            return True
        if self.name == "dropped":
            reason = self.reason.lower()
            return not any(part in reason for part in _DROPS_NOT_ABOUT_THE_ADDRESS)
        return False


def apply_events(session: Session, events: list[dict], now: datetime) -> EventSummary:
    """Record a batch of delivery events once each and apply them to their letters."""
    summary = EventSummary(received=len(events))
    parsed: dict[str, _Event] = {}
    for order, raw in enumerate(events):
        if not isinstance(raw, dict):
            summary.invalid += 1
            continue
        event = _parse(raw, order)
        if event.event_id in parsed:
            summary.duplicates += 1
            continue
        parsed[event.event_id] = event

    candidates = {e.letter_id for e in parsed.values() if e.letter_id is not None}
    letters = _load_letters(session, candidates)
    for event in parsed.values():
        if event.letter_id not in letters:
            event.letter_id = None  # unknown ids are kept as null: the column is a foreign key

    new_ids = _record(session, list(parsed.values()), now)
    summary.duplicates += len(parsed) - len(new_ids)
    fresh = sorted(
        (e for e in parsed.values() if e.event_id in new_ids),
        key=lambda e: (e.occurred_at or now, e.rank, e.order),
    )
    per_letter: dict[int, list[_Event]] = {}
    for event in fresh:
        if event.letter_id is None:
            summary.unmapped += 1
        else:
            per_letter.setdefault(event.letter_id, []).append(event)
            summary.applied += 1

    bounced_addresses: set[str] = set()
    finished_submissions: set[int] = set()
    for letter_id, letter_events in per_letter.items():
        state, to_address, submission_id = letters[letter_id]
        if _apply_to_letter(session, letter_id, state, letter_events, now, summary):
            finished_submissions.add(submission_id)
        for event in letter_events:
            # The event names the address it was about; in test mode that is a staff
            # address, and the target's own address has not bounced.
            if event.address_failed and (not event.email
                                         or event.email == to_address.strip().lower()):
                bounced_addresses.add(to_address.strip().lower())
    summary.addresses_marked = mark_bounced(session, bounced_addresses, now)
    summary.receipt_ids = _receipts_if_done(session, finished_submissions)
    summary.receipts = len(summary.receipt_ids)
    if summary.received:
        log.info("delivery events: %s", summary.as_dict())
    return summary


def mark_bounced(session: Session, addresses: set[str], now: datetime) -> int:
    """Mark every e-mail contact with one of these addresses as bounced; return how many."""
    marked = 0
    for address in sorted(addresses):
        if not address:
            continue
        marked += rowcount(session.execute(
            update(ContactDetail)
            .where(
                ContactDetail.kind == "email",
                func.lower(func.trim(ContactDetail.value)) == address,
                ContactDetail.bounced_at.is_(None),
            )
            .values(bounced_at=now)
            .execution_options(synchronize_session=False)
        ))
    return marked


def _parse(raw: dict, order: int) -> _Event:
    name = _text(raw.get("event"), 32) or "unknown"
    if name == "bounce" and raw.get("type") != "bounce":
        # A "blocked" bounce is temporary (or about our message): the address may work.
        name = "blocked"
    return _Event(
        event_id=_event_id(raw),
        name=name[:32],
        letter_id=_letter_id(raw.get("letter_id")),
        occurred_at=_timestamp(raw.get("timestamp")),
        email=(_text(raw.get("email"), 254) or "").strip().lower(),
        # A bounce's reason often quotes the address (the representative's, or a supporter's
        # in test mode): it is stored as the letter's error and event reason without it.
        reason=without_addresses(_text(raw.get("reason"), 300)
                                 or _text(raw.get("response"), 300) or ""),
        message_id=(_text(raw.get("sg_message_id"), 400) or "").split(".", 1)[0][:200],
        order=order,
    )


def _event_id(raw: dict) -> str:
    event_id = raw.get("sg_event_id")
    if (isinstance(event_id, str) and 0 < len(event_id) <= 100
            and is_storable(event_id)):
        return event_id
    # No usable id: the event's own content stands in for one, so an identical repeat of it
    # is still recognised.
    try:
        canonical = json.dumps(raw, sort_keys=True, separators=(",", ":"), default=str)
    except (ValueError, RecursionError):
        return "random:" + uuid.uuid4().hex  # too deep to hash: applied, but not deduplicated
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8", "replace")).hexdigest()


def _text(value, limit: int) -> str | None:
    if isinstance(value, str):
        # What no database can store is removed, so that one odd event does not make SendGrid
        # retry, and finally drop, its whole batch.
        return storable(value)[:limit]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)[:limit]
    return None


def _letter_id(value) -> int | None:
    # Custom args come back as strings; be lenient about numbers, strict about the rest.
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        number = int(value.strip())
    else:
        return None
    return number if 0 < number <= _MAX_ID else None


def _timestamp(value) -> datetime | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if not math.isfinite(value) or not 0 < value < 32503680000:  # before the year 3000
        return None
    return datetime.fromtimestamp(value, UTC)


def _load_letters(session: Session, ids: set[int]) -> dict[int, tuple[str, str, int]]:
    letters: dict[int, tuple[str, str, int]] = {}
    wanted = sorted(ids)
    for start in range(0, len(wanted), _CHUNK):
        for letter_id, state, to_address, submission_id in session.execute(
            select(Letter.id, Letter.state, Letter.to_address, Letter.submission_id)
            .where(Letter.id.in_(wanted[start : start + _CHUNK]))
        ):
            letters[letter_id] = (state, to_address, submission_id)
    return letters


def _receipts_if_done(session: Session, submission_ids: set[int]) -> list[int]:
    """Receipts for submissions whose last unfinished letter an event settled.

    The worker writes it when it settles the last letter itself; when the worker died after
    handing a letter over, this is the only place that learns the letter went its way.
    """
    written = (add_receipt_if_done(session, i) for i in sorted(submission_ids))
    return [notice_id for notice_id in written if notice_id is not None]


def _record(session: Session, events: list[_Event], now: datetime) -> set[str]:
    """Insert the events, ignoring those already recorded; return the ids that are new.

    INSERT ... ON CONFLICT DO NOTHING: when two deliveries of the same batch arrive at once,
    PostgreSQL makes the second wait for the first's commit and then skips the rows it wrote;
    SQLite runs one writer at a time. Either way each event is applied exactly once.
    """
    if not events:
        return set()
    new: set[str] = set()
    for start in range(0, len(events), _CHUNK):
        rows = [
            {"event_id": e.event_id, "event": e.name, "letter_id": e.letter_id,
             "occurred_at": e.occurred_at, "received_at": now}
            for e in events[start : start + _CHUNK]
        ]
        new.update(session.execute(
            insert_or_merge(session, WebhookEvent).values(rows).on_conflict_do_nothing(
                index_elements=["event_id"]
            ).returning(WebhookEvent.event_id)
        ).scalars())
    return new


def _apply_to_letter(session: Session, letter_id: int, state: str, events: list[_Event],
                     now: datetime, summary: EventSummary) -> bool:
    """Move one letter as its events say (oldest first) and record the latest event on it.

    Returns whether the letter left an unfinished state (the worker had not recorded it).
    """
    first = events[0]
    left_unfinished = False
    where = Letter.id == letter_id
    if state in _BEFORE_SENT and LetterState.SENT in ALLOWED_TRANSITIONS.get(state, set()):
        # Any event at all means the mail service accepted the letter: a worker that died
        # after handing it over (or timed out waiting for the answer) never recorded that.
        values: dict[str, object] = {"sent_at": first.occurred_at or now, "last_error": None}
        if first.message_id:
            values["provider_message_id"] = first.message_id
        if move_letters(session, where, state, LetterState.SENT,
                        f"mail service reported {first.name}", **values):
            state = LetterState.SENT
            left_unfinished = True
    outcome = next((e for e in events if e.name == "delivered" or e.hard_failure), None)
    if outcome is not None and state in {LetterState.SENT, *_BEFORE_SENT}:
        # Conditional on "sent": when the worker has just moved it there, this still applies;
        # when it is still elsewhere, nothing happens.
        if outcome.name == "delivered":
            if move_letters(session, where, LetterState.SENT, LetterState.DELIVERED,
                            "mail service: delivered"):
                summary.delivered += 1
        else:
            reason = f"mail service: {outcome.name}"
            if outcome.reason:
                reason += f" ({outcome.reason})"
            if move_letters(session, where, LetterState.SENT, LetterState.BOUNCED, reason,
                            last_error=reason[:500]):
                summary.bounced += 1

    latest = events[-1]
    at = latest.occurred_at or now
    # Events arrive out of order across batches: never let an older one overwrite a newer.
    newer = Letter.last_event_at < at if latest.rank == 0 else Letter.last_event_at <= at
    session.execute(
        update(Letter)
        .where(where, or_(Letter.last_event_at.is_(None), newer))
        .values(last_event=latest.name, last_event_at=at)
        .execution_options(synchronize_session=False)
    )
    return left_unfinished
