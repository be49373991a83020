"""The summit series: every staff member reads it, editors add and edit summits, their outcome
documents, and what each country did about each document (staff.summits does the work)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date
from typing import TypeVar

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from letters.summit_views import country_name
from letters.text import storable
from representatives.importers.summit_rules import SUMMIT_ID, Problem, Rule
from representatives.tables import PARTICIPATION_STATUSES, STAFF_SOURCE, Summit

from ...app_state import app_state
from ...db import get_session
from ...i18n import current_language
from .. import summits
from ..forms import ActionForm, ManyCountriesForm, ParticipationForm, SummitForm
from ..summits import (
    DocumentEdit,
    ParticipationValues,
    StaffRule,
    SummitProblems,
    SummitSaved,
    SummitValues,
)
from . import bp

# Empty rows under a summit's documents, for adding some in the same save.
BLANK_DOCUMENT_ROWS = 2

T = TypeVar("T")


@bp.get("/summits")
def summits_list() -> ResponseReturnValue:
    """The series in order, with each summit's documents and participation rows."""
    return render_template("staff/summits.html", rows=summits.series_rows(get_session()))


@bp.route("/summits/new", methods=["GET", "POST"])
def summit_new() -> ResponseReturnValue:
    """Add a summit."""
    form = SummitForm()
    if request.method == "GET":
        form.status.data, form.when.data = "announced", "year"
        _add_blank_documents(form)
        return _render_summit(form, None)
    problems: list[Problem] = []
    if form.validate_on_submit():
        try:
            saved = _write(lambda: summits.create_summit(
                get_session(), form.summit_id.data or "", _posted_summit(form), current_user))
        except SummitProblems as refused:
            problems = refused.problems
        else:
            return _saved(saved, _("The summit is added."))
    return _render_summit(form, None, problems), 422


@bp.route("/summits/<slug>", methods=["GET", "POST"])
def summit_edit(slug: str) -> ResponseReturnValue:
    """A summit's facts and outcome documents."""
    summit = _summit_or_404(slug)
    form = SummitForm()
    if request.method == "GET":
        _fill_summit(form, summit)
        return _render_summit(form, summit)
    problems: list[Problem] = []
    if form.validate_on_submit():
        try:
            saved = _write(lambda: summits.update_summit(
                get_session(), summit, _posted_summit(form), current_user))
        except SummitProblems as refused:
            problems = refused.problems
        else:
            return _saved(saved, _("Saved."))
    return _render_summit(form, summit, problems), 422


@bp.route("/summits/<slug>/participation", methods=["GET", "POST"])
def summit_participation(slug: str) -> ResponseReturnValue:
    """What each country did about one document (?document=, empty for the summit as a
    whole); a POST adds a country's row (mode=add) or changes one (mode=edit)."""
    summit = _summit_or_404(slug)
    form = ParticipationForm()
    document = _document_or_404(summit, form.document.data if request.method == "POST"
                                else request.args.get("document", ""))
    if request.method == "GET":
        return _render_participation(summit, document)
    problems: list[Problem] = []
    adding = request.form.get("mode") != "edit"
    if form.validate_on_submit():
        try:
            row = _write(lambda: summits.set_participation(
                get_session(), summit, document, _posted_row(form), current_user,
                adding=adding))
        except SummitProblems as refused:
            problems = refused.problems
        else:
            return _participation_saved(summit, document, row, _("Saved."))
    return _render_participation(summit, document, problems, add_form=form if adding else None,
                                 edit_form=None if adding else form), 422


@bp.post("/summits/<slug>/participation/remove")
def summit_participation_remove(slug: str) -> ResponseReturnValue:
    """Remove one country's row for a document."""
    summit = _summit_or_404(slug)
    document = _document_or_404(summit, request.form.get("document"))
    if not ActionForm().validate_on_submit():
        abort(400)
    country = storable(request.form.get("country", "")).strip().upper()
    # The source that had written the row; "" when there was none (None: the database refused
    # the change).
    removed = _write(lambda: summits.remove_participation(get_session(), summit, document,
                                                          country, current_user) or "")
    if removed == "":
        flash(_("There was no row for %(country)s; nothing was removed.",
                country=_country_label(country)), "error")
        return _redirect_participation(summit, document)
    message = _("The row for %(country)s is removed.", country=_country_label(country))
    if removed not in (None, STAFF_SOURCE):
        message += " " + _("It came from the project's data file, which still lists it: "
                           "importing that file again brings it back unless the file is "
                           "corrected too.")
    return _participation_saved(summit, document, removed, message)


@bp.post("/summits/<slug>/participation/many")
def summit_participation_many(slug: str) -> ResponseReturnValue:
    """One status and source for a pasted list of countries ("FR, DE, IT")."""
    summit = _summit_or_404(slug)
    form = ManyCountriesForm()
    document = _document_or_404(summit, form.document.data)
    problems: list[Problem] = []
    if form.validate_on_submit():
        try:
            done = _write(lambda: summits.set_many(
                get_session(), summit, document, form.countries.data or "", _posted_row(form),
                current_user))
        except SummitProblems as refused:
            problems = refused.problems
        else:
            return _participation_saved(summit, document, done, _(
                "Added: %(added)d. Changed: %(changed)d. Already so: %(unchanged)d.",
                added=len(done.added), changed=len(done.changed),
                unchanged=len(done.unchanged)) if done else "")
    return _render_participation(summit, document, problems, many_form=form), 422


# --- reading the request ------------------------------------------------------------------


def _summit_or_404(summit_id: str) -> Summit:
    # Only what could be an id reaches the database (PostgreSQL refuses a NUL in a query).
    summit = get_session().get(Summit, summit_id) if SUMMIT_ID.fullmatch(summit_id) else None
    if summit is None:
        abort(404)
    return summit


def _document_or_404(summit: Summit, document: str | None) -> str:
    """The document asked for: one of the summit's titles, or "" for the summit as a whole."""
    document = document or ""
    if document and document not in summits.summit_titles(summit):
        abort(404)
    return document


def _typed(field) -> str:
    """A text field as typed, without what no database can store (a NUL)."""
    return storable(field.data or "")


def _posted_summit(form: SummitForm) -> SummitValues:
    dates = form.when.data == "dates"
    return SummitValues(
        name=_typed(form.name), host_country=_typed(form.host_country), city=_typed(form.city),
        start_date=form.start_date.data if dates else None,
        end_date=form.end_date.data if dates else None,
        year=form.year.data, status=form.status.data or "", source_url=_typed(form.source_url),
        documents=tuple(
            DocumentEdit(title=_typed(entry.title),
                         date=entry.date.data.isoformat() if entry.date.data else "",
                         url=_typed(entry.url), original=entry.original.data or "",
                         remove=bool(entry.remove.data))
            for entry in form.documents),
    )


def _posted_row(form: ParticipationForm) -> ParticipationValues:
    return ParticipationValues(country=_typed(form.country), status=form.status.data or "",
                               source_url=_typed(form.source_url), note=_typed(form.note))


def _fill_summit(form: SummitForm, summit: Summit) -> None:
    form.name.data, form.host_country.data, form.city.data = (
        summit.name, summit.host_country, summit.city)
    form.when.data = "dates" if summit.start_date else "year"
    form.start_date.data, form.end_date.data = summit.start_date, summit.end_date
    form.year.data, form.status.data = summit.year, summit.status
    form.source_url.data = summit.source_url or ""
    for document in summit.documents or ():
        if isinstance(document, dict):
            form.documents.append_entry({
                "original": document.get("title", ""), "title": document.get("title", ""),
                "date": _iso_date(document.get("date")), "url": document.get("url") or ""})
    _add_blank_documents(form)


def _iso_date(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _add_blank_documents(form: SummitForm) -> None:
    for _number in range(BLANK_DOCUMENT_ROWS):
        form.documents.append_entry()


# --- answering ----------------------------------------------------------------------------


def _write(change: Callable[[], T]) -> T | None:
    """Make the change in one transaction, and have this process read the series again;
    None when the database refused it (someone changed the same rows at the same moment).
    SummitProblems from `change` goes to the caller: then nothing was written."""
    db = get_session()
    try:
        done = change()
        db.commit()
    except IntegrityError:
        db.rollback()
        return None
    app_state().directory.invalidate()
    return done


def _conflict() -> str:
    return _("Someone changed the same data at the same moment; nothing was saved. Check it "
             "and save again.")


def _saved(saved: SummitSaved | None, message: str) -> ResponseReturnValue:
    if saved is None:
        flash(_conflict(), "error")
        return redirect(url_for("staff.summits_list", lang=current_language()), 303)
    if not saved.changed:
        message = _("Nothing had changed.")
    for other in saved.unmarked:
        message += " " + _("%(name)s is no longer the next summit; it is now marked "
                           "%(status)s.", name=other.name, status=_status_label(other.status))
    if saved.renamed:
        message += " " + _("Renamed documents: %(count)d (their participation rows too).",
                           count=len(saved.renamed))
    if saved.removed_rows:
        message += " " + _("Participation rows removed with their documents: %(count)d.",
                           count=saved.removed_rows)
    flash(message, "ok")
    return redirect(url_for("staff.summit_edit", slug=saved.summit.id, lang=current_language()),
                    303)


def _participation_saved(summit: Summit, document: str, done: object,
                         message: str) -> ResponseReturnValue:
    """Back to the document's table, saying what was done (`done` None: nothing was)."""
    if done is None:
        flash(_conflict(), "error")
    else:
        flash(message, "ok")
    return _redirect_participation(summit, document)


def _redirect_participation(summit: Summit, document: str) -> ResponseReturnValue:
    return redirect(url_for("staff.summit_participation", slug=summit.id,
                            document=document or None, lang=current_language()), 303)


def _render_summit(form: SummitForm, summit: Summit | None,
                   problems: Iterable[Problem] = ()) -> str:
    counts = summits.document_row_counts(get_session(), summit) if summit else {}
    return render_template("staff/summit_edit.html", form=form, summit=summit,
                           messages=_messages(problems) + _form_errors(form),
                           row_counts=counts, statuses=_summit_status_labels())


def _render_participation(summit: Summit, document: str, problems: Iterable[Problem] = (),
                          *, add_form: ParticipationForm | None = None,
                          edit_form: ParticipationForm | None = None,
                          many_form: ManyCountriesForm | None = None) -> str:
    db = get_session()
    shown_add = add_form or ParticipationForm(formdata=None)
    shown_many = many_form or ManyCountriesForm(formdata=None)
    messages = _messages(problems)
    for form in (add_form, edit_form, many_form):
        if form is not None:
            messages += _form_errors(form)
    return render_template(
        "staff/summit_participation.html", summit=summit, document=document,
        titles=["", *summits.summit_titles(summit)],
        counts=summits.document_row_counts(db, summit),
        rows=summits.participation_rows(db, summit, document), messages=messages,
        add_form=shown_add, many_form=shown_many, edit_form=edit_form,
        statuses=_participation_status_labels(), country_label=_country_label)


# --- wording ------------------------------------------------------------------------------


def _country_label(code: str) -> str:
    """A country's (or the European Union's) name in the staff member's language."""
    return country_name(code, current_language()) if code else ""


def _summit_status_labels() -> dict[str, str]:
    return {"held": _("held"), "next": _("the next summit"),
            "announced": _("announced, later than the next")}


def _status_label(status: str) -> str:
    return _summit_status_labels().get(status, status)


def _participation_status_labels() -> dict[str, str]:
    labels = {"attended": _("attended"), "signed": _("signed"), "endorsed": _("endorsed"),
              "declined": _("declined"), "unknown": _("unknown")}
    return {status: labels[status] for status in PARTICIPATION_STATUSES}


_DOCUMENT_FIELD = re.compile(r"documents\[(\d+)\]")


def _field_label(field: str) -> str:
    found = _DOCUMENT_FIELD.match(field)
    if found:
        return _("Document %(number)d", number=int(found.group(1)) + 1)
    return {"id": _("Short name"), "name": _("Name"), "city": _("City"),
            "source_url": _("Source"), "document": _("Document")}.get(field, field)


def _messages(problems: Iterable[Problem]) -> list[str]:
    """Each problem in the staff member's language, once; unknown country codes together."""
    messages: list[str] = []
    unknown_codes: list[str] = []
    for problem in problems:
        if problem.rule == Rule.UNKNOWN_COUNTRY and problem.field == "country":
            unknown_codes.append(problem.value)
            continue
        text = _problem_text(problem)
        if text not in messages:
            messages.append(text)
    if unknown_codes:
        messages.insert(0, _("Not a country code: %(codes)s.", codes=", ".join(unknown_codes)))
    return messages


def _problem_text(problem: Problem) -> str:
    """One problem, worded for staff."""
    rule, field, value = problem.rule, problem.field, problem.value
    where = _field_label(field)
    if rule == Rule.REQUIRED:
        return {
            "id": _("Give a short name for the address, or the city and the year to make one "
                    "from."),
            "name": _("Give the summit's name."),
            "city": _("Give the city (only a summit announced for later may leave it out)."),
        }.get(field, _("%(field)s is required.", field=where))
    if rule == Rule.BAD_ID:
        return _("“%(value)s” cannot be the short name: use lower-case letters, digits and "
                 "'-', and not “new”.", value=value)
    if rule == Rule.TOO_LONG:
        return _("%(field)s is too long: at most %(limit)s characters.", field=where,
                 limit=value)
    if rule == Rule.UNKNOWN_COUNTRY:
        return _("Choose the host country.")
    if rule == Rule.UNKNOWN_STATUS:
        return _("Choose a status.")
    if rule == Rule.DATES:
        return _("Give the first and the last day, the first not after the last: a held "
                 "summit needs its dates.")
    if rule == Rule.YEAR:
        return _("Give the dates, or choose “only the year is announced” and give the year.")
    if rule == Rule.BAD_DATE:
        return _("%(field)s: the date is not a date.", field=where)
    if rule == Rule.BAD_URL:
        return _("%(field)s: “%(value)s” is not a web address (it starts with https://).",
                 field=where, value=value)
    if rule == Rule.DOCUMENT_TITLE:
        return _("%(field)s needs a title.", field=where)
    if rule == Rule.DOCUMENT_TWICE:
        return _("Two documents have the title “%(title)s”.", title=value)
    if rule == Rule.UNKNOWN_DOCUMENT:
        return _("This summit has no document “%(title)s”.", title=value)
    if rule == Rule.SOURCE_REQUIRED:
        return _("A country that signed, endorsed or declined needs its source: the link to "
                 "the page that shows it.")
    if rule == StaffRule.ID_TAKEN:
        return _("A summit with the short name “%(value)s” exists already.", value=value)
    if rule == StaffRule.TITLE_IN_USE:
        return _("“%(title)s” is the title another document is being renamed from: rename "
                 "that one first, save, then the other.", title=value)
    if rule == StaffRule.ROW_EXISTS:
        return _("%(country)s has a row for this document already: change it in the table "
                 "instead.", country=_country_label(value))
    if rule == StaffRule.NO_COUNTRIES:
        return _("Paste at least one country code.")
    if rule == StaffRule.TOO_MANY_COUNTRIES:
        return _("At most %(count)s countries at once.", count=value)
    return str(problem)


def _form_errors(form) -> list[str]:
    """What the form itself refused (a date or a number that is not one, an expired form),
    each with its field's label."""
    messages = []
    for name, errors in form.errors.items():
        if name == "csrf_token":
            messages.append(_("This form has expired. Please reload the page."))
        elif name == "documents":
            for number, entry in enumerate(errors):
                for field_errors in (entry or {}).values():
                    messages += [f"{_field_label(f'documents[{number}]')}: {error}"
                                 for error in field_errors]
        else:
            label = form[name].label.text
            messages += [f"{label}: {error}" for error in errors]
    return messages
