"""What every request and response goes through: cross-site form posts refused, and the
security headers.

Forms carry a CSRF token (or the embed's own token) and the session cookie is SameSite=Lax;
the browser's own word on where a request comes from (`Origin`, `Sec-Fetch-Site`) is a third
lock, which holds even where a token leaks or a browser ignores SameSite.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, render_template, request
from flask_babel import gettext as _

from .app_state import app_state

STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Called from elsewhere by design: the partner API (bearer keys; partners' servers, and their
# pages through CORS) and SendGrid's Event Webhook (signed).
EXEMPT_BLUEPRINTS = frozenset({"api", "webhooks"})
# What a browser says of a request our own page made ("same-origin") or the user typed
# ("none"); any other value, "same-site" included (a sibling subdomain is not us), is refused.
OWN_FETCH_SITES = frozenset({"same-origin", "none"})
DEFAULT_PORTS = {"http": 80, "https": 443}

# Cache-Control: no-store goes on every response that does not set its own, except the public
# campaign page shown by GET. The rule is by exception on purpose: letters, addresses, tokens
# and staff data appear on nearly every other page (step two, draft, confirm, check-inbox, the
# error pages that show a form again, the embed's copies, the staff area, the API), and a page
# added later is covered without anyone remembering to list it. Static files and the embed
# loader set their own caching, which is kept.
CACHEABLE_PAGES = frozenset({"public.home", "public.campaign_page"})

# Browser features no page of ours uses, switched off for our pages and anything they embed
# (the clipboard stays: the draft page's copy buttons write to it). Only names Chromium knows:
# it warns about an unknown one in the console of every page.
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in (
    "accelerometer", "autoplay", "browsing-topics", "camera", "display-capture", "geolocation",
    "gyroscope", "hid", "interest-cohort", "magnetometer", "microphone", "midi", "payment",
    "serial", "usb", "xr-spatial-tracking",
))
HSTS = "max-age=31536000; includeSubDomains"
DEFAULT_CSP = ("default-src 'self'; img-src 'self' data:; frame-ancestors 'self'; "
               "form-action 'self'; base-uri 'none'")


def _origin(url: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of a URL or an `Origin` value; None for "null" or nonsense."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    return scheme, parts.hostname.lower(), port or DEFAULT_PORTS[scheme]


def _own_origins() -> set[tuple[str, str, int] | None]:
    # The request's own address (behind ProxyFix, the one the browser used), and BASE_URL, the
    # public address: a proxy the app was not told about must not lock every form.
    return {_origin(request.host_url), _origin(app_state().config.base_url)} - {None}


def is_cross_site() -> bool:
    """Whether the browser says this request was made by a page that is not ours.

    Neither header (old browsers, scripts, the test client): not cross-site, the tokens and
    SameSite decide. `Origin: null` (sandboxed frames, privacy redirects) is not ours.
    """
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None and fetch_site.strip().lower() not in OWN_FETCH_SITES:
        return True
    origin = request.headers.get("Origin")
    return origin is not None and _origin(origin) not in _own_origins()


def refuse_cross_site_posts():
    # No endpoint: no route matched, nothing can change, and the 404 or 405 is the answer.
    if (request.method not in STATE_CHANGING or request.endpoint is None
            or request.blueprint in EXEMPT_BLUEPRINTS or not is_cross_site()):
        return None
    # Nothing of what was sent is shown again: it came from someone else's page.
    return render_template(
        "message.html", title=_("Not available here"),
        message=_("This form may only be sent from the campaign's own pages."),
    ), 403


def security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Content-Security-Policy", DEFAULT_CSP)  # the embed sets its own
    headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
    if app_state().config.production:
        headers.setdefault("Strict-Transport-Security", HSTS)
    if "Cache-Control" not in headers and not (
            request.method in ("GET", "HEAD") and request.endpoint in CACHEABLE_PAGES):
        headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    """Call before the CSRF check and the rate limits: a cross-site post is refused first."""
    app.before_request(refuse_cross_site_posts)
    app.after_request(security_headers)
