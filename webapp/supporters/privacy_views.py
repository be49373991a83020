"""The supporter's privacy pages: erase my data (the link in every mail), and confirm the
consents ticked on the draft path (supporters.consent).

Each link's GET only shows a button: mail scanners open links in mails to check them, and
must neither erase anyone nor confirm a consent. The POST does it (CSRFProtect checks it).
"""

from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _

from ..app_state import app_state
from ..db import get_session
from ..delivery.mails import consent_tokens
from ..models import Submission
from ..rate_limits import client_limits
from . import consent, erasure
from .tokens import ErasureTokens, TokenProblem
from .views import bp


def _message(title: str, message: str, status: int = 200):
    return render_template("message.html", title=title, message=message), status


def _not_valid():
    return _message(_("Link not valid"), _("This link is not valid. Please use the link "
                                           "exactly as it is in the e-mail."), 404)


def _already_erased():
    return _message(_("Your data is erased"), _("We hold nothing about you from this e-mail "
                                                "any more: your details and letters are "
                                                "erased."))


# --- erase my data ----------------------------------------------------------------------

def _erasure_public_id(token: str) -> str | None:
    return ErasureTokens(app_state().config.secret_key).read(token)


@bp.get("/erase/<token>")
def erase_page(token: str):
    """What erasing does, and the button that does it."""
    public_id = _erasure_public_id(token)
    erased = None if public_id is None else erasure.is_erased(get_session(), public_id)
    if erased is None:
        return _not_valid()
    if erased:
        return _already_erased()
    return render_template("erase.html", token=token)


@bp.post("/erase/<token>")
@client_limits
def erase(token: str):
    public_id = _erasure_public_id(token)
    if public_id is None:
        return _not_valid()
    session = get_session()
    erased = erasure.erase_by_link(session, public_id)
    if erased is None:
        return _not_valid()
    session.commit()
    return render_template("erased.html", erased=erased)


# --- confirming consents ticked on the draft path ------------------------------------------

def _consent_submission(token: str) -> tuple[Submission | None, tuple | None]:
    """The submission the consent link names, or the page saying why it cannot be used."""
    public_id, problem = consent_tokens(app_state().config).read(token)
    if problem == TokenProblem.EXPIRED:
        return None, _message(_("Link expired"), _(
            "This link has expired: we will not write to you. You are welcome to sign up "
            "again with your next letters."), 410)
    if problem is not None:
        return None, _not_valid()
    submission = get_session().query(Submission).filter_by(public_id=public_id).one_or_none()
    if submission is None or not consent.is_consent_request(submission):
        return None, _message(_("Link no longer valid"), _(
            "We no longer hold this request. You are welcome to sign up again with your next "
            "letters."), 410)
    return submission, None


@bp.get("/keep-informed/<token>")
def consent_page(token: str):
    submission, refused = _consent_submission(token)
    if submission is None:
        return refused
    return render_template("consent_confirm.html", submission=submission, token=token,
                           already=submission.confirmed_at is not None,
                           months=app_state().config.contact_retention_months)


@bp.post("/keep-informed/<token>")
@client_limits
def consent_confirm(token: str):
    submission, refused = _consent_submission(token)
    if submission is None:
        return refused
    session = get_session()
    consent.confirm_consent(session, submission)
    session.commit()
    return _message(_("Thank you"), _("Your address is confirmed: we will keep you informed as "
                                      "you asked."))
