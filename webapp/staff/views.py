"""The staff area at /staff: campaigns, letter templates with preview and versions, accounts.

Views stay thin: load, check, call one function, record it in the audit log, commit.
"""

from __future__ import annotations

import difflib

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import func, select

from letters.coverage import MissingTranslation, fallback_letter_counts, missing_translations
from letters.rendering import Supporter
from letters.similarity import report
from letters.templates import CampaignContent, ContentError
from letters.validation import SAMPLE_SUPPORTERS, preview, sample_target, validate_template
from letters.variants import count_variants
from representatives.model import MatchError, Target, TargetKind, UnknownCountry

from ..app_state import app_state
from ..db import get_session
from ..extensions import limiter
from ..i18n import is_language
from ..models import Campaign, CampaignStatus, Letter, LetterText
from . import auth
from .content import bump_revision
from .forms import ActionForm, CampaignForm, LoginForm, TemplateForm, UserForm
from .models import (
    AuditEntry,
    CampaignSettings,
    CampaignText,
    PublishedTemplate,
    Role,
    StaffUser,
    TemplateVersion,
)

bp = Blueprint("staff", __name__, url_prefix="/staff")
bp.before_request(auth.enforce_access)


@bp.context_processor
def _signed_in_user():
    # Registered here rather than app-wide (see staff/__init__.py).
    return {"current_user": current_user}


def _config():
    return app_state().config


def _login_limit() -> str:
    return _config().staff_login_limit


def _changed() -> None:
    """Content supporters see has changed: tell every process, and this one at once."""
    bump_revision(get_session())


def _commit_content() -> None:
    get_session().commit()
    app_state().campaigns.invalidate()


# --- signing in ---------------------------------------------------------------------------


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        db = get_session()
        user = auth.check_password(db, form.email.data, form.password.data)
        if user is None:
            error = _("Wrong e-mail address or password.")
        else:
            user.last_login_at = auth.utcnow()
            identity = auth.StaffIdentity(user)
            auth.audit(db, "login", user.email, actor=identity)
            db.commit()
            login_user(identity)
            auth.start_session()
            target = request.args.get("next") or ""
            # Only our own paths: never an open redirect.
            if not target.startswith("/staff") or target.startswith("//"):
                target = url_for("staff.dashboard")
            return redirect(target, 303)
    return render_template("staff/login.html", form=form, error=error), 401 if error else 200


@bp.post("/logout")
def logout():
    logout_user()
    return redirect(url_for("staff.login"), 303)


# --- campaigns ----------------------------------------------------------------------------


def _campaign(slug: str) -> Campaign:
    campaign = get_session().scalars(select(Campaign).where(Campaign.slug == slug)).first()
    if campaign is None:
        abort(404)
    return campaign


def _content(slug: str) -> CampaignContent:
    content = app_state().campaigns.get(slug)
    if content is None:
        # A staff campaign that is not complete yet reads as the default one.
        content = app_state().campaigns.get(_config().default_campaign)
    if content is None:
        abort(404)
    return content


@bp.get("/")
def dashboard():
    campaigns = get_session().scalars(select(Campaign).order_by(Campaign.slug)).all()
    contents = app_state().campaigns.all()
    missing = {slug: _missing(content) for slug, content in contents.items()}
    return render_template("staff/dashboard.html", campaigns=campaigns, contents=contents,
                           missing=missing, letter_languages=_letter_languages,
                           form=ActionForm())


def _languages() -> tuple[str, ...]:
    return _config().languages


def _missing(content: CampaignContent) -> list[MissingTranslation]:
    return missing_translations(content, app_state().directory.get().targets())


def _letter_languages(content: CampaignContent | None) -> list[str]:
    """Languages the campaign has a letter in, then the interface's (which staff may add)."""
    have = sorted(content.templates) if content else []
    return have + [lang for lang in _languages() if lang not in have]


def _english_letters_by_target(campaign: Campaign) -> dict[str, int]:
    rows = get_session().execute(
        select(Letter.target_id, func.count())
        .join(LetterText, Letter.text_id == LetterText.id)
        .where(Letter.campaign_id == campaign.id, LetterText.language == "en")
        .group_by(Letter.target_id)
    )
    return {target_id: count for target_id, count in rows}


def _settings(campaign: Campaign) -> CampaignSettings | None:
    return get_session().get(CampaignSettings, campaign.id)


def _save_campaign(campaign: Campaign, form: CampaignForm) -> None:
    db = get_session()
    campaign.allow_send = form.allow_send.data
    campaign.allow_draft = form.allow_draft.data
    settings = _settings(campaign) or CampaignSettings(campaign_id=campaign.id)
    settings.target_kinds = ",".join(_chosen_kinds())
    settings.countries = ",".join(
        sorted({c.strip().upper() for c in (form.countries.data or "").split(",") if c.strip()})
    )
    settings.deadline = form.deadline.data
    settings.updated_at = auth.utcnow()
    db.add(settings)
    for language in _languages():
        title = (request.form.get(f"title_{language}") or "").strip()[:200]
        intro = (request.form.get(f"intro_{language}") or "").replace("\r\n", "\n").strip()
        row = db.get(CampaignText, (campaign.id, language))
        if title:
            row = row or CampaignText(campaign_id=campaign.id, language=language)
            row.title, row.intro = title, intro
            db.add(row)
        elif row is not None:
            db.delete(row)


def _chosen_kinds() -> list[str]:
    known = [k.value for k in TargetKind]
    return [k for k in known if k in request.form.getlist("target_kinds")]


def _form_error(form: CampaignForm) -> str | None:
    if not (request.form.get("title_en") or "").strip():
        return _("The campaign needs an English title.")
    if not _chosen_kinds():
        return _("Choose at least one kind of target.")
    return None


@bp.route("/campaigns/new", methods=["GET", "POST"])
def campaign_new():
    form = CampaignForm()
    kinds = [k.value for k in TargetKind]
    if request.method == "GET":
        form.allow_send.data = form.allow_draft.data = True
    else:
        kinds = _chosen_kinds()
    error = None
    if form.validate_on_submit():
        db = get_session()
        if db.scalars(select(Campaign).where(Campaign.slug == form.slug.data)).first():
            error = _("A campaign with this name exists already.")
        elif _form_error(form):
            error = _form_error(form)
        else:
            # New campaigns start paused, so staff can check them before anyone writes.
            campaign = Campaign(slug=form.slug.data, status=CampaignStatus.PAUSED)
            db.add(campaign)
            db.flush()
            _save_campaign(campaign, form)
            auth.audit(db, "campaign.create", campaign.slug)
            _changed()
            _commit_content()
            return redirect(url_for("staff.campaign_edit", slug=campaign.slug), 303)
    texts = {lang: (request.form.get(f"title_{lang}", ""), request.form.get(f"intro_{lang}", ""))
             for lang in _languages()}
    status = 422 if error or form.errors else 200
    return render_template("staff/campaign.html", form=form, campaign=None, content=None,
                           texts=texts, error=error, new=True, kinds=kinds,
                           all_kinds=[k.value for k in TargetKind]), status


@bp.route("/campaigns/<slug>", methods=["GET", "POST"])
def campaign_edit(slug: str):
    campaign = _campaign(slug)
    content = _content(slug)
    settings = _settings(campaign)
    form = CampaignForm(obj=None)
    form.slug.data = campaign.slug
    kinds = [str(k) for k in content.target_kinds]
    if request.method == "GET":
        form.countries.data = settings.countries if settings else ""
        form.deadline.data = settings.deadline if settings else None
        form.allow_send.data, form.allow_draft.data = campaign.allow_send, campaign.allow_draft
    elif form.validate_on_submit():
        if _form_error(form):
            flash(_form_error(form), "error")
        else:
            _save_campaign(campaign, form)
            auth.audit(get_session(), "campaign.edit", slug)
            _changed()
            _commit_content()
            flash(_("Saved."), "ok")
            return redirect(url_for("staff.campaign_edit", slug=slug), 303)
    texts = {lang: (content.titles.get(lang, ""), content.intros.get(lang, ""))
             for lang in _languages()}
    missing = _missing(content)
    sent_in_english = fallback_letter_counts(
        missing, _english_letters_by_target(campaign) if missing else {})
    return render_template("staff/campaign.html", form=form, campaign=campaign, content=content,
                           texts=texts, error=None, new=False, action_form=ActionForm(),
                           kinds=kinds, all_kinds=[k.value for k in TargetKind],
                           missing=missing, sent_in_english=sent_in_english,
                           letter_languages=_letter_languages(content))


@bp.post("/campaigns/<slug>/status")
def campaign_status(slug: str):
    campaign = _campaign(slug)
    status = request.form.get("status", "")
    if status not in {s.value for s in CampaignStatus} or not ActionForm().validate():
        abort(400)
    db = get_session()
    auth.audit(db, "campaign.status", slug, f"{campaign.status} -> {status}")
    campaign.status = status
    db.commit()
    return redirect(url_for("staff.campaign_edit", slug=slug), 303)


# --- letter templates ---------------------------------------------------------------------


def _versions(campaign: Campaign, language: str) -> list[TemplateVersion]:
    return get_session().scalars(
        select(TemplateVersion)
        .where(TemplateVersion.campaign_id == campaign.id, TemplateVersion.language == language)
        .order_by(TemplateVersion.number.desc())
    ).all()


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
            targets = [m.target for m in app_state().directory.get().match(country).targets][:40]
        except (MatchError, UnknownCountry):
            targets = []
    return targets + [sample_target(kind, country or "GB", language) for kind in TargetKind]


def _preview(source: str, content: CampaignContent, language: str, country: str,
             target_id: str, seed: str):
    targets = _preview_targets(country, language)
    target = next((t for t in targets if t.id == target_id), None)
    if target is None:
        template = content.templates.get(language) or content.templates["en"]
        target = next((t for t in targets if t.kind in template.target_kinds), targets[0])
    base = SAMPLE_SUPPORTERS[0]
    supporter = Supporter(name=base.name, email=base.email, town=base.town,
                          own_words=base.own_words, country=country or base.country,
                          variant_seed=seed or "preview")
    limit = _config().template_time_limit
    try:
        letter = preview(source, content=content, language=language, target=target,
                         supporter=supporter, time_limit=limit)
    except ContentError as error:
        return None, _error_text(error), targets, target
    return letter, None, targets, target


def _error_text(error: ContentError) -> str:
    if error.line is not None:
        return _("Line %(line)d: %(message)s", line=error.line, message=error.message)
    return error.message


@bp.route("/campaigns/<slug>/letters/<language>", methods=["GET", "POST"])
def letter_editor(slug: str, language: str):
    campaign = _campaign(slug)
    content = _content(slug)
    if not is_language(language):
        abort(404)
    form = TemplateForm()
    status = 200
    message = None
    if request.method == "GET":
        form.source.data = _current_source(campaign, content, language)
        form.country.data = request.args.get("country", "")
    action = request.form.get("action", "preview")
    source = (form.source.data or "").replace("\r\n", "\n")
    letter, error, targets, target = _preview(
        source, content, language, (form.country.data or "").upper(), form.target.data or "",
        form.seed.data or "")
    if request.method == "POST" and form.validate() and action in ("save", "publish"):
        if error:
            status = 422
        else:
            db = get_session()
            version = _save_version(campaign, language, source, form.note.data or "")
            auth.audit(db, "letter.save", f"{slug}/{language}", f"version {version.number}")
            if action == "publish":
                _publish(campaign, language, version)
            _commit_content()
            flash(_("Saved as version %(number)d.", number=version.number)
                  + (" " + _("Published.") if action == "publish" else ""), "ok")
            return redirect(url_for("staff.letter_editor", slug=slug, language=language), 303)
    elif request.method == "POST" and form.errors:
        status = 422
    published = _published(campaign, language)
    return render_template(
        "staff/editor.html", campaign=campaign, content=content, language=language, form=form,
        letter=letter, error=error, targets=targets, target=target, message=message,
        versions=_versions(campaign, language), published=published,
        has_letter=language in content.templates,
        variants=count_variants(source), action_form=ActionForm(),
    ), status


def _save_version(campaign: Campaign, language: str, source: str, note: str) -> TemplateVersion:
    db = get_session()
    number = (db.scalar(select(func.max(TemplateVersion.number)).where(
        TemplateVersion.campaign_id == campaign.id, TemplateVersion.language == language)) or 0)
    version = TemplateVersion(campaign_id=campaign.id, language=language, number=number + 1,
                              source=source, note=note[:200], author=current_user.email,
                              created_by=current_user.user_id, created_at=auth.utcnow())
    db.add(version)
    db.flush()
    return version


def _publish(campaign: Campaign, language: str, version: TemplateVersion) -> None:
    db = get_session()
    row = db.get(PublishedTemplate, (campaign.id, language))
    if row is None:
        row = PublishedTemplate(campaign_id=campaign.id, language=language)
        db.add(row)
    row.version_id = version.id
    row.published_at = auth.utcnow()
    auth.audit(db, "letter.publish", f"{campaign.slug}/{language}", f"version {version.number}")
    _changed()


@bp.post("/campaigns/<slug>/letters/<language>/preview")
def letter_preview(slug: str, language: str):
    """The live preview: JSON for the editor's script (viewers may use it: it changes nothing)."""
    _campaign(slug)
    content = _content(slug)
    form = TemplateForm()
    if not form.validate():
        return jsonify(error=_("This form has expired. Please reload the page.")), 400
    letter, error, _targets, target = _preview(
        (form.source.data or "").replace("\r\n", "\n"), content, language,
        (form.country.data or "").upper(), form.target.data or "", form.seed.data or "")
    if error:
        return jsonify(error=error), 200
    return jsonify(subject=letter.subject, body=letter.body, target=target.name,
                   variants=count_variants(form.source.data or ""))


@bp.get("/campaigns/<slug>/letters/<language>/versions")
def letter_versions(slug: str, language: str):
    campaign = _campaign(slug)
    versions = _versions(campaign, language)
    by_number = {v.number: v for v in versions}
    diff = None
    a, b = request.args.get("a", type=int), request.args.get("b", type=int)
    if a in by_number and b in by_number:
        diff = list(difflib.unified_diff(
            by_number[a].source.splitlines(), by_number[b].source.splitlines(),
            fromfile=_("version %(number)d", number=a), tofile=_("version %(number)d", number=b),
            lineterm="",
        ))
    return render_template("staff/versions.html", campaign=campaign, language=language,
                           versions=versions, published=_published(campaign, language),
                           diff=diff, a=a, b=b, form=ActionForm())


@bp.post("/campaigns/<slug>/letters/<language>/versions/<int:number>/publish")
def letter_publish(slug: str, language: str, number: int):
    """Publish a saved version: the way to roll back to an earlier one."""
    campaign = _campaign(slug)
    if not ActionForm().validate():
        abort(400)
    version = next((v for v in _versions(campaign, language) if v.number == number), None)
    if version is None:
        abort(404)
    try:  # checked again: the rules may have changed since it was saved
        validate_template(version.source, content=_content(slug), language=language,
                          time_limit=_config().template_time_limit)
    except ContentError as error:
        flash(_error_text(error), "error")
        return redirect(url_for("staff.letter_versions", slug=slug, language=language), 303)
    _publish(campaign, language, version)
    _commit_content()
    flash(_("Version %(number)d is published.", number=number), "ok")
    return redirect(url_for("staff.letter_versions", slug=slug, language=language), 303)


@bp.get("/campaigns/<slug>/similarity")
def similarity(slug: str):
    """How alike the letters to each target are (a sample of the latest per target)."""
    campaign = _campaign(slug)
    db = get_session()
    rows = db.execute(
        select(Letter.target_id, Letter.target_name, LetterText.body)
        .join(LetterText, LetterText.id == Letter.text_id)
        .where(Letter.campaign_id == campaign.id)
        .order_by(Letter.id.desc()).limit(5000)
    ).all()
    texts: dict[tuple[str, str], list[str]] = {}
    for target_id, name, body in rows:
        bucket = texts.setdefault((target_id, name), [])
        if len(bucket) < 200:
            bucket.append(body)
    reports = sorted(((key, report(bodies)) for key, bodies in texts.items()),
                     key=lambda item: -item[1].mean)
    return render_template("staff/similarity.html", campaign=campaign, reports=reports)


# --- accounts and the audit log (admins) ---------------------------------------------------


@bp.get("/users")
def users():
    rows = get_session().scalars(select(StaffUser).order_by(StaffUser.email)).all()
    return render_template("staff/users.html", users=rows, form=UserForm(), action=ActionForm(),
                           roles=list(Role))


@bp.post("/users")
def user_create():
    form = UserForm()
    db = get_session()
    if not form.validate():
        rows = db.scalars(select(StaffUser).order_by(StaffUser.email)).all()
        return render_template("staff/users.html", users=rows, form=form, action=ActionForm(),
                               roles=list(Role)), 422
    email = form.email.data.strip().lower()
    if db.scalars(select(StaffUser).where(StaffUser.email == email)).first():
        flash(_("An account with this address exists already."), "error")
    else:
        auth.create_user(db, email, form.password.data, Role(form.role.data))
        auth.audit(db, "user.create", email, f"role {form.role.data}")
        db.commit()
    return redirect(url_for("staff.users"), 303)


@bp.post("/users/<int:user_id>")
def user_update(user_id: int):
    db = get_session()
    user = db.get(StaffUser, user_id)
    if user is None:
        abort(404)
    if not ActionForm().validate():
        abort(400)
    role = request.form.get("role", user.role)
    active = request.form.get("active") == "1"
    if role not in {r.value for r in Role}:
        abort(400)
    if user.id == current_user.user_id and (role != Role.ADMIN or not active):
        flash(_("You cannot take away your own admin rights."), "error")
        return redirect(url_for("staff.users"), 303)
    auth.audit(db, "user.update", user.email,
               f"role {user.role} -> {role}, active {user.active} -> {active}")
    if not active or role != user.role:
        user.session_token = auth.new_session_token()  # ends the user's sessions
    user.role, user.active = role, active
    db.commit()
    return redirect(url_for("staff.users"), 303)


@bp.get("/audit")
def audit():
    entries = get_session().scalars(
        select(AuditEntry).order_by(AuditEntry.id.desc()).limit(500)
    ).all()
    return render_template("staff/audit.html", entries=entries)
