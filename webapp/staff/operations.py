"""What staff change, as plain functions: no request and no Flask, in the manner of Indico.

Each takes the database session, the values a view read from the request and the staff
member acting; it records the change in the audit log and leaves the commit to the caller,
which also tells this process that campaign content changed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from weakref import WeakKeyDictionary

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from database import insert_or_merge, utcnow
from letters import coverage
from letters.coverage import LetterReach, MissingTranslation
from letters.templates import CampaignContent
from letters.text import normalise_newlines
from letters.validation import validate_template
from representatives.directory import Directory
from representatives.model import TargetKind

from ..models import Campaign, CampaignStatus
from . import auth
from .auth import StaffIdentity
from .content import bump_revision
from .models import (
    CampaignSettings,
    CampaignText,
    LetterReview,
    PublishedTemplate,
    Role,
    StaffUser,
    TemplateVersion,
)

# --- campaigns ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CampaignValues:
    """A campaign form as posted: its settings and each language's title and introduction."""

    allow_send: bool
    allow_draft: bool
    target_kinds: list[str]
    countries: str
    deadline: date | None
    texts: dict[str, tuple[str, str]]  # language -> (title, intro), as typed
    proof_of_work: bool = False
    write_to_next_host: bool = True
    letter_goal: int | None = None  # letters before the next summit; None: no goal
    letters_ticked: int = 3  # of a longer list, how many are ticked per supporter


def chosen_kinds(posted: Iterable[str]) -> list[str]:
    """The known kinds of target among `posted`, in TargetKind's order."""
    wanted = set(posted)
    return [kind.value for kind in TargetKind if kind.value in wanted]


def campaign_exists(db: Session, slug: str) -> bool:
    """Whether a campaign has this slug."""
    return db.scalars(select(Campaign).where(Campaign.slug == slug)).first() is not None


def create_campaign(db: Session, slug: str, values: CampaignValues,
                    actor: StaffIdentity) -> Campaign:
    """Add a campaign with the form's settings and texts."""
    # New campaigns start paused, so staff can check them before anyone writes.
    campaign = Campaign(slug=slug, status=CampaignStatus.PAUSED)
    db.add(campaign)
    db.flush()  # the settings and texts need its id
    _store_campaign(db, campaign, values)
    auth.audit(db, "campaign.create", campaign.slug, actor=actor)
    bump_revision(db)
    return campaign


def update_campaign(db: Session, campaign: Campaign, values: CampaignValues,
                    actor: StaffIdentity) -> None:
    """Store the form's settings and texts for an existing campaign."""
    changes = "; ".join(
        f"{what} {old} -> {new}"
        for what, old, new in (("letter goal", campaign.letter_goal, values.letter_goal),
                               ("letters ticked", campaign.letters_ticked,
                                values.letters_ticked))
        if old != new)
    _store_campaign(db, campaign, values)
    auth.audit(db, "campaign.edit", campaign.slug, changes, actor=actor)
    bump_revision(db)


def set_campaign_status(db: Session, campaign: Campaign, status: str,
                        actor: StaffIdentity) -> None:
    """Open, pause or close a campaign."""
    auth.audit(db, "campaign.status", campaign.slug, f"{campaign.status} -> {status}",
               actor=actor)
    campaign.status = status


def _store_campaign(db: Session, campaign: Campaign, values: CampaignValues) -> None:
    campaign.allow_send = values.allow_send
    campaign.allow_draft = values.allow_draft
    campaign.proof_of_work = values.proof_of_work
    campaign.write_to_next_host = values.write_to_next_host
    campaign.letter_goal = values.letter_goal
    campaign.letters_ticked = values.letters_ticked
    settings = db.get(CampaignSettings, campaign.id) or CampaignSettings(campaign_id=campaign.id)
    settings.target_kinds = ",".join(chosen_kinds(values.target_kinds))
    settings.countries = ",".join(
        sorted({c.strip().upper() for c in values.countries.split(",") if c.strip()})
    )
    settings.deadline = values.deadline
    settings.updated_at = utcnow()
    db.add(settings)
    for language, (title, intro) in values.texts.items():
        title = title.strip()[:200]
        row = db.get(CampaignText, (campaign.id, language))
        if title:
            row = row or CampaignText(campaign_id=campaign.id, language=language)
            row.title, row.intro = title, normalise_newlines(intro).strip()
            db.add(row)
        elif row is not None:  # no title: the language falls back to the campaign's files
            db.delete(row)


# --- letter templates ---------------------------------------------------------------------


def save_letter(db: Session, campaign: Campaign, language: str, source: str, note: str,
                actor: StaffIdentity, *, publish: bool) -> TemplateVersion:
    """Save `source` as the next version of the campaign's letter, and publish it if asked."""
    number = db.scalar(select(func.max(TemplateVersion.number)).where(
        TemplateVersion.campaign_id == campaign.id, TemplateVersion.language == language)) or 0
    version = TemplateVersion(campaign_id=campaign.id, language=language, number=number + 1,
                              source=normalise_newlines(source), note=note[:200],
                              author=actor.email, created_by=actor.user_id,
                              created_at=utcnow())
    db.add(version)
    db.flush()  # publishing refers to its id
    auth.audit(db, "letter.save", f"{campaign.slug}/{language}", f"version {version.number}",
               actor=actor)
    if publish:
        publish_version(db, campaign, version, actor)
    return version


def republish_version(db: Session, campaign: Campaign, version: TemplateVersion,
                      content: CampaignContent, time_limit: float,
                      actor: StaffIdentity) -> None:
    """Publish a saved version again; raise ContentError if it is no longer valid."""
    # Checked again: the rules may have changed since the version was saved.
    validate_template(version.source, content=content, language=version.language,
                      time_limit=time_limit)
    publish_version(db, campaign, version, actor)


def publish_version(db: Session, campaign: Campaign, version: TemplateVersion,
                    actor: StaffIdentity) -> None:
    """Make `version` the letter supporters get in its language."""
    row = db.get(PublishedTemplate, (campaign.id, version.language))
    if row is None:
        row = PublishedTemplate(campaign_id=campaign.id, language=version.language)
        db.add(row)
    row.version_id = version.id
    row.published_at = utcnow()
    auth.audit(db, "letter.publish", f"{campaign.slug}/{version.language}",
               f"version {version.number}", actor=actor)
    bump_revision(db)


# --- accounts -----------------------------------------------------------------------------


def record_login(db: Session, user: StaffUser, session_hours: float) -> StaffIdentity:
    """Note a successful sign-in in the account and the audit log, and open its session (one
    that lasts at most `session_hours`); return the identity."""
    user.last_login_at = utcnow()
    identity = StaffIdentity(user, auth.open_session(db, user, session_hours))
    auth.audit(db, "login", user.email, actor=identity)
    return identity


def create_user(db: Session, email: str, password: str, role: str,
                actor: StaffIdentity) -> StaffUser | None:
    """Add an account; None if one with this address exists already."""
    email = email.strip().lower()
    if db.scalars(select(StaffUser).where(StaffUser.email == email)).first() is not None:
        return None
    user = auth.create_user(db, email, password, Role(role))
    auth.audit(db, "user.create", email, f"role {role}", actor=actor)
    return user


def update_user(db: Session, user: StaffUser, role: str, active: bool,
                actor: StaffIdentity) -> bool:
    """Set an account's role and whether it is active; False if admins would demote themselves."""
    if user.id == actor.user_id and (role != Role.ADMIN or not active):
        return False
    auth.audit(db, "user.update", user.email,
               f"role {user.role} -> {role}, active {user.active} -> {active}", actor=actor)
    if not active or role != user.role:
        user.session_token = auth.new_session_token()  # ends the user's sessions
        auth.close_all_sessions(db, user)
    user.role, user.active = role, active
    return True


# --- translations a campaign lacks ---------------------------------------------------------

def missing_translations(directory: Directory,
                         content: CampaignContent) -> list[MissingTranslation]:
    """The languages the campaign's targets in `directory` get the English letter in."""
    # The directory's targets grouped once per directory, as every view of the dashboard and
    # of a campaign reads them; kept weakly, so a reload's new directory brings new figures
    # and the old one is freed with its groups.
    reach = _LETTER_REACH.get(directory)
    if reach is None:
        reach = _LETTER_REACH[directory] = directory.letter_reach()
    return coverage.missing_translations(content, reach)


_LETTER_REACH: WeakKeyDictionary[Directory, LetterReach] = WeakKeyDictionary()


# --- reviews of translated letters --------------------------------------------------------

def awaiting_review(db: Session, campaign: Campaign, content: CampaignContent) -> set[str]:
    """The languages whose letter was translated without a native reader and that no staff
    member has marked reviewed yet."""
    flagged = {language for language, template in content.templates.items()
               if template.needs_review}
    if not flagged:
        return set()
    reviewed = set(db.scalars(select(LetterReview.language).where(
        LetterReview.campaign_id == campaign.id, LetterReview.language.in_(flagged))))
    return flagged - reviewed


def mark_reviewed(db: Session, campaign: Campaign, language: str, actor: StaffIdentity) -> bool:
    """Record that a native reader has read the letter in `language`; False if already.

    One statement that does nothing when the row exists: two clicks at once record it once.
    """
    added = db.execute(
        insert_or_merge(db, LetterReview)
        .values(campaign_id=campaign.id, language=language, reviewed_by=actor.user_id,
                reviewed_at=utcnow())
        .on_conflict_do_nothing(index_elements=["campaign_id", "language"])
        .returning(LetterReview.language)  # a row only when one was inserted
    ).first()
    if added is None:
        return False
    auth.audit(db, "letter.reviewed", campaign.slug, language, actor=actor)
    return True
