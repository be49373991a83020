"""The same letter as mail links, a draft .eml file, or a message for the outbox.

Links and drafts let supporters send from their own mail app (no server send); the message
builders give the delivery worker what to send on a supporter's behalf, or to the supporter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate
from urllib.parse import quote

from .text import is_header_safe, normalise_newlines, sendable_address

# Browsers and mail apps cut or refuse longer mailto: URLs (old Internet Explorer and Outlook
# stop near 2,000 characters); above this, offer copy/paste or the .eml file instead.
MAILTO_SAFE_LENGTH = 2000

GMAIL_COMPOSE = "https://mail.google.com/mail/"
OUTLOOK_COMPOSE = "https://outlook.live.com/mail/0/deeplink/compose"

_LETTER_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")


def _q(value: str) -> str:
    # safe="" so "&", "=", "+", "#" and "?" in a letter can never end a field early.
    return quote(value, safe="")


def _crlf(text: str) -> str:
    # RFC 6068 wants line breaks in a body as CRLF (%0D%0A).
    return normalise_newlines(text).replace("\n", "\r\n")


def _recipients(to: list[str]) -> str:
    for address in to:
        _check_header_text(address, "address")
    # "@" stays literal: some mail apps do not decode %40 inside the address part.
    return ",".join(quote(address.strip(), safe="@") for address in to)


def mailto_url(to: list[str], subject: str, body: str) -> str:
    """A mailto: URL (RFC 6068) opening the letter in the supporter's mail app."""
    fields = []
    if subject:
        fields.append(f"subject={_q(subject)}")
    if body:
        fields.append(f"body={_q(_crlf(body))}")
    query = "?" + "&".join(fields) if fields else ""
    return f"mailto:{_recipients(to)}{query}"


def gmail_compose_url(to: list[str], subject: str, body: str) -> str:
    """A link that opens Gmail's compose window with the letter filled in."""
    return (
        f"{GMAIL_COMPOSE}?view=cm&fs=1&to={_recipients(to)}&su={_q(subject)}&body={_q(_crlf(body))}"
    )


def outlook_compose_url(to: list[str], subject: str, body: str) -> str:
    """A link that opens Outlook on the web (outlook.live.com) with the letter filled in."""
    return f"{OUTLOOK_COMPOSE}?to={_recipients(to)}&subject={_q(subject)}&body={_q(_crlf(body))}"


def mailto_too_long(url: str) -> bool:
    """True when a mailto: URL is too long to be opened reliably."""
    return len(url) > MAILTO_SAFE_LENGTH


@dataclass(frozen=True, slots=True)
class ComposeLinks:
    mailto: str
    gmail: str
    outlook: str


def compose_links(to: list[str], subject: str, body: str) -> ComposeLinks:
    """The three links for one letter."""
    return ComposeLinks(
        mailto=mailto_url(to, subject, body),
        gmail=gmail_compose_url(to, subject, body),
        outlook=outlook_compose_url(to, subject, body),
    )


def blank_compose_links(to: list[str]) -> ComposeLinks:
    """The three links with only the recipients, for a letter pasted in by hand."""
    return compose_links(to, "", "")


class UnsendableMail(ValueError):
    """A value no mail can carry. The message names the field, never its value: it is logged
    and stored with the letter or notice, and the value may be a supporter's address."""


def _check_header_text(value: str, what: str) -> str:
    # A CR or LF in a header value would let a supporter add headers (Bcc:) to the mail;
    # letters/text.py has the rule, which the forms and the API apply too.
    if not is_header_safe(value):
        raise UnsendableMail(f"{what} contains a line break or control character")
    return value


def _address(name: str | None, address: str, what: str) -> Address:
    """The checked address, in the form every backend can send to (see `sendable_address`)."""
    _check_header_text(address, f"{what} address")
    if name:
        _check_header_text(name, f"{what} name")
    sendable = sendable_address(address)
    if sendable is None:
        raise UnsendableMail(f"the {what} address cannot be sent to: it is not an address, "
                             "or it has letters other than ASCII before the @")
    try:
        return Address(display_name=name or "", addr_spec=sendable)
    except (ValueError, IndexError, HeaderParseError):
        # Not chained: the parser's message quotes the address.
        raise UnsendableMail(f"invalid {what} address") from None


def _check_body(body: str) -> str:
    try:
        body.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate, which only JSON can bring
        raise UnsendableMail("the body holds characters that are not text") from None
    return body


def _set_body(message: EmailMessage, body: str) -> None:
    # Quoted-printable keeps a non-English letter readable in the raw source and 7-bit safe;
    # for ASCII the package picks 7bit, or quoted-printable when a line is too long.
    cte = None if body.isascii() else "quoted-printable"
    message.set_content(body, charset="utf-8", cte=cte)


def letter_eml(
    to: list[str],
    subject: str,
    body: str,
    from_name: str | None = None,
    from_address: str | None = None,
) -> bytes:
    """A draft message (.eml) that Outlook and Thunderbird open ready to send."""
    message = EmailMessage(policy=SMTP)
    if from_address:
        message["From"] = _address(from_name, from_address, "sender")
    message["To"] = [_address(None, a, "recipient") for a in to]
    message["Subject"] = _check_header_text(subject, "subject")
    message["X-Unsent"] = "1"  # open as an unsent draft rather than a received mail
    _set_body(message, body)
    return message.as_bytes()


def _message_id(kind: str, ident: str, domain: str) -> str:
    if not _LETTER_ID.match(ident):
        raise UnsendableMail(f"{kind} id {ident!r} must be letters, digits, '.', '_' or '-'")
    _check_header_text(domain, "message id domain")
    if not re.fullmatch(r"[A-Za-z0-9.-]+", domain):
        raise UnsendableMail(f"invalid message id domain {domain!r}")
    return f"<{kind}-{ident}@{domain}>"


@dataclass(frozen=True, slots=True)
class OutgoingMail:
    """A mail ready to hand over: checked, and no more than every backend needs.

    Why not an `email.message.EmailMessage` straight away: building one (header objects,
    quoted-printable body) is the costliest part of a worker's work on a letter, and SendGrid
    takes JSON. The backends that speak SMTP or write files call `as_message()`.
    Every header value is checked here, when the mail is built, whichever backend sends it.
    """

    from_name: str
    from_address: str
    to_name: str
    to_address: str
    subject: str
    body: str
    message_id: str
    date: str
    reply_to_name: str = ""
    reply_to_address: str = ""
    # The outbox row this mail is, so that delivery events map back to it: SendGrid custom
    # args, and X-Letter-Id / X-Notice-Id headers elsewhere.
    letter_id: str = ""
    notice_id: str = ""
    auto_submitted: bool = False  # RFC 3834: tells vacation responders not to answer

    def as_message(self) -> EmailMessage:
        message = EmailMessage(policy=SMTP)
        message["From"] = _address(self.from_name, self.from_address, "sender")
        if self.reply_to_address:
            message["Reply-To"] = _address(self.reply_to_name, self.reply_to_address,
                                           "reply-to")
        message["To"] = _address(self.to_name, self.to_address, "recipient")
        message["Subject"] = self.subject
        message["Date"] = self.date
        message["Message-ID"] = self.message_id
        if self.auto_submitted:
            message["Auto-Submitted"] = "auto-generated"
        if self.letter_id:
            message["X-Letter-Id"] = self.letter_id
        if self.notice_id:
            message["X-Notice-Id"] = self.notice_id
        _set_body(message, self.body)
        return message


def build_letter_message(
    *,
    campaign_title: str,
    from_address: str,
    supporter_name: str,
    supporter_email: str,
    to_address: str,
    to_name: str,
    subject: str,
    body: str,
    message_id_domain: str,
    letter_id: str | int,
) -> OutgoingMail:
    """The letter as sent for a supporter: From the campaign, Reply-To the supporter."""
    _check_header_text(campaign_title, "campaign title")
    # Never the supporter's own address in From: their domain's DMARC policy would get the
    # letter rejected or sent to spam. Replies still reach them through Reply-To.
    sender = f"{supporter_name} via {campaign_title}"
    from_addr = _address(sender, from_address, "sender")
    reply_to = _address(supporter_name, supporter_email, "supporter")
    to = _address(to_name, to_address, "recipient")
    return OutgoingMail(
        from_name=sender, from_address=from_addr.addr_spec,
        reply_to_name=supporter_name, reply_to_address=reply_to.addr_spec,
        to_name=to_name, to_address=to.addr_spec,
        subject=_check_header_text(subject, "subject"),
        body=_check_body(body),
        # Derived from the letter id, so a retried send keeps its Message-ID and delivery
        # events can be matched back to the letter.
        message_id=_message_id("letter", str(letter_id), message_id_domain),
        date=formatdate(usegmt=True),
        letter_id=str(letter_id),
    )


def build_notice_message(
    *,
    campaign_title: str,
    from_address: str,
    to_address: str,
    to_name: str,
    subject: str,
    body: str,
    message_id_domain: str,
    notice_id: str | int,
    reply_to: str | None = None,
) -> OutgoingMail:
    """A mail from the campaign to a supporter (confirmation link, receipt)."""
    from_addr = _address(campaign_title, from_address, "sender")
    reply_to_addr = _address(campaign_title, reply_to, "reply-to") if reply_to else None
    to = _address(to_name, to_address, "recipient")
    return OutgoingMail(
        from_name=campaign_title, from_address=from_addr.addr_spec,
        reply_to_name=campaign_title if reply_to else "",
        reply_to_address=reply_to_addr.addr_spec if reply_to_addr else "",
        to_name=to_name, to_address=to.addr_spec,
        subject=_check_header_text(subject, "subject"),
        body=_check_body(body),
        message_id=_message_id("notice", str(notice_id), message_id_domain),
        date=formatdate(usegmt=True),
        notice_id=str(notice_id),
        auto_submitted=True,
    )
