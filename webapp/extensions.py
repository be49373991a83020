"""Flask extensions, created here and bound in create_app."""

import hashlib

from flask import current_app, request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_wtf import CSRFProtect

from .app_state import app_state

babel = Babel()
csrf = CSRFProtect()


def pseudonym(value: str) -> str:
    """A keyed hash of `value`, for keys kept outside the database."""
    # Rate-limit keys live in Redis for a while: never keep an IP or e-mail address there in
    # clear. A keyed hash still tells the same client apart.
    secret = current_app.config["SECRET_KEY"].encode()
    return hashlib.blake2b(value.encode(), key=secret[:64], digest_size=16).hexdigest()


def client_rate_key() -> str:
    """Rate-limit key per client: the (pseudonymised) address the request came from."""
    return "client:" + pseudonym(request.remote_addr or "unknown")


def email_rate_key() -> str:
    """Rate-limit key for the per-address limit: the e-mail address as typed, normalised."""
    return "email:" + pseudonym((request.form.get("email") or "").strip().lower())


def has_no_email() -> bool:
    return not (request.form.get("email") or "").strip()


def per_client_limit() -> str:
    """The public forms' limit per client (a setting)."""
    return app_state().config.ratelimit_per_client


def per_email_limit() -> str:
    """The public forms' limit per e-mail address (a setting)."""
    return app_state().config.ratelimit_per_email


limiter = Limiter(key_func=client_rate_key)
