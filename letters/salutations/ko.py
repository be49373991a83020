"""Korean salutations: "존경하는 … 께", in the formal style a ministry expects.

Korean addresses office holders by their office with the honorific 님 and never by
gender: "존경하는 장관님께", "존경하는 홍길동 의원님께", "존경하는 대통령님께". Where the data
names the holder, the name stands before the office; an office with no named holder gets the
office alone.
Others are addressed by name with 님 ("존경하는 Alex Morgan 님께"), with an academic title where
the data gives one ("교수님", "박사님", which Korean letters use much as the name's honorific),
and without a name as "담당자님께". Korean (and Japanese and Chinese) names are written family
name first, Hangul names without a space; other names keep their own order.
"""

from __future__ import annotations

from . import _Parts, family_name_first


def _head_of_government(p: _Parts) -> str:
    return "대통령" if p.role.startswith("president") else "총리"


def salutation(p: _Parts) -> str:
    office = {
        "head_of_government": _head_of_government(p),
        "minister": "장관",
        "mp": "의원",
        "senator": "상원의원",
        "mep": "유럽의회 의원",
    }.get(p.office) or {"prof": "교수", "dr": "박사"}.get(p.title, "")
    name = family_name_first(p)
    if office:
        return f"존경하는 {name} {office}님께" if name else f"존경하는 {office}님께"
    return f"존경하는 {name} 님께" if name else "존경하는 담당자님께"
