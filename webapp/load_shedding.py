"""Load shedding: a request that has waited too long before the app saw it is answered at once.

Under more requests than the workers can serve, requests wait in line: in the front proxy,
then in the listen queue of gunicorn's socket (bounded in gunicorn.conf.py). Served in order,
each waits longer than the one before, until every supporter waits many seconds. A request
that has already waited long cannot be answered early any more; it can be answered *quickly*:
a short page instead of its work, which takes a fraction of the time, so the line drains and
the requests behind it are served within the budget.

How long a request waited is told by the front proxy, which stamps when it received the
request in a header (`X-Request-Start`): Heroku's router in milliseconds since the epoch,
nginx with `proxy_set_header X-Request-Start "t=${msec}";` in seconds, Apache's
`RequestHeader set X-Request-Start "%t"` as `t=` and microseconds. The header is only read
when the configuration names it (TRUSTED_REQUEST_START_HEADER): without a proxy that sets it,
whatever a client sends is ignored. Past LOAD_SHED_AFTER_MS the request gets a 503 with
Retry-After:

- a form posted on the supporter's pages (ours or an embed): a page in their language that
  holds the same form, every field as they sent it (the CSRF or embed token included) in
  hidden inputs, and a "Try again" button that posts it again. Nothing is stored or sent,
  and nothing they typed is lost;
- a page asked for (GET): the same message and a link to try again;
- the API and the proof-of-work challenge (read by scripts): JSON, code "unavailable";
- SendGrid's webhook: an empty 503 (SendGrid sends the events again later).

Never shed: static files and the embed's loader (sending them costs about what the short
page would, and a page that was served needs them), and the staff area (few requests, whose
forms hold an editor's work, or a password that no page may show again).

The check runs before the CSRF check, the rate limits and any query: a header, a clock and,
only when it sheds, the form's fields. A request that passes it is served in full: shedding
never stops one that has begun.
"""

from __future__ import annotations

import logging
import math
import time

from flask import Flask, Response, current_app, render_template, request

from .api.errors import error_response
from .app_state import app_state
from .log_privacy import Throttle

log = logging.getLogger(__name__)

# What a shed request is told to wait before trying again: the line drains within a few
# seconds once the workers stop doing the work of stale requests.
RETRY_AFTER_SECONDS = 5
# A stamp further in the past than this is not a wait in a line (proxies give up on a request
# long before) but a wrong clock or unit: it is ignored rather than shedding everything.
MAX_PLAUSIBLE_WAIT_SECONDS = 600.0
NEVER_SHED_ENDPOINTS = frozenset({"static", "embed.loader"})
NEVER_SHED_BLUEPRINTS = frozenset({"staff"})
JSON_ENDPOINTS = frozenset({"public.proof_of_work_challenge"})


def seconds_since(stamp: str, now: float) -> float | None:
    """How long before `now` (seconds since the epoch) a proxy's `stamp` was made.

    `stamp` is seconds, milliseconds, microseconds or nanoseconds since the epoch, with or
    without a `t=` in front; the unit is told by the size (seconds since the epoch are below
    1e11 until the year 5138). None when it is not such a time, or an implausible one. A stamp
    a little in the future (the proxy's clock ahead of ours) is no wait: 0.
    """
    text = stamp.strip().removeprefix("t=")
    try:
        value = float(text)
    except ValueError:
        return None
    if not math.isfinite(value) or value <= 0:
        return None
    for divisor in (1.0, 1e3, 1e6, 1e9):
        if value < 1e11 * divisor:
            waited = now - value / divisor
            return None if waited > MAX_PLAUSIBLE_WAIT_SECONDS else max(0.0, waited)
    return None


def log_shed(throttle: Throttle, budget_ms: int) -> None:
    """Log the requests shed once a minute at most, with how many (not one line each: an
    overload is thousands of them)."""
    allowed, held_back = throttle.allow(("load shedding",))
    if allowed:
        log.warning("load shedding: %d request(s) answered 503 at once, having waited over "
                    "%d ms before the app saw them", held_back + 1, budget_ms)


def _form_action() -> str:
    """The address the request was sent to, query string included, relative to our host."""
    return request.root_path + request.full_path.removesuffix("?")


def busy_response() -> Response:
    """The 503 a shed request gets: what fits what it asked for (see the module)."""
    if request.path.startswith("/api/") or request.endpoint in JSON_ENDPOINTS:
        response = error_response(503, "unavailable", "The service is very busy just now. "
                                  "Nothing was stored; please send the request again in a few "
                                  "seconds.")
    elif request.blueprint == "webhooks":
        response = Response(status=503)
    else:
        embedded = request.blueprint == "embed"
        if embedded:
            # The embed's own preparation (its partner) and, through it, its headers: the
            # frame-ancestors that let the page show in the partner's frame.
            from .embed import views as embed

            embed.prepare_frame()
        posted = request.method == "POST"
        fields = list(request.form.items(multi=True)) if posted else []
        response = current_app.make_response((render_template(
            "busy.html", fields=fields, action=_form_action(), posted=posted,
            embedded=embedded), 503))
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    """Shed requests that waited longer than the budget, when a proxy stamps them."""
    config = app_state(app).config
    header, budget_ms = config.trusted_request_start_header, config.load_shed_after_ms
    if not header or budget_ms <= 0:
        return
    budget = budget_ms / 1000
    throttle = Throttle()

    @app.before_request
    def shed_stale_requests():
        stamp = request.headers.get(header)
        if stamp is None or request.endpoint is None:  # no route: the 404 is as quick
            return None
        waited = seconds_since(stamp, time.time())
        if (waited is None or waited <= budget or request.endpoint in NEVER_SHED_ENDPOINTS
                or request.blueprint in NEVER_SHED_BLUEPRINTS):
            return None
        log_shed(throttle, budget_ms)
        return busy_response()
