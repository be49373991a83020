"""The questionnaire's form: the answer about one letter, and the reply if the supporter
pastes it."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, ValidationError

from letters.text import is_plain_text, is_storable, normalise_newlines

from ..supporters.forms import PublicForm
from .models import Answer
from .operations import REPLY_MAX_LENGTH


def _plain(form, field):
    if field.data and not (is_plain_text(field.data) and is_storable(field.data)):
        raise ValidationError(_l("Please paste the reply as plain text."))


class AnswerForm(PublicForm):
    # Radio buttons written in the template, read as a string: WTForms is deprecating tuple
    # choices (as staff.forms.UserForm.role).
    answer = StringField(_l("Did they reply?"), validators=[
        DataRequired(_l("Please choose an answer.")),
        AnyOf([answer.value for answer in Answer], message=_l("Please choose an answer."))])
    reply = TextAreaField(_l("Their reply (optional)"), validators=[
        Length(max=REPLY_MAX_LENGTH,
               message=_l("Please paste at most %(max)d characters.", max=REPLY_MAX_LENGTH)),
        _plain], filters=[lambda text: normalise_newlines(text) if text else text])
    submit = SubmitField(_l("Save my answer"))
