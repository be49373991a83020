"""The embedded flow: the supporter's way in a frame on a partner's page.

Each page is allowed into frames only on the partner's own origins (CSP frame-ancestors);
forms carry the embed's own signed token rather than the session's CSRF token, and a POST
from any other origin is refused.
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, g, render_template, request
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select

from ..app_state import app_state
from ..db import get_session
from ..models import Campaign
from ..partners import service as partners
from ..partners.models import Partner
from ..rate_limits import client_limits, email_rate_key, has_no_email, per_email_limit, rate_limits
from ..supporters import views as supporters
from ..supporters.flow import Flow
from ..supporters.operations import Via

bp = Blueprint("embed", __name__)

# Theme colours the snippet may set (data-accent, data-ink, data-bg): #rgb or #rrggbb only,
# so nothing but a colour ever reaches the page's style.
THEME_KEYS = ("accent", "ink", "bg")
COLOUR = re.compile(r"#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?")
# The letter counter, shown when the snippet asks for it (data-counter="on").
COUNTER_ON = "on"
# A page the share step passes on instead of our campaign page (data-share-url): a page on one
# of the partner's own origins, so that the frame never offers anyone else's address. Longer
# than any page address a partner would give, short enough to ride along in every link.
SHARE_URL_MAX_LENGTH = 2000


def _tokens():
    return app_state().embed_tokens


def own_origin() -> str:
    parts = urlsplit(request.host_url)
    return f"{parts.scheme}://{parts.netloc}"


def _partner(code: str):
    partner = partners.get_partner(get_session(), code)
    if partner is None:
        abort(404)
    return partner


def _theme() -> dict[str, str]:
    return {key: request.args[key] for key in THEME_KEYS
            if COLOUR.fullmatch(request.args.get(key, ""))}


def _shows_counter() -> bool:
    return request.args.get("counter") == COUNTER_ON


def _share_url(partner) -> str | None:
    """The partner's page to share, when the snippet names one of theirs; else None (the
    share step then passes on our campaign page)."""
    value = request.args.get("share", "")
    if not value or len(value) > SHARE_URL_MAX_LENGTH or not value.isprintable() or " " in value:
        return None
    try:
        parts = urlsplit(value)
        origin = partners.normalise_origin(f"{parts.scheme}://{parts.netloc}")
    except ValueError:  # not an address, or not an origin (PartnerError is a ValueError)
        return None
    return value if origin in partner.origins else None


def _flow(partner, slug: str, token: str | None = None) -> Flow:
    parent = request.args.get("origin", "")
    share_url = _share_url(partner)
    url_args = {"partner": partner.code, **_theme()}
    if parent:
        url_args["origin"] = parent
    if _shows_counter():
        url_args["counter"] = COUNTER_ON
    if share_url:
        url_args["share"] = share_url
    return Flow(
        blueprint="embed",
        layout="embed/layout.html",
        url_args=url_args,
        hidden={"embed_token": token or _tokens().make(partner.code, slug)},
        csrf=False,
        via=Via(partner=partner, partner_consent=request.form.get("partner_consent") == "y"),
        share_url=share_url,
        show_counter=_shows_counter(),
    )


def _frame_ancestors(partner) -> str:
    return " ".join(["'self'", *partner.origins])


def _parent_allowed(partner) -> bool:
    """The page framing us says where it is; it must be one of the partner's origins."""
    parent = request.args.get("origin", "")
    return parent in partner.origins or parent == own_origin()


@bp.before_request
def prepare_frame():
    """The partner whose frame this is, and the nonce of its page's inline style.

    Also called by webapp/load_shedding.py, whose answer needs the frame's headers. Where a
    POST may come from is checked for every form by webapp/security.py.
    """
    g.embed_nonce = secrets.token_urlsafe(12)
    if request.endpoint in {"embed.loader", "embed.builder"}:
        return None
    g.embed_partner = _partner((request.view_args or {}).get("partner", ""))
    return None


@bp.after_request
def _headers(response):
    partner = g.get("embed_partner")
    if partner is not None:
        response.headers["Content-Security-Policy"] = (
            f"default-src 'self'; img-src 'self' data:; "
            f"style-src 'self' 'nonce-{g.embed_nonce}'; "
            f"frame-ancestors {_frame_ancestors(partner)}; form-action 'self'; base-uri 'none'"
        )
    return response


def _refused(message: str, status: int):
    return render_template("embed/refused.html", message=message), status


def _common(partner) -> dict:
    return {"parent_origin": request.args.get("origin", ""), "theme": _theme(),
            "nonce": g.embed_nonce, "partner": partner}


@bp.context_processor  # the embed's own requests only: not a call more on every other page
def _embed_context():
    if "embed_partner" not in g:
        return {}
    return {"embed": _common(g.embed_partner)}


@bp.get("/embed.js")
def loader():
    if current_app.static_folder is None:  # an app made without static files has no loader
        abort(404)
    path = Path(current_app.static_folder) / "embed.js"
    response = current_app.response_class(path.read_bytes(), mimetype="text/javascript")
    # Short: partners' pages pick up a new loader within minutes of a deploy.
    response.cache_control.public = True
    response.cache_control.max_age = 300
    response.add_etag()
    response.make_conditional(request)
    # Partners' pages load it from everywhere; it holds nothing private.
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


@bp.get("/embed/<partner>/<slug>")
def campaign_page(partner: str, slug: str):
    if not _parent_allowed(g.embed_partner):
        return _refused(_("This page may not show the campaign."), 403)
    country = (request.args.get("country") or "").upper() or None
    return supporters.show_campaign(_flow(g.embed_partner, slug), slug, country=country)


def _check_token(slug: str):
    """None if the form's own token holds; else the page again, as the supporter sent it
    (step two keeps their edited letters), with a fresh token and a message."""
    partner = g.embed_partner
    token = request.form.get("embed_token", "")
    if _tokens().valid(token, partner.code, slug):
        return None
    campaign, content = supporters.campaign_or_404(slug)
    return supporters.render_form_again(
        campaign, content, status=400, flow=_flow(partner, slug),
        error=_("This form had expired or was sent twice. Please check it and send it again."))


@bp.post("/embed/<partner>/<slug>")
@client_limits
def find_targets(partner: str, slug: str):
    problem = _check_token(slug)
    if problem is not None:
        return problem
    return supporters.targets_step(_flow(g.embed_partner, slug, request.form["embed_token"]), slug)


@bp.post("/embed/<partner>/<slug>/letters")
@client_limits
@rate_limits.limit(per_email_limit, email_rate_key, methods=("POST",), exempt_when=has_no_email)
def submit_letters(partner: str, slug: str):
    problem = _check_token(slug)
    if problem is not None:
        return problem
    return supporters.letters_step(_flow(g.embed_partner, slug, request.form["embed_token"]), slug)


@bp.get("/embed/builder")
@login_required
def builder():
    """Build the snippet for a campaign and partner, with a live preview: for staff only, as
    it lists every partner."""
    session = get_session()
    slugs = [slug for slug in session.scalars(select(Campaign.slug).order_by(Campaign.slug))
             if app_state().campaigns.get(slug) is not None]
    partner_rows = session.scalars(
        select(Partner).where(Partner.active.is_(True)).order_by(Partner.name)).all()
    return render_template(
        "embed/builder.html", slugs=slugs, partners=partner_rows, base=own_origin(),
        languages=app_state().config.languages,
    )
