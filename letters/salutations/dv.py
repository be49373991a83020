"""Dhivehi: "ޢިއްޒަތްތެރި" (Honourable) with the office, or with the name for others.

Formal Dhivehi letters open with "ޢިއްޒަތްތެރި" and the addressee's office, which has no
gender, followed by the Arabic comma: "ޢިއްޒަތްތެރި ރައީސުލްޖުމްހޫރިއްޔާ،" for the President of
the Maldives (the President's Office's own form), "ޢިއްޒަތްތެރި ބޮޑުވަޒީރު،" for a prime
minister, "ޢިއްޒަތްތެރި ވަޒީރު،" for ministers and "ޢިއްޒަތްތެރި މެންބަރު،" for members of
parliament (as in the People's Majlis; also for members of the European Parliament), all without
the name. Others by their full name, since many Maldivians have no family name: "ޑރ." or
"ޕްރޮފެސަރ" before it where the data has the title, otherwise "އަލްފާޟިލާ" (a woman) or
"އަލްފާޟިލް" (a man) where the data states the gender, and the bare name when it does not;
"ޢިއްޒަތްތެރި ބޭފުޅާ،" (honourable person, no gender) without a name.
"""

from __future__ import annotations

from . import _Parts

_HONOURABLE = "ޢިއްޒަތްތެރި"
_HEADS = (
    (("prime minister", "chairman of the government"), "ބޮޑުވަޒީރު"),
    (("president",), "ރައީސް"),
    (("chancellor",), "ޗާންސެލަރ"),
)
_OFFICES = {"minister": "ވަޒީރު", "mp": "މެންބަރު", "mep": "މެންބަރު", "senator": "ސެނެޓަރު"}
_TITLES = {"dr": "ޑރ.", "prof": "ޕްރޮފެސަރ"}
_NEUTRAL = "ބޭފުޅާ"


def _head(p: _Parts) -> str:
    for prefixes, office in _HEADS:
        if p.role.startswith(prefixes):
            if office == "ރައީސް" and p.country == "MV":
                return "ރައީސުލްޖުމްހޫރިއްޔާ"  # President of the Republic (of the Maldives)
            return office
    return _NEUTRAL


def salutation(p: _Parts) -> str:
    if p.office == "head_of_government":
        return f"{_HONOURABLE} {_head(p)}،"
    if p.office in _OFFICES:
        return f"{_HONOURABLE} {_OFFICES[p.office]}،"
    if not p.full:
        return f"{_HONOURABLE} {_NEUTRAL}،"
    honorific = _TITLES.get(p.title) or (p.pick("އަލްފާޟިލާ", "އަލްފާޟިލް") if p.gender else "")
    if honorific:
        return f"{_HONOURABLE} {honorific} {p.full}،"
    return f"{_HONOURABLE} {p.full}،"
