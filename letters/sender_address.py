"""The supporter's street address, for the offices that answer only their own constituents.

Some offices read a letter only once its writer is shown to live in their constituency or
district, and they check that by the street address: a postcode is not enough where it lies in
several districts. For them the form asks for the address, and it goes into the letter below
the supporter's name, as a letter on paper carries it. It is kept nowhere else: it lives and
is erased with the letter's text (webapp.delivery.retention.erase_submissions).
"""

from __future__ import annotations

from collections.abc import Mapping

from representatives.model import Target, TargetKind

from .text import is_header_safe, normalise_newlines

# (country, kind of target) → why that office needs the address. A table rather than a flag
# in the data: it is the offices' practice, the same for every member, not a contact detail.
NEEDS_STREET_ADDRESS: Mapping[tuple[str, TargetKind], str] = {
    # Senate and House offices answer constituents only, and many ZIP codes span several
    # House districts (../shared/data/us-zip-to-district); their web forms ask for the
    # street address. Sources seen: congresslookup.com/tips-how-contact-congress/
    # ("include your mailing address and ZIP code. Mail and email from non-constituents is
    # usually ignored"), legalclarity.org/making-your-first-call-to-the-house-of-representatives
    # ("a full street address may be needed ... where ZIP codes cross district lines").
    ("US", TargetKind.MP): "Members of Congress answer only the constituents of their state "
                           "or district, checked by the street address.",
    # MPs take up what their own constituents raise. Source seen: an MP's own page,
    # craigmackinlay.com/what-can-an-mp-do ("They are only able to deal with the issues
    # raised by those people who live in their constituency").
    ("GB", TargetKind.MP): "Members of the House of Commons deal only with their own "
                           "constituents, checked by the street address.",
}

# Enough for any postal address (the Universal Postal Union's formats run to six lines), and
# short enough that the letter stays a letter.
ADDRESS_MAX_LENGTH = 300
ADDRESS_MAX_LINES = 6


def needs_street_address(target: Target) -> bool:
    """Whether a letter to this target should carry the supporter's street address."""
    return (target.country.upper(), target.kind) in NEEDS_STREET_ADDRESS


def address_lines(address: str) -> list[str]:
    """The address as its lines: line breaks as LF, each line trimmed, empty lines dropped."""
    return [line.strip() for line in normalise_newlines(address or "").split("\n")
            if line.strip()]


def clean_address(address: str) -> str:
    """The address as it is put into letters: its lines (see address_lines), joined by LF."""
    return "\n".join(address_lines(address))


def address_fits(address: str) -> bool:
    """Whether every line could go where a name goes: a mail header, a printed line."""
    return all(is_header_safe(line) for line in address_lines(address))


def signed_with_address(text: str, name: str, address: str, town: str = "") -> str:
    """The letter's text with the address below the supporter's name.

    Below the last line that is their name, where the letter is signed; at the end where
    they edited their name out. A town line under the name goes when the address names the
    town itself. Only lines, no label: an address block reads the same in every language.
    Text that holds the address already (sent twice, or typed in by the supporter) is
    returned as it is.
    """
    block = address_lines(address)
    if not block:
        return text
    lines = normalise_newlines(text).split("\n")
    if _holds(lines, block):
        return text
    signed = [i for i, line in enumerate(lines) if name.strip() and line.strip() == name.strip()]
    if not signed:
        ending = "\n" if text.endswith("\n") else ""
        return text.rstrip("\n") + "\n\n" + "\n".join(block) + ending
    at = signed[-1] + 1
    town = town.strip()
    if (town and at < len(lines) and lines[at].strip().casefold() == town.casefold()
            and town.casefold() in "\n".join(block).casefold()):
        del lines[at]
    return "\n".join([*lines[:at], *block, *lines[at:]])


def _holds(lines: list[str], block: list[str]) -> bool:
    stripped = [line.strip() for line in lines]
    return any(stripped[i:i + len(block)] == block for i in range(len(stripped)))
