"""Webhooks from the mail service: check who is calling, then hand the events to the domain.

SendGrid's Event Webhook signs every batch (ECDSA P-256 over the timestamp header followed by
the raw body) and retries whatever does not get a 2xx answer, for up to 24 hours. So: refuse
what SendGrid did not sign, or signed too long ago (403); refuse a body that is not a list of
events (400); and answer 503 rather than 500 when nothing can be stored now, so the batch comes
back later. Without a verification key configured there is no webhook: a plain 404, and one
warning when the app starts (with the SendGrid backend), not an error line per request.
"""

from __future__ import annotations

import json
import logging
import time
from functools import lru_cache

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric import ec
from flask import Blueprint, abort, jsonify, request
from sendgrid.helpers.eventwebhook import EventWebhook
from sendgrid.helpers.eventwebhook.eventwebhook_header import EventWebhookHeader
from sqlalchemy.exc import SQLAlchemyError

from database import utcnow

from ..app_state import app_state
from ..config import Config
from ..db import get_session
from ..log_privacy import describe, report_outage
from .after_commit import enqueue_after_commit
from .events import apply_events

log = logging.getLogger(__name__)

bp = Blueprint("webhooks", __name__, url_prefix="/webhooks")

# SendGrid posts batches of up to 768 KB: more than the app allows any form.
MAX_BATCH_BYTES = 4 * 1024 * 1024


class KeyProblem(Exception):
    """The configured verification key cannot be used."""


@lru_cache(maxsize=4)
def verification_key(configured: str) -> ec.EllipticCurvePublicKey:
    """The key as SendGrid shows it (base64 DER, with or without PEM lines), loaded once."""
    lines = [line.strip() for line in configured.strip().splitlines()]
    body = "".join(line for line in lines if line and not line.startswith("-----"))
    try:
        key = EventWebhook().convert_public_key_to_ecdsa(body)
    except (ValueError, UnsupportedAlgorithm) as error:
        raise KeyProblem(f"not a public key: {error}") from error
    if not isinstance(key, ec.EllipticCurvePublicKey) or key.curve.name != "secp256r1":
        raise KeyProblem("not an ECDSA P-256 public key")
    return key


def _error(status: int, message: str):
    return jsonify(error=message), status


class Refused(Exception):
    """A batch not taken: its answer's status and reason."""

    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status, self.reason = status, reason


@bp.record_once
def _warn_when_no_key(state) -> None:
    """Once, as the app starts: sending through SendGrid without its events is possible, but
    the sweep then learns nothing from SendGrid and must wait to settle unanswered letters."""
    config = app_state(state.app).config
    if config.mail_backend == "sendgrid" and not config.sendgrid_webhook_public_key:
        log.warning("SENDGRID_WEBHOOK_PUBLIC_KEY is not set: the SendGrid event webhook is "
                    "off (%s answers 404), and delivery events are not recorded",
                    f"{bp.url_prefix}/sendgrid")


@bp.post("/sendgrid")
def sendgrid_events():
    """SendGrid's Event Webhook: verify the batch, then apply it in one transaction."""
    if not app_state().config.sendgrid_webhook_public_key:
        # Not configured, so not there: anyone may post here, and each post is no news.
        abort(404)
    try:
        events = verified_events(app_state().config)
    except Refused as refused:
        return _error(refused.status, refused.reason)
    session = get_session()
    try:
        summary = apply_events(session, events, utcnow())
        enqueue_after_commit(session, "notice", summary.receipt_ids)
        session.commit()
    except SQLAlchemyError as error:
        session.rollback()
        if not report_outage(error):
            log.error("could not store delivery events, SendGrid will retry: %s",
                      describe(error))
        return _error(503, "could not store the events now")
    if summary.addresses_marked:
        app_state().directory.invalidate()
    return jsonify(summary.as_dict()), 200


def verified_events(config: Config) -> list:
    """The request's events, if SendGrid signed them lately; else Refused, and why."""
    key = _key(config)
    signature = request.headers.get(EventWebhookHeader.SIGNATURE, "")
    timestamp = request.headers.get(EventWebhookHeader.TIMESTAMP, "")
    if not signature or not timestamp:
        raise _refused("missing signature headers")
    if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12):
        raise _refused("malformed timestamp")
    if abs(time.time() - int(timestamp)) > config.webhook_max_age_seconds:
        # Outside the window a captured request could be played again once its events have
        # been forgotten; inside it, the recorded event ids catch a repeat.
        raise _refused("timestamp outside the replay window")
    request.max_content_length = MAX_BATCH_BYTES
    raw = request.get_data(cache=False)
    if not _signed(key, raw, signature, timestamp):
        raise _refused("bad signature")
    try:
        events = json.loads(raw)
    except (ValueError, RecursionError):
        raise Refused(400, "body is not JSON") from None
    if not isinstance(events, list):
        raise Refused(400, "body is not a list of events")
    return events


def _key(config: Config) -> ec.EllipticCurvePublicKey:
    configured = config.sendgrid_webhook_public_key
    if not configured:  # the view has answered 404 already
        raise Refused(404, "not found")
    try:
        return verification_key(configured)
    except KeyProblem as problem:
        log.error("SENDGRID_WEBHOOK_PUBLIC_KEY cannot be used: %s", problem)
        raise Refused(503, "webhook verification key unusable") from problem


def _signed(key: ec.EllipticCurvePublicKey, raw: bytes, signature: str, timestamp: str
            ) -> bool:
    try:
        payload = raw.decode("utf-8")
    except UnicodeDecodeError:
        return False  # SendGrid signs JSON, which is UTF-8
    try:
        return EventWebhook().verify_signature(payload, signature, timestamp, public_key=key)
    except ValueError:  # not base64, or not a DER signature
        return False


def _refused(reason: str) -> Refused:
    log.warning("SendGrid event webhook refused: %s", reason)
    return Refused(403, reason)
