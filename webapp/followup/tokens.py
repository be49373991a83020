"""The signed links of the questionnaire: each names one letter of one submission."""

from __future__ import annotations

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from ..supporters.tokens import TokenProblem

# Long enough for the second mail's links (sent four weeks after the letters) to be used a
# while after it arrives; a submission erased before then has nothing left to answer about.
MAX_AGE_SECONDS = 90 * 24 * 3600


class FollowupTokens:
    def __init__(self, secret_key: str, max_age_seconds: int = MAX_AGE_SECONDS):
        # Its own salt: a confirmation link's token is no answer link, nor the other way.
        self._serializer = URLSafeTimedSerializer(secret_key, salt="followup-letter")
        self.max_age_seconds = max_age_seconds

    def make(self, public_id: str, letter_id: int) -> str:
        return self._serializer.dumps([public_id, letter_id])

    def read(self, token: str) -> tuple[tuple[str, int] | None, TokenProblem | None]:
        """(submission's public id, letter id), or why the token cannot be used."""
        try:
            value = self._serializer.loads(token, max_age=self.max_age_seconds)
        except SignatureExpired:
            return None, TokenProblem.EXPIRED
        except BadSignature:
            return None, TokenProblem.INVALID
        if (not isinstance(value, list) or len(value) != 2 or not isinstance(value[0], str)
                or type(value[1]) is not int):
            return None, TokenProblem.INVALID
        return (value[0], value[1]), None
