"""Importing a representatives' data file: every staff member sees the page, editors upload,
check (a dry run) and apply (staff.data_imports does the work, with the command line's
importers)."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from ...app_state import app_state
from ...db import get_session
from ...i18n import current_language
from .. import data_imports
from ..data_imports import Checked, ImportRefused, ImportSettings, Refusal, StagedUpload
from ..forms import ImportApplyForm, ImportSettingsForm, ImportUploadForm
from . import bp

UPLOAD_ENDPOINT = "staff.data_import_upload"
# Room for the form's other fields and the multipart framing around the file.
FORM_ALLOWANCE = 64 * 1024


def _max_upload_bytes() -> int:
    return int(current_app.config.get("STAFF_IMPORT_MAX_BYTES", data_imports.MAX_UPLOAD_BYTES))


@bp.url_value_preprocessor
def _upload_limit(endpoint: str | None, _values: dict | None) -> None:
    # Before any before_request hook reads the form (the CSRF check does): the site's limit
    # is for typed text, an uploaded file may be larger.
    if endpoint == UPLOAD_ENDPOINT:
        request.max_content_length = _max_upload_bytes() + FORM_ALLOWANCE


@bp.errorhandler(413)
def _too_large(_error) -> ResponseReturnValue:
    if request.endpoint == UPLOAD_ENDPOINT:
        return _render_upload(ImportUploadForm(formdata=None),
                              [_refusal_text(ImportRefused(Refusal.TOO_LARGE))]), 413
    return render_template("message.html", title=_("Too much text"),
                           message=_("What you sent is too long. Please shorten it.")), 413


@bp.get("/data/import")
def data_import() -> ResponseReturnValue:
    """The upload form, the formats and what each reads, and the latest imports."""
    return _render_upload(ImportUploadForm(formdata=None))


@bp.post("/data/import")
def data_import_upload() -> ResponseReturnValue:
    """Keep the uploaded file for a dry run, then ask for its mapping and options."""
    form = ImportUploadForm()
    if not form.validate_on_submit():
        return _render_upload(form, _form_errors(form)), 422
    upload = form.upload.data
    try:
        staged = data_imports.stage_upload(
            current_app.instance_path, form.fmt.data or "",
            upload.filename if upload else "", upload.stream if upload else None,
            current_user, max_bytes=_max_upload_bytes())
    except ImportRefused as refused:
        return _render_upload(form, [_refusal_text(refused)]), 422
    return redirect(url_for("staff.data_import_settings", token=staged.token,
                            lang=current_language()), 303)


@bp.get("/data/import/<token>")
def data_import_settings(token: str) -> ResponseReturnValue:
    """The uploaded file's column mapping and options, before the dry run."""
    upload = _upload_or_gone(token)
    if upload is None:
        return redirect(url_for("staff.data_import", lang=current_language()), 303)
    settings = data_imports.suggested_settings(upload)
    form = ImportSettingsForm(formdata=None, data={
        **settings.options, "partial": settings.partial,
        "allow_mass_retirement": settings.allow_mass_retirement})
    return _render_check(upload, form, settings)


@bp.post("/data/import/<token>/check")
def data_import_check(token: str) -> ResponseReturnValue:
    """A dry run with the settings sent: what the import would add, update, retire, reject."""
    upload = _upload_or_gone(token)
    if upload is None:
        return redirect(url_for("staff.data_import", lang=current_language()), 303)
    form = ImportSettingsForm()
    settings = _posted_settings(form)
    if not form.validate_on_submit():
        return _render_check(upload, form, settings, _form_errors(form)), 422
    try:
        checked = data_imports.check(get_session(), current_app.instance_path, token, settings)
    except ImportRefused as refused:
        return _render_check(upload, form, settings, [_refusal_text(refused)]), 422
    return _render_check(checked.upload, form, settings, checked=checked)


@bp.post("/data/import/<token>/apply")
def data_import_apply(token: str) -> ResponseReturnValue:
    """Import what the dry run showed; if the file or the data changed since, show the new
    dry run instead."""
    form = ImportApplyForm()
    if not form.validate_on_submit():
        abort(400)
    db = get_session()
    try:
        applied = data_imports.apply_checked(db, current_app.instance_path, token,
                                             form.digest.data or "", current_user)
    except ImportRefused as refused:
        flash(_refusal_text(refused), "error")
        if refused.refusal is Refusal.GONE:
            return redirect(url_for("staff.data_import", lang=current_language()), 303)
        return redirect(url_for("staff.data_import_settings", token=token,
                                lang=current_language()), 303)
    if applied.changed and applied.checked is not None:
        settings = applied.checked.upload.settings or ImportSettings()
        shown = ImportSettingsForm(formdata=None, data={
            **settings.options, "partial": settings.partial,
            "allow_mass_retirement": settings.allow_mass_retirement})
        return _render_check(applied.checked.upload, shown, settings, [_(
            "The data or the file changed since the dry run, so nothing was imported. This is "
            "what the import would do now: check it and apply again.")],
            checked=applied.checked), 409
    db.commit()
    app_state().directory.invalidate()
    data_imports.discard(current_app.instance_path, token)
    report = applied.report
    flash(_("Imported: %(added)d added, %(updated)d updated, %(retired)d retired, "
            "%(rejected)d rows left out.", added=report.added, updated=report.updated,
            retired=report.retired, rejected=len(report.rejected)), "ok")
    return redirect(url_for("staff.data_import", lang=current_language()), 303)


# --- reading the request ------------------------------------------------------------------


def _upload_or_gone(token: str) -> StagedUpload | None:
    """The staged upload, or None with a message saying it is gone."""
    try:
        return data_imports.load_staged(current_app.instance_path, token)
    except ImportRefused as refused:
        flash(_refusal_text(refused), "error")
        return None


def _posted_settings(form: ImportSettingsForm) -> ImportSettings:
    posted = request.form
    columns = [(key.removeprefix("column-"), value) for key, value in posted.items()
               if key.startswith("column-")]
    defaults = [(key.removeprefix("default-"), value) for key, value in posted.items()
                if key.startswith("default-")]
    options = {name: str(form[name].data or "") for name in data_imports.OPTIONS}
    return data_imports.settings_from_form(
        columns, defaults, options, partial=bool(form.partial.data),
        allow_mass_retirement=bool(form.allow_mass_retirement.data))


# --- answering ----------------------------------------------------------------------------


def _render_upload(form: ImportUploadForm, messages: list[str] | None = None) -> str:
    return render_template(
        "staff/import.html", form=form, messages=messages or [],
        formats=data_imports.upload_formats(),
        max_megabytes=_megabytes(_max_upload_bytes()),
        runs=data_imports.recent_runs(get_session()))


def _render_check(upload: StagedUpload, form: ImportSettingsForm, settings: ImportSettings,
                  messages: list[str] | None = None, *,
                  checked: Checked | None = None) -> str:
    report = checked.report if checked else None
    return render_template(
        "staff/import_check.html", upload=upload, form=form, settings=settings,
        messages=messages or [], fields=data_imports.mapping_fields(upload.fmt),
        options=data_imports.format_options(upload.fmt),
        format_fields=data_imports.FORMAT_FIELDS.get(upload.fmt, ""),
        checked=checked, report=report,
        listed=data_imports.report_view(get_session(), report) if report else None,
        apply_form=ImportApplyForm(formdata=None, digest=checked.digest if checked else ""),
        shown_rows=data_imports.ROWS_SHOWN)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g}"


def _option_label(name: str) -> str:
    return {"source": _("Source name"), "country": _("Country"),
            "source_url": _("Where the file was published"), "as_of": _("The file's date"),
            "role": _("Role")}.get(name, name)


def _refusal_text(refused: ImportRefused) -> str:
    """A refusal, worded for staff."""
    value = refused.value
    texts = {
        Refusal.UNKNOWN_FORMAT: _("Choose one of the formats."),
        Refusal.NO_FILE: _("Choose a file to upload."),
        Refusal.EMPTY: _("The file is empty."),
        Refusal.TOO_LARGE: _("The file is too large: at most %(size)s MB.",
                             size=_megabytes(_max_upload_bytes())),
        Refusal.NOT_TEXT: _("The file is not UTF-8 text. Save or export it as CSV (UTF-8) and "
                            "upload it again."),
        Refusal.NOT_CSV: _("This is not a CSV table: its first line should name the columns, "
                           "separated by commas."),
        Refusal.NOT_JSON: _("This is not a JSON file, which this format reads."),
        Refusal.GONE: _("This upload is no longer here (it was imported already, or it "
                        "expired): upload the file again."),
        Refusal.FILE_CHANGED: _("The uploaded file changed on the server: upload it again."),
        Refusal.SETTINGS_CHANGED: _("The settings were checked again since (in another window "
                                    "maybe): look at the latest dry run and apply from there."),
        Refusal.NOT_CHECKED: _("Run the dry run first."),
        Refusal.OPTION_NOT_APPLICABLE: _("%(option)s does not apply to this format.",
                                         option=_option_label(value)),
        Refusal.OPTION_MISSING: _("This format needs %(option)s.",
                                  option=_option_label(value)),
        Refusal.BAD_DATE: _("“%(value)s” is not a date: write it as YYYY-MM-DD.", value=value),
        Refusal.UNKNOWN_FIELD: _("This format has no field “%(value)s”.", value=value),
        Refusal.UNKNOWN_COLUMN: _("The file has no column “%(value)s”.", value=value),
        Refusal.BAD_SETTINGS: _("The settings do not fit this format: %(problem)s",
                                problem=value),
        Refusal.NOTHING_TO_APPLY: _("Nothing was imported: the file has rejected rows. Fix "
                                    "them, or tick “Import the valid rows”, and check again."),
    }
    return texts[refused.refusal]


def _form_errors(form) -> list[str]:
    messages = []
    for name, errors in form.errors.items():
        if name == "csrf_token":
            messages.append(_("This form has expired. Please reload the page."))
        else:
            messages += [f"{form[name].label.text}: {error}" for error in errors]
    return messages
