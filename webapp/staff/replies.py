"""Targets' replies and commitments, as staff review and record them; no Flask request here.

Supporters answer "did they reply?" about each letter (webapp.followup) and may paste the
reply. Staff read those answers per target, check the reply, and record that the target
"replied" or "has committed" (with a date, and a link or the text). What they record shows on
the target's card for later supporters and, for commitments, on the country's summit page.
The responsiveness table counts, per country and kind of target, what was sent, asked,
answered and recorded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from representatives.directory import Directory

from ..followup.models import Answer, FollowupAnswer, ResponseKind, TargetResponse
from ..followup.operations import SENT_STATES
from ..models import Letter, Notice, NoticeKind, NoticeState, Submission
from . import auth
from .auth import StaffIdentity

# The page lists at most this many pasted replies; older ones stay in the table.
REPLIES_SHOWN = 500
UNKNOWN_KIND = "unknown"


def _where(directory: Directory, target_id: str, fallback_country: str) -> tuple[str, str]:
    """A target's country and kind from the directory; for one no longer in it, the country
    of the supporters who wrote to them, and an unknown kind."""
    target = directory.get(target_id)
    if target is None:
        return fallback_country, UNKNOWN_KIND
    return target.country, str(target.kind)


def parse_country(value: str | None) -> str | None:
    """A country code typed in the filter, or None for all (anything else is ignored)."""
    value = (value or "").strip().upper()
    return value if len(value) == 2 and value.isalpha() else None


@dataclass
class PastedReply:
    answered_at: datetime
    answer: str
    text: str


@dataclass
class TargetAnswers:
    """One target's answers from supporters, pasted replies and recorded responses."""

    target_id: str
    target_name: str
    country: str
    kind: str
    answers: dict[str, int] = field(default_factory=dict)
    replies: list[PastedReply] = field(default_factory=list)
    recorded: list[TargetResponse] = field(default_factory=list)


def answers_by_target(db: Session, directory: Directory, country: str | None
                      ) -> list[TargetAnswers]:
    """Every target with an answer or a recorded response (in `country`, if given): most
    "yes" answers first, for review."""
    targets: dict[str, TargetAnswers] = {}

    def entry(target_id: str, name: str, fallback_country: str) -> TargetAnswers:
        if target_id not in targets:
            where, kind = _where(directory, target_id, fallback_country)
            targets[target_id] = TargetAnswers(target_id, name, where, kind)
        return targets[target_id]

    for target_id, name, supporter_country, answer, count in db.execute(
            select(Letter.target_id, func.max(Letter.target_name), func.max(Submission.country),
                   FollowupAnswer.answer, func.count())
            .join(Letter, FollowupAnswer.letter_id == Letter.id)
            .join(Submission, Letter.submission_id == Submission.id)
            .group_by(Letter.target_id, FollowupAnswer.answer)):
        entry(target_id, name, supporter_country).answers[answer] = count
    for target_id, name, supporter_country, answered_at, answer, text in db.execute(
            select(Letter.target_id, Letter.target_name, Submission.country,
                   FollowupAnswer.answered_at, FollowupAnswer.answer, FollowupAnswer.reply_text)
            .join(Letter, FollowupAnswer.letter_id == Letter.id)
            .join(Submission, Letter.submission_id == Submission.id)
            .where(FollowupAnswer.reply_text != "")
            .order_by(FollowupAnswer.answered_at.desc()).limit(REPLIES_SHOWN)):
        entry(target_id, name, supporter_country).replies.append(
            PastedReply(answered_at, answer, text))
    for response in db.scalars(select(TargetResponse).order_by(TargetResponse.on_date.desc(),
                                                              TargetResponse.id.desc())):
        if response.target_id not in targets:
            targets[response.target_id] = TargetAnswers(
                response.target_id, response.target_name, response.country,
                response.target_kind)
        targets[response.target_id].recorded.append(response)
    shown = [t for t in targets.values() if country is None or t.country == country]
    return sorted(shown, key=lambda t: (-t.answers.get(Answer.YES, 0), -len(t.replies),
                                        t.country, t.target_name))


@dataclass(frozen=True)
class ResponseValues:
    """A reply or commitment as staff typed it (checked by the form)."""

    target_id: str
    kind: ResponseKind
    on_date: date
    link: str
    text: str


def record_response(db: Session, directory: Directory, values: ResponseValues,
                    actor: StaffIdentity) -> TargetResponse | None:
    """Record a target's reply or commitment, with an audit entry; None when no such target
    is in the directory or among the letters sent."""
    target = directory.get(values.target_id)
    if target is not None:
        name, country, kind = target.name, target.country, str(target.kind)
    else:
        written = db.execute(
            select(Letter.target_name, Submission.country)
            .join(Submission, Letter.submission_id == Submission.id)
            .where(Letter.target_id == values.target_id)
            .order_by(Letter.id.desc()).limit(1)).first()
        if written is None:
            return None
        name, country, kind = written.target_name, written.country, UNKNOWN_KIND
    response = TargetResponse(
        target_id=values.target_id, target_name=name[:200], target_kind=kind, country=country,
        kind=values.kind, on_date=values.on_date, link=values.link, text=values.text,
        recorded_by=actor.email)
    db.add(response)
    db.flush()
    auth.audit(db, "target_response.record", f"target/{values.target_id}",
               f"{values.kind} {values.on_date.isoformat()} {values.link}".strip(), actor=actor)
    return response


@dataclass
class ResponsivenessRow:
    """One country and kind of target: what was sent, asked, answered and recorded."""

    country: str
    kind: str
    letters_sent: int = 0
    letters_asked: int = 0
    answers: dict[str, int] = field(default_factory=lambda: {a.value: 0 for a in Answer})
    replies_recorded: int = 0
    commitments_recorded: int = 0
    first_reply: date | None = None
    last_reply: date | None = None

    @property
    def answer_rate(self) -> float | None:
        """Share of the letters asked about that got an answer; None when none was asked."""
        return sum(self.answers.values()) / self.letters_asked if self.letters_asked else None


def responsiveness(db: Session, directory: Directory) -> list[ResponsivenessRow]:
    """Per country and kind of target, by the targets' own country (their supporters' for a
    target no longer in the directory); every campaign counted."""
    rows: dict[tuple[str, str], ResponsivenessRow] = {}

    def row(target_id: str, fallback_country: str) -> ResponsivenessRow:
        key = _where(directory, target_id, fallback_country)
        if key not in rows:
            rows[key] = ResponsivenessRow(*key)
        return rows[key]

    sent_letters = (select(Letter.target_id, Submission.country, func.count())
                    .join(Submission, Letter.submission_id == Submission.id)
                    .where(Letter.state.in_(SENT_STATES))
                    .group_by(Letter.target_id, Submission.country))
    for target_id, country, count in db.execute(sent_letters):
        row(target_id, country).letters_sent += count
    asked = exists().where(Notice.submission_id == Letter.submission_id,
                           Notice.kind == NoticeKind.FOLLOWUP,
                           Notice.state == NoticeState.SENT)
    for target_id, country, count in db.execute(sent_letters.where(asked)):
        row(target_id, country).letters_asked += count
    for target_id, country, answer, count in db.execute(
            select(Letter.target_id, Submission.country, FollowupAnswer.answer, func.count())
            .join(Letter, FollowupAnswer.letter_id == Letter.id)
            .join(Submission, Letter.submission_id == Submission.id)
            .group_by(Letter.target_id, Submission.country, FollowupAnswer.answer)):
        counts = row(target_id, country).answers
        counts[answer] = counts.get(answer, 0) + count
    for country, kind, response_kind, count, first, last in db.execute(
            select(TargetResponse.country, TargetResponse.target_kind, TargetResponse.kind,
                   func.count(), func.min(TargetResponse.on_date),
                   func.max(TargetResponse.on_date))
            .group_by(TargetResponse.country, TargetResponse.target_kind,
                      TargetResponse.kind)):
        key = (country, kind)
        if key not in rows:
            rows[key] = ResponsivenessRow(*key)
        entry = rows[key]
        if response_kind == ResponseKind.COMMITTED:
            entry.commitments_recorded += count
        else:
            entry.replies_recorded += count
        entry.first_reply = min(d for d in (entry.first_reply, first) if d is not None)
        entry.last_reply = max(d for d in (entry.last_reply, last) if d is not None)
    return sorted(rows.values(), key=lambda r: (r.country, r.kind))


def responsiveness_totals(rows: Sequence[ResponsivenessRow]) -> ResponsivenessRow:
    """The table's sums, as one more row."""
    total = ResponsivenessRow("", "")
    for entry in rows:
        total.letters_sent += entry.letters_sent
        total.letters_asked += entry.letters_asked
        for answer, count in entry.answers.items():
            total.answers[answer] = total.answers.get(answer, 0) + count
        total.replies_recorded += entry.replies_recorded
        total.commitments_recorded += entry.commitments_recorded
        for day in (entry.first_reply, entry.last_reply):
            if day is not None:
                total.first_reply = min(total.first_reply or day, day)
                total.last_reply = max(total.last_reply or day, day)
    return total


def remove_response(db: Session, response_id: int, actor: StaffIdentity
                    ) -> TargetResponse | None:
    """Delete a reply or commitment recorded by mistake, with an audit entry saying what it
    was; None when there is no such record (removed already, maybe at the same moment)."""
    response = db.get(TargetResponse, response_id)
    if response is None:
        return None
    db.delete(response)
    db.flush()
    auth.audit(db, "target_response.remove", f"target/{response.target_id}",
               f"{response.kind} {response.on_date.isoformat()} {response.link}".strip(),
               actor=actor)
    return response
