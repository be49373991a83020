"""Letter templates: the editor with its live preview, saved versions, publishing, similarity."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from letters.rendering import RenderedLetter, Supporter
from letters.similarity import SimilarityReport, report
from letters.template_variables import template_filters, template_variables
from letters.templates import CampaignContent, ContentError
from letters.text import normalise_newlines
from letters.validation import SAMPLE_SUPPORTERS, preview, sample_target
from letters.variants import count_variants
from representatives.model import MatchError, Target, TargetKind, UnknownCountry

from ...app_state import app_state
from ...db import get_session
from ...i18n import is_language, language_name
from ...models import Campaign, Letter, LetterText
from .. import operations
from ..forms import ActionForm, TemplateForm
from ..models import PublishedTemplate, TemplateVersion
from . import bp
from .common import campaign_or_404, commit_content, content_or_404

# Enough real targets to pick from in the editor without a country's whole directory.
PREVIEW_TARGETS = 40
# The similarity page reads a sample: the latest letters, and at most so many per target.
SIMILARITY_LETTERS = 5000
SIMILARITY_PER_TARGET = 200


@dataclass(frozen=True)
class _Preview:
    letter: RenderedLetter | None
    error: str | None
    targets: list[Target]
    target: Target


@bp.route("/campaigns/<slug>/letters/<language>", methods=["GET", "POST"])
def letter_editor(slug: str, language: str) -> ResponseReturnValue:
    """Edit a campaign's letter in one language: preview it, save it, publish it."""
    campaign, content = campaign_or_404(slug), content_or_404(slug)
    if not is_language(language):
        abort(404)
    form = TemplateForm()
    if request.method == "GET":
        form.source.data = _current_source(campaign, content, language)
        form.country.data = request.args.get("country", "")
    source = normalise_newlines(form.source.data or "")
    shown = _preview_form(form, source, content, language)
    action = request.form.get("action", "preview")
    status = 200
    if request.method == "POST" and form.validate() and action in ("save", "publish"):
        if shown.error is None:
            return _save(campaign, language, source, form.note.data or "", action == "publish")
        status = 422
    elif request.method == "POST" and form.errors:
        status = 422
    return _render_editor(campaign, content, language, form, source, shown), status


@bp.post("/campaigns/<slug>/letters/<language>/preview")
def letter_preview(slug: str, language: str) -> ResponseReturnValue:
    """The live preview: JSON for the editor's script (viewers may use it: it changes nothing)."""
    campaign_or_404(slug)
    content = content_or_404(slug)
    form = TemplateForm()
    if not form.validate():
        return jsonify(error=_("This form has expired. Please reload the page.")), 400
    source = normalise_newlines(form.source.data or "")
    shown = _preview_form(form, source, content, language)
    if shown.letter is None:
        return jsonify(error=shown.error), 200
    return jsonify(subject=shown.letter.subject, body=shown.letter.body,
                   target=shown.target.name, variants=count_variants(source))


@bp.get("/campaigns/<slug>/letters/<language>/versions")
def letter_versions(slug: str, language: str) -> ResponseReturnValue:
    """The saved versions of a letter, and the difference between two of them."""
    campaign = campaign_or_404(slug)
    versions = _versions(campaign, language)
    by_number = {v.number: v for v in versions}
    diff = None
    a, b = request.args.get("a", type=int), request.args.get("b", type=int)
    if a is not None and b is not None and a in by_number and b in by_number:
        diff = list(difflib.unified_diff(
            by_number[a].source.splitlines(), by_number[b].source.splitlines(),
            fromfile=_("version %(number)d", number=a), tofile=_("version %(number)d", number=b),
            lineterm="",
        ))
    return render_template("staff/versions.html", campaign=campaign, language=language,
                           versions=versions, published=_published(campaign, language),
                           diff=diff, a=a, b=b, form=ActionForm())


@bp.post("/campaigns/<slug>/letters/<language>/versions/<int:number>/publish")
def letter_publish(slug: str, language: str, number: int) -> ResponseReturnValue:
    """Publish a saved version: the way to roll back to an earlier one."""
    campaign = campaign_or_404(slug)
    if not ActionForm().validate():
        abort(400)
    version = get_session().scalars(select(TemplateVersion).where(
        TemplateVersion.campaign_id == campaign.id, TemplateVersion.language == language,
        TemplateVersion.number == number)).first()
    if version is None:
        abort(404)
    try:
        operations.republish_version(get_session(), campaign, version, content_or_404(slug),
                                     app_state().config.template_time_limit, current_user)
    except ContentError as error:
        flash(_error_text(error), "error")
    else:
        commit_content()
        flash(_("Version %(number)d is published.", number=number), "ok")
    return redirect(url_for("staff.letter_versions", slug=slug, language=language), 303)


@bp.post("/campaigns/<slug>/letters/<language>/reviewed")
def letter_reviewed(slug: str, language: str) -> ResponseReturnValue:
    """A native reader has read the translated letter: it no longer awaits review."""
    campaign, content = campaign_or_404(slug), content_or_404(slug)
    if not ActionForm().validate():
        abort(400)
    if language not in content.templates or not content.templates[language].needs_review:
        abort(404)
    if operations.mark_reviewed(get_session(), campaign, language, current_user):
        get_session().commit()
        flash(_("The letter in %(language)s is marked as reviewed.",
                language=language_name(language)), "ok")
    return redirect(url_for("staff.letter_editor", slug=slug, language=language), 303)


@bp.get("/campaigns/<slug>/similarity")
def similarity(slug: str) -> ResponseReturnValue:
    """How alike the letters to each target are (a sample of the latest per target)."""
    campaign = campaign_or_404(slug)
    return render_template("staff/similarity.html", campaign=campaign,
                           reports=_similarity_reports(campaign))


def _save(campaign: Campaign, language: str, source: str, note: str,
          publish: bool) -> ResponseReturnValue:
    version = operations.save_letter(get_session(), campaign, language, source, note,
                                     current_user, publish=publish)
    commit_content()
    flash(_("Saved as version %(number)d.", number=version.number)
          + (" " + _("Published.") if publish else ""), "ok")
    return redirect(url_for("staff.letter_editor", slug=campaign.slug, language=language), 303)


def _render_editor(campaign: Campaign, content: CampaignContent, language: str,
                   form: TemplateForm, source: str, shown: _Preview) -> str:
    return render_template(
        "staff/editor.html", campaign=campaign, content=content, language=language, form=form,
        letter=shown.letter, error=shown.error, targets=shown.targets, target=shown.target,
        versions=_versions(campaign, language),
        published=_published(campaign, language), has_letter=language in content.templates,
        awaiting_review=language in operations.awaiting_review(get_session(), campaign, content),
        variants=count_variants(source), action_form=ActionForm(),
        template_variables=template_variables(), template_filters=template_filters(),
    )


def _versions(campaign: Campaign, language: str) -> list[TemplateVersion]:
    return list(get_session().scalars(
        select(TemplateVersion)
        .where(TemplateVersion.campaign_id == campaign.id, TemplateVersion.language == language)
        .order_by(TemplateVersion.number.desc())
    ))


def _published(campaign: Campaign, language: str) -> PublishedTemplate | None:
    return get_session().get(PublishedTemplate, (campaign.id, language))


def _file_source(content: CampaignContent, language: str) -> str:
    """The starting point: the template as a file would hold it."""
    template = content.templates.get(language) or content.templates.get("en")
    if template is None:
        return "subject: \n---\n"
    kinds = ", ".join(str(k) for k in template.target_kinds)
    return f"subject: {template.subject}\ntargets: {kinds}\n---\n{template.body}"


def _current_source(campaign: Campaign, content: CampaignContent, language: str) -> str:
    published = _published(campaign, language)
    if published is not None:
        return published.version.source
    versions = _versions(campaign, language)
    return versions[0].source if versions else _file_source(content, language)


def _preview_targets(country: str, language: str) -> list[Target]:
    """Real targets of `country` when the directory has them, then one sample of each kind."""
    targets: list[Target] = []
    if country:
        try:
            matched = app_state().directory.get().match(country).targets
            targets = [m.target for m in matched][:PREVIEW_TARGETS]
        except (MatchError, UnknownCountry):
            targets = []
    return targets + [sample_target(kind, country or "GB", language) for kind in TargetKind]


def _preview_form(form: TemplateForm, source: str, content: CampaignContent,
                  language: str) -> _Preview:
    """The letter `source` gives for the country, target and variant seed the form asks for."""
    country = (form.country.data or "").upper()
    targets = _preview_targets(country, language)
    target = next((t for t in targets if t.id == (form.target.data or "")), None)
    if target is None:
        template = content.templates.get(language) or content.templates["en"]
        target = next((t for t in targets if t.kind in template.target_kinds), targets[0])
    base = SAMPLE_SUPPORTERS[0]
    supporter = Supporter(name=base.name, email=base.email, town=base.town,
                          own_words=base.own_words, country=country or base.country,
                          variant_seed=form.seed.data or "preview")
    try:
        letter = preview(source, content=content, language=language, target=target,
                         supporter=supporter, time_limit=app_state().config.template_time_limit,
                         summits=app_state().directory.get().summits)
    except ContentError as error:
        return _Preview(None, _error_text(error), targets, target)
    return _Preview(letter, None, targets, target)


def _error_text(error: ContentError) -> str:
    if error.line is not None:
        return _("Line %(line)d: %(message)s", line=error.line, message=error.message)
    return error.message


def _similarity_reports(campaign: Campaign) -> list[tuple[tuple[str, str], SimilarityReport]]:
    """Each target's report, least varied first."""
    rows = get_session().execute(
        select(Letter.target_id, Letter.target_name, LetterText.body)
        .join(LetterText, LetterText.id == Letter.text_id)
        .where(Letter.campaign_id == campaign.id)
        .order_by(Letter.id.desc()).limit(SIMILARITY_LETTERS)
    ).all()
    texts: dict[tuple[str, str], list[str]] = {}
    for target_id, name, body in rows:
        bucket = texts.setdefault((target_id, name), [])
        if len(bucket) < SIMILARITY_PER_TARGET:
            bucket.append(body)
    return sorted(((key, report(bodies)) for key, bodies in texts.items()),
                  key=lambda item: -item[1].mean)
