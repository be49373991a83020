"""The questionnaire's pages, and what later supporters see of replies and commitments.

A link in the mail opens a page with the answer chosen and a button: mail scanners open every
link (GET), so only the button (POST) records anything.
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..app_state import app_state
from ..db import get_session
from ..i18n import current_language
from ..rate_limits import client_limits
from ..supporters.tokens import TokenProblem
from . import operations, public
from .forms import AnswerForm
from .models import Answer
from .operations import AskedLetter
from .tokens import FollowupTokens

bp = Blueprint("followup", __name__, url_prefix="/followup")


@bp.app_template_global("target_standings")
def target_standings(target_ids) -> dict[str, public.Standing]:
    """For a letters page: the targets' recorded replies and commitments, in one query."""
    return public.standings(get_session(), target_ids)


@bp.app_template_global("country_commitments")
def country_commitments(country: str) -> list[public.Commitment]:
    """For a country's summit page (kept by summits.page_cache; recording one clears it)."""
    return public.commitments_in(get_session(), country)


def _asked(token: str) -> tuple[AskedLetter | None, str]:
    """The letter the link is about, or why there is nothing to answer."""
    found, problem = FollowupTokens(app_state().config.secret_key).read(token)
    if problem == TokenProblem.EXPIRED:
        return None, _("This link has expired. Thank you all the same.")
    if found is None:
        return None, _("This link is not valid. Please use the link exactly as it is in the "
                       "e-mail.")
    asked = operations.asked_letter(get_session(), *found)
    if asked is None:
        return None, _("This letter is no longer stored, so there is nothing to answer. "
                       "Thank you all the same.")
    return asked, ""


def _cannot_answer(message: str):
    return render_template("message.html", title=_("Cannot record an answer"),
                           message=message), 410


def _render(token: str, asked: AskedLetter, form: AnswerForm, status: int = 200,
            saved: bool = False):
    return render_template("followup/answer.html", token=token, asked=asked, form=form,
                           answers=list(Answer), saved=saved), status


@bp.get("/<token>")
def answer_page(token: str):
    """The letter, the three answers and a box for the reply; the answer so far chosen."""
    asked, problem = _asked(token)
    if asked is None:
        return _cannot_answer(problem)
    form = AnswerForm(formdata=None)
    form.answer.data = asked.answer.answer if asked.answer else None
    return _render(token, asked, form, saved=request.args.get("saved") == "1")


@bp.get("/<token>/<answer>")
def one_click(token: str, answer: str):
    """A link of the mail: the page with that answer chosen, waiting for the button."""
    if answer not in {a.value for a in Answer}:
        abort(404)
    asked, problem = _asked(token)
    if asked is None:
        return _cannot_answer(problem)
    form = AnswerForm(formdata=None)
    form.answer.data = answer
    return _render(token, asked, form)


@bp.post("/<token>")
@client_limits
def record(token: str):
    asked, problem = _asked(token)
    if asked is None:
        return _cannot_answer(problem)
    form = AnswerForm()
    if not form.validate():
        return _render(token, asked, form, status=400)
    operations.record_answer(get_session(), asked, Answer(form.answer.data),
                             form.reply.data or "")
    get_session().commit()
    return redirect(url_for("followup.answer_page", token=token, saved=1,
                            lang=current_language()), 303)
