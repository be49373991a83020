"""Rate limits, each request counted against all of its limits in one round trip to Redis.

A public form has several limits at once: per client address, per /24 and per /16 around it
(`_SUBNET_LIMITS` says why), per e-mail address, each over a minute or an hour and over a day.
Flask-Limiter asks Redis once for each of them, and twice more for the response's headers;
here one Lua script counts them all and returns what the headers need.

The `limits` package does what is not about the round trip: it parses the settings ("30 per
minute;300 per day") and counts in this process's memory, where no Redis is configured (one
process, `make run`) or while it cannot be reached (counted per process until it is back,
rather than refusing every supporter or letting everything through).

Counting is by fixed windows, as before: a window starts at its first request and lasts its
period; every request counts, refused ones too, so that hammering a form does not pay off.

Rules are declared next to the views:

    @bp.post("/c/<slug>")
    @rate_limits.limit(per_client_limit, methods=("POST",))
    def find_targets(slug): ...

and `rate_limits.limit_blueprint(bp, ...)` for every route of a blueprint. A rule's counter is
its route's own unless it names a shared `scope`; a blueprint's is the blueprint's.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeVar

import click
import redis
import redis.exceptions
from flask import Blueprint, Flask, current_app, g, request
from flask.wrappers import Response
from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage
from limits.strategies import FixedWindowRateLimiter
from werkzeug.exceptions import TooManyRequests

from .app_state import app_state
from .log_privacy import Throttle, redacted_url

log = logging.getLogger(__name__)

V = TypeVar("V", bound=Callable[..., Any])

KEY_PREFIX = "LIMITS"
STORAGE_DOWN = ("rate-limit storage (Redis at %s) unreachable: rate limits are counted per "
                "process until it is back")
# After Redis failed, how long requests count in memory before it is tried again: no request
# should wait for a connection that is known to fail, and it is back soon after it is.
RETRY_REDIS_AFTER_SECONDS = 5.0
# A request waits this long at most for Redis before it counts in memory instead.
REDIS_TIMEOUT_SECONDS = 1.0

# KEYS: the counters; ARGV: each counter's window in seconds, then the request's cost.
# Returns each counter's count and the seconds left in its window, in KEYS' order.
_COUNT_ALL = """
local cost = tonumber(ARGV[#ARGV])
local counted = {}
for i, key in ipairs(KEYS) do
  local count = redis.call('INCRBY', key, cost)
  local left = redis.call('TTL', key)
  if count == cost or left < 0 then
    redis.call('EXPIRE', key, ARGV[i])
    left = tonumber(ARGV[i])
  end
  counted[#counted + 1] = count
  counted[#counted + 1] = left
end
return counted
"""


@dataclass(frozen=True)
class Rule:
    """One limit setting, counted per key (a client, a network, an e-mail address)."""

    setting: Callable[[], str]  # "30 per minute;300 per day", read when a request comes
    key: Callable[[], str]
    methods: frozenset[str] | None = None  # None: every method
    exempt_when: Callable[[], bool] | None = None
    scope: str | None = None  # a counter shared by the routes that name it

    def applies(self) -> bool:
        if self.methods is not None and request.method not in self.methods:
            return False
        return self.exempt_when is None or not self.exempt_when()


@dataclass(frozen=True)
class Window:
    """One window of one rule, as this request left it."""

    item: RateLimitItem
    count: int
    reset_at: float  # when the window ends (Unix time)

    @property
    def breached(self) -> bool:
        return self.count > self.item.amount

    @property
    def remaining(self) -> int:
        return max(0, self.item.amount - self.count)


class RateLimited(TooManyRequests):
    """A request over one of its limits; `reset_at` says when all it went over are open again."""

    def __init__(self, window: Window):
        super().__init__(description=str(window.item))
        self.window = window

    @property
    def reset_at(self) -> float:
        return self.window.reset_at


@lru_cache(maxsize=256)
def _parsed(setting: str) -> tuple[RateLimitItem, ...]:
    return tuple(parse_many(setting))


class Counters:
    """Where one app counts: Redis (one script call per request), or this process's memory."""

    def __init__(self, redis_url: str | None) -> None:
        self.redis: redis.Redis | None = None
        self._count_all: Any = None
        self._redis_label = ""
        if redis_url:
            self.redis = redis.Redis.from_url(
                redis_url, socket_timeout=REDIS_TIMEOUT_SECONDS,
                socket_connect_timeout=REDIS_TIMEOUT_SECONDS)
            self._redis_label = redacted_url(redis_url)
            self._count_all = self.redis.register_script(_COUNT_ALL)
        self.memory = MemoryStorage()
        self._memory_limiter = FixedWindowRateLimiter(self.memory)
        self._redis_failed_at: float | None = None
        self._outage_lines = Throttle()

    def count(self, counters: list[tuple[str, RateLimitItem]], cost: int = 1) -> list[Window]:
        """Count one request against every counter: in Redis in one call, else in memory."""
        if self._count_all is not None and self._redis_usable():
            try:
                counted = self._count_all(
                    keys=[key for key, _ in counters],
                    args=[*(item.get_expiry() for _, item in counters), cost])
            except redis.exceptions.RedisError:
                self._redis_down()
            else:
                self._redis_failed_at = None
                now = time.time()
                return [Window(item, int(counted[2 * i]), now + int(counted[2 * i + 1]))
                        for i, (_, item) in enumerate(counters)]
        return [self._count_in_memory(key, item, cost) for key, item in counters]

    def _count_in_memory(self, key: str, item: RateLimitItem, cost: int) -> Window:
        within = self._memory_limiter.hit(item, key, cost=cost)
        stats = self._memory_limiter.get_window_stats(item, key)
        count = item.amount - stats.remaining if within else item.amount + cost
        return Window(item, count, stats.reset_time)

    def _redis_usable(self) -> bool:
        failed = self._redis_failed_at
        return failed is None or time.monotonic() - failed >= RETRY_REDIS_AFTER_SECONDS

    def _redis_down(self) -> None:
        self._redis_failed_at = time.monotonic()
        if self._outage_lines.allow(("redis",))[0]:
            log.warning(STORAGE_DOWN, self._redis_label)

    def reset(self) -> None:
        """Forget every count (tests): this process's, and the limits' keys in Redis."""
        self.memory.reset()
        if self.redis is not None:
            for key in self.redis.scan_iter(f"{KEY_PREFIX}:*"):
                self.redis.delete(key)


class RateLimits:
    """The app's rate limits: the rules, declared at import; `init_app` binds their counters."""

    def __init__(self) -> None:
        self._blueprint_rules: dict[str, list[Rule]] = {}

    # --- declaring ------------------------------------------------------------------------

    def limit(self, setting: Callable[[], str], key: Callable[[], str] | None = None,
              methods: Iterable[str] | None = None,
              exempt_when: Callable[[], bool] | None = None,
              scope: str | None = None) -> Callable[[V], V]:
        """A view's limit; the view itself is returned, its rules kept on it."""
        rule = Rule(setting, key or client_rate_key,
                    None if methods is None else frozenset(methods), exempt_when, scope)

        def declare(view: V) -> V:
            rules = view.__dict__.setdefault("rate_limit_rules", [])
            rules.append(rule)
            return view

        return declare

    def limit_blueprint(self, blueprint: Blueprint, setting: Callable[[], str],
                        key: Callable[[], str] | None = None,
                        exempt_when: Callable[[], bool] | None = None) -> None:
        """A limit on every route of `blueprint`, counted once for all of them."""
        rule = Rule(setting, key or client_rate_key, None, exempt_when, blueprint.name)
        self._blueprint_rules.setdefault(blueprint.name, []).append(rule)

    # --- binding --------------------------------------------------------------------------

    def init_app(self, app: Flask) -> None:
        config = app_state(app).config
        enabled = config.ratelimit_enabled
        app.extensions["rate_limits"] = Counters(config.redis_url if enabled else None)
        app.before_request(self._check)
        app.after_request(self._add_headers)
        # Every `flask` command builds the app too, but serves no requests: only a server's
        # app (one built outside a command line) warns.
        serving = click.get_current_context(silent=True) is None and not app.testing
        if serving and enabled and not config.redis_url:
            log.warning("rate limits are counted in each process's memory: set REDIS_URL so "
                        "that all processes share them")

    @staticmethod
    def counters(app: Flask) -> Counters:
        return app.extensions["rate_limits"]

    # --- counting -------------------------------------------------------------------------

    def _rules(self) -> list[Rule]:
        rules = list(self._blueprint_rules.get(request.blueprint or "", ()))
        rules += getattr(current_view(), "rate_limit_rules", ())
        return [rule for rule in rules if rule.applies()]

    def _check(self) -> None:
        if not app_state().config.ratelimit_enabled or request.endpoint is None:
            return
        rules = self._rules()
        if not rules:
            return
        counters: list[tuple[str, RateLimitItem]] = []
        for rule in rules:
            scope = rule.scope or request.endpoint
            key = rule.key()
            for item in _parsed(rule.setting()):
                counters.append((f"{KEY_PREFIX}:{scope}:{key}:{item.amount}/{item.multiples}"
                                 f"{item.GRANULARITY.name}", item))
        windows = self.counters(current_app).count(counters)
        breached = [w for w in windows if w.breached]
        # The headers speak of the window that refused the request (the one open again last),
        # or else of the one with the fewest requests left.
        if breached:
            g.rate_limit_window = max(breached, key=lambda w: w.reset_at)
            raise RateLimited(g.rate_limit_window)
        g.rate_limit_window = min(windows, key=lambda w: (w.remaining, w.reset_at))

    # --- telling --------------------------------------------------------------------------

    @staticmethod
    def _add_headers(response: Response) -> Response:
        window: Window | None = g.get("rate_limit_window")
        if window is not None:
            reset = int(window.reset_at)
            response.headers["X-RateLimit-Limit"] = str(window.item.amount)
            response.headers["X-RateLimit-Remaining"] = str(window.remaining)
            response.headers["X-RateLimit-Reset"] = str(reset)
            response.headers["Retry-After"] = str(max(1, reset - int(time.time())))
        return response


def current_view() -> Callable[..., Any] | None:
    return current_app.view_functions.get(request.endpoint or "")


# --- whom a limit counts, and the settings ----------------------------------------------------

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


rate_limits = RateLimits()

# Whoever holds many addresses (a cloud server's neighbours, a provider's pool, IPv6, where a
# single line gets a whole /64) would otherwise have a limit per address. Looser limits per
# network, counted beside the one per address, bound them too.
_SUBNET_LIMITS = ((per_subnet_limit, subnet_rate_key),
                  (per_wide_subnet_limit, wide_subnet_rate_key))


def client_limits(view: V) -> V:
    """A public form's limits on POST: per client address, and per subnet around it."""
    for setting, key in _SUBNET_LIMITS:
        view = rate_limits.limit(setting, key, methods=("POST",))(view)
    return rate_limits.limit(per_client_limit, methods=("POST",))(view)


def limit_subnets(blueprint: Blueprint, exempt_when: Callable[[], bool] | None = None) -> None:
    """The limits per subnet on every route of `blueprint`, except when `exempt_when()`."""
    for setting, key in _SUBNET_LIMITS:
        rate_limits.limit_blueprint(blueprint, setting, key, exempt_when)
