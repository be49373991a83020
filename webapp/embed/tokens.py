"""The embed's own form token: signed, short-lived, bound to a partner and a campaign.

A page in a third-party frame cannot count on its cookies (browsers block them), so the
session's CSRF token would fail there; this token travels in the form instead.
"""

from __future__ import annotations

import secrets

from itsdangerous import BadSignature, URLSafeTimedSerializer


class EmbedTokens:
    def __init__(self, secret_key: str, max_age_seconds: int):
        self._serializer = URLSafeTimedSerializer(secret_key, salt="embed-form")
        self.max_age_seconds = max_age_seconds

    def make(self, partner_code: str, campaign_slug: str) -> str:
        # The nonce makes every page's token different, so tokens cannot be told apart by
        # comparing them across supporters.
        return self._serializer.dumps([partner_code, campaign_slug, secrets.token_hex(4)])

    def valid(self, token: str, partner_code: str, campaign_slug: str) -> bool:
        """Whether the token was made here, recently, for this partner and campaign."""
        try:
            data = self._serializer.loads(token or "", max_age=self.max_age_seconds)
        except BadSignature:  # SignatureExpired is one too
            return False
        return isinstance(data, list) and data[:2] == [partner_code, campaign_slug]
