"""Turkish: "Sayın" ("esteemed"), which has no gender, before the office or the name.

Turkish has no grammatical gender and "Sayın" serves women and men alike, so gender plays no
part. Ministers are addressed by office ("Sayın Bakan,"), heads of government too ("Sayın
Cumhurbaşkanı,", "Sayın Başbakan,", a monarch "Majesteleri,", others "Ekselansları,"). Members of
parliament and everyone else by "Sayın" and the full name, with "Dr." or "Prof." where the data
gives the title ("Sayın Dr. Ayşe Yılmaz,"); without a name by office ("Sayın Milletvekili,"), and
with neither the standard "Sayın Yetkili,".
"""

from __future__ import annotations

import re

from . import _Parts


def _head_of_government(p: _Parts) -> str:
    if re.search(r"\b(king|sultan)\b", p.role):
        return "Majesteleri,"
    if re.search(r"\b(crown prince|emir|amir)\b", p.role):
        return "Ekselansları,"
    if "prime minister" in p.role:
        return "Sayın Başbakan,"
    if p.role.startswith("president"):
        return "Sayın Cumhurbaşkanı,"
    return "Ekselansları,"


def salutation(p: _Parts) -> str:
    if p.office == "head_of_government":
        return _head_of_government(p)
    if p.office == "minister":
        return "Sayın Bakan,"
    if p.full:
        title = {"dr": "Dr. ", "prof": "Prof. "}.get(p.title, "")
        return f"Sayın {title}{p.full},"
    offices = {"mp": "Milletvekili", "senator": "Senatör", "mep": "Avrupa Parlamentosu Üyesi"}
    return f"Sayın {offices.get(p.office, 'Yetkili')},"
