"""Wording variants: `[[one wording|another|a third]]` in a template, one chosen per letter.

Offices discount identical letters, so a template can offer alternative sentences or
paragraphs. The choice is seeded per supporter (the `variant_seed` the renderer passes), so one
supporter's letters to several people share their words, and so can share one editable text,
while different supporters' letters differ.

The syntax is expanded into plain Jinja before the template is parsed, keeping every line where
it was, so error messages still point at the right line. Alternatives may hold Jinja
(`[[Dear {{ target.name }}|Hello]]`); a `|` inside `{{ }}`, `{% %}` or `{# #}` does not split.
"""

from __future__ import annotations

from jinja2 import TemplateSyntaxError

OPEN, CLOSE, BAR = "[[", "]]", "|"
_TAGS = (("{{", "}}"), ("{%", "%}"), ("{#", "#}"))


def _split(source: str, start: int, name, filename) -> tuple[list[str], int]:
    """The alternatives of the variant opening at `start`, and where its `]]` ends."""
    parts: list[str] = []
    pos = current = start + len(OPEN)
    while pos < len(source):
        for opener, closer in _TAGS:
            if source.startswith(opener, pos):
                end = source.find(closer, pos + 2)
                if end < 0:
                    pos = len(source)
                else:
                    pos = end + 2
                break
        else:
            if source.startswith(CLOSE, pos):
                parts.append(source[current:pos])
                return parts, pos + len(CLOSE)
            if source.startswith(OPEN, pos):
                raise TemplateSyntaxError("wording variants cannot be nested",
                                          _line(source, pos), name, filename)
            if source[pos] == BAR:
                parts.append(source[current:pos])
                current = pos + 1
            pos += 1
    raise TemplateSyntaxError("a wording variant '[[' is not closed with ']]'",
                              _line(source, start), name, filename)


def _line(source: str, pos: int) -> int:
    return source.count("\n", 0, pos) + 1


def expand_variants(source: str, name=None, filename=None) -> str:
    """Rewrite each `[[a|b|...]]` into a Jinja if/elif choosing one alternative."""
    if OPEN not in source:
        return source
    out: list[str] = []
    pos = index = 0
    while True:
        start = source.find(OPEN, pos)
        if start < 0:
            break
        # A `[[` inside a Jinja tag or comment is the template's own business.
        if _inside_tag(source, start):
            out.append(source[pos : start + 2])
            pos = start + 2
            continue
        parts, end = _split(source, start, name, filename)
        out.append(source[pos:start])
        out.append(_choice(index, parts))
        index += 1
        pos = end
    out.append(source[pos:])
    return "".join(out)


def _inside_tag(source: str, pos: int) -> bool:
    for opener, closer in _TAGS:
        last_open = source.rfind(opener, 0, pos)
        if last_open >= 0 and source.rfind(closer, last_open, pos) < 0:
            return True
    return False


def _choice(index: int, parts: list[str]) -> str:
    # "+%}" keeps the line breaks around the alternatives (the environment trims blocks).
    count = len(parts)
    if count == 1:
        return parts[0]
    pieces = []
    for number, part in enumerate(parts):
        keyword = "if" if number == 0 else "elif"
        if number == count - 1:
            pieces.append(f"{{%+ else +%}}{part}")
        else:
            pieces.append(f"{{%+ {keyword} {index}|variant({count}) == {number} +%}}{part}")
    pieces.append("{%+ endif +%}")
    return "".join(pieces)


def count_variants(source: str) -> int:
    """How many places with alternative wordings a template has (for the editor)."""
    return expand_variants(source).count("|variant(") - source.count("|variant(")
