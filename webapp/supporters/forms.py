"""The public forms. Messages are lazy-translated so they show in the visitor's language."""

from __future__ import annotations

import re
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    Form,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from letters.language_check import OtherLanguage
from letters.rendering import (
    BODY_MAX_LENGTH,
    NAME_MAX_LENGTH,
    OWN_WORDS_MAX_LENGTH,
    SUBJECT_MAX_LENGTH,
    TOWN_MAX_LENGTH,
    Supporter,
)
from letters.sender_address import ADDRESS_MAX_LENGTH, ADDRESS_MAX_LINES, address_lines
from letters.text import is_header_safe, is_plain_text, normalise_newlines, sendable_address

from .operations import issued_form_key, new_form_key
from .proof_of_work import FIELD as PROOF_OF_WORK_FIELD


class SingleLine:
    """One line that a mail header can hold: the mail builder's own rule (letters/text.py)."""

    def __call__(self, form, field):
        if field.data and not is_header_safe(field.data):
            raise ValidationError(_l("Please use a single line without special characters."))


class PlainText:
    def __call__(self, form, field):
        if field.data and not is_plain_text(field.data):
            raise ValidationError(_l("This text contains invisible control characters."))


class EmailAddress:
    """An address the mail builder can send to (letters.text.sendable_address), in the form
    it sends to: a non-ASCII domain in its ASCII (IDNA) form."""

    def __call__(self, form, field):
        try:
            # No DNS look-up here: it would make the form slow and fail offline.
            result = validate_email(field.data or "", check_deliverability=False)
        except EmailNotValidError as error:
            raise ValidationError(
                _l("This does not look like an e-mail address (%(detail)s).", detail=str(error))
            ) from error
        # A valid address, but no mail backend of ours can send to it (see sendable_address):
        # better said now than a confirmation mail that never comes.
        address = None if result.smtputf8 else sendable_address(result.ascii_email or "")
        if address is None:
            raise ValidationError(_l(
                "We cannot send mail to an address with accented or non-Latin letters before "
                "the @. Please give another address."))
        field.data = address


# An area's label is at most an id's length (representatives.importers.naming).
AREA_MAX_LENGTH = 64


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class SupporterFields:
    """Who the supporter is and where they live: step one, carried along in step two."""

    name = StringField(
        _l("Your name"),
        filters=[_strip],
        validators=[
            DataRequired(_l("Please give your name.")),
            Length(max=NAME_MAX_LENGTH, message=_l("Please keep this under %(max)d characters.")),
            SingleLine(),
        ],
    )
    email = StringField(
        _l("Your e-mail address"),
        filters=[_strip],
        validators=[
            DataRequired(_l("Please give your e-mail address.")),
            Length(max=254, message=_l("Please keep this under %(max)d characters.")),
            EmailAddress(),
        ],
    )
    town = StringField(
        _l("Your town or city"),
        filters=[_strip],
        validators=[
            Optional(),
            Length(max=TOWN_MAX_LENGTH, message=_l("Please keep this under %(max)d characters.")),
            SingleLine(),
        ],
    )
    country = SelectField(
        _l("Your country"),
        # Stripped as the directory strips it to match: "US\n" matched the US, and was then
        # stored as it came (PostgreSQL refused it: the column holds two letters).
        filters=[_strip],
        validators=[DataRequired(_l("Please choose your country."))],
        validate_choice=False,  # checked in the view, with a clearer message
    )
    postcode = StringField(
        _l("Postcode or ZIP code"),
        filters=[_strip],
        validators=[
            Optional(),
            Length(max=16, message=_l("Please keep this under %(max)d characters.")),
            SingleLine(),
        ],
    )
    # The constituency or district the supporter chose, where their postcode cannot tell
    # (supporters.operations.area_choice): an area's label, checked by matching.
    area = StringField(
        _l("Your constituency or district"),
        filters=[_strip],
        validators=[
            Optional(),
            Length(max=AREA_MAX_LENGTH, message=_l("Please keep this under %(max)d characters.")),
            SingleLine(),
        ],
    )
    own_words = TextAreaField(
        _l("A sentence of your own (optional)"),
        filters=[_strip],
        validators=[
            Optional(),
            Length(max=OWN_WORDS_MAX_LENGTH,
                   message=_l("Please keep this under %(max)d characters.")),
            PlainText(),
        ],
    )
    wants_updates = BooleanField(_l("Keep me informed about this campaign"), default=False)
    # A field people never see; bots fill it in.
    website = StringField(_l("Leave this field empty"))


SUPPORTER_FIELDS = ("name", "email", "town", "country", "postcode", "own_words", "area")


@dataclass(frozen=True)
class SupporterDetails:
    """Who is writing, as step one checked it; step two carries it in hidden fields."""

    name: str
    email: str
    town: str
    country: str  # ISO alpha-2, upper case
    postcode: str
    own_words: str
    wants_updates: bool
    area: str = ""  # the label of the area they chose; "" where there was nothing to choose

    @classmethod
    def from_form(cls, form: SupporterForm) -> SupporterDetails:
        """From a validated supporter form."""
        return cls(name=form.name.data, email=form.email.data, town=form.town.data or "",
                   country=(form.country.data or "").upper(), postcode=form.postcode.data or "",
                   own_words=normalise_newlines(form.own_words.data or ""),
                   wants_updates=bool(form.wants_updates.data), area=form.area.data or "")

    @classmethod
    def carried_in(cls, formdata) -> SupporterDetails:
        """As step two's hidden fields bring them back: unchecked until the seal holds.

        Browsers send a line break in a field as CRLF; the seal was made on LF.
        """
        return cls(**{name: normalise_newlines(formdata.get(name, ""))
                      for name in SUPPORTER_FIELDS},
                   wants_updates=bool(formdata.get("wants_updates")))

    def hidden_fields(self) -> dict[str, str]:
        """Step two's hidden fields; what the seal covers."""
        fields = {name: getattr(self, name) for name in SUPPORTER_FIELDS}
        fields["wants_updates"] = "y" if self.wants_updates else ""
        return fields

    def sealed_values(self) -> tuple[str, ...]:
        return tuple(self.hidden_fields().values())

    def supporter(self) -> Supporter:
        return Supporter(name=self.name, email=self.email, town=self.town,
                         own_words=self.own_words, country=self.country)


class PublicForm(FlaskForm):
    """A form of the supporter's way, on our pages, in an embed or through the API.

    The form does not check a CSRF token itself: CSRFProtect checks every POST to our own
    pages once, before the view runs; embeds carry their own signed token, and the API a key.
    """

    class Meta:
        csrf = False


class SupporterForm(SupporterFields, PublicForm):
    """Step one's fields. The country's options are not the field's: the page renders them
    once per language (templating.country_options)."""


def pack_recipients(language: str, greet: bool, target_ids, close: bool = False) -> str:
    """A shared letter's language, whether each recipient's salutation opens it and their
    closing ends it, and every recipient offered, in one hidden field:
    "en:1c:mep:197490,mep:124831" ("1": a salutation, "c": a closing).

    One field rather than several: the page carries it back as it got it.
    """
    flags = ("1" if greet else "") + ("c" if close else "")
    return f"{language}:{flags}:{','.join(target_ids)}"


def unpack_recipients(value: str | None) -> tuple[str, bool, bool, list[str]]:
    """(language, greet, close, target ids) of a `pack_recipients` field; a page written
    before closings were per recipient says "1" or nothing, and its text has its closing."""
    language, flags, ids = ((value or "").split(":", 2) + ["", ""])[:3]
    return language, "1" in flags, "c" in flags, [i for i in ids.split(",") if i]


_LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(-[a-z]{2})?")  # "nl", or with its region "pt-br"


class LetterGroupFields(Form):
    """One letter text shared by several recipients, each greeted by their own salutation.

    WTForms fields for what the supporter edits: the subject and the text. Beside them the page
    carries who the letter goes to, read straight from the form data: `recipients`, one hidden
    input (see pack_recipients), and `targets`, the ids of the ticked checkboxes. They only
    name target ids, which are checked against the supporter's match (addresses never come
    from the form).
    """

    subject = StringField(
        _l("Subject"),
        filters=[_strip],
        validators=[
            DataRequired(_l("Please give the letter a subject.")),
            Length(max=SUBJECT_MAX_LENGTH,
                   message=_l("Please keep this under %(max)d characters.")),
            SingleLine(),
        ],
    )
    body = TextAreaField(
        _l("Letter"),
        validators=[
            DataRequired(_l("The letter is empty.")),
            Length(max=BODY_MAX_LENGTH, message=_l("Please keep this under %(max)d characters.")),
            PlainText(),
        ],
    )

    def __init__(self, formdata=None, prefix: str = "", data: dict | None = None):
        super().__init__(formdata, prefix=prefix, data=data)
        self.recipients_name, self.targets_name = f"{prefix}recipients", f"{prefix}targets"
        # The letter's number on the page: what its "Change" button sends, its anchor.
        self.index = prefix.rstrip("-").rpartition("-")[2]
        # The language chosen in its "Write this letter in" list, read when that is pressed.
        self.language_name = f"{prefix}language"
        # The supporter's own text from before they changed the letter's language, kept
        # beside the new one until they send (supporters.operations.switch_language).
        self.earlier_name = f"{prefix}earlier"
        # The fingerprint of the text as generated (letters.language_check.fingerprint): a
        # text that still has it was not edited, and needs no language hint.
        self.generated_name = f"{prefix}generated"
        if formdata is not None:
            self.recipients: str = formdata.get(self.recipients_name, "")
            self.targets: list[str] = formdata.getlist(self.targets_name)
            self.language_asked: str = formdata.get(self.language_name, "")
            self.earlier: str = normalise_newlines(formdata.get(self.earlier_name, ""))
            self.generated: str = formdata.get(self.generated_name, "")
        else:
            self.recipients = (data or {}).get("recipients", "")
            self.targets = list((data or {}).get("targets", ()))
            self.language_asked = ""
            self.earlier = (data or {}).get("earlier", "")
            self.generated = (data or {}).get("generated", "")
        self.recipients_errors: list[str] = []
        # Set by the view: why the language asked for cannot be had.
        self.language_errors: list[str] = []
        # Set by the view: the supporter's words seem to be in another language (the hint).
        self.language_hint: OtherLanguage | None = None

    @property
    def language(self) -> str:
        return unpack_recipients(self.recipients)[0]

    def as_data(self) -> dict:
        """What the page holds of this letter, to lay it out again under another number."""
        return {"recipients": self.recipients, "targets": self.targets,
                "subject": self.subject.data, "body": self.body.data, "earlier": self.earlier,
                "generated": self.generated}

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        language = unpack_recipients(self.recipients)[0]
        self.recipients_errors = [] if _LANGUAGE_CODE.fullmatch(language) else [
            _l("This letter's language is not valid.")]
        return valid and not self.recipients_errors

    @property
    def errors(self) -> dict:
        errors = super().errors
        return {**errors, "recipients": self.recipients_errors} if self.recipients_errors \
            else errors


class AddressLines:
    """An address of a few lines, each one that a printed line or a mail header can hold."""

    def __call__(self, form, field):
        lines = address_lines(field.data or "")
        if len(lines) > ADDRESS_MAX_LINES:
            raise ValidationError(_l("Please keep your address to %(count)d lines.",
                                     count=ADDRESS_MAX_LINES))
        if not all(is_header_safe(line) for line in lines):
            raise ValidationError(_l("Please write your address in plain lines, without "
                                     "tabs or special characters."))


class SenderAddressFields(Form):
    """Step two's street address, for the offices that answer only their own constituents
    (letters.sender_address). Required only when a ticked letter goes to one: the view
    checks that once it knows the letters (the form alone does not)."""

    street_address = TextAreaField(
        _l("Your street address"),
        filters=[_strip],
        validators=[
            Optional(),
            Length(max=ADDRESS_MAX_LENGTH,
                   message=_l("Please keep this under %(max)d characters.")),
            AddressLines(),
        ],
    )


MAX_LETTER_GROUPS = 40


def _group_indices(formdata) -> list[int]:
    """The shared letters' numbers in a sent form ("groups-3-subject": 3), at most 40."""
    found = {key.split("-", 2)[1] for key in formdata if key.startswith("groups-")}
    return sorted(int(index) for index in found if index.isdigit())[:MAX_LETTER_GROUPS]


class LettersForm:
    """Step two: the letters, and the choice.

    Each shared letter is a LetterGroupFields form of its own, its fields named
    "groups-<n>-<field>" (a variable number of them, found in the form data). CSRFProtect has
    checked the token before the view runs (see PublicForm).

    What the page only carries back is read as it comes, not as fields: the form's one-time
    key (a new one when it is not one we issue: operations.issued_form_key), the seal over
    the supporter's details (which come along in hidden fields and are read by the view:
    checked again with SupporterForm only when the seal does not hold,
    webapp.tokens.DetailsSeal), the honeypot, and which of the two buttons was pressed.
    """

    def __init__(self, formdata=None):
        formdata = formdata if formdata is not None else {}
        self.form_key: str = (issued_form_key(formdata.get("form_key", ""))
                              or new_form_key())
        self.seal: str = formdata.get("seal", "")
        # The honeypot again, for bots that post this form directly.
        self.website: str = formdata.get("website", "")
        # "Send it for me" pressed (else "Open in my mail app", the choice that stores nothing)
        self.send_for_me = bool(formdata.get("send"))
        # The browser's proof of work, for campaigns that ask for one (the ALTCHA widget's).
        self.proof_of_work: str = formdata.get(PROOF_OF_WORK_FIELD, "")
        # "Change" pressed beside a letter's language list: that letter's number.
        self.switch: str | None = formdata.get("switch")
        # The page already told the supporter that some of their words seem to be in
        # another language: this time the letters go as they are.
        self.language_hint_shown = bool(formdata.get("language_hint_shown"))
        self.groups: list[LetterGroupFields] = [
            LetterGroupFields(formdata, prefix=f"groups-{index}-")
            for index in _group_indices(formdata)
        ]
        # Only a page that carried it sends it; step one's render starts it empty.
        self.address = SenderAddressFields(formdata if formdata else None)

    def add_group(self, data: dict) -> None:
        """One more shared letter, filled in with `data` (step one)."""
        self.groups.append(LetterGroupFields(prefix=f"groups-{len(self.groups)}-", data=data))

    def group(self, index: str | None) -> LetterGroupFields | None:
        """The letter of that number on the page; None if there is none."""
        return next((group for group in self.groups if group.index == index), None)

    def replace_group(self, old: LetterGroupFields, new: list[dict]) -> None:
        """`old` replaced by the letters `new` (more than one when they split), in its place;
        every letter numbered again in page order, so the first new one keeps its number."""
        laid_out = [data for group in self.groups
                    for data in (new if group is old else [group.as_data()])]
        self.groups = []
        for data in laid_out:
            self.add_group(data)

    def validate(self) -> bool:
        # Every group, not up to the first that fails: each shows its own messages.
        return all([group.validate() for group in self.groups] + [self.address.validate()])

    @property
    def street_address(self) -> str:
        """The address as typed (stripped); check validate() first."""
        return self.address.street_address.data or ""


REPORT_MAX_LENGTH = 1000


class DataReportForm(PublicForm):
    """"Wrong address or person?" and "whom should we write to?": no personal data asked."""

    message = TextAreaField(_l("What is wrong? (optional)"), validators=[
        Optional(), Length(max=REPORT_MAX_LENGTH), PlainText()])  # fmt: skip
    website = StringField(_l("Website"))  # a honeypot, hidden from people


class SuggestionForm(DataReportForm):
    message = TextAreaField(
        _l("Whom should we write to, and where is their address published?"),
        validators=[DataRequired(), Length(min=3, max=REPORT_MAX_LENGTH), PlainText()])


class ConfirmForm(PublicForm):
    confirm = SubmitField(_l("Yes, send my letters"))
