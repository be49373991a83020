"""Holding confirmed letters for an editor: the campaign's rules applied where letters are
confirmed (supporters.operations.confirm_letters). No Flask here.

The rules themselves are in letters.moderation; staff set them and work through the held
letters in webapp.staff.moderation. A held letter is a row in state `held` with an event that
names its rule; the worker and the sweep only ever take `queued` letters, so it waits there
until an editor releases or cancels it.

Cheap where it matters: a campaign with no rules costs the confirmation one primary-key read.
The flood rule reads an index of the past hour's letters to the submission's addresses (one
query for all of them) and, only for an address that has had enough, their sketches.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session, object_session

from database import utcnow
from letters.moderation import (
    FLOOD_SAMPLE,
    Rule,
    Rules,
    listed_words,
    near_copy_sketches,
    parse_words,
    same_address,
    sketch,
)
from letters.text import without_addresses

from .models import (
    Letter,
    LetterEvent,
    LetterState,
    ModerationRules,
    Notice,
    PendingLetter,
    RecentLetter,
    Submission,
)

FLOOD_WINDOW = timedelta(hours=1)
_REASON_PREFIX = "held by rule "


def held_reason(rule: Rule, detail: str = "") -> str:
    """The reason of a letter's event into `held`: the rule's name, then what matched."""
    reason = f"{_REASON_PREFIX}{rule.value}" + (f": {detail}" if detail else "")
    return without_addresses(reason)[:200]


def rule_of(reason: str) -> tuple[Rule | None, str]:
    """The rule and detail a held_reason names; (None, reason) for any other reason."""
    if not reason.startswith(_REASON_PREFIX):
        return None, reason
    name, _, detail = reason[len(_REASON_PREFIX):].partition(": ")
    try:
        return Rule(name), detail
    except ValueError:
        return None, reason


def rules_of(row: ModerationRules | None) -> Rules:
    if row is None:
        return Rules()
    return Rules(flood_per_hour=row.flood_per_hour, flood_similarity=row.flood_similarity,
                 supporter_as_target=row.hold_supporter_as_target,
                 words=parse_words(row.held_words))


def campaign_rules(session: Session, campaign_id: int) -> Rules:
    return rules_of(session.get(ModerationRules, campaign_id))


@dataclass
class Screening:
    """What the rules said about a submission's letters, before they are written as rows."""

    rules: Rules
    letters: list[PendingLetter]
    held: dict[int, str]  # the letter's place in `letters` -> the reason it is held
    now: datetime

    def remember(self, session: Session, campaign_id: int, letter_ids: Sequence[int]) -> None:
        """For the flood rule: note the new letters (held ones too, so that a flood stays
        held). What is older than the rule looks back goes with the sweep (forget_old_letters).
        """
        if not self.rules.flood_per_hour or not letter_ids:
            return
        session.execute(insert(RecentLetter.__table__), [
            {"campaign_id": campaign_id, "to_address": letter.to_address.casefold(),
             "letter_id": letter_id, "sketch": sketch(letter.text), "at": self.now}
            for letter, letter_id in zip(self.letters, letter_ids, strict=True)])


def cancelled_to_tell(notice: Notice) -> list[Letter]:
    """The letters a `cancelled` notice tells its supporter about: those of its submission
    cancelled since the notice last went (all of them the first time). A supporter hears
    about each cancelled letter once, however many times staff cancel their letters."""
    cancelled = [letter for letter in notice.submission.letters
                 if letter.state == LetterState.CANCELLED]
    session = object_session(notice)
    if notice.sent_at is None or not cancelled or session is None:
        return cancelled
    since = set(session.scalars(select(LetterEvent.letter_id).where(
        LetterEvent.letter_id.in_([letter.id for letter in cancelled]),
        LetterEvent.to_state == LetterState.CANCELLED, LetterEvent.at > notice.sent_at)))
    return [letter for letter in cancelled if letter.id in since]


def forget_old_letters(session: Session, now: datetime) -> None:
    """Drop the flood rule's notes of letters it no longer looks at (the sweep's housekeeping,
    delivery.retention): the table stays as small as an hour's letters."""
    session.execute(delete(RecentLetter).where(RecentLetter.at < now - FLOOD_WINDOW))


def screen(session: Session, submission: Submission) -> Screening | None:
    """Which of the submission's pending letters its campaign's rules hold; None: no rules."""
    rules = campaign_rules(session, submission.campaign_id)
    if not rules.any:
        return None
    letters = submission.pending()
    now = utcnow()
    held: dict[int, str] = {}
    if rules.supporter_as_target:
        for place, letter in enumerate(letters):
            if same_address(submission.supporter_email, letter.to_address):
                held[place] = held_reason(Rule.SUPPORTER_IS_TARGET)
    if rules.words:
        for place, letter in enumerate(letters):
            if place not in held and (found := listed_words(rules.words, letter.subject,
                                                            letter.text)):
                held[place] = held_reason(Rule.WORDS, ", ".join(found))
    if rules.flood_per_hour:
        for place, detail in _flooded(session, submission.campaign_id, letters, rules,
                                      now).items():
            held.setdefault(place, held_reason(Rule.FLOOD, detail))
    return Screening(rules, letters, held, now)


def _flooded(session: Session, campaign_id: int, letters: list[PendingLetter], rules: Rules,
             now: datetime) -> dict[int, str]:
    """The letters that would be one more near copy at an address that had its fill."""
    threshold = rules.flood_per_hour or 0
    since = now - FLOOD_WINDOW
    addresses = {letter.to_address.casefold() for letter in letters}
    busy = {address for address, count in session.execute(
        select(RecentLetter.to_address, func.count())
        .where(RecentLetter.campaign_id == campaign_id, RecentLetter.to_address.in_(addresses),
               RecentLetter.at >= since)
        .group_by(RecentLetter.to_address)) if count >= threshold}
    flooded: dict[int, str] = {}
    for place, letter in enumerate(letters):
        address = letter.to_address.casefold()
        if address not in busy:
            continue
        recent = session.scalars(
            select(RecentLetter.sketch)
            .where(RecentLetter.campaign_id == campaign_id, RecentLetter.to_address == address,
                   RecentLetter.at >= since)
            .order_by(RecentLetter.at.desc())
            .limit(FLOOD_SAMPLE)).all()
        copies = near_copy_sketches(letter.text, recent, rules.flood_similarity)
        if copies >= threshold:
            flooded[place] = f"{copies} near-identical letters in the past hour"
    return flooded
