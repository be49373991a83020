"""The held queue and the rules that fill it, as staff work them; no Flask here.

Editors set a campaign's rules (webapp.moderation applies them when letters are confirmed)
and release, edit or cancel the letters they held. Every change is in the audit log. A
released letter is queued and put on the task queue after the commit, as a confirmed one;
a cancelled one is final, and its supporter is told by one mail per submission (a notice of
kind `cancelled`, sent by the worker like the receipt).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, joinedload

from database import insert_or_merge, utcnow
from letters.moderation import MAX_WORDS, Rule, Rules, parse_words
from letters.text import is_storable, normalise_newlines

from ..delivery.after_commit import enqueue_after_commit
from ..delivery.outbox import add_receipt_if_done, move_letters
from ..models import (
    Campaign,
    Letter,
    LetterEvent,
    LetterState,
    LetterText,
    ModerationRules,
    Notice,
    NoticeKind,
    NoticeState,
    Submission,
)
from ..moderation import rule_of, rules_of
from . import auth
from .auth import StaffIdentity

# The page lists at most this many held letters, oldest first; the count shows them all.
HELD_SHOWN = 200
MAX_SUBJECT = 200
MAX_BODY = 20_000
# Letters of a submission that went their way: a receipt is worth sending.
_WENT = (LetterState.SENT, LetterState.DELIVERED, LetterState.FAILED, LetterState.BOUNCED)


# --- the rules ----------------------------------------------------------------------------

def campaign_rules(db: Session, campaign: Campaign) -> Rules:
    return rules_of(db.get(ModerationRules, campaign.id))


def rules_problem(rules: Rules) -> str | None:
    """What is wrong with rules as typed, in English for the view to translate; None: fine."""
    if rules.flood_per_hour is not None and not 1 <= rules.flood_per_hour <= 200:
        return "flood"
    if not 50 <= rules.flood_similarity <= 100:
        return "similarity"
    if len(rules.words) > MAX_WORDS or any(len(word) > 100 or not is_storable(word)
                                           for word in rules.words):
        return "words"
    return None


def save_rules(db: Session, campaign: Campaign, rules: Rules, actor: StaffIdentity) -> bool:
    """Store the campaign's rules and audit the change; False if nothing changed."""
    row = db.get(ModerationRules, campaign.id)
    if row is None:
        row = ModerationRules(campaign_id=campaign.id)
        db.add(row)
    elif rules_of(row) == rules:
        return False
    row.flood_per_hour = rules.flood_per_hour
    row.flood_similarity = rules.flood_similarity
    row.hold_supporter_as_target = rules.supporter_as_target
    row.held_words = "\n".join(rules.words)
    row.updated_at = utcnow()
    detail = (f"flood={rules.flood_per_hour or 'off'} similarity={rules.flood_similarity}% "
              f"supporter_as_target={'on' if rules.supporter_as_target else 'off'} "
              f"words={len(rules.words)}")
    auth.audit(db, "moderation.rules", f"campaign/{campaign.slug}", detail, actor=actor)
    return True


def parse_rules(flood_per_hour: int | None, flood_similarity: int | None,
                supporter_as_target: bool, words: str) -> Rules:
    return Rules(flood_per_hour=flood_per_hour or None,
                 flood_similarity=flood_similarity if flood_similarity is not None else 90,
                 supporter_as_target=supporter_as_target, words=parse_words(words))


# --- the held queue -----------------------------------------------------------------------

@dataclass(frozen=True)
class HeldLetter:
    letter: Letter
    rule: Rule | None
    detail: str
    shares_text: bool  # its text is also another letter's: an edit gives it its own


@dataclass(frozen=True)
class HeldQueue:
    letters: list[HeldLetter]
    count: int
    by_rule: dict[str, int]  # rule name (or "other") -> held letters


def _reasons(db: Session, letter_ids: Sequence[int]) -> dict[int, str]:
    """Each letter's latest reason for being held."""
    reasons: dict[int, str] = {}
    for letter_id, reason in db.execute(
            select(LetterEvent.letter_id, LetterEvent.reason)
            .where(LetterEvent.letter_id.in_(letter_ids),
                   LetterEvent.to_state == LetterState.HELD)
            .order_by(LetterEvent.id)):
        reasons[letter_id] = reason
    return reasons


def held_queue(db: Session, campaign: Campaign, *, with_letters: bool) -> HeldQueue:
    """The campaign's held letters, oldest first, with their reasons; the counts alone
    without `with_letters` (what viewers see)."""
    ids = db.scalars(select(Letter.id).where(Letter.campaign_id == campaign.id,
                                             Letter.state == LetterState.HELD)
                     .order_by(Letter.id)).all()
    reasons = _reasons(db, ids)
    by_rule = Counter((rule_of(reason)[0] or "other") for reason in reasons.values())
    by_rule["other"] += len(ids) - len(reasons)
    letters: list[HeldLetter] = []
    if with_letters and ids:
        shown = ids[:HELD_SHOWN]
        rows = db.scalars(select(Letter).where(Letter.id.in_(shown))
                          .options(joinedload(Letter.submission)).order_by(Letter.id)).all()
        text_ids = {row.text_id for row in rows}
        sharing = {text_id: count for text_id, count in db.execute(
            select(Letter.text_id, func.count()).where(Letter.text_id.in_(text_ids))
            .group_by(Letter.text_id))}
        for row in rows:
            rule, detail = rule_of(reasons.get(row.id, ""))
            letters.append(HeldLetter(row, rule, detail, sharing.get(row.text_id, 0) > 1))
    return HeldQueue(letters, len(ids), {str(k): v for k, v in by_rule.items() if v})


def held_count(db: Session, campaign: Campaign) -> int:
    return db.scalar(select(func.count()).select_from(Letter).where(
        Letter.campaign_id == campaign.id, Letter.state == LetterState.HELD)) or 0


class Action(StrEnum):
    RELEASE = "release"
    CANCEL = "cancel"


def act(db: Session, campaign: Campaign, action: Action, letter_ids: Iterable[int],
        actor: StaffIdentity) -> list[int]:
    """Release or cancel these held letters of the campaign; the ids that moved (a letter
    another editor acted on meanwhile, or of another campaign, is left alone)."""
    ids = sorted(set(letter_ids))
    if not ids:
        return []
    where = Letter.id.in_(ids) & (Letter.campaign_id == campaign.id)
    if action == Action.RELEASE:
        moved = move_letters(db, where, LetterState.HELD, LetterState.QUEUED,
                             "released by staff", next_attempt_at=None, enqueued_at=utcnow())
        # Put on the task queue once the release is committed, as a confirmation does.
        enqueue_after_commit(db, "letter", moved)
    else:
        moved = move_letters(db, where, LetterState.HELD, LetterState.CANCELLED,
                             "cancelled by staff")
        _tell_supporters(db, moved)
    if moved:
        auth.audit(db, f"moderation.{action.value}", f"campaign/{campaign.slug}",
                   "letters " + ", ".join(str(letter_id) for letter_id in moved), actor=actor)
    return moved


def _tell_supporters(db: Session, cancelled: list[int]) -> None:
    """One mail per submission whose letters were cancelled, and its receipt if the others
    have all gone their way now."""
    submissions = sorted(set(db.scalars(select(Letter.submission_id)
                                        .where(Letter.id.in_(cancelled))).all()))
    for submission_id in submissions:
        email = db.scalar(select(Submission.supporter_email)
                          .where(Submission.id == submission_id))
        # One notice per submission (its unique key). Letters cancelled before its mail is
        # written are in that mail; after it went, the notice goes again, telling about the
        # letters cancelled since (moderation.cancelled_to_tell). One being sent right now
        # goes again too: its mail may have been written without these letters.
        notice_id = db.execute(
            insert_or_merge(db, Notice)
            .values(submission_id=submission_id, kind=NoticeKind.CANCELLED, to_address=email,
                    state=NoticeState.QUEUED, attempts=0, created_at=utcnow(),
                    enqueued_at=utcnow())
            .on_conflict_do_nothing(index_elements=["submission_id", "kind"])
            .returning(Notice.id)).scalar()
        if notice_id is None:
            notice_id = db.execute(
                update(Notice)
                .where(Notice.submission_id == submission_id,
                       Notice.kind == NoticeKind.CANCELLED,
                       Notice.state.in_((NoticeState.SENT, NoticeState.FAILED,
                                         NoticeState.SENDING)))
                .values(state=NoticeState.QUEUED, attempts=0, next_attempt_at=None,
                        last_error=None, enqueued_at=utcnow())
                .returning(Notice.id)
                .execution_options(synchronize_session=False)).scalar()
        if notice_id is not None:
            enqueue_after_commit(db, "notice", [notice_id])
        went = db.scalar(select(func.count()).select_from(Letter).where(
            Letter.submission_id == submission_id, Letter.state.in_(_WENT)))
        if went and (receipt_id := add_receipt_if_done(db, submission_id)) is not None:
            enqueue_after_commit(db, "notice", [receipt_id])


# --- editing one letter -------------------------------------------------------------------

def held_letter(db: Session, campaign: Campaign, letter_id: int) -> HeldLetter | None:
    """A held letter of the campaign, with why it is held; None if it is not (or no longer)."""
    letter = db.scalars(select(Letter).where(
        Letter.id == letter_id, Letter.campaign_id == campaign.id,
        Letter.state == LetterState.HELD).options(joinedload(Letter.submission))).first()
    if letter is None:
        return None
    rule, detail = rule_of(_reasons(db, [letter.id]).get(letter.id, ""))
    sharing = db.scalar(select(func.count()).select_from(Letter)
                        .where(Letter.text_id == letter.text_id)) or 0
    return HeldLetter(letter, rule, detail, sharing > 1)


class EditProblem(StrEnum):
    GONE = "gone"  # released or cancelled meanwhile
    SUBJECT = "subject"
    BODY = "body"


def edit_letter(db: Session, campaign: Campaign, letter_id: int, subject: str, body: str,
                actor: StaffIdentity) -> EditProblem | None:
    """Change this held letter's subject and text, and this letter's only.

    Letters of one submission may share a text (one row for the same words to many targets):
    a shared text is left to the others, and this letter gets a copy with the new words.
    """
    subject = " ".join(subject.split())
    body = normalise_newlines(body).strip()
    if not subject or len(subject) > MAX_SUBJECT or not is_storable(subject):
        return EditProblem.SUBJECT
    if not body or len(body) > MAX_BODY or not is_storable(body):
        return EditProblem.BODY
    # Locked, so that a release or a cancel at the same moment waits for the edit.
    letter = db.scalars(select(Letter).where(
        Letter.id == letter_id, Letter.campaign_id == campaign.id,
        Letter.state == LetterState.HELD).with_for_update(of=Letter)).first()
    if letter is None:
        return EditProblem.GONE
    old = letter.text
    if subject == old.subject and body == old.body:
        return None
    shared = db.scalar(select(func.count()).select_from(Letter)
                       .where(Letter.text_id == old.id, Letter.id != letter.id))
    if shared:
        text = LetterText(submission_id=old.submission_id, subject=subject, body=body,
                          language=old.language)
        db.add(text)
        db.flush()
        letter.text_id = text.id
        letter.text = text
    else:
        old.subject, old.body = subject, body
    auth.audit(db, "moderation.edit", f"letter/{letter.id}",
               f"campaign {campaign.slug}" + (": given its own text" if shared else ""),
               actor=actor)
    return None
