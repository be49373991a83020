"""The staff page that steers a campaign's sending; no Flask here.

The changes themselves are webapp.delivery.controls, which `flask delivery campaign` and
`flask delivery resume` use too; this module adds what the page shows and the audit log.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from babel import Locale
from babel.dates import get_timezone_location
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..delivery.controls import (
    DeliveryChange,
    change_delivery,
    current_pauses,
    lift_pauses,
    time_zones,
)
from ..models import Campaign, DeliveryPause, Letter, LetterState
from . import auth
from .auth import StaffIdentity


@dataclass(frozen=True)
class DeliveryState:
    """What the page shows: the campaign's settings (on the row), the pauses forced on all
    sending, and how many of its letters wait."""

    campaign: Campaign
    pauses: Sequence[DeliveryPause]
    waiting: int


def delivery_state(db: Session, campaign: Campaign) -> DeliveryState:
    waiting = db.scalar(select(func.count()).select_from(Letter).where(
        Letter.campaign_id == campaign.id, Letter.state == LetterState.QUEUED)) or 0
    return DeliveryState(campaign=campaign, pauses=current_pauses(db), waiting=waiting)


@lru_cache(maxsize=16)
def time_zone_choices(language: str) -> tuple[tuple[str, str], ...]:
    """(zone, "Europe/Amsterdam — Netherlands (Amsterdam) Time") in the reader's language."""
    locale = Locale.parse(language)
    return tuple((zone, _zone_label(zone, locale)) for zone in time_zones())


def _zone_label(zone: str, locale: Locale) -> str:
    try:
        return f"{zone} — {get_timezone_location(zone, locale=locale)}"
    except LookupError:  # a zone the system knows and Babel's own data does not ("Factory")
        return zone


def set_sending(db: Session, campaign: Campaign, *, stop: bool, actor: StaffIdentity) -> bool:
    """Stop or resume the campaign's sending; False if it already was so."""
    if not change_delivery(db, campaign, DeliveryChange(stop=stop)):
        return False
    auth.audit(db, "delivery.stop" if stop else "delivery.go", f"campaign/{campaign.slug}",
               actor=actor)
    return True


def update_settings(db: Session, campaign: Campaign, change: DeliveryChange,
                    actor: StaffIdentity) -> list[str]:
    """Change the window, time zone, cap and test mode (raises DeliveryControlError, having
    changed nothing, when one of them is refused); the changes made."""
    changes = change_delivery(db, campaign, change)
    if changes:
        auth.audit(db, "delivery.settings", f"campaign/{campaign.slug}", "; ".join(changes),
                   actor=actor)
    return changes


def resume_after_pause(db: Session, actor: StaffIdentity) -> list[str]:
    """Lift the mail service's pauses for all campaigns; the reasons lifted."""
    reasons = lift_pauses(db)
    if reasons:
        auth.audit(db, "delivery.resume", "delivery_pause", ", ".join(reasons), actor=actor)
    return reasons
