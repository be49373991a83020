"""The data desk at /staff/data: every staff member reads the representatives data, editors
add, correct, retire and re-check it (staff.data_desk does the work)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from letters.text import storable
from representatives.model import ChannelKind, TargetKind
from representatives.tables import (
    ORGANIZATION_CLASSIFICATIONS,
    ContactDetail,
    Membership,
    Organization,
    Person,
)

from ...app_state import app_state
from ...db import get_session
from ...i18n import current_language
from .. import data_desk
from ..data_desk import (
    Code,
    ContactValues,
    DeskProblems,
    OfficeValues,
    OrganisationValues,
    PersonValues,
    Problem,
)
from ..desk_forms import ContactForm, DeskSettingsForm, OfficeForm, OrganisationForm, PersonForm
from ..forms import ActionForm
from . import bp

T = TypeVar("T")


# --- reading pages ------------------------------------------------------------------------


@bp.get("/data/")
def desk_index() -> ResponseReturnValue:
    """Countries with their counts and oldest check."""
    db = get_session()
    return render_template("staff/desk_index.html", countries=data_desk.country_index(db),
                           due_before=data_desk.months_before(date.today(),
                                                              data_desk.recheck_months(db)))


@bp.get("/data/country/<code>")
def desk_country(code: str) -> ResponseReturnValue:
    """One country's targets by kind; ?sort=checked puts the oldest check first."""
    country = code.upper()
    if country not in data_desk.DESK_COUNTRIES:
        abort(404)
    by_check = request.args.get("sort") == "checked"
    desk = data_desk.country_desk(get_session(), country, date.today(), by_check=by_check)
    return render_template("staff/desk_country.html", desk=desk, by_check=by_check,
                           kind_labels=_kind_labels(), channel_labels=_channel_labels(),
                           form=ActionForm())


@bp.get("/data/queue")
def desk_queue() -> ResponseReturnValue:
    """What to re-check next."""
    db = get_session()
    queue = data_desk.recheck_queue(db, date.today())
    settings = DeskSettingsForm(formdata=None, recheck_months=queue.months)
    return render_template("staff/desk_queue.html", queue=queue, form=ActionForm(),
                           settings=settings, channel_labels=_channel_labels())


@bp.post("/data/settings")
def desk_settings() -> ResponseReturnValue:
    """Change after how many months a contact is due for a re-check."""
    form = DeskSettingsForm()
    if not form.validate_on_submit():
        flash(_form_errors(form)[0] if form.errors else _("Give a number of months."), "error")
        return redirect(url_for("staff.desk_queue", lang=current_language()), 303)
    try:
        changed = _write(lambda: data_desk.set_recheck_months(
            get_session(), form.recheck_months.data, current_user), reload=False)
    except DeskProblems as refused:
        flash(" ".join(_messages(refused.problems)), "error")
    else:
        flash(_("Saved.") if changed else _("Nothing had changed."), "ok")
    return redirect(url_for("staff.desk_queue", lang=current_language()), 303)


# --- people -------------------------------------------------------------------------------


@bp.route("/data/people/new", methods=["GET", "POST"])
def desk_person_new() -> ResponseReturnValue:
    """Add a person; their offices and contacts are added on their page next."""
    form = PersonForm()
    problems: list[Problem] = []
    if form.validate_on_submit():
        try:
            person = _write(lambda: data_desk.create_person(get_session(), _person_values(form),
                                                            current_user))
        except DeskProblems as refused:
            problems = refused.problems
        else:
            return _done(person, _("The person is added: now give them an office and a "
                                   "contact."), "staff.desk_person", person_id=_id(person))
    if request.method == "GET":
        return _render_person(form, None)
    return _render_person(form, None, problems), 422


@bp.route("/data/people/<person_id>", methods=["GET", "POST"])
def desk_person(person_id: str) -> ResponseReturnValue:
    """A person: their name, offices (current and ended) and contacts."""
    person = _or_404(Person, person_id)
    form = PersonForm(obj=person if request.method == "GET" else None)
    problems: list[Problem] = []
    if form.validate_on_submit():
        try:
            changed = _write(lambda: data_desk.update_person(
                get_session(), person, _person_values(form), current_user))
        except DeskProblems as refused:
            problems = refused.problems
        else:
            return _done(changed, _("Saved.") if changed else _("Nothing had changed."),
                         "staff.desk_person", person_id=person.id)
    if request.method == "GET":
        form.gender.data = person.gender or ""
        return _render_person(form, person)
    return _render_person(form, person, problems), 422


@bp.post("/data/people/<person_id>/retire")
def desk_person_retire(person_id: str) -> ResponseReturnValue:
    """Out of office: their offices end today; letters sent to them keep their name."""
    person = _or_404(Person, person_id)
    _action_form_or_400()
    done = _write(lambda: data_desk.retire_person(get_session(), person, current_user,
                                                  date.today()))
    return _done(done, _("Retired: no longer offered to supporters.") if done
                 else _("Retired already."), "staff.desk_person", person_id=person.id)


# --- offices ------------------------------------------------------------------------------


@bp.route("/data/people/<person_id>/offices/new", methods=["GET", "POST"])
def desk_office_new(person_id: str) -> ResponseReturnValue:
    """Give a person an office: a role in an organisation, as a target of letters."""
    person = _or_404(Person, person_id)
    form = OfficeForm()
    problems: list[Problem] = []
    if form.validate_on_submit():
        try:
            _write(lambda: data_desk.create_office(get_session(), person, _office_values(form),
                                                   current_user, date.today()))
        except DeskProblems as refused:
            problems = refused.problems
        else:
            return _done(True, _("The office is added."), "staff.desk_person",
                         person_id=person.id)
    if request.method == "GET":
        form.verified_on.data = date.today()
        form.country.data = (request.args.get("country") or "").upper()[:2]
        return _render_office(form, person, None)
    return _render_office(form, person, None, problems), 422


@bp.route("/data/offices/<office_id>", methods=["GET", "POST"])
def desk_office(office_id: str) -> ResponseReturnValue:
    """Correct an office."""
    office = _or_404(Membership, office_id)
    form = OfficeForm(obj=office if request.method == "GET" else None)
    problems: list[Problem] = []
    if form.validate_on_submit():
        try:
            _write(lambda: data_desk.update_office(get_session(), office, _office_values(form),
                                                   current_user, date.today()))
        except DeskProblems as refused:
            problems = refused.problems
        else:
            return _done(True, _("Saved."), "staff.desk_person", person_id=office.person_id)
    if request.method == "GET":
        form.committees.data = data_desk.office_committees_text(office)
        return _render_office(form, office.person, office)
    return _render_office(form, office.person, office, problems), 422


@bp.post("/data/offices/<office_id>/retire")
def desk_office_retire(office_id: str) -> ResponseReturnValue:
    """The office ended today; the row stays."""
    office = _or_404(Membership, office_id)
    _action_form_or_400()
    done = _write(lambda: data_desk.retire_office(get_session(), office, current_user,
                                                  date.today()))
    return _done(done, _("The office has ended.") if done else _("It had ended already."),
                 "staff.desk_person", person_id=office.person_id)


@bp.post("/data/offices/<office_id>/recheck")
def desk_office_recheck(office_id: str) -> ResponseReturnValue:
    """Checked on its live source today."""
    office = _or_404(Membership, office_id)
    _action_form_or_400()
    done = _write(lambda: data_desk.recheck_office(get_session(), office, current_user,
                                                   date.today()))
    return _back(done, _("Marked as checked today.") if done else _("It has ended."),
                 url_for("staff.desk_person", person_id=office.person_id))


# --- organisations ------------------------------------------------------------------------


@bp.route("/data/organisations/new", methods=["GET", "POST"])
def desk_organisation_new() -> ResponseReturnValue:
    """Add a parliament, government, ministry or delegation."""
    form = OrganisationForm()
    problems: list[Problem] = []
    if form.validate_on_submit():
        try:
            organisation = _write(lambda: data_desk.create_organisation(
                get_session(), _organisation_values(form), current_user))
        except DeskProblems as refused:
            problems = refused.problems
        else:
            return _done(organisation, _("The organisation is added."),
                         "staff.desk_organisation", organisation_id=_id(organisation))
    if request.method == "GET":
        form.country.data = (request.args.get("country") or "").upper()[:2]
        return _render_organisation(form, None)
    return _render_organisation(form, None, problems), 422


@bp.route("/data/organisations/<organisation_id>", methods=["GET", "POST"])
def desk_organisation(organisation_id: str) -> ResponseReturnValue:
    """An organisation: its name and kind, its people's offices and its own contacts."""
    organisation = _or_404(Organization, organisation_id)
    form = OrganisationForm(obj=organisation if request.method == "GET" else None)
    problems: list[Problem] = []
    if form.validate_on_submit():
        try:
            _write(lambda: data_desk.update_organisation(
                get_session(), organisation, _organisation_values(form), current_user))
        except DeskProblems as refused:
            problems = refused.problems
        else:
            return _done(True, _("Saved."), "staff.desk_organisation",
                         organisation_id=organisation.id)
    if request.method == "GET":
        return _render_organisation(form, organisation)
    return _render_organisation(form, organisation, problems), 422


@bp.post("/data/organisations/<organisation_id>/retire")
def desk_organisation_retire(organisation_id: str) -> ResponseReturnValue:
    """The organisation is gone: its current offices end, its contacts retire."""
    organisation = _or_404(Organization, organisation_id)
    _action_form_or_400()
    done = _write(lambda: data_desk.retire_organisation(get_session(), organisation,
                                                        current_user, date.today()))
    message = (_("Offices ended: %(offices)d. Contacts retired: %(contacts)d.",
                 offices=done[0], contacts=done[1]) if done else "")
    return _done(done, message, "staff.desk_organisation", organisation_id=organisation.id)


# --- contacts -----------------------------------------------------------------------------


@bp.route("/data/contacts/new", methods=["GET", "POST"])
def desk_contact_new() -> ResponseReturnValue:
    """Add a contact to a person (?person=) or an organisation (?organisation=)."""
    owner = _contact_owner_or_404()
    form = ContactForm()
    problems: list[Problem] = []
    if form.validate_on_submit():
        try:
            _write(lambda: data_desk.create_contact(get_session(), owner, _contact_values(form),
                                                    current_user, date.today()))
        except DeskProblems as refused:
            problems = refused.problems
        else:
            return _back(True, _("The contact is added."), _owner_url(owner))
    if request.method == "GET":
        form.verified_on.data = date.today()
        return _render_contact(form, owner, None)
    return _render_contact(form, owner, None, problems), 422


@bp.route("/data/contacts/<int:contact_id>", methods=["GET", "POST"])
def desk_contact(contact_id: int) -> ResponseReturnValue:
    """Correct a contact: a new address, its source and when it was checked."""
    contact = _contact_or_404(contact_id)
    owner = contact.person or contact.organization
    form = ContactForm(obj=contact if request.method == "GET" else None)
    problems: list[Problem] = []
    if form.validate_on_submit():
        try:
            _write(lambda: data_desk.update_contact(get_session(), contact,
                                                    _contact_values(form), current_user,
                                                    date.today()))
        except DeskProblems as refused:
            problems = refused.problems
        else:
            return _back(True, _("Saved."), _owner_url(owner))
    if request.method == "GET":
        return _render_contact(form, owner, contact)
    return _render_contact(form, owner, contact, problems), 422


@bp.post("/data/contacts/<int:contact_id>/retire")
def desk_contact_retire(contact_id: int) -> ResponseReturnValue:
    """No longer offered; the row and its bounce history stay."""
    contact = _contact_or_404(contact_id)
    _action_form_or_400()
    done = _write(lambda: data_desk.retire_contact(get_session(), contact, current_user))
    return _back(done, _("The contact is retired.") if done else _("Retired already."),
                 _owner_url(contact.person or contact.organization))


@bp.post("/data/contacts/<int:contact_id>/recheck")
def desk_contact_recheck(contact_id: int) -> ResponseReturnValue:
    """Checked on its live source today, by the signed-in staff member."""
    contact = _contact_or_404(contact_id)
    _action_form_or_400()
    done = _write(lambda: data_desk.recheck_contact(get_session(), contact, current_user,
                                                    date.today()))
    return _back(done, _("Marked as checked today.") if done
                 else _("The contact is retired; nothing was changed."),
                 _owner_url(contact.person or contact.organization))


# --- reading the request ------------------------------------------------------------------


def _or_404(model, key: str):
    # Only what an id column can hold reaches the database (PostgreSQL refuses a NUL).
    limit = model.__table__.c.id.type.length
    row = get_session().get(model, key) if key and storable(key) == key and len(key) <= limit \
        else None
    if row is None:
        abort(404)
    return row


def _contact_or_404(contact_id: int) -> ContactDetail:
    contact = get_session().get(ContactDetail, contact_id) if 0 < contact_id < 2**31 else None
    if contact is None:
        abort(404)
    return contact


def _contact_owner_or_404() -> Person | Organization:
    source = request.args if request.method == "GET" else request.form
    if source.get("person"):
        return _or_404(Person, source["person"])
    return _or_404(Organization, source.get("organisation", ""))


def _action_form_or_400() -> None:
    if not ActionForm().validate_on_submit():
        abort(400)


def _typed(field) -> str:
    """A text field as typed, without what no database can store (a NUL)."""
    return storable(field.data or "").strip()


def _person_values(form: PersonForm) -> PersonValues:
    return PersonValues(name=_typed(form.name), given_name=_typed(form.given_name),
                        family_name=_typed(form.family_name),
                        honorific_prefix=_typed(form.honorific_prefix),
                        gender=_typed(form.gender), by_title=bool(form.by_title.data))


def _office_values(form: OfficeForm) -> OfficeValues:
    return OfficeValues(organization_id=_typed(form.organization_id), kind=_typed(form.kind),
                        role=_typed(form.role), local_role=_typed(form.local_role),
                        country=_typed(form.country).upper(),
                        language=_typed(form.language), party=_typed(form.party),
                        political_group=_typed(form.political_group),
                        committees=_typed(form.committees), priority=form.priority.data,
                        start_date=form.start_date.data, source_url=_typed(form.source_url),
                        verified_on=form.verified_on.data)


def _organisation_values(form: OrganisationForm) -> OrganisationValues:
    return OrganisationValues(name=_typed(form.name), local_name=_typed(form.local_name),
                              classification=_typed(form.classification),
                              country=_typed(form.country).upper())


def _contact_values(form: ContactForm) -> ContactValues:
    return ContactValues(kind=_typed(form.kind), value=_typed(form.value),
                         label=_typed(form.label), source_url=_typed(form.source_url),
                         verified_on=form.verified_on.data)


# --- answering ----------------------------------------------------------------------------


def _write(change: Callable[[], T], *, reload: bool = True) -> T | None:
    """Make the change in one transaction and have this process reload the directory at once,
    so that supporters see it (other processes notice the data's version move); None when the
    database refused it. DeskProblems from `change` goes to the caller: nothing was written."""
    db = get_session()
    try:
        done = change()
        db.commit()
    except IntegrityError:
        db.rollback()
        return None
    except DeskProblems:
        db.rollback()
        raise
    if reload:
        app_state().directory.invalidate()
    return done


def _id(row) -> str:
    return row.id if row is not None else ""


def _done(done: object, message: str, endpoint: str, **values: Any) -> ResponseReturnValue:
    """Redirect to a desk page, saying what was done (`done` None: the database refused)."""
    if done is None:
        flash(_("Someone changed the same data at the same moment; nothing was saved. Check "
                "it and save again."), "error")
        return redirect(url_for("staff.desk_index", lang=current_language()), 303)
    flash(message, "ok")
    return redirect(url_for(endpoint, lang=current_language(), **values), 303)


def _back(done: object, message: str, fallback: str) -> ResponseReturnValue:
    """Back to the desk page the form was on (a local /staff/data address), else `fallback`."""
    back = request.form.get("back", "")
    if not (back.startswith("/staff/data/") and "//" not in back and "\\" not in back):
        back = fallback
    if done is None:
        flash(_("Someone changed the same data at the same moment; nothing was saved. Check "
                "it and save again."), "error")
    else:
        flash(message, "ok" if done else "error")
    return redirect(back, 303)


def _owner_url(owner: Person | Organization | None) -> str:
    if isinstance(owner, Person):
        return url_for("staff.desk_person", person_id=owner.id, lang=current_language())
    if isinstance(owner, Organization):
        return url_for("staff.desk_organisation", organisation_id=owner.id,
                       lang=current_language())
    return url_for("staff.desk_index", lang=current_language())


def _render_person(form: PersonForm, person: Person | None, problems=()) -> str:
    desk = data_desk.person_desk(get_session(), person) if person is not None else None
    return render_template("staff/desk_person.html", form=form, person=person, desk=desk,
                           messages=_messages(problems) + _form_errors(form),
                           action=ActionForm(), kind_labels=_kind_labels(),
                           channel_labels=_channel_labels())


def _render_office(form: OfficeForm, person: Person, office: Membership | None,
                   problems=()) -> str:
    country = form.country.data or (office.country if office else "")
    return render_template(
        "staff/desk_office.html", form=form, person=person, office=office,
        messages=_messages(problems) + _form_errors(form), kind_labels=_kind_labels(),
        organisations=data_desk.organisation_choices(get_session(), country))


def _render_organisation(form: OrganisationForm, organisation: Organization | None,
                         problems=()) -> str:
    return render_template(
        "staff/desk_organisation.html", form=form, organisation=organisation,
        messages=_messages(problems) + _form_errors(form), action=ActionForm(),
        classifications=_classification_labels(), channel_labels=_channel_labels(),
        kind_labels=_kind_labels())


def _render_contact(form: ContactForm, owner, contact: ContactDetail | None,
                    problems=()) -> str:
    return render_template(
        "staff/desk_contact.html", form=form, owner=owner, contact=contact,
        owner_is_person=isinstance(owner, Person),
        messages=_messages(problems) + _form_errors(form), channel_labels=_channel_labels())


# --- wording ------------------------------------------------------------------------------


def _kind_labels() -> dict[str, str]:
    return {TargetKind.SUMMIT_DELEGATE: _("Summit delegates"), TargetKind.MINISTER: _("Ministers"),
            TargetKind.HEAD_OF_GOVERNMENT: _("Heads of government"),
            TargetKind.MP: _("Members of parliament"),
            TargetKind.MEP: _("Members of the European Parliament")}


def _channel_labels() -> dict[str, str]:
    return {ChannelKind.EMAIL: _("E-mail"), ChannelKind.CONTACT_FORM: _("Contact form"),
            ChannelKind.POST: _("Post"), ChannelKind.PHONE: _("Phone")}


def _classification_labels() -> dict[str, str]:
    labels = {"parliament": _("Parliament"), "government": _("Government"),
              "ministry": _("Ministry"), "summit_delegation": _("Summit delegation"),
              "european_parliament": _("European Parliament")}
    return {key: labels.get(key, key) for key in ORGANIZATION_CLASSIFICATIONS}


def _field_label(name: str) -> str:
    return {"name": _("Name"), "given_name": _("Given name"), "family_name": _("Family name"),
            "honorific_prefix": _("Honorific"), "gender": _("Gender"), "role": _("Role"),
            "local_role": _("Title in the office's language"),
            "local_name": _("Name in the language of its offices"),
            "party": _("Party"), "political_group": _("Political group"),
            "committees": _("Committees"), "organization_id": _("Organisation"), "kind": _("Kind"),
            "country": _("Country"), "language": _("Language"), "start_date": _("In office since"),
            "source_url": _("Source"), "verified_on": _("Checked on"), "value": _("Address"),
            "label": _("Label"), "classification": _("Kind of organisation"),
            "recheck_months": _("Months"), "person": _("Person")}.get(name, name)


def _problem_text(problem: Problem) -> str:
    where, value = _field_label(problem.field), problem.value
    if problem.code == Code.REQUIRED:
        if problem.field == "source_url":
            return _("Give the source: the link to the official page you checked it on.")
        if problem.field == "verified_on":
            return _("Give the date you checked it on.")
        return _("%(field)s is required.", field=where)
    if problem.code == Code.TOO_LONG:
        return _("%(field)s is too long: at most %(limit)s characters.", field=where,
                 limit=value)
    if problem.code == Code.BAD_URL:
        return _("%(field)s: “%(value)s” is not a web address (it starts with https://).",
                 field=where, value=value)
    if problem.code == Code.BAD_EMAIL:
        return _("“%(value)s” is not an e-mail address.", value=value)
    if problem.code == Code.FUTURE_DATE:
        return _("%(field)s: %(value)s is in the future.", field=where, value=value)
    if problem.code == Code.UNKNOWN_COUNTRY:
        return _("Choose a country (a two-letter code such as NL).")
    if problem.code == Code.UNKNOWN_KIND:
        return _("Choose the kind.")
    if problem.code == Code.UNKNOWN_CLASSIFICATION:
        return _("Choose the kind of organisation.")
    if problem.code == Code.UNKNOWN_LANGUAGE:
        return _("Give the language as a code such as nl, en or pt-BR.")
    if problem.code == Code.UNKNOWN_GENDER:
        return _("Choose a gender, or leave it empty.")
    if problem.code == Code.UNKNOWN_ORGANISATION:
        return _("Choose the organisation.")
    if problem.code == Code.RETIRED and problem.field == "contact":
        return _("This contact is retired: add a new one instead.")
    if problem.code == Code.RETIRED:
        return _("This person is retired: nothing can be added to them.")
    if problem.code == Code.OUT_OF_RANGE and problem.field == "priority":
        low, _sep, high = value.partition("-")
        return _("Give the priority as a whole number from %(low)s to %(high)s.", low=low,
                 high=high)
    if problem.code == Code.OUT_OF_RANGE:
        low, _sep, high = value.partition("-")
        return _("Give a number of months from %(low)s to %(high)s.", low=low, high=high)
    if problem.code == Code.BAD_COMMITTEE:
        return _("Committees: “%(value)s” cannot be read: give a committee's code or name, "
                 "then its seat in brackets unless it is member, as in “LIBE (substitute)”.",
                 value=value)
    if problem.code == Code.BAD_COMMITTEE_ROLE:
        return _("Committees: “%(value)s”: the seat in brackets is chair, vice-chair or "
                 "substitute, or nothing for a member.", value=value)
    if problem.code == Code.COMMITTEE_TOO_LONG:
        return _("Committees: a committee's code or name is at most %(limit)s characters.",
                 limit=value)
    if problem.code == Code.COMMITTEE_TWICE:
        return _("Committees: %(value)s is listed twice.", value=value)
    return f"{where}: {problem.code}"


def _messages(problems) -> list[str]:
    messages: list[str] = []
    for problem in problems:
        text = _problem_text(problem)
        if text not in messages:
            messages.append(text)
    return messages


def _form_errors(form) -> list[str]:
    """What the form itself refused (a date that is not one, an expired form)."""
    messages = []
    for name, errors in form.errors.items():
        if name == "csrf_token":
            messages.append(_("This form has expired. Please reload the page."))
        else:
            messages += [f"{form[name].label.text}: {error}" for error in errors]
    return messages
