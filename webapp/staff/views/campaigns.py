"""The dashboard and campaigns: creating them, their settings and texts, their status."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from letters.coverage import MissingTranslation, fallback_letter_counts
from letters.templates import CampaignContent
from representatives.model import TargetKind

from ...app_state import app_state
from ...db import get_session
from ...models import Campaign, CampaignStatus, Letter, LetterText
from .. import operations
from ..forms import ActionForm, CampaignForm
from ..models import CampaignSettings
from ..operations import CampaignValues
from . import bp
from .common import campaign_or_404, commit_content, content_or_404

ALL_KINDS = [kind.value for kind in TargetKind]


@bp.get("/")
def dashboard() -> ResponseReturnValue:
    """Every campaign, with its letters and the translations it lacks."""
    campaigns = get_session().scalars(select(Campaign).order_by(Campaign.slug)).all()
    contents = app_state().campaigns.all()
    missing = {slug: _missing(content) for slug, content in contents.items()}
    return render_template("staff/dashboard.html", campaigns=campaigns, contents=contents,
                           missing=missing, letter_languages=_letter_languages,
                           form=ActionForm())


@bp.route("/campaigns/new", methods=["GET", "POST"])
def campaign_new() -> ResponseReturnValue:
    """Create a campaign."""
    form = CampaignForm()
    if request.method == "GET":
        form.allow_send.data = form.allow_draft.data = True
    error = None
    if form.validate_on_submit():
        values = _posted_values(form)
        db = get_session()
        error = (_("A campaign with this name exists already.")
                 if operations.campaign_exists(db, form.slug.data) else _values_error(values))
        if error is None:
            campaign = operations.create_campaign(db, form.slug.data, values, current_user)
            commit_content()
            return redirect(url_for("staff.campaign_edit", slug=campaign.slug), 303)
    kinds = ALL_KINDS if request.method == "GET" else _posted_kinds()
    return render_template("staff/campaign.html", form=form, campaign=None, content=None,
                           texts=_posted_texts(), error=error, new=True, kinds=kinds,
                           all_kinds=ALL_KINDS), 422 if error or form.errors else 200


@bp.route("/campaigns/<slug>", methods=["GET", "POST"])
def campaign_edit(slug: str) -> ResponseReturnValue:
    """A campaign's settings, titles and introductions."""
    campaign, content = campaign_or_404(slug), content_or_404(slug)
    form = CampaignForm(obj=None)
    form.slug.data = campaign.slug
    if request.method == "GET":
        _fill_form(form, campaign)
    elif form.validate_on_submit():
        values = _posted_values(form)
        error = _values_error(values)
        if error is not None:
            flash(error, "error")
        else:
            operations.update_campaign(get_session(), campaign, values, current_user)
            commit_content()
            flash(_("Saved."), "ok")
            return redirect(url_for("staff.campaign_edit", slug=slug), 303)
    # Reaching here with a POST means it was refused: the page shows why, with what was typed.
    return _render_campaign(campaign, content, form), 422 if request.method == "POST" else 200


@bp.post("/campaigns/<slug>/status")
def campaign_status(slug: str) -> ResponseReturnValue:
    """Open, pause or close a campaign."""
    campaign = campaign_or_404(slug)
    status = request.form.get("status", "")
    if status not in {s.value for s in CampaignStatus} or not ActionForm().validate():
        abort(400)
    operations.set_campaign_status(get_session(), campaign, status, current_user)
    get_session().commit()
    return redirect(url_for("staff.campaign_edit", slug=slug), 303)


def _posted_kinds() -> list[str]:
    return operations.chosen_kinds(request.form.getlist("target_kinds"))


def _posted_texts() -> dict[str, tuple[str, str]]:
    return {lang: (request.form.get(f"title_{lang}", ""), request.form.get(f"intro_{lang}", ""))
            for lang in app_state().config.languages}


def _posted_values(form: CampaignForm) -> CampaignValues:
    return CampaignValues(
        allow_send=bool(form.allow_send.data), allow_draft=bool(form.allow_draft.data),
        target_kinds=_posted_kinds(), countries=form.countries.data or "",
        deadline=form.deadline.data, texts=_posted_texts(),
        proof_of_work=bool(form.proof_of_work.data),
        write_to_next_host=bool(form.write_to_next_host.data),
        letter_goal=form.letter_goal.data,
        letters_ticked=form.letters_ticked.data or 3,
    )


def _values_error(values: CampaignValues) -> str | None:
    """What keeps the posted campaign from being saved, if anything."""
    if not values.texts.get("en", ("", ""))[0].strip():
        return _("The campaign needs an English title.")
    if not values.target_kinds:
        return _("Choose at least one kind of target.")
    return None


def _fill_form(form: CampaignForm, campaign: Campaign) -> None:
    settings = get_session().get(CampaignSettings, campaign.id)
    form.countries.data = settings.countries if settings else ""
    form.deadline.data = settings.deadline if settings else None
    form.allow_send.data, form.allow_draft.data = campaign.allow_send, campaign.allow_draft
    form.proof_of_work.data = campaign.proof_of_work
    form.write_to_next_host.data = campaign.write_to_next_host
    form.letter_goal.data = campaign.letter_goal
    form.letters_ticked.data = campaign.letters_ticked


def _render_campaign(campaign: Campaign, content: CampaignContent, form: CampaignForm) -> str:
    if request.method == "POST":
        texts, kinds = _posted_texts(), _posted_kinds()
    else:
        texts = {lang: (content.titles.get(lang, ""), content.intros.get(lang, ""))
                 for lang in app_state().config.languages}
        kinds = [str(k) for k in content.target_kinds]
    missing = _missing(content)
    sent_in_english = fallback_letter_counts(
        missing, _english_letters_by_target(campaign) if missing else {})
    return render_template("staff/campaign.html", form=form, campaign=campaign, content=content,
                           texts=texts, error=None, new=False, action_form=ActionForm(),
                           kinds=kinds, all_kinds=ALL_KINDS,
                           missing=missing, sent_in_english=sent_in_english,
                           letter_languages=_letter_languages(content),
                           awaiting_review=operations.awaiting_review(get_session(), campaign,
                                                                      content))


def _missing(content: CampaignContent) -> list[MissingTranslation]:
    return operations.missing_translations(app_state().directory.get(), content)


def _letter_languages(content: CampaignContent | None) -> list[str]:
    """Languages the campaign has a letter in, then the interface's (which staff may add)."""
    have = sorted(content.templates) if content else []
    return have + [lang for lang in app_state().config.languages if lang not in have]


def _english_letters_by_target(campaign: Campaign) -> dict[str, int]:
    rows = get_session().execute(
        select(Letter.target_id, func.count())
        .join(LetterText, Letter.text_id == LetterText.id)
        .where(Letter.campaign_id == campaign.id, LetterText.language == "en")
        .group_by(Letter.target_id)
    )
    return {target_id: count for target_id, count in rows}
