"""Japanese salutations: the addressee's line at the head of a formal letter (宛名).

Japanese letters are never addressed by gender: office holders are named by the office title
placed before the name, with 様 after it ("大臣 山田太郎 様", "議員 Jane Smith 様"), since the
title plus 様 directly ("山田大臣様") reads as a doubled honorific; an office with no named
holder gets the title and 様 alone ("大臣 様", "内閣総理大臣 様"). Others are "<name> 様", and
without a name "ご担当者 様". Japanese people (and Chinese and Korean people) are written family
name first; other names keep their own order. Academic titles are left out: 様 is correct for
everyone, while 先生 or 教授 would depend on the addressee's relation to the writer.
"""

from __future__ import annotations

from . import _Parts, family_name_first


def _head_of_government(p: _Parts) -> str:
    if p.country == "JP" or "japan" in p.role:
        return "内閣総理大臣"
    # Japanese calls other heads of government 首相, China's premier included; presidents 大統領.
    return "大統領" if p.role.startswith("president") else "首相"


def salutation(p: _Parts) -> str:
    office = {
        "head_of_government": _head_of_government(p),
        "minister": "大臣",
        "mp": "国会議員" if p.country == "JP" else "議員",
        "senator": "上院議員",
        "mep": "欧州議会議員",
    }.get(p.office, "")
    name = family_name_first(p)
    if office:
        return f"{office} {name} 様" if name else f"{office} 様"
    return f"{name} 様" if name else "ご担当者 様"
