"""Rules for the plain text that supporters and staff write: line breaks and invisible characters,
and the addresses mail can be sent to.

One place for them, so that the forms, the API, the templates and the mails agree: what a form
or the API accepts, the mail builder (letters/compose.py) can always send.
"""

from __future__ import annotations

import re

# What no mail header may hold, whichever backend sends it:
# - C0 and C1 control characters: a CR or LF in a name or subject could add headers (Bcc:);
# - U+2028 and U+2029, Unicode's line and paragraph separators: Python's email package treats
#   them as line breaks too, and refuses a header holding one;
# - lone surrogates (U+D800 to U+DFFF), which JSON can carry but no UTF-8 can encode: neither
#   a mail nor PostgreSQL can hold them.
_HEADER_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
# Multi-line text may keep line breaks and tabs, nothing else invisible; no lone surrogates.
_MULTI_LINE_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def normalise_newlines(text: str) -> str:
    """LF only: browsers send a line break in a field as CRLF, old files may have CR."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def is_header_safe(text: str) -> bool:
    """Text a mail header can hold: a name, a subject, a title. The one rule for them all."""
    return not _HEADER_FORBIDDEN.search(text)


def is_single_line(text: str) -> bool:
    """Text fit for one line (a name, a subject): the same rule as `is_header_safe`, as every
    such field may end up in a mail header."""
    return is_header_safe(text)


def is_plain_text(text: str) -> bool:
    """Text of several lines with nothing invisible in it but line breaks and tabs."""
    return not _MULTI_LINE_FORBIDDEN.search(text)


def sendable_address(address: str) -> str | None:
    """The address as every mail backend can send to it, or None when none of them can.

    Only ASCII before the "@": SMTPUTF8 (RFC 6531) is what carries a local part such as
    "jösé", and SendGrid offers it neither in its API nor in its SMTP relay (it answers
    "Recipient syntax error"); many SMTP servers lack it too. Such an address is refused where
    it is typed rather than taken and never reached. A domain has an ASCII form, its IDNA
    ("xn--") name, which every backend and every mail server can send to, so a non-ASCII
    domain is written in that form.
    """
    address = address.strip()
    local, at, domain = address.rpartition("@")
    if not (at and local and domain) or not is_header_safe(address):
        return None
    if not local.isascii():
        return None
    if not domain.isascii():
        try:
            domain = domain.encode("idna").decode("ascii")
        except UnicodeError:
            return None
    return f"{local}@{domain}"


def is_sendable_address(address: str) -> bool:
    """Whether mail can be sent to this address by every backend (see `sendable_address`)."""
    return sendable_address(address) is not None


# NUL (PostgreSQL refuses it in text) and halves of UTF-16 surrogate pairs (JSON may spell one,
# "\ud800", but there is no UTF-8 for it): what no database we run on can store.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def has_lone_surrogate(text: str) -> bool:
    """Text that is not valid Unicode: half of a surrogate pair."""
    return bool(_LONE_SURROGATE.search(text))


def is_storable(text: str) -> bool:
    return not _UNSTORABLE.search(text)


def storable(text: str) -> str:
    """The text without what no database can store (see is_storable)."""
    return _UNSTORABLE.sub("", text)


# An e-mail address as it appears in a mail service's answer or an SMTP reply: bare, in angle
# brackets, in quotes, after "mailto:". Deliberately broad on the left (anything up to a space
# or a delimiter, in any script, with apostrophes inside): a false match only hides a word, a
# missed one would keep an address. The domain stops before a sentence's final full stop. A
# match starts only after a delimiter (an apostrophe counts only after one too), so a long word
# without "@" is read once, not once for each of its characters.
_DELIMITERS = r"""\s@<>()\[\]{},;:"'`"""
_LOCAL = rf"[^{_DELIMITERS}]+"
_ADDRESS = re.compile(rf"(?<![^{_DELIMITERS}])(?<![^{_DELIMITERS}]')"
                      rf"{_LOCAL}(?:'{_LOCAL})*@[\w-]+(?:\.[\w-]+)*")
ADDRESS_PLACEHOLDER = "<address>"


def without_addresses(text: str) -> str:
    """The text with every e-mail address in it replaced by a placeholder.

    For what a mail service or a delivery event says about a message (they often quote the
    recipient, or the supporter in Reply-To): stored as a letter's error or an event's reason,
    and written to logs, such a text must not keep a supporter's or anyone's address.
    """
    return _ADDRESS.sub(ADDRESS_PLACEHOLDER, text)
