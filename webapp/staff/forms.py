"""Forms of the staff area (all CSRF-protected through Flask-WTF)."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    PasswordField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    AnyOf,
    DataRequired,
    Email,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from representatives.tables import PARTICIPATION_STATUSES, SUMMIT_STATUSES

from .models import Role

SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"


class LoginForm(FlaskForm):
    email = StringField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class UserForm(FlaskForm):
    email = StringField(_l("E-mail address"),
                        validators=[DataRequired(), Email(_l("Not an e-mail address.")),
                                    Length(max=254)])
    password = PasswordField(_l("Password"),
                             validators=[DataRequired(), Length(min=12, max=200)])
    # A plain field with a <select> in the template: WTForms is deprecating tuple choices.
    role = StringField(_l("Role"), validators=[AnyOf([r.value for r in Role])])


class CampaignForm(FlaskForm):
    slug = StringField(_l("Short name in the address"),
                       validators=[DataRequired(), Length(max=80),
                                   Regexp(SLUG_PATTERN, message=_l(
                                       "Lower-case letters and digits joined by '-'."))])
    # The kinds of target are checkboxes read with request.form.getlist (see views).
    countries = StringField(_l("Countries (ISO codes, comma-separated; empty for all)"),
                            validators=[Optional(), Length(max=2000)])
    deadline = DateField(_l("Deadline"), validators=[Optional()])
    allow_send = BooleanField(_l("Offer 'send it for me'"))
    allow_draft = BooleanField(_l("Offer 'open in my mail app'"))
    proof_of_work = BooleanField(_l("Before 'send it for me', ask the supporter's browser for a "
                                    "short proof of work (needs JavaScript)"))
    write_to_next_host = BooleanField(
        _l("Offer every supporter the government hosting the next summit too"), default=True)
    # The campaign.letter_goal column is a 32-bit integer.
    letter_goal = IntegerField(
        _l("Letter goal before the next summit (empty: the public counter shows the count "
           "alone)"),
        validators=[Optional(), NumberRange(min=1, max=1_000_000_000, message=_l(
            "The goal is a whole number of letters, at least 1, or empty."))])


    letters_ticked = IntegerField(
        _l("In a longer list of representatives (96 MEPs), how many are ticked for each "
           "supporter, chosen in turn"),
        default=3,
        validators=[Optional(), NumberRange(min=1, max=50, message=_l(
            "Say how many letters are ticked, from 1 to 50 (empty: 3)."))])


class TemplateForm(FlaskForm):
    source = TextAreaField(_l("Letter template"), validators=[Length(max=100_000)])
    note = StringField(_l("Note on this version"), validators=[Optional(), Length(max=200)])
    country = StringField(_l("Country"), validators=[Optional(), Length(max=2)])
    target = StringField(_l("Target"), validators=[Optional(), Length(max=64)])
    seed = StringField(_l("Variant seed"), validators=[Optional(), Length(max=64)])


# --- summits ------------------------------------------------------------------------------
# The rules a summit and a participation row keep are checked by staff.summits, with those of
# the project's data file; these forms only read what was typed.

class DocumentForm(Form):
    """One outcome document, a row of the summit form (under the summit form's CSRF token)."""

    original = HiddenField()
    title = StringField(_l("Title"), validators=[Length(max=1000)])
    date = DateField(_l("Date"), validators=[Optional()])
    url = StringField(_l("Link"), validators=[Length(max=2000)])
    remove = BooleanField(_l("Remove"))


class SummitForm(FlaskForm):
    summit_id = StringField(_l("Short name in the address (empty: made from the city and "
                               "the year)"), validators=[Length(max=100)])
    name = StringField(_l("Name"), validators=[Length(max=1000)])
    host_country = StringField(_l("Host country"), validators=[Length(max=2)])
    city = StringField(_l("City"), validators=[Length(max=1000)])
    # "dates" or "year": radio buttons in the template.
    when = StringField(_l("When"), validators=[AnyOf(["dates", "year"])])
    start_date = DateField(_l("First day"), validators=[Optional()])
    end_date = DateField(_l("Last day"), validators=[Optional()])
    year = IntegerField(_l("Year"), validators=[Optional(), NumberRange(
        min=2000, max=2200, message=_l("A year between 2000 and 2200."))])
    status = StringField(_l("Status"), validators=[AnyOf(SUMMIT_STATUSES)])
    source_url = StringField(_l("Source (a link to an official page)"),
                             validators=[Length(max=2000)])
    # Enough rows for any summit; more posted rows are ignored.
    documents = FieldList(FormField(DocumentForm), max_entries=50)


class ParticipationForm(FlaskForm):
    document = HiddenField()
    country = StringField(_l("Country"), validators=[Length(max=8)])
    status = StringField(_l("Status"), validators=[AnyOf(PARTICIPATION_STATUSES)])
    source_url = StringField(_l("Source (a link)"), validators=[Length(max=2000)])
    note = StringField(_l("Note"), validators=[Length(max=2000)])


class ManyCountriesForm(ParticipationForm):
    countries = TextAreaField(_l("Country codes (for example: FR, DE, IT)"),
                              validators=[Length(max=3000)])


# --- targets' replies and commitments -------------------------------------------------------

def _web_link(form, field):
    # Shown as a link to supporters: only a web page, never javascript: or the like.
    if field.data and not re.match(r"^https?://[^\s]+$", field.data, re.IGNORECASE):
        raise ValidationError(_l("A link starts with https:// or http://."))


class ResponseForm(FlaskForm):
    target = StringField(_l("Target (its id, as on the list)"),
                         validators=[DataRequired(_l("Say which target.")), Length(max=64)])
    # "replied" or "committed": radio buttons in the template.
    kind = StringField(_l("What they did"), validators=[
        AnyOf(["replied", "committed"], message=_l("Choose 'replied' or 'has committed'."))])
    on_date = DateField(_l("Date"), validators=[DataRequired(_l("Give the date (YYYY-MM-DD)."))])
    link = StringField(_l("Link to the reply or statement"),
                       validators=[Optional(), Length(max=500), _web_link])
    text = TextAreaField(_l("Or its text"), validators=[Optional(), Length(max=20000)])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not (self.link.data or "").strip() and not (self.text.data or "").strip():
            self.link.errors = [*self.link.errors,
                                _l("Give a link to the reply or statement, or its text.")]
            return False
        return valid


# --- erasure ----------------------------------------------------------------------------------

class ErasureForm(FlaskForm):
    """Erase a supporter by their e-mail address (staff.erasure)."""

    email = StringField(_l("The supporter's e-mail address"),
                        validators=[DataRequired(), Length(max=254)])


# --- moderation ---------------------------------------------------------------------------

class ModerationRulesForm(FlaskForm):
    flood_per_hour = IntegerField(
        _l("Hold a letter to an address that had this many near-identical letters in the past "
           "hour (empty: never)"),
        validators=[Optional(), NumberRange(min=1, max=200, message=_l(
            "Say how many letters, from 1 to 200, or leave it empty."))])
    flood_similarity = IntegerField(
        _l("Near-identical from this resemblance on (per cent)"), default=90,
        validators=[Optional(), NumberRange(min=50, max=100, message=_l(
            "Say a resemblance from 50 to 100 per cent (empty: 90)."))])
    supporter_as_target = BooleanField(
        _l("Hold a letter whose supporter gave the target's own address as theirs"))
    held_words = TextAreaField(
        _l("Hold a letter with any of these words in its subject or text (one a line; whole "
           "words, any case)"), validators=[Length(max=20_000)])


class HeldLetterForm(FlaskForm):
    subject = StringField(_l("Subject"), validators=[DataRequired(), Length(max=200)])
    body = TextAreaField(_l("Text"), validators=[DataRequired(), Length(max=20_000)])


# --- delivery controls ----------------------------------------------------------------------
# webapp.delivery.controls checks the same rules again for the command line; these read what
# was typed and say what is wrong next to the field.

class DeliverySettingsForm(FlaskForm):
    window_start = IntegerField(_l("Send from (hour, 0-23; empty: at any hour)"),
                                validators=[Optional(), NumberRange(min=0, max=23, message=_l(
                                    "An hour from 0 to 23."))])
    window_end = IntegerField(_l("Until (hour, 1-24)"),
                              validators=[Optional(), NumberRange(min=0, max=24, message=_l(
                                  "An hour from 0 to 24."))])
    time_zone = StringField(_l("Time zone of these hours"),
                            validators=[DataRequired(), Length(max=64)])
    cap = IntegerField(_l("At most this many letters per hour to one address (empty: no cap)"),
                       validators=[Optional(), NumberRange(min=1, max=100_000, message=_l(
                           "A whole number from 1 to 100000, or empty."))])
    test_recipient = StringField(
        _l("Test mode: send every letter to this staff address instead (empty: off)"),
        validators=[Optional(), Email(_l("Not an e-mail address.")), Length(max=254)])


# --- importing representatives' data (staff.data_imports) ---------------------------------

class ImportUploadForm(FlaskForm):
    # A <select> of the formats in the template; staff.data_imports checks the value.
    fmt = StringField(_l("Format"), validators=[Length(max=40)])
    upload = FileField(_l("File"))


class ImportSettingsForm(FlaskForm):
    """The options of a dry run; the column mapping's fields are read by name (column-FIELD,
    default-FIELD), as many as the format has."""

    source = StringField(_l("Source name (empty: the format's own). An import retires the "
                            "people an earlier import of the same source listed and this "
                            "file does not."), validators=[Length(max=200)])
    country = StringField(_l("Country (ISO code)"), validators=[Length(max=8)])
    source_url = StringField(_l("Where the file was published (a link)"),
                             validators=[Length(max=2000)])
    as_of = StringField(_l("The file's date: when its data was checked"),
                        validators=[Length(max=40)])
    role = StringField(_l("Every member's role (empty: 'Member of the <chamber>')"),
                       validators=[Length(max=500)])
    partial = BooleanField(_l("Import the valid rows even if some are rejected (then nobody "
                              "is retired)"))
    allow_mass_retirement = BooleanField(_l("Allow retiring more than half of the source's "
                                            "people (after an election)"))


class ImportApplyForm(FlaskForm):
    digest = HiddenField()
