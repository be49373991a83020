"""Campaign content (texts and letter templates) as every process keeps it, staff edits included."""

from __future__ import annotations

from datetime import date
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from letters.rendering import LetterRenderer
from letters.templates import CampaignContent, load_all_campaigns

from ..models import Campaign, CampaignStatus
from ..recheck import Recheck


@cache
def file_campaigns() -> tuple[dict[str, CampaignContent], LetterRenderer]:
    """The campaigns in letters/campaigns and their compiled letters, once per process.

    The files do not change while a process runs, and every app of the process (the tests make
    many) shares what this returns: neither the content nor the renderer may ever be changed in
    place. Staff edits are merged into copies (webapp.staff.content.load_overrides).
    """
    content = load_all_campaigns()
    return content, LetterRenderer(content)


class Campaigns:
    """Campaign texts and templates, loaded and compiled once per version.

    The files in letters/campaigns are the starting point (`content`, shared by every app of
    the process: read-only); once `attach`ed to the database, what staff published there
    overrides them. Like DirectoryCache, the content's revision is checked with one small query
    at most every `check_seconds`, and the templates are compiled again only when it has
    changed.
    """

    def __init__(self):
        self.content, self._renderer = file_campaigns()
        self._merged = self.content
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
        assert self._session_factory is not None  # run by _refresh only once attached
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


def campaign_ended(content: CampaignContent) -> bool:
    return content.deadline is not None and date.today() > content.deadline
