"""Rules for the plain text that supporters and staff write: line breaks and invisible characters.

One place for them, so that the forms, the API, the templates and the mails agree.
"""

from __future__ import annotations

import re

# Any C0/C1 control character; CR and LF in a name or subject could forge mail headers.
_SINGLE_LINE_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Multi-line text may keep line breaks and tabs, nothing else invisible.
_MULTI_LINE_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def normalise_newlines(text: str) -> str:
    """LF only: browsers send a line break in a field as CRLF, old files may have CR."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def is_single_line(text: str) -> bool:
    """Text fit for one line (a name, a subject): no line breaks, no control characters."""
    return not _SINGLE_LINE_FORBIDDEN.search(text)


def is_plain_text(text: str) -> bool:
    """Text of several lines with nothing invisible in it but line breaks and tabs."""
    return not _MULTI_LINE_FORBIDDEN.search(text)
