"""Signed, expiring links in e-mails."""

from __future__ import annotations

from enum import StrEnum

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer


class TokenProblem(StrEnum):
    EXPIRED = "expired"
    INVALID = "invalid"


class ConfirmationTokens:
    def __init__(self, secret_key: str, max_age_seconds: int):
        self._serializer = URLSafeTimedSerializer(secret_key, salt="confirm-submission")
        self.max_age_seconds = max_age_seconds

    def make(self, public_id: str) -> str:
        return self._serializer.dumps(public_id)

    def read(self, token: str) -> tuple[str | None, TokenProblem | None]:
        """The submission's public id, or why the token cannot be used."""
        try:
            return self._serializer.loads(token, max_age=self.max_age_seconds), None
        except SignatureExpired:
            return None, TokenProblem.EXPIRED
        except BadSignature:
            return None, TokenProblem.INVALID
