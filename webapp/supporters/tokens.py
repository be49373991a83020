"""Signed, expiring links in e-mails, and the seal on details a form has checked."""

from __future__ import annotations

import json
from collections.abc import Sequence
from enum import StrEnum

from itsdangerous import (
    BadSignature,
    SignatureExpired,
    TimestampSigner,
    URLSafeSerializer,
    URLSafeTimedSerializer,
)


class TokenProblem(StrEnum):
    EXPIRED = "expired"
    INVALID = "invalid"


class ConfirmationTokens:
    # A salt of its own for each kind of link: one kind's token is no use as another's.
    def __init__(self, secret_key: str, max_age_seconds: int, salt: str = "confirm-submission"):
        self._serializer = URLSafeTimedSerializer(secret_key, salt=salt)
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


class ErasureTokens:
    """The "erase my data" link in every mail to a supporter: it names their submission.

    It does not expire: a mail may be read long after it came, and the supporter's wish to be
    forgotten does not lapse. Whoever has the mail can erase the data it is about; nothing
    else.
    """

    def __init__(self, secret_key: str):
        self._serializer = URLSafeSerializer(secret_key, salt="erase-supporter")

    def make(self, public_id: str) -> str:
        return self._serializer.dumps(public_id)

    def read(self, token: str) -> str | None:
        """The submission's public id; None for a token we did not make."""
        try:
            value = self._serializer.loads(token)
        except BadSignature:
            return None
        return value if isinstance(value, str) else None


class DetailsSeal:
    """Proof that the server checked these values, exactly as they are, a short while ago.

    Step one validates the supporter's details and carries them to step two in hidden fields,
    with a seal. When step two brings them back unchanged, the seal holds and they need no
    second check (an e-mail address is the costliest field of the form to validate). When
    anything was changed, or the seal is old, they are checked again like new input: the seal
    only ever saves work, it never lets through what a check would refuse.
    """

    def __init__(self, secret_key: str, max_age_seconds: int):
        self._signer = TimestampSigner(secret_key, salt="checked-supporter-details")
        self.max_age_seconds = max_age_seconds

    @staticmethod
    def _message(values: Sequence[str]) -> bytes:
        return json.dumps(list(values), ensure_ascii=False, separators=(",", ":")).encode()

    def make(self, values: Sequence[str]) -> str:
        """The seal alone ("timestamp.signature"); the values travel in their own fields."""
        signed = self._signer.sign(self._message(values)).decode()
        return ".".join(signed.rsplit(".", 2)[1:])

    def holds(self, values: Sequence[str], seal: str) -> bool:
        if not seal or seal.count(".") != 1:
            return False
        try:
            self._signer.unsign(self._message(values) + b"." + seal.encode(),
                                max_age=self.max_age_seconds)
        except (BadSignature, UnicodeEncodeError):
            return False
        return True
