"""Partners' keys, origins, consents and counts (no Flask: the commands use these too)."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import date
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from database import insert_or_merge, utcnow

from .models import ApiKey, Partner, PartnerConsent, PartnerDraftCount

CODE_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")
KEY_PREFIX = "tl_"


class PartnerError(ValueError):
    """What staff typed cannot make a partner."""


def normalise_origin(value: str) -> str:
    """'https://Example.org/' -> 'https://example.org'; refuse anything but an origin."""
    parts = urlsplit(value.strip())
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise PartnerError(f"not an origin (scheme://host[:port]): {value!r}")
    if parts.path not in {"", "/"} or parts.query or parts.fragment or parts.username:
        raise PartnerError(f"an origin has no path, query or user: {value!r}")
    origin = f"{parts.scheme}://{parts.hostname.lower()}"
    if parts.port:
        origin += f":{parts.port}"
    return origin


def create_partner(session: Session, *, code: str, name: str, origins: list[str],
                   privacy_url: str = "", consent_text: str = "") -> Partner:
    """Add a partner (the caller commits)."""
    if not CODE_PATTERN.fullmatch(code):
        raise PartnerError("the code takes 1-40 lower-case letters, digits and dashes")
    if session.scalar(select(Partner).where(Partner.code == code)) is not None:
        raise PartnerError(f"partner {code!r} exists already")
    if privacy_url and urlsplit(privacy_url).scheme not in {"http", "https"}:
        raise PartnerError("the privacy notice link must be an http(s) URL")
    partner = Partner(code=code, name=name, privacy_url=privacy_url, consent_text=consent_text,
                      allowed_origins=" ".join(normalise_origin(o) for o in origins),
                      active=True)
    session.add(partner)
    session.flush()
    return partner


def hash_key(key: str) -> str:
    # Keys are 256 random bits: a plain SHA-256 cannot be reversed or guessed, and stays fast
    # enough to check on every request (a password hash would not).
    return hashlib.sha256(key.encode()).hexdigest()


def create_key(session: Session, partner: Partner, label: str = "") -> str:
    """Make a key for the partner; return it in clear (the only time it is seen)."""
    secret = secrets.token_urlsafe(32)
    key = f"{KEY_PREFIX}{secret}"
    session.add(ApiKey(partner=partner, prefix=key[:12], key_hash=hash_key(key), label=label))
    session.flush()
    return key


def partner_for_key(session: Session, key: str) -> Partner | None:
    """The active partner owning this (unrevoked) key, or None."""
    if not key.startswith(KEY_PREFIX) or len(key) > 200:
        return None
    wanted = hash_key(key)
    row = session.scalar(select(ApiKey).where(ApiKey.key_hash == wanted))
    # The look-up is by hash already; compare again in constant time all the same.
    if row is None or row.revoked_at is not None or not hmac.compare_digest(row.key_hash, wanted):
        return None
    return row.partner if row.partner.active else None


def revoke_key(session: Session, prefix: str) -> bool:
    row = session.scalar(select(ApiKey).where(ApiKey.prefix == prefix))
    if row is None or row.revoked_at is not None:
        return False
    row.revoked_at = utcnow()
    return True


def get_partner(session: Session, code: str) -> Partner | None:
    if not CODE_PATTERN.fullmatch(code):
        # No partner has such a code (create_partner checks it), and an embed's address may
        # hold anything: PostgreSQL refuses a NUL in the query rather than finding nothing.
        return None
    partner = session.scalar(select(Partner).where(Partner.code == code))
    return partner if partner is not None and partner.active else None


def record_consent(session: Session, partner: Partner, *, campaign_id: int, name: str,
                   email: str, language: str, consent_text: str) -> None:
    """Keep that the supporter agreed to hear from the partner, with the words they ticked
    (the partner may have changed its box since).

    Only for an address its owner confirmed (supporters.operations.confirm_letters): a
    consent given with someone else's address is none.
    """
    session.add(PartnerConsent(partner_id=partner.id, campaign_id=campaign_id,
                               supporter_name=name, supporter_email=email, language=language,
                               consent_text=consent_text))


def count_partner_drafts(session: Session, partner_code: str, campaign_id: int, country: str,
                         letters: int) -> None:
    values = {"partner_code": partner_code, "campaign_id": campaign_id, "day": date.today(),
              "country": country, "letters": letters}
    statement = insert_or_merge(session, PartnerDraftCount).values(**values)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["partner_code", "campaign_id", "day", "country"],
            set_={"letters": PartnerDraftCount.letters + statement.excluded.letters},
        )
    )
