"""/api/v1: campaigns, targets, letters rendered for a target, letters submitted to send.

Every call but the OpenAPI file needs a partner's key as a bearer token. Submitted letters
follow the web form's way exactly: stored pending confirmation, a confirmation mail to the
supporter, and only their click queues them.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from flask import Blueprint, Flask, current_app, g, jsonify, request
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from letters.rendering import Supporter
from letters.sender_address import (
    ADDRESS_MAX_LENGTH,
    ADDRESS_MAX_LINES,
    address_fits,
    address_lines,
    clean_address,
)
from letters.sharing import addressed_body, closed_text, share_letters
from letters.templates import CampaignContent
from letters.text import has_lone_surrogate, is_header_safe, is_plain_text, normalise_newlines
from representatives.committees import committee_name
from representatives.model import GroupKind, Match, MatchError, Target

from ..app_state import app_state
from ..db import get_session
from ..i18n import current_language
from ..log_privacy import report_outage
from ..models import Campaign
from ..partners import service as partners
from ..partners.models import Partner
from ..rate_limits import (
    RateLimited,
    client_rate_key,
    limit_subnets,
    per_email_limit,
    pseudonym,
    rate_limits,
)
from ..staff import exports
from ..supporters import operations
from ..supporters.forms import SupporterForm
from ..supporters.operations import DraftLetter, can_send_for
from .errors import ApiError, error_response
from .openapi import LIMITS, openapi_document

log = logging.getLogger(__name__)

bp = Blueprint("api", __name__, url_prefix="/api/v1")

PUBLIC_ENDPOINTS = {"api.openapi"}


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def api_key_rate_key() -> str:
    """Limits per key (hashed: keys never reach the limiter's store); per client without one."""
    token = _bearer()
    return "apikey:" + pseudonym(token) if token else client_rate_key()


def _per_key_limit() -> str:
    return app_state().config.api_ratelimit_per_key


def _json_email() -> str:
    try:
        data = _request_json()
    except (ApiError, HTTPException):  # the view answers for a body it cannot take
        return ""
    supporter = data.get("supporter") if isinstance(data, dict) else None
    email = supporter.get("email") if isinstance(supporter, dict) else None
    return email.strip().lower() if isinstance(email, str) else ""


def api_email_rate_key() -> str:
    return "email:" + pseudonym(_json_email())


rate_limits.limit_blueprint(bp, _per_key_limit, api_key_rate_key)
limit_subnets(bp, exempt_when=lambda: _bearer() is not None)  # requests without a key


@bp.before_request
def _authenticate():
    if request.method == "OPTIONS":
        return _preflight()
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    token = _bearer()
    if token is None:
        raise ApiError(401, "missing_key", "Send your API key as 'Authorization: Bearer <key>'.")
    partner = partners.partner_for_key(get_session(), token)
    if partner is None:
        raise ApiError(401, "invalid_key", "This API key is not valid or has been revoked.")
    g.api_partner = partner
    return None


def _preflight():
    """CORS preflight: allowed for origins some partner embeds from (the key comes later)."""
    response = current_app.make_response(("", 204))
    origin = request.headers.get("Origin", "")
    known = {o for p in get_session().scalars(select(Partner).where(Partner.active.is_(True)))
             for o in p.origins}
    if origin in known:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Methods"] = "GET, POST"
        response.headers["Access-Control-Allow-Headers"] = "Authorization, Content-Type"
        response.headers["Access-Control-Max-Age"] = "600"
    response.headers["Vary"] = "Origin"
    return response


@bp.after_request
def _cors(response):
    partner = g.get("api_partner")
    origin = request.headers.get("Origin")
    if partner is not None and origin and origin in partner.origins:
        response.headers["Access-Control-Allow-Origin"] = origin
    response.headers.add("Vary", "Origin")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.errorhandler(ApiError)
def _api_error(error: ApiError):
    return error_response(error.status, error.code, error.message, **error.details)


@bp.errorhandler(RateLimited)
def _rate_limited(error):
    return error_response(429, "rate_limited", f"Too many requests: {error.description}.")


_HTTP_CODES = {400: "invalid_json", 404: "not_found", 405: "method_not_allowed",
               413: "payload_too_large", 415: "invalid_json"}


@bp.errorhandler(HTTPException)
@bp.errorhandler(400)
@bp.errorhandler(404)
@bp.errorhandler(405)
@bp.errorhandler(413)  # by code too: the site's own handlers by code would come first
@bp.errorhandler(415)
def _http_error(error: HTTPException):
    status = error.code or 500
    return error_response(status, _HTTP_CODES.get(status, f"http_{status}"),
                          error.description or error.name)


@bp.errorhandler(OperationalError)
def _database_down(error):
    report_outage(error)  # one line a minute, never the statement's parameters
    return error_response(503, "unavailable", "The service cannot store anything just now.")


@bp.errorhandler(Exception)
def _server_error(error):
    log.exception("API error")
    return error_response(500, "server_error", "Something went wrong on our side.")


def init_app(app: Flask) -> None:
    """JSON for /api/ addresses no route matches (the site's pages answer in HTML)."""
    for status, code in ((404, "not_found"), (405, "method_not_allowed")):
        previous = app.error_handler_spec[None].get(status, {})
        fallback = next(iter(previous.values()), None)

        def handler(error, status=status, code=code, fallback=fallback):
            if request.path.startswith("/api/"):
                return error_response(status, code, error.description or error.name)
            return fallback(error) if fallback else error

        app.register_error_handler(status, handler)


# --- helpers -----------------------------------------------------------------------------

def _campaign(slug: str) -> tuple[Campaign, CampaignContent]:
    loaded = operations.load_campaign(get_session(), slug)
    if loaded is None:
        raise ApiError(404, "not_found", f"There is no campaign {slug!r}.")
    return loaded


def _request_json() -> Any:
    """The body's JSON, read once per request (the e-mail rate limit reads it too).

    Raises ApiError (400) for a body that is not JSON, is nested deeper than the parser
    goes, or holds text that is not Unicode; RequestEntityTooLarge (413) for one too long.
    """
    if "api_json" not in g:
        g.api_json = _parse_json()
    if isinstance(g.api_json, ApiError):
        raise g.api_json
    return g.api_json


def _parse_json() -> Any:
    """The body's JSON, or the ApiError that says why there is none."""
    not_json = ApiError(400, "invalid_json",
                        "Send a JSON object with 'Content-Type: application/json'.")
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # the parser's own limit: not something we take anyway
        return ApiError(400, "invalid_json", "This JSON is nested too deeply.")
    if data is None:
        return not_json
    stack = [data]  # every string, keys included; without recursion, as deep as it goes
    while stack:
        item = stack.pop()
        if isinstance(item, str) and has_lone_surrogate(item):
            return ApiError(400, "invalid_json", "This JSON holds text that is not valid "
                            "Unicode: half of a surrogate pair (such as \\ud800).")
        if isinstance(item, dict):
            stack += [*item.keys(), *item.values()]
        elif isinstance(item, list):
            stack += item
    return data


def _json_object(known: frozenset[str]) -> dict:
    """The body's JSON object, with no field but the `known` ones (see _refuse_unknown)."""
    data = _request_json()
    if not isinstance(data, dict):
        raise ApiError(400, "invalid_json",
                       "Send a JSON object with 'Content-Type: application/json'.")
    _refuse_unknown(data, known)
    return data


LETTER_FIELDS = frozenset({"target_id", "subject", "body", "language"})
RENDER_FIELDS = frozenset({"supporter", "target_id", "language"})
SUBMISSION_FIELDS = frozenset({"supporter", "partner_consent", "idempotency_key", "letters"})
_NAMES_SHOWN, _NAME_LENGTH_SHOWN = 20, 100


def _refuse_unknown(data: dict, known: frozenset[str]) -> None:
    """A 422 naming every field nobody reads, at the top, in the supporter and in each letter.

    Ignored, a misspelt field leaves its default in its place: "target_ids" for "letters"
    would write to every target.
    """
    unknown = [name for name in data if name not in known]
    supporter = data.get("supporter")
    if isinstance(supporter, dict):
        fields = {*SUPPORTER_STRINGS, "wants_updates", "street_address"}  # what is read
        unknown += [f"supporter.{name}" for name in supporter if name not in fields]
    letters = data.get("letters") if "letters" in known else None
    if isinstance(letters, list):
        unknown += [f"letters[{index}].{name}" for index, letter in enumerate(letters)
                    if isinstance(letter, dict) for name in letter if name not in LETTER_FIELDS]
    if unknown:
        shown = [name[:_NAME_LENGTH_SHOWN] for name in unknown[:_NAMES_SHOWN]]
        raise ApiError(422, "invalid_field", f"Unknown fields: {', '.join(shown)}.",
                       fields={name: ["Not a field of this API; check its spelling."]
                               for name in shown})


def _invalid(fields: dict[str, list[str]]):
    return ApiError(422, "invalid_field", "Some fields are missing or not valid.", fields=fields)


SUPPORTER_STRINGS = ("name", "email", "town", "country", "postcode", "own_words", "area")


def _supporter(data: dict) -> tuple[Supporter, str, bool, str]:
    """The supporter from the JSON, checked exactly as the web form checks it: who they
    are, their postcode, whether they want updates, and the area they chose."""
    raw = data.get("supporter")
    if not isinstance(raw, dict):
        raise _invalid({"supporter": ["An object with the supporter's details is required."]})
    errors: dict[str, list[str]] = {}
    values = {}
    for name in SUPPORTER_STRINGS:
        value = raw.get(name, "")
        if value is None:
            value = ""
        if not isinstance(value, str):
            errors[f"supporter.{name}"] = ["Must be a string."]
        else:
            values[name] = value
    wants = raw.get("wants_updates", False)
    if not isinstance(wants, bool):
        errors["supporter.wants_updates"] = ["Must be true or false."]
    form = SupporterForm(MultiDict(values))
    form.validate()
    for name, messages in form.errors.items():
        if name in SUPPORTER_STRINGS and f"supporter.{name}" not in errors:
            errors[f"supporter.{name}"] = [str(m) for m in messages]
    if errors:
        raise _invalid(errors)
    supporter = Supporter(name=form.name.data, email=form.email.data,
                          town=form.town.data or "", own_words=form.own_words.data or "",
                          country=form.country.data.upper())
    return supporter, form.postcode.data or "", wants, form.area.data or ""


def _match(campaign: Campaign, content: CampaignContent, country: str, postcode: str | None,
           area: str | None = None) -> Match:
    try:
        return operations.match_supporter(campaign, content, country, postcode or None,
                                          area or None)
    except operations.OutsideCampaign:
        message = f"This campaign takes letters from: {', '.join(content.countries)}."
        raise ApiError(422, "outside_campaign", message) from None
    except operations.NoTargets:
        message = "We have no representatives for this country yet."
        raise ApiError(422, "no_targets", message) from None
    except MatchError as error:
        if error.code == "unknown_country":
            raise ApiError(422, error.code, f"Unknown country {country!r}.") from None
        if error.code == "unknown_area":
            message = (f"Unknown area {area!r}: choose one of the area_choices of GET "
                       "/campaigns/{slug}/targets for this country and postcode.")
            raise ApiError(422, error.code, message) from None
        code = error.code if error.code in {"postcode_required", "unknown_postcode"} else (
            "no_targets")
        raise ApiError(422, code, str(error) or code) from None


def _target_json(matched, group: GroupKind) -> dict:
    target = matched.target
    own_language = target.reads_locally(target.language)
    return {
        "id": target.id, "name": target.name, "kind": str(target.kind),
        # The match's group: the next summit's host is a group of its own.
        "group": str(group), "role": target.role, "body": target.body,
        # The title and body in the office's own language, for a partner's page in that
        # language to show as ours does (Target.role_in); null where the data has none.
        "local_role": target.local_role if own_language else None,
        "local_body": target.local_body if own_language else None,
        "country": target.country, "language": target.language, "party": target.party,
        # The group in the parliament ("EPP") and committee seats, with the committees' names
        # so that a partner need not keep a list of the Parliament's codes.
        "political_group": target.political_group,
        "committees": [{"code": seat.code, "name": committee_name(seat.code), "role": seat.role}
                       for seat in target.committees],
        "area": target.area, "reason": matched.reason, "matched_on": matched.matched_on,
        "can_send_for_me": can_send_for(target), "addressed_by_title": target.by_title,
        # Where each address comes from and when it was checked, so that a partner's page can
        # show it as ours does.
        "channels": [{"kind": str(c.kind), "value": c.value, "source_url": c.source_url,
                      "checked_on": c.verified_on.isoformat() if c.verified_on else None,
                      "checked_on_stored_copy": c.stored_copy}
                     for c in target.channels],
    }


def _letter_for(content, target, supporter: Supporter, language: str | None = None
                ) -> tuple[str, str, str]:
    """(language, subject, body as the recipient gets it) of the campaign's letter, in
    `language` (checked by _language_errors) or else the target's."""
    letter = share_letters(app_state().campaigns.renderer, content.slug, [target],
                           supporter, summits=app_state().directory.get().summits,
                           language=language)[0]
    recipient = letter.recipients[0]
    text = closed_text(letter.body, recipient.closing, letter.language, supporter.name)
    return letter.language, letter.subject, addressed_body(recipient.salutation, text)


# --- endpoints ---------------------------------------------------------------------------

@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document(request.host_url.rstrip("/")))


@bp.get("/campaigns")
def list_campaigns():
    campaigns = get_session().scalars(select(Campaign).order_by(Campaign.slug)).all()
    items = []
    for campaign in campaigns:
        content = app_state().campaigns.get(campaign.slug)
        if content is None:
            continue
        items.append({
            "slug": campaign.slug, "status": campaign.status, "titles": content.titles,
            "languages": sorted(content.titles), "allow_send": campaign.allow_send,
            "allow_draft": campaign.allow_draft,
        })
    return jsonify({"campaigns": items})


@bp.get("/campaigns/<slug>/targets")
def targets(slug: str):
    campaign, content = _campaign(slug)
    country = request.args.get("country", "")
    postcode = request.args.get("postcode", "")
    area = request.args.get("area", "")
    errors = {}
    if len(country) != 2 or not country.isascii() or not country.isalpha():
        errors["country"] = ["A two-letter country code (ISO 3166-1) is required."]
    if len(postcode) > LIMITS["postcode"] or not postcode.isprintable():
        errors["postcode"] = [f"At most {LIMITS['postcode']} printable characters."]
    if len(area) > LIMITS["area"] or not area.isprintable():
        errors["area"] = [f"At most {LIMITS['area']} printable characters."]
    if errors:
        raise _invalid(errors)
    match = _match(campaign, content, country, postcode, area)
    choice = operations.area_choice(match, content)
    return jsonify({"country": match.country, "notes": list(match.notes),
                    "candidate_areas": list(match.candidate_areas),
                    "area_choices": [{"id": label, "name": name}
                                     for label, name in (choice.areas if choice else ())],
                    "targets": [_target_json(m, group.kind) for group in match.groups
                                for m in group.targets]})


@bp.post("/campaigns/<slug>/render")
def render_letter(slug: str):
    campaign, content = _campaign(slug)
    data = _json_object(RENDER_FIELDS)
    target_id = data.get("target_id")
    supporter, postcode, _wants, area = _supporter(data)
    if not isinstance(target_id, str) or not target_id or len(target_id) > 64:
        raise _invalid({"target_id": ["The id of one of the supporter's targets is required."]})
    match = _match(campaign, content, supporter.country, postcode, area)
    by_id = {m.target.id: m for m in match.targets}
    if target_id not in by_id:
        raise ApiError(422, "unknown_target",
                       "This target does not represent the supporter's country and postcode.")
    target = by_id[target_id].target
    errors = _language_errors("language", data.get("language"), content, target)
    if errors:
        raise _invalid(errors)
    language, subject, body = _letter_for(content, target, supporter, data.get("language"))
    return jsonify({"target_id": target_id, "language": language, "subject": subject,
                    "body": body})


def _letters(data: dict, match: Match, content, supporter) -> list[DraftLetter]:
    by_id = {m.target.id: m.target for m in match.targets}
    raw = data.get("letters")
    # (target id, subject, body, language) as the request gave them; None: the campaign's
    # own (its language: the target's).
    chosen: list[tuple[Any, Any, Any, Any]]
    if raw is None:
        # No letters given: the campaign's own letter to everyone we can send to.
        chosen = [(t.id, None, None, None) for t in by_id.values() if can_send_for(t)]
    else:
        if not isinstance(raw, list) or not raw or len(raw) > LIMITS["letters"]:
            raise _invalid({"letters": [f"A list of 1 to {LIMITS['letters']} letters."]})
        chosen, errors, seen = [], {}, set()
        for index, item in enumerate(raw):
            where = f"letters[{index}]"
            if not isinstance(item, dict):
                errors[where] = ["Must be an object."]
                continue
            target_id, subject, body = (item.get("target_id"), item.get("subject"),
                                        item.get("body"))
            if not isinstance(target_id, str) or not target_id or len(target_id) > 64:
                errors[f"{where}.target_id"] = ["Required: one of the supporter's targets."]
            elif target_id in seen:
                errors[f"{where}.target_id"] = ["Each target only once."]
            seen.add(target_id)
            errors.update(_text_errors(where, subject, body))
            chosen.append((target_id, subject, body, item.get("language")))
        if errors:
            raise _invalid(errors)
        unknown = [t for t, _, _, _ in chosen if t not in by_id]
        if unknown:
            raise ApiError(422, "unknown_target", "Some targets do not represent the "
                           "supporter's country and postcode.", targets=unknown)
        for index, (target_id, _, _, asked) in enumerate(chosen):
            errors.update(_language_errors(f"letters[{index}].language", asked, content,
                                           by_id[target_id]))
        if errors:
            raise _invalid(errors)
    drafts = []
    for target_id, subject, body, asked in chosen:
        target = by_id[target_id]
        language = asked or target.language
        if subject is None or body is None:
            language, default_subject, default_body = _letter_for(content, target, supporter,
                                                                  asked)
            subject = default_subject if subject is None else subject
            body = default_body if body is None else body
        drafts.append(DraftLetter(target=target, subject=subject.strip(),
                                  text=normalise_newlines(body), salutation="",
                                  language=language))
    return drafts


def _street_address(data: dict, drafts: list[DraftLetter]) -> str:
    """The supporter's street address, checked as step two checks it: required when a letter
    goes to an office that reads only its constituents' letters (letters.sender_address)."""
    raw = data["supporter"].get("street_address")
    if raw is not None and not isinstance(raw, str):
        raise _invalid({"supporter.street_address": ["Must be a string."]})
    address = clean_address(raw or "")
    if (len(address) > ADDRESS_MAX_LENGTH or len(address_lines(address)) > ADDRESS_MAX_LINES
            or not address_fits(address)):
        raise _invalid({"supporter.street_address": [
            f"Plain text of at most {ADDRESS_MAX_LINES} lines and {ADDRESS_MAX_LENGTH} "
            "characters."]})
    if not address and operations.address_needed(drafts):
        names = ", ".join(d.target_name for d in drafts if operations.address_needed([d]))
        raise _invalid({"supporter.street_address": [
            f"Required: letters to {names} must show that the supporter lives in their "
            "constituency or district."]})
    return address


def _language_errors(where: str, language, content, target: Target) -> dict[str, list[str]]:
    """A letter's language, when given: one the campaign has a letter in for this target."""
    if language is None:
        return {}
    offered = operations.letter_languages(content, [target])
    if isinstance(language, str) and language in offered:
        return {}
    return {where: [f"One of the campaign's languages for this target: {', '.join(offered)}."]}


def _text_errors(where: str, subject, body) -> dict[str, list[str]]:
    errors = {}
    if subject is not None:
        if not isinstance(subject, str) or not subject.strip():
            errors[f"{where}.subject"] = ["A non-empty string, or leave it out."]
        elif len(subject) > LIMITS["subject"] or not is_header_safe(subject):
            errors[f"{where}.subject"] = [f"One line of at most {LIMITS['subject']} characters."]
    if body is not None:
        if not isinstance(body, str) or not body.strip():
            errors[f"{where}.body"] = ["A non-empty string, or leave it out."]
        elif len(body) > LIMITS["body"] or not is_plain_text(body):
            errors[f"{where}.body"] = [f"Plain text of at most {LIMITS['body']} characters."]
    return errors


def _submission_options(data: dict) -> tuple[bool, str | None]:
    """The partner's consent box and the idempotency key, checked."""
    consent, key = data.get("partner_consent", False), data.get("idempotency_key")
    errors = {}
    if not isinstance(consent, bool):
        errors["partner_consent"] = ["Must be true or false."]
    if key is not None and (not isinstance(key, str) or not 8 <= len(key) <= 64
                            or not key.isprintable()):
        errors["idempotency_key"] = ["A string of 8 to 64 printable characters."]
    if errors:
        raise _invalid(errors)
    return consent, key


def _form_key(partner: Partner, key: str | None) -> str:
    """The one-time key of the submission: the same idempotency key gives the same one."""
    if key is None:
        return operations.new_form_key()
    return hashlib.sha256(f"{partner.code}\n{key}".encode()).hexdigest()[:48]


@bp.post("/campaigns/<slug>/submissions")
# In addition to the blueprint's limits.
@rate_limits.limit(per_email_limit, api_email_rate_key, exempt_when=lambda: not _json_email())
def submit(slug: str):
    campaign, content = _campaign(slug)
    data = _json_object(SUBMISSION_FIELDS)
    supporter, postcode, wants, area = _supporter(data)
    consent, key = _submission_options(data)
    if operations.why_closed(campaign, content):
        raise ApiError(409, "campaign_closed", "This campaign takes no letters just now.")
    if not campaign.allow_send:
        raise ApiError(409, "sending_not_offered", "This campaign does not send letters.")
    match = _match(campaign, content, supporter.country, postcode, area)
    drafts = _letters(data, match, content, supporter)
    if not any(can_send_for(d.target) for d in drafts):
        raise ApiError(422, "nothing_to_send", "None of these targets can be written to by "
                       "e-mail; use the render endpoint and their other channels.")
    sender = operations.Sender(supporter, postcode, wants, current_language(),
                               street_address=_street_address(data, drafts))
    result = operations.submit_letters(
        get_session(), campaign, sender, drafts, send_for_me=True,
        form_key=_form_key(g.api_partner, key),
        via=operations.Via(partner=g.api_partner, partner_consent=consent))
    return jsonify({
        "status": "pending_confirmation", "duplicate": result.duplicate,
        # One letter to people who share an address: the first one's id, all their names.
        "letters": [{"target_id": d.target.id, "target_name": d.target_name}
                    for d in result.stored],
        "not_sent": [t.id for d in result.to_draft for t in d.targets],
    }), 200 if result.duplicate else 202


MAX_CONSENT_ID = 2**31 - 1


@bp.get("/consents")
def consents():
    """The calling partner's consents, a page at a time; each call is in the audit log."""
    after = request.args.get("after", "0")
    # The id column is a 32-bit integer: PostgreSQL refuses to compare it with more.
    if not after.isascii() or not after.isdigit() or int(after) > MAX_CONSENT_ID:
        raise ApiError(422, "invalid_field",
                       f"`after` must be a whole number from 0 to {MAX_CONSENT_ID}.",
                       fields={"after": [f"not a whole number from 0 to {MAX_CONSENT_ID}"]})
    partner = g.api_partner
    db = get_session()
    items = exports.consents_after(db, partner, int(after))
    exports.audit_partner_fetch(db, partner, int(after), len(items))
    db.commit()
    return jsonify({"consents": items})
