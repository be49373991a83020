"""Staff sign-in: argon2 password hashes, Flask-Login sessions that expire, roles, the audit log.

A session is a row of staff_session as well as the signed cookie: signing out deletes the row,
so a copy of the cookie is refused from then on, and the row's age is checked on the server.

Every route of the staff blueprint needs a signed-in user unless it is in PUBLIC_ENDPOINTS;
viewers may only read (GET), except the few POST endpoints in READ_ONLY_POSTS; the endpoints in
ADMIN_ENDPOINTS need an admin. The rule runs before every request of the blueprint, so a new
route is protected without anyone remembering a decorator.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import abort, redirect, request, session, url_for
from flask_login import LoginManager, UserMixin, current_user, logout_user
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from database import as_utc, utcnow
from letters.text import is_storable

from ..app_state import app_state
from ..db import get_session
from .models import AuditEntry, Role, StaffSession, StaffUser  # noqa: F401  (AuditEntry: commands)

PUBLIC_ENDPOINTS = frozenset({"staff.login"})
READ_ONLY_POSTS = frozenset({"staff.letter_preview", "staff.logout"})
ADMIN_ENDPOINTS = frozenset({"staff.users", "staff.user_create", "staff.user_update",
                             "staff.audit"})

hasher = PasswordHasher()
# Verified against when the address is unknown, so that the answer takes as long either way.
_DUMMY_HASH = hasher.hash(secrets.token_urlsafe(16))

login_manager = LoginManager()
login_manager.session_protection = "strong"


class StaffIdentity(UserMixin):
    """The signed-in staff member, as Flask-Login sees them."""

    def __init__(self, user: StaffUser, session_key: str):
        self.user_id = user.id
        self.email = user.email
        self.role = Role(user.role)
        self.session_key = session_key
        # The account's token ends every session of the account when it changes; the key ends
        # this one when its row goes.
        self._session_id = f"{user.id}:{user.session_token}:{session_key}"

    def get_id(self) -> str:
        return self._session_id

    def can(self, role: Role) -> bool:
        return self.role.rank >= role.rank


@login_manager.user_loader
def _load_user(session_id: str):
    user_id, _, rest = session_id.partition(":")
    token, _, key = rest.partition(":")
    if not user_id.isdigit() or not key:
        return None
    db = get_session()
    row = db.get(StaffSession, _digest(key))
    max_age = timedelta(hours=app_state().config.staff_session_max_hours)
    if row is None or row.user_id != int(user_id) or as_utc(row.created_at) < utcnow() - max_age:
        return None
    user = db.get(StaffUser, int(user_id))
    if user is None or not user.active or not secrets.compare_digest(user.session_token, token):
        return None
    return StaffIdentity(user, key)


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def open_session(db: Session, user: StaffUser, max_hours: float) -> str:
    """Record a new session of `user`; return the key its cookie carries."""
    # The user's sessions that ended by age without signing out go now.
    db.execute(delete(StaffSession).where(
        StaffSession.user_id == user.id,
        StaffSession.created_at < utcnow() - timedelta(hours=max_hours)))
    key = secrets.token_urlsafe(32)
    db.add(StaffSession(id=_digest(key), user_id=user.id, created_at=utcnow()))
    return key


def close_session(db: Session, identity: StaffIdentity) -> None:
    """End this session on the server: its cookie, and any copy of it, is refused from now."""
    db.execute(delete(StaffSession).where(StaffSession.id == _digest(identity.session_key)))


def close_all_sessions(db: Session, user: StaffUser) -> None:
    db.execute(delete(StaffSession).where(StaffSession.user_id == user.id))


def hash_password(password: str) -> str:
    return hasher.hash(password)


def check_password(db: Session, email: str, password: str) -> StaffUser | None:
    """The active user with this address and password, else None (in about the same time)."""
    address = email.strip().lower()
    # No account has an address no database can store (a NUL): PostgreSQL would refuse the
    # query rather than find nobody.
    user = (db.scalars(select(StaffUser).where(StaffUser.email == address)).first()
            if is_storable(address) else None)
    try:
        hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    return user


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


def create_user(db: Session, email: str, password: str, role: Role) -> StaffUser:
    user = StaffUser(email=email.strip().lower(), password_hash=hash_password(password),
                     role=Role(role), active=True, session_token=new_session_token())
    db.add(user)
    db.flush()
    return user


def audit(db: Session, action: str, subject: str = "", detail: str = "",
          actor: StaffIdentity | None = None) -> None:
    """Record a staff change; the view's commit stores it with the change itself."""
    who = actor if actor is not None else current_user
    authenticated = getattr(who, "is_authenticated", False)
    db.add(AuditEntry(
        at=utcnow(), user_id=who.user_id if authenticated else None,
        actor=who.email if authenticated else "(system)", action=action,
        subject=subject[:200], detail=detail,
    ))


def start_session() -> None:
    now = time.time()
    session["staff_login_at"] = now
    session["staff_seen_at"] = now


def _expired() -> bool:
    config = app_state().config
    now = time.time()
    login_at = session.get("staff_login_at", 0)
    seen_at = session.get("staff_seen_at", 0)
    return (now - seen_at > config.staff_session_idle_minutes * 60
            or now - login_at > config.staff_session_max_hours * 3600)


def enforce_access():
    """Before every staff request: sign-in, session age and role."""
    endpoint = request.endpoint or ""
    if endpoint in PUBLIC_ENDPOINTS:
        return None
    if current_user.is_authenticated and _expired():
        db = get_session()
        close_session(db, current_user)
        db.commit()
        logout_user()
        session.pop("staff_login_at", None)
    if not current_user.is_authenticated:
        if request.method == "GET":
            return redirect(url_for("staff.login", next=request.full_path.rstrip("?")))
        abort(401)
    session["staff_seen_at"] = time.time()
    if endpoint in ADMIN_ENDPOINTS and not current_user.can(Role.ADMIN):
        abort(403)
    if request.method not in ("GET", "HEAD", "OPTIONS") and endpoint not in READ_ONLY_POSTS:
        if not current_user.can(Role.EDITOR):
            abort(403)
    return None
