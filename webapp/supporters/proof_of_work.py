"""A proof of work before letters are stored to send (ALTCHA): challenges and their solutions.

A campaign can ask for one (`Campaign.proof_of_work`). On step two the ALTCHA widget, served
from our own static files (static/vendor/altcha, started by static/proof-of-work.js), fetches
a challenge from `/proof-of-work/challenge` when "Send it for me" is pressed, solves it in the
browser and sends the solution with the form, as the `altcha` field. A challenge is signed
with a key derived from SECRET_KEY and expires; `operations.spend_proof_of_work` records it
the first time letters are stored with it, so that one solution never stores letters twice.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from altcha import Payload, create_challenge, verify_solution

# The widget's default algorithm: PBKDF2 is in every browser's WebCrypto, so the worker needs
# no code of its own for it.
ALGORITHM = "PBKDF2/SHA-256"
# Iterations of one key derivation. The work asked for is counted in derivations (the
# complexity setting); this only has to make each one cost more than a plain hash would.
COST = 1000
# A genuine payload is a few hundred characters: anything much longer is not read at all.
MAX_PAYLOAD_LENGTH = 4096
# The form field the widget puts its payload in (its default name).
FIELD = "altcha"


class ProofProblem(StrEnum):
    """Why a form's proof of work does not count."""

    MISSING = "missing"  # no JavaScript, or the widget did not run
    INVALID = "invalid"  # not a payload, not our challenge, or not its solution
    EXPIRED = "expired"
    SPENT = "spent"  # another form stored letters with it already


@dataclass(frozen=True)
class SolvedChallenge:
    """A challenge of ours, solved: what is remembered as spent, and until when."""

    signature: str
    expires_at: datetime


def _purpose_key(secret_key: str, purpose: str) -> str:
    # A key of its own for each use of SECRET_KEY: nothing signed for one thing (a session, a
    # confirmation link) can pass for another.
    return hmac.new(secret_key.encode(), f"proof of work: {purpose}".encode(),
                    hashlib.sha256).hexdigest()


class ProofOfWork:
    """Makes challenges and checks their solutions, with keys derived from SECRET_KEY."""

    def __init__(self, secret_key: str, complexity: int, max_age_seconds: int):
        self._challenge_key = _purpose_key(secret_key, "challenge")
        # Signs each challenge's derived key too, so that a solution is checked with one HMAC
        # instead of deriving the key again (ALTCHA's "deterministic mode").
        self._derived_key_key = _purpose_key(secret_key, "derived key")
        self.complexity = max(2, complexity)
        self.max_age_seconds = max_age_seconds

    def challenge(self) -> dict:
        """A new challenge, as the widget reads it (JSON)."""
        # The browser counts up from 0 until it finds this number: never less than half the
        # complexity, so that no challenge is a free pass.
        least = self.complexity // 2
        counter = least + secrets.randbelow(self.complexity - least + 1)
        return create_challenge(
            ALGORITHM, COST, counter=counter,
            expires_at=int(time.time()) + self.max_age_seconds,
            hmac_secret=self._challenge_key, hmac_key_secret=self._derived_key_key,
        ).to_dict()

    def check(self, payload: str) -> SolvedChallenge | ProofProblem:
        """The challenge a form's payload solves, or what is wrong with it. Whether it was
        spent already is for operations.spend_proof_of_work to say."""
        if not payload:
            return ProofProblem.MISSING
        if len(payload) > MAX_PAYLOAD_LENGTH:
            return ProofProblem.INVALID
        try:
            solved = Payload.from_base64(payload)
            result = verify_solution(solved, self._challenge_key,
                                     hmac_key_secret=self._derived_key_key)
        except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
            # Whatever a page (or a bot) sent in place of a payload: not one.
            return ProofProblem.INVALID
        if result.expired:
            return ProofProblem.EXPIRED
        expires_at = solved.challenge.parameters.expires_at
        if not result.verified or type(expires_at) is not int:
            # Every challenge of ours expires; one that does not was not made here.
            return ProofProblem.INVALID
        return SolvedChallenge(str(solved.challenge.signature),
                               datetime.fromtimestamp(expires_at, UTC))
