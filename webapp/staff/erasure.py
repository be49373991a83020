"""Staff erase a supporter by their e-mail address, when they ask by other means than the
link in their mails (a reply, a letter); no Flask here.

The erasure is the supporter's own (supporters.erasure). The audit log notes who erased, when,
and how much was found, never the address: a log of erased addresses would keep what was
erased.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from ..config import Config
from ..supporters import erasure
from ..supporters.erasure import Erased
from . import auth
from .auth import StaffIdentity


@dataclass(frozen=True)
class RetentionSettings:
    """How long what is kept, as configured: shown to staff beside the erasure form."""

    confirm_days: int  # unconfirmed letters and consents
    retention_days: int  # letters' texts and senders' details after sending
    contact_months: int  # "keep me informed" and partners' consents

    @classmethod
    def of(cls, config: Config) -> RetentionSettings:
        return cls(confirm_days=config.confirm_max_age_seconds // 86400,
                   retention_days=config.retention_days,
                   contact_months=config.contact_retention_months)


def erase_by_address(db: Session, email: str, actor: StaffIdentity) -> Erased:
    """Erase everything under this address and note it in the audit log, counts only (the
    caller commits)."""
    erased = erasure.erase_supporter(db, email)
    auth.audit(db, "supporter.erase", "supporter", (
        f"submissions={erased.submissions} letters_cancelled={erased.letters_cancelled} "
        f"consents={erased.consents} reports={erased.reports}"), actor=actor)
    return erased
