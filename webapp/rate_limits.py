"""Where the rate limits are counted: Redis, with each counter's window read only once.

Flask-Limiter counts a request's limits one by one, each through the `limits` package's
storage (one script call per limit window); then, for the X-RateLimit headers and for the "try
again in" message of a refused form, it reads one of those counters again (a GET and a TTL: two
more round trips). `RequestWindowsRedisStorage` counts with a script that returns the window's
time to live along with the count, and answers those reads from it for the rest of the request.

The counting itself stays one call per limit window: Flask-Limiter decides on each limit before
it asks for the next (it stops at the first one broken), and offers no hook that hands a
storage all of a request's limits at once. Counting them together would mean replacing its
private `Limiter.__evaluate_limits`.
"""

from __future__ import annotations

import time
from typing import Any

from flask import has_request_context, request
from limits.storage import RedisStorage

# A storage of our own is registered under its own URI scheme (limits' documented way to add
# one): the Redis URL with this in front.
SCHEME_PREFIX = "request-windows+"

# Per request, in the WSGI environ: the one place that lives exactly as long as the request
# (flask.g lives as long as the app context, which a test or a command may keep for several).
ENVIRON_KEY = "treaty_letters.rate_limit_windows"

# limits' own incr_expire.lua (the count, its expiry set when the window starts), returning
# the window's time to live too.
INCR_EXPIRE_TTL = b"""
local amount = tonumber(ARGV[2])
local current = redis.call("incrby", KEYS[1], amount)
if tonumber(current) == amount then
    redis.call("expire", KEYS[1], ARGV[1])
end
return {current, redis.call("ttl", KEYS[1])}
"""


def storage_uri(uri: str) -> str:
    """The rate limits' storage URI for a configured one: Redis through our storage."""
    scheme = uri.partition("://")[0]
    if scheme in RequestWindowsRedisStorage.REDIS_SCHEMES:
        return SCHEME_PREFIX + uri
    return uri


class RequestWindowsRedisStorage(RedisStorage):
    """limits' Redis storage, whose counting also returns the window (count and expiry),
    kept for the request: reading the counter again after counting it costs no round trip.

    A read of a counter the request has not counted (Flask-Limiter's `test`, for a limit
    deducted only after the response) still goes to Redis.
    """

    REDIS_SCHEMES = ("redis", "rediss", "redis+unix")
    STORAGE_SCHEME = [SCHEME_PREFIX + scheme for scheme in REDIS_SCHEMES]

    def __init__(self, uri: str, **options: Any) -> None:
        super().__init__(uri.removeprefix(SCHEME_PREFIX), **options)

    def initialize_storage(self, _uri: str) -> None:
        super().initialize_storage(_uri)
        self.lua_incr_expire_ttl = self.get_connection().register_script(INCR_EXPIRE_TTL)

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        current, ttl = self.lua_incr_expire_ttl([self.prefixed_key(key)], [expiry, amount])
        # As RedisStorage.get_expiry: the window ends `ttl` whole seconds from now.
        self._windows()[key] = (int(current), max(int(ttl), 0) + time.time())
        return int(current)

    def get(self, key: str) -> int:
        window = self._windows().get(key)
        return window[0] if window is not None else super().get(key)

    def get_expiry(self, key: str) -> float:
        window = self._windows().get(key)
        return window[1] if window is not None else super().get_expiry(key)

    def clear(self, key: str) -> None:
        self._windows().pop(key, None)
        super().clear(key)

    def reset(self) -> int | None:
        self._windows().clear()
        return super().reset()

    def _windows(self) -> dict[str, tuple[int, float]]:
        """This request's counted windows by key (none kept outside a request)."""
        if not has_request_context():
            return {}
        per_storage = request.environ.setdefault(ENVIRON_KEY, {})
        return per_storage.setdefault(id(self), {})
