"""Flask extensions, created here and bound in create_app."""

import hashlib
import ipaddress
import logging
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import click
from flask import Blueprint, Flask, current_app, request
from flask.wrappers import Response
from flask_babel import Babel
from flask_compress import Compress
from flask_limiter import Limiter
from flask_wtf import CSRFProtect

from .app_state import app_state
from .log_privacy import Throttle

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


def _network_rate_key(ipv4_prefix: int, ipv6_prefix: int) -> str:
    """Rate-limit key for the network the client's address is in (pseudonymised)."""
    label = f"net{ipv4_prefix}-{ipv6_prefix}:"
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        # Not an IP address (a Unix socket, say): then the address is all there is to count.
        return label + pseudonym(request.remote_addr or "unknown")
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    prefix = ipv4_prefix if address.version == 4 else ipv6_prefix
    return label + pseudonym(str(ipaddress.ip_network((address, prefix), strict=False)))


def subnet_rate_key() -> str:
    """The client's IPv4 /24 or IPv6 /64: one household, office or server's neighbours."""
    return _network_rate_key(24, 64)


def wide_subnet_rate_key() -> str:
    """The client's IPv4 /16 or IPv6 /48: one provider's or one site's block."""
    return _network_rate_key(16, 48)


def email_rate_key() -> str:
    """Rate-limit key for the per-address limit: the e-mail address as typed, normalised."""
    return "email:" + pseudonym((request.form.get("email") or "").strip().lower())


def has_no_email() -> bool:
    return not (request.form.get("email") or "").strip()


def per_client_limit() -> str:
    """The public forms' limit per client (a setting)."""
    return app_state().config.ratelimit_per_client


def reports_limit() -> str:
    """The limit on supporters' reports about the data, per client (a setting)."""
    return app_state().config.ratelimit_reports


def per_email_limit() -> str:
    """The public forms' limit per e-mail address (a setting)."""
    return app_state().config.ratelimit_per_email


def per_subnet_limit() -> str:
    """The limit per /24 or /64 (a setting)."""
    return app_state().config.ratelimit_per_subnet


def per_wide_subnet_limit() -> str:
    """The limit per /16 or /48 (a setting)."""
    return app_state().config.ratelimit_per_wide_subnet


limiter = Limiter(key_func=client_rate_key)

# Whoever holds many addresses (a cloud server's neighbours, a provider's pool, IPv6, where a
# single line gets a whole /64) would otherwise have a limit per address. Looser limits per
# network, counted beside the one per address, bound them too.
_SUBNET_LIMITS = ((per_subnet_limit, subnet_rate_key),
                  (per_wide_subnet_limit, wide_subnet_rate_key))

P = ParamSpec("P")
R = TypeVar("R")


def client_limits(view: Callable[P, R]) -> Callable[P, R]:
    """A public form's limits on POST: per client address, and per subnet around it."""
    for limit, key in _SUBNET_LIMITS:
        view = limiter.limit(limit, key_func=key, methods=["POST"])(view)
    return limiter.limit(per_client_limit, methods=["POST"])(view)


def limit_subnets(blueprint: Blueprint, exempt_when: Callable[[], bool] | None = None) -> None:
    """The limits per subnet on every route of `blueprint`, except when `exempt_when()`."""
    for limit, key in _SUBNET_LIMITS:
        limiter.limit(limit, key_func=key, exempt_when=exempt_when)(blueprint)


log = logging.getLogger(__name__)

STORAGE_DOWN = ("rate-limit storage (Redis) unreachable: rate limits are counted per process "
                "until it is back")


class CollapseRepeats(logging.Filter):
    """Lets each of Flask-Limiter's warnings and errors through once a minute at most.

    While its storage is unreachable, Flask-Limiter warns when it falls back to memory (again
    each time Redis comes back and goes again), and logs a traceback each time it cannot
    count. This filter keeps one line of each a minute, and words the fallback as what it
    means for the limits.
    """

    def __init__(self) -> None:
        super().__init__()
        self._throttle = Throttle()

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING:
            return True
        template = str(record.msg)
        if not self._throttle.allow((template,), now=record.created)[0]:
            return False
        if "falling back to in-memory" in template:
            record.msg, record.args = STORAGE_DOWN, ()
        return True


def init_limiter(app: Flask) -> None:
    """Bind the limiter, and say so when its limits are not shared by all processes."""
    limiter.init_app(app)
    # One filter per process: an app built again (tests, commands) replaces the last one's.
    for old in [f for f in limiter.logger.filters if isinstance(f, CollapseRepeats)]:
        limiter.logger.removeFilter(old)
    limiter.logger.addFilter(CollapseRepeats())
    config = app_state(app).config
    # Every `flask` command builds the app too, but serves no requests: only a server's app
    # (one built outside a command line) warns.
    serving = click.get_current_context(silent=True) is None and not app.testing
    if serving and config.ratelimit_enabled and not config.redis_url:
        log.warning("rate limits are counted in each process's memory: set REDIS_URL so that "
                    "all processes share them")


class RangeSafeCompress(Compress):
    """Flask-Compress, with two of its gaps closed.

    It compresses partial responses (206, a Range request on a static file) too, while their
    Content-Range still counts the bytes of the uncompressed file: a client joining the parts
    would get garbage. A part goes out as is. And where it replaces a streamed body (a static
    file) by its compressed stream, it leaves the file to the garbage collector: the file is
    closed with the response, as the server closes every response.
    """

    def after_request(self, response: Response | None) -> Response:
        if response is None:
            return super().after_request(response)
        if response.status_code == 206:
            return response
        body = response.response
        response = super().after_request(response)
        if response.response is not body and hasattr(body, "close"):
            response.call_on_close(body.close)
        return response


compress = RangeSafeCompress()  # configured and bound by webapp/assets.py
