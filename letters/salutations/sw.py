"""Swahili: "Mheshimiwa" for office holders, "Mpendwa" with "Bi."/"Bw." or the name for others.

Swahili has no grammatical gender and no declension of names. Ministers, heads of government
and members of parliament (national or European) are "Mheshimiwa" (the Honourable), one form for
women and men: "Mheshimiwa Waziri,", "Mheshimiwa Rais,", "Mheshimiwa Waziri Mkuu,", and a
member of parliament with the full name ("Mheshimiwa Alex Morgan,", "Mheshimiwa Dkt. ..." as in
Tanzanian and Kenyan usage), or "Mheshimiwa Mbunge," without a name. Others are "Mpendwa"
(Dear) with "Bi." (a woman) or "Bw." (a man) and the family name where the gender is given,
"Dkt."/"Prof." where the data has the title, and otherwise the full name, which needs no gender.
"""

from __future__ import annotations

from . import _Parts, office_by_role

_HEADS = (
    (("prime minister", "waziri mkuu", "chairman of the government"), "Waziri Mkuu"),
    (("president", "rais"), "Rais"),
    (("chancellor", "kansela"), "Kansela"),
)
_TITLES = {"dr": "Dkt.", "prof": "Prof."}


def salutation(p: _Parts) -> str:
    if p.office == "head_of_government":
        office = office_by_role(p.role, _HEADS)
        return f"Mheshimiwa {office}," if office else "Mheshimiwa,"
    if p.office == "minister":
        return "Mheshimiwa Waziri,"
    title = _TITLES.get(p.title, "")
    if p.office in ("mp", "senator", "mep"):
        if p.full:
            return f"Mheshimiwa {title} {p.full}," if title else f"Mheshimiwa {p.full},"
        return "Mheshimiwa Seneta," if p.office == "senator" else "Mheshimiwa Mbunge,"
    if title and p.family:
        return f"Mpendwa {title} {p.family},"
    if p.gender and p.family:
        return f"Mpendwa {p.pick('Bi.', 'Bw.')} {p.family},"
    if p.full:
        return f"Mpendwa {p.full},"
    return "Mpendwa Bwana/Bibi,"
