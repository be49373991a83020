"""Flask extensions, created here and bound in create_app."""

from flask import request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf import CSRFProtect

babel = Babel()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address)


def email_rate_key() -> str:
    """Rate-limit key for the per-address limit: the e-mail address as typed, normalised."""
    return "email:" + (request.form.get("email") or "").strip().lower()


def has_no_email() -> bool:
    return not (request.form.get("email") or "").strip()
