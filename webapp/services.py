"""What the views call: campaign content, the directory, and storing what supporters send.

Views stay thin: they load, check, call one of these, and commit.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from dataclasses import replace
from datetime import date
from typing import NamedTuple

from flask import current_app
from jinja2 import TemplateError
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from database import DriverInsert, insert_or_merge, utcnow
from letters.rendering import LetterRenderer, Supporter, UnknownCampaign
from letters.sharing import SharedLetter, addressed_body, share_letters
from letters.templates import CampaignContent, load_all_campaigns
from representatives.directory import Directory
from representatives.model import ChannelKind, Match, MatchError, Target, TargetGroup
from representatives.store import directory_version, load_directory

from .models import (
    Campaign,
    CampaignStatus,
    DraftCount,
    Notice,
    NoticeKind,
    NoticeState,
    Submission,
    pack_pending,
)

log = logging.getLogger(__name__)


class Recheck:
    """At most one check every `seconds`, by one thread at a time.

    While one thread checks, the others go on with what they have rather than wait: each
    waiting worker thread would hold its own database connection while the checking one needs
    another, which could leave none for it (see Database.fit_pool). Only a caller with nothing
    to go on (`wait=True`) waits for the check.
    """

    def __init__(self, seconds: float):
        self.seconds = seconds
        self._lock = threading.Lock()
        # -inf, not 0: time.monotonic() may be smaller than `seconds` on a fresh machine.
        self._checked_at = float("-inf")

    def run_if_due(self, check, wait: bool = False) -> None:
        now = time.monotonic()
        if now - self._checked_at < self.seconds or not self._lock.acquire(blocking=wait):
            return
        try:
            if now - self._checked_at >= self.seconds:  # not done meanwhile by another thread
                check()
                self._checked_at = now
        finally:
            self._lock.release()

    def invalidate(self) -> None:
        """Check on the next use."""
        self._checked_at = float("-inf")


class Campaigns:
    """Campaign texts and templates, loaded and compiled once per version.

    The files in letters/campaigns are the starting point (`content`); once `attach`ed to the
    database, what staff published there overrides them. Like DirectoryCache, the content's
    revision is checked with one small query at most every `check_seconds`, and the templates
    are compiled again only when it has changed.
    """

    def __init__(self):
        self.content: dict[str, CampaignContent] = load_all_campaigns()
        self._merged = self.content
        self._renderer = LetterRenderer(self.content)
        # The files' letters, for when a published version fails on unusual input.
        self.file_renderer = self._renderer
        self._session_factory: sessionmaker | None = None
        self._revision: int | None = None
        self._recheck = Recheck(5.0)

    def attach(self, session_factory: sessionmaker, revision, load, check_seconds: float = 5.0):
        """Read staff edits: `revision(session)` a counter, `load(session, files)` the content."""
        self._session_factory = session_factory
        self._read_revision, self._load = revision, load
        self._recheck.seconds = check_seconds

    def _refresh(self) -> None:
        if self._session_factory is not None:
            self._recheck.run_if_due(self._reload)

    def _reload(self) -> None:
        with self._session_factory() as session:
            revision = self._read_revision(session)
            if revision is not None and revision != self._revision:
                merged = self._load(session, self.content)
                self._renderer = LetterRenderer(merged)
                self._merged, self._revision = merged, revision

    def invalidate(self) -> None:
        """Check the revision on the next use (this process just changed it)."""
        self._recheck.invalidate()

    @property
    def renderer(self) -> LetterRenderer:
        self._refresh()
        return self._renderer

    def all(self) -> dict[str, CampaignContent]:
        """Every campaign's current content, staff edits included."""
        self._refresh()
        return self._merged

    def get(self, slug: str) -> CampaignContent | None:
        self._refresh()
        return self._merged.get(slug)


def sync_campaigns(session: Session, campaigns: Campaigns) -> list[str]:
    """Create a database row for each campaign folder that has none yet; return new slugs."""
    existing = set(session.scalars(select(Campaign.slug)))
    added = [slug for slug in campaigns.content if slug not in existing]
    session.add_all(Campaign(slug=slug, status=CampaignStatus.OPEN) for slug in added)
    return added


class DirectoryCache:
    """The in-memory directory, reloaded when the data in the database changes.

    Matching is a dictionary look-up on this; checking the data's version costs one small
    query, done at most every `check_seconds`.
    """

    def __init__(self, session_factory: sessionmaker, check_seconds: float = 30.0):
        self.session_factory = session_factory
        self._directory: Directory | None = None
        self._version: str | None = None
        self._recheck = Recheck(check_seconds)

    def get(self) -> Directory:
        # With no directory yet there is nothing to serve: wait for the thread loading it.
        self._recheck.run_if_due(self._reload, wait=self._directory is None)
        return self._directory

    def _reload(self) -> None:
        with self.session_factory() as session:
            version = directory_version(session)
            if version != self._version or self._directory is None:
                self._directory = load_directory(session)
                self._version = version

    def invalidate(self) -> None:
        self._recheck.invalidate()


class OutsideCampaign(MatchError):
    """The campaign takes letters only from some countries, and not this one."""

    code = "outside_campaign"


def match_for_campaign(content: CampaignContent, country: str,
                       postcode: str | None = None) -> Match:
    """Match a supporter, keeping only the countries and kinds of target the campaign is for."""
    country = country.upper()
    if content.countries and country not in content.countries:
        raise OutsideCampaign(country)
    match = directory().match(country, postcode=postcode)
    kinds = set(content.target_kinds)
    groups = tuple(
        TargetGroup(group.kind, tuple(m for m in group.targets if m.target.kind in kinds))
        for group in match.groups
    )
    return replace(match, groups=tuple(group for group in groups if group.targets))


def campaign_ended(content: CampaignContent) -> bool:
    return content.deadline is not None and date.today() > content.deadline


def campaigns() -> Campaigns:
    return current_app.extensions["campaigns"]


def directory() -> Directory:
    return current_app.extensions["directory"].get()


class DraftLetter(NamedTuple):
    """A letter as the supporter left it in step two: a shared text and its recipient.

    A named tuple rather than a frozen dataclass: one is made for each of a submission's
    letters, and a frozen dataclass's __init__ costs three times as much."""

    target: Target
    subject: str
    text: str
    salutation: str
    language: str

    @property
    def body(self) -> str:
        return addressed_body(self.salutation, self.text)


def shared_letters(content: CampaignContent, match: Match, supporter: Supporter
                   ) -> list[SharedLetter]:
    """The letters for step two: one text per section and wording, each recipient greeted."""
    def render(renderer: LetterRenderer) -> list[SharedLetter]:
        return [
            letter
            for group in match.groups
            for letter in share_letters(renderer, content.slug,
                                        (m.target for m in group.targets), supporter)
        ]

    try:
        return render(campaigns().renderer)
    except (TemplateError, UnknownCampaign) as error:
        # Staff templates are checked when saved, but a supporter's input can still push one
        # past the sandbox's limits: the campaign's own file letter is the safe fallback.
        if content.slug not in campaigns().content:
            raise
        log.error("published letter of %s failed, using the file's: %s", content.slug, error)
        return render(campaigns().file_renderer)


def can_send_for(target: Target) -> bool:
    return target.channel(ChannelKind.EMAIL) is not None


def new_form_key() -> str:
    return secrets.token_urlsafe(24)


# The INSERTs of store_submission, compiled once (see DriverInsert).
_INSERT_SUBMISSION = DriverInsert(Submission.__table__, returning="id")
_INSERT_NOTICE = DriverInsert(Notice.__table__, returning="id")


def store_submission(
    session: Session,
    *,
    campaign: Campaign,
    supporter: Supporter,
    postcode: str,
    language: str,
    wants_updates: bool,
    form_key: str,
    drafts: list[DraftLetter],
    partner_code: str | None = None,
) -> int:
    """Store the letters as pending confirmation and the mail asking to confirm.

    Two rows, however many letters: the submission, holding its letters until the supporter
    confirms them (Submission.pending_letters), and the confirmation mail. Core INSERTs
    rather than ORM objects: this is the hottest write of the app. The view commits.
    Returns the mail's id.
    """
    connection = session.connection()
    now = utcnow()
    submission_id = _INSERT_SUBMISSION.one(
        connection,
        {"public_id": secrets.token_hex(16), "form_key": form_key, "campaign_id": campaign.id,
         "supporter_name": supporter.name, "supporter_email": supporter.email,
         "supporter_town": supporter.town, "country": supporter.country, "postcode": postcode,
         "language": language, "wants_updates": wants_updates, "created_at": now,
         "partner_code": partner_code,
         "pending_letters": pack_pending(
             (d.target.id, d.target.name, d.target.email, d.salutation, d.subject, d.text,
              d.language) for d in drafts)},
    )
    return _INSERT_NOTICE.one(
        connection,
        {"submission_id": submission_id, "kind": NoticeKind.CONFIRMATION,
         "to_address": supporter.email, "state": NoticeState.QUEUED, "attempts": 0,
         "created_at": now, "enqueued_at": now},  # queued by the view after the commit
    )


def count_drafts(session: Session, campaign: Campaign, country: str, letters: int) -> None:
    """Add to the anonymous count of letters opened in supporters' own mail apps."""
    values = {"campaign_id": campaign.id, "day": date.today(), "country": country,
              "letters": letters}
    statement = insert_or_merge(session, DraftCount).values(**values)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["campaign_id", "day", "country"],
            set_={"letters": DraftCount.letters + statement.excluded.letters},
        )
    )
