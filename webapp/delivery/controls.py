"""How a campaign's letters are sent, as staff steer it: the kill switch, the send window, the
per-address hourly cap, test mode, and lifting a pause the mail service forced on us.

One implementation for `flask delivery campaign/resume` and the staff page
(webapp/staff/delivery_controls.py); no Flask here. Problems are codes, worded by the caller.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..models import Campaign, DeliveryPause

# The campaign.per_target_hourly_cap column is a 32-bit integer; no address takes more.
MAX_HOURLY_CAP = 100_000


# What the command line says for each refusal; the staff pages say it in the staff member's
# language (staff.views.delivery_controls), keyed by the same codes.
COMMAND_LINE_MESSAGES = {
    "unknown_time_zone": "not a time zone; give an IANA name such as Europe/Amsterdam",
    "window_hours": "the hours go from 0 to 24",
    "window_empty": "the window must not start and end at the same hour",
    "window_format": "give the window as two hours, such as 9-17 (empty: always)",
    "cap_range": "a whole number from 1 to 100000 (0: no cap)",
    "invalid_address": "not an e-mail address",
}


class DeliveryControlError(ValueError):
    """A change that cannot be made: `field` names what was wrong, `code` why."""

    def __init__(self, field: str, code: str):
        super().__init__(COMMAND_LINE_MESSAGES.get(code, code))
        self.field = field
        self.code = code


@dataclass(frozen=True)
class DeliveryChange:
    """What to change; None leaves a setting as it is.

    window: (start hour, end hour), or () for "always"; cap 0 means no cap; test_recipient ""
    turns test mode off.
    """

    stop: bool | None = None
    cap: int | None = None
    window: tuple[int, int] | tuple[()] | None = None
    time_zone: str | None = None
    test_recipient: str | None = None


@cache
def time_zones() -> tuple[str, ...]:
    """The IANA time zones this system knows, sorted."""
    return tuple(sorted(available_timezones()))


def check_time_zone(name: str) -> str:
    if name not in time_zones():
        raise DeliveryControlError("time_zone", "unknown_time_zone")
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise DeliveryControlError("time_zone", "unknown_time_zone") from error
    return name


def parse_window(text: str) -> tuple[int, int] | tuple[()]:
    """"9-17" as (9, 17); "" as () (always). The window may wrap past midnight (22-6)."""
    text = text.strip()
    if not text:
        return ()
    start, dash, end = text.partition("-")
    if not dash or not start.strip().isdigit() or not end.strip().isdigit():
        raise DeliveryControlError("window", "window_format")
    return int(start), int(end)


def _check_window(window: tuple[int, int] | tuple[()]) -> tuple[int, int] | tuple[()]:
    if not window:
        return ()
    start, end = window
    if not (0 <= start <= 23 and 0 <= end <= 24):
        raise DeliveryControlError("window", "window_hours")
    if start == end:
        raise DeliveryControlError("window", "window_empty")
    return start, end


def check_recipient(address: str) -> str:
    """The address normalised, or an error: no letter may go to a mistyped test address."""
    try:
        return validate_email(address.strip(), check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise DeliveryControlError("test_recipient", "invalid_address") from error


def change_delivery(session: Session, campaign: Campaign, change: DeliveryChange) -> list[str]:
    """Apply `change` to the campaign (flushes nothing, commits nothing), all or nothing.

    Returns one line per setting that changed, for the audit log (empty: nothing changed).
    """
    # Everything is checked before anything is set, so a refused change leaves no trace.
    window = _check_window(change.window) if change.window is not None else None
    zone = check_time_zone(change.time_zone) if change.time_zone else None
    if change.cap is not None and not 0 <= change.cap <= MAX_HOURLY_CAP:
        raise DeliveryControlError("cap", "cap_range")
    recipient = (check_recipient(change.test_recipient) if change.test_recipient else
                 None if change.test_recipient is None else "")
    changes: list[str] = []

    def assign(attribute: str, value, label: str) -> None:
        if getattr(campaign, attribute) != value:
            setattr(campaign, attribute, value)
            changes.append(f"{label}={value if value is not None else ''}")

    if change.stop is not None:
        assign("sending_paused", change.stop, "sending_paused")
    if change.cap is not None:
        assign("per_target_hourly_cap", change.cap or None, "cap")
    if window is not None:
        start, end = window if window else (None, None)
        assign("send_window_start", start, "window_start")
        assign("send_window_end", end, "window_end")
    if zone is not None:
        assign("send_window_tz", zone, "time_zone")
    if recipient is not None:
        assign("test_recipient", recipient or None, "test_recipient")
    return changes


def describe(campaign: Campaign) -> str:
    """The campaign's sending in one line, as the command prints it."""
    window = (f"{campaign.send_window_start}-{campaign.send_window_end} "
              f"{campaign.send_window_tz}" if campaign.send_window_start is not None
              else "always")
    return (f"{campaign.slug}: sending {'STOPPED' if campaign.sending_paused else 'on'}, "
            f"cap {campaign.per_target_hourly_cap or 'none'}/hour per target, "
            f"window {window}, test recipient {campaign.test_recipient or 'off'}")


def campaign_by_slug(session: Session, slug: str) -> Campaign | None:
    return session.scalar(select(Campaign).where(Campaign.slug == slug))


def current_pauses(session: Session) -> list[DeliveryPause]:
    """The pauses the mail service forced on all sending, oldest first."""
    return list(session.scalars(select(DeliveryPause).order_by(DeliveryPause.created_at)))


def lift_pauses(session: Session) -> list[str]:
    """Lift every pause (after the mail account was fixed); the reasons lifted."""
    reasons = list(session.scalars(select(DeliveryPause.reason).order_by(DeliveryPause.reason)))
    if reasons:
        session.execute(delete(DeliveryPause).where(DeliveryPause.reason.in_(reasons)))
    return reasons
