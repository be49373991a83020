"""Forms of the staff area (all CSRF-protected through Flask-WTF)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, PasswordField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Email, Length, Optional, Regexp

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


class TemplateForm(FlaskForm):
    source = TextAreaField(_l("Letter template"), validators=[Length(max=100_000)])
    note = StringField(_l("Note on this version"), validators=[Optional(), Length(max=200)])
    country = StringField(_l("Country"), validators=[Optional(), Length(max=2)])
    target = StringField(_l("Target"), validators=[Optional(), Length(max=64)])
    seed = StringField(_l("Variant seed"), validators=[Optional(), Length(max=64)])
