"""Forms of the data desk (CSRF-protected through Flask-WTF).

They only read what was typed: a date that is not a date, a number that is not one. The rules
the data keeps (a source and a check date for every contact, a real URL, no check date in the
future) are staff.data_desk's, so that they hold for any caller.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, StringField
from wtforms.validators import Length, Optional


class PersonForm(FlaskForm):
    name = StringField(_l("Name (or the office's title, for an office addressed by its title)"),
                       validators=[Length(max=1000)])
    given_name = StringField(_l("Given name"), validators=[Length(max=1000)])
    family_name = StringField(_l("Family name"), validators=[Length(max=1000)])
    honorific_prefix = StringField(_l("Honorific (Dr, Sen.)"), validators=[Length(max=1000)])
    # "", "female" or "male": a <select> in the template.
    gender = StringField(_l("Gender, where the source says so"), validators=[Length(max=16)])
    by_title = BooleanField(_l("Addressed by the office's title (the holder is not named)"))


class OfficeForm(FlaskForm):
    organization_id = StringField(_l("Organisation"), validators=[Length(max=1000)])
    kind = StringField(_l("Kind of target"), validators=[Length(max=40)])
    role = StringField(_l("Role (as letters name it)"), validators=[Length(max=1000)])
    # Supporters reading the office's language see it, and letters written in it use it.
    local_role = StringField(_l("Title in the office's language (optional)"),
                             validators=[Length(max=1000)])
    country = StringField(_l("Country whose residents it answers to"),
                          validators=[Length(max=8)])
    language = StringField(_l("Language letters are written in (nl, pt-BR)"),
                           validators=[Length(max=16)])
    party = StringField(_l("Party"), validators=[Length(max=1000)])
    political_group = StringField(_l("Political group in the parliament (EPP, Greens/EFA)"),
                                  validators=[Length(max=1000)])
    # Read as the CSV importer reads its committees column (representatives.committees).
    committees = StringField(_l("Committees: codes or names separated by semicolons, a seat "
                                "other than member in brackets (ITRE; LIBE (substitute); AFET "
                                "(vice-chair))"), validators=[Length(max=5000)])
    priority = IntegerField(_l("Priority: a weight, 2 is ticked twice as often as 1, 0 never "
                               "by default; empty is 1"), validators=[Optional()])
    start_date = DateField(_l("In office since"), validators=[Optional()])
    source_url = StringField(_l("Source (a link to the official page)"),
                             validators=[Length(max=2000)])
    verified_on = DateField(_l("Checked on"), validators=[Optional()])


class OrganisationForm(FlaskForm):
    name = StringField(_l("Name"), validators=[Length(max=1000)])
    local_name = StringField(_l("Name in the language of its offices (optional)"),
                             validators=[Length(max=1000)])
    classification = StringField(_l("Kind of organisation"), validators=[Length(max=40)])
    country = StringField(_l("Country"), validators=[Length(max=8)])


class ContactForm(FlaskForm):
    kind = StringField(_l("Channel"), validators=[Length(max=40)])
    value = StringField(_l("Address, link or number"), validators=[Length(max=2000)])
    label = StringField(_l("Label (General enquiries)"), validators=[Length(max=1000)])
    source_url = StringField(_l("Source (a link to the page that gives it)"),
                             validators=[Length(max=2000)])
    verified_on = DateField(_l("Checked on"), validators=[Optional()])


class DeskSettingsForm(FlaskForm):
    recheck_months = IntegerField(_l("Re-check a contact after this many months"),
                                  validators=[Optional()])
