"""Campaign content as staff left it: the files in letters/campaigns with the database's edits.

No Flask here: `load_overrides` is what campaigns.Campaigns calls when the content revision
grows, in the web process and in the worker alike.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from letters.templates import CampaignContent, ContentError, parse_template
from representatives.model import TargetKind

from ..models import Campaign
from .models import (
    CampaignSettings,
    CampaignText,
    ContentRevision,
    PublishedTemplate,
    TemplateVersion,
)

log = logging.getLogger(__name__)


def content_revision(session: Session) -> int | None:
    """The counter of staff changes (None before the first)."""
    return session.scalar(select(ContentRevision.counter).where(ContentRevision.id == 1))


def bump_revision(session: Session) -> None:
    """Record that content changed; other processes rebuild their templates within seconds."""
    # An UPDATE gives a CursorResult, which has the row count; Session.execute is annotated
    # with the general Result.
    updated = cast(CursorResult[Any], session.execute(
        update(ContentRevision).where(ContentRevision.id == 1)
        .values(counter=ContentRevision.counter + 1)
    ))
    if updated.rowcount == 0:
        session.add(ContentRevision(id=1, counter=1))
    session.flush()


def kinds_of(value: str) -> tuple[TargetKind, ...]:
    return tuple(TargetKind(k) for k in value.split(",") if k)


def load_overrides(session: Session, files: dict[str, CampaignContent],
                   template_slug: str) -> dict[str, CampaignContent]:
    """Every campaign's content: the files' with staff edits on top, plus staff-made campaigns.

    A campaign made by staff starts from `template_slug`'s folder (its texts and its letters)
    until its own letters are published.
    """
    result = dict(files)
    campaigns = {c.id: c.slug for c in session.scalars(select(Campaign))}
    texts: dict[int, list[CampaignText]] = {}
    for text in session.scalars(select(CampaignText)):
        texts.setdefault(text.campaign_id, []).append(text)
    settings = {s.campaign_id: s for s in session.scalars(select(CampaignSettings))}
    published: dict[int, list[tuple[str, str]]] = {}
    for row in session.execute(
        select(PublishedTemplate.campaign_id, PublishedTemplate.language, TemplateVersion.source)
        .join(TemplateVersion, TemplateVersion.id == PublishedTemplate.version_id)
    ):
        published.setdefault(row.campaign_id, []).append((row.language, row.source))

    for campaign_id, slug in campaigns.items():
        base = files.get(slug) or files.get(template_slug)
        if base is None:
            continue
        own = texts.get(campaign_id, [])
        if slug not in files and not any(t.language == "en" for t in own):
            continue  # a staff campaign without an English title is not ready
        titles = dict(base.titles) if slug in files else {}
        intros = dict(base.intros) if slug in files else {}
        for text in own:
            titles[text.language] = text.title
            intros[text.language] = text.intro
        intros.setdefault("en", "")
        kinds = base.target_kinds
        if campaign_id in settings and settings[campaign_id].target_kinds:
            kinds = kinds_of(settings[campaign_id].target_kinds)
        templates = {
            language: replace(template, campaign=slug)
            for language, template in base.templates.items()
        }
        for language, source in published.get(campaign_id, []):
            try:
                templates[language] = parse_template(source, campaign=slug, language=language,
                                                     default_kinds=kinds)
            except ContentError as error:  # validated when saved; a later code change may not
                log.error("published letter %s/%s no longer valid: %s", slug, language, error)
        countries: tuple[str, ...] = ()
        deadline = None
        if campaign_id in settings:
            countries = tuple(c for c in settings[campaign_id].countries.split(",") if c)
            deadline = settings[campaign_id].deadline
        result[slug] = replace(base, slug=slug, titles=titles, intros=intros,
                               target_kinds=kinds, templates=templates, countries=countries,
                               deadline=deadline)
    return result
