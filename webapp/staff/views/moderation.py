"""Moderation: a campaign's rules for holding letters, and the queue of held letters.

Every staff member sees the settings and how many letters are held, and why; editors change
the rules and release, edit or cancel held letters (viewers are refused by auth.enforce_access).
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ...db import get_session
from ..forms import ActionForm, HeldLetterForm, ModerationRulesForm
from ..models import Role
from ..moderation import (
    HELD_SHOWN,
    Action,
    EditProblem,
    act,
    campaign_rules,
    edit_letter,
    held_letter,
    held_queue,
    parse_rules,
    rules_problem,
    save_rules,
)
from . import bp
from .common import campaign_or_404

_RULE_PROBLEMS = {
    "flood": lambda: _("Say how many letters, from 1 to 200, or leave it empty."),
    "similarity": lambda: _("Say a resemblance from 50 to 100 per cent (empty: 90)."),
    "words": lambda: _("At most 500 words, each up to 100 characters."),
}


@bp.route("/campaigns/<slug>/moderation", methods=["GET", "POST"])
def moderation_rules(slug: str) -> ResponseReturnValue:
    """The rules that hold a campaign's letters for an editor."""
    campaign = campaign_or_404(slug)
    db = get_session()
    form = ModerationRulesForm()
    error = None
    if request.method == "GET":
        rules = campaign_rules(db, campaign)
        form.flood_per_hour.data = rules.flood_per_hour
        form.flood_similarity.data = rules.flood_similarity
        form.supporter_as_target.data = rules.supporter_as_target
        form.held_words.data = "\n".join(rules.words)
    elif form.validate_on_submit():
        rules = parse_rules(form.flood_per_hour.data, form.flood_similarity.data,
                            bool(form.supporter_as_target.data), form.held_words.data or "")
        problem = rules_problem(rules)
        if problem is None:
            changed = save_rules(db, campaign, rules, current_user)
            db.commit()
            flash(_("Saved.") if changed else _("Nothing changed."), "ok")
            return redirect(url_for("staff.moderation_rules", slug=slug), 303)
        error = _RULE_PROBLEMS[problem]()
    return render_template("staff/moderation_rules.html", campaign=campaign, form=form,
                           error=error), 422 if request.method == "POST" else 200


@bp.get("/campaigns/<slug>/held")
def held_letters(slug: str) -> ResponseReturnValue:
    """The held letters: their count by rule for everyone, the letters for editors."""
    campaign = campaign_or_404(slug)
    queue = held_queue(get_session(), campaign, with_letters=current_user.can(Role.EDITOR))
    return render_template("staff/held.html", campaign=campaign, queue=queue,
                           shown=HELD_SHOWN, form=ActionForm())


@bp.post("/campaigns/<slug>/held")
def held_action(slug: str) -> ResponseReturnValue:
    """Release or cancel the ticked letters, or the one whose button was pressed."""
    campaign = campaign_or_404(slug)
    if not ActionForm().validate():
        abort(400)
    action, _sep, only = request.form.get("action", "").partition(":")
    if action not in {a.value for a in Action}:
        abort(400)
    ids = [only] if only else request.form.getlist("letter")
    letter_ids = [int(value) for value in ids if value.isascii() and value.isdigit()
                  and 0 < int(value) < 2**31]
    if len(letter_ids) != len(ids):
        abort(400)
    if not letter_ids:
        flash(_("Tick the letters to act on first."), "error")
        return redirect(url_for("staff.held_letters", slug=slug), 303)
    db = get_session()
    moved = act(db, campaign, Action(action), letter_ids, current_user)
    db.commit()
    if moved:
        flash((ngettext("Released: %(num)d letter.", "Released: %(num)d letters.", len(moved))
               if action == Action.RELEASE
               else ngettext("Cancelled: %(num)d letter; its supporter is told.",
                             "Cancelled: %(num)d letters; their supporters are told.",
                             len(moved))), "ok")
    if len(moved) < len(set(letter_ids)):
        flash(_("Some letters were no longer held (another editor acted on them) and were left "
                "as they are."), "error")
    return redirect(url_for("staff.held_letters", slug=slug), 303)


@bp.route("/campaigns/<slug>/held/<int:letter_id>", methods=["GET", "POST"])
def held_edit(slug: str, letter_id: int) -> ResponseReturnValue:
    """Change a held letter's subject and text (this letter's only)."""
    if not current_user.can(Role.EDITOR):
        abort(403)  # viewers see how many letters are held, not the letters
    campaign = campaign_or_404(slug)
    db = get_session()
    held = held_letter(db, campaign, letter_id)
    if held is None:
        flash(_("This letter is no longer held."), "error")
        return redirect(url_for("staff.held_letters", slug=slug), 303)
    form = HeldLetterForm()
    error = None
    if request.method == "GET":
        form.subject.data, form.body.data = held.letter.subject, held.letter.text.body
    elif form.validate_on_submit():
        problem = edit_letter(db, campaign, letter_id, form.subject.data or "",
                              form.body.data or "", current_user)
        if problem is None:
            db.commit()
            flash(_("Saved. The letter is still held: release it to send it."), "ok")
            return redirect(url_for("staff.held_letters", slug=slug), 303)
        db.rollback()
        if problem == EditProblem.GONE:
            flash(_("This letter is no longer held."), "error")
            return redirect(url_for("staff.held_letters", slug=slug), 303)
        error = (_("The subject must be one line of at most 200 characters.")
                 if problem == EditProblem.SUBJECT
                 else _("The text must not be empty, nor longer than 20,000 characters."))
    return render_template("staff/held_edit.html", campaign=campaign, held=held, form=form,
                           error=error), 422 if request.method == "POST" else 200
