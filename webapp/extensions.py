"""Flask extensions, created here and bound in create_app."""

import hashlib

from flask import current_app, request
from flask.sessions import SecureCookieSessionInterface
from flask_babel import Babel
from flask_limiter import Limiter
from flask_wtf import CSRFProtect

babel = Babel()
csrf = CSRFProtect()


def _pseudonym(value: str) -> str:
    # Rate-limit keys live in Redis for a while: never keep an IP or e-mail address there in
    # clear. A keyed hash still tells the same client apart.
    secret = current_app.config["SECRET_KEY"].encode()
    return hashlib.blake2b(value.encode(), key=secret[:64], digest_size=16).hexdigest()


def client_rate_key() -> str:
    """Rate-limit key per client: the (pseudonymised) address the request came from."""
    return "client:" + _pseudonym(request.remote_addr or "unknown")


def email_rate_key() -> str:
    """Rate-limit key for the per-address limit: the e-mail address as typed, normalised."""
    return "email:" + _pseudonym((request.form.get("email") or "").strip().lower())


def has_no_email() -> bool:
    return not (request.form.get("email") or "").strip()


limiter = Limiter(key_func=client_rate_key)


class SessionCookies(SecureCookieSessionInterface):
    """Flask's signed session cookie, its serializer built once per set of keys.

    Flask builds a new itsdangerous serializer for every request, and building one serializes
    a test value to learn its kind: a third of the cost of reading the cookie.
    """

    def get_signing_serializer(self, app):
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        cached = getattr(self, "_serializer", None)
        if cached is None or cached[0] != keys:
            cached = self._serializer = (keys, super().get_signing_serializer(app))
        return cached[1]
