"""Arabic: formal Modern Standard Arabic salutations, ending with the Arabic comma.

Office holders are greeted by the style of their office: a minister "معالي الوزير", a head of
government as the role says ("دولة رئيس الوزراء", "فخامة الرئيس", the royal styles "صاحب
الجلالة" for a king or sultan and "صاحب السمو (الملكي)" for an emir or crown prince, and for the
Emirates' ruler-prime minister), everyone else "سعادة" with the office or the name. The
adjective "المحترم" / "المحترمة" and the feminine title ("الوزيرة", "النائبة", "السيدة") agree
with the addressee's gender, so they are written only when the data states it; without a gender
the style and the office or name stand alone ("معالي الوزير،", "سعادة Alex Morgan،", "سعادة عضو
البرلمان،"), and without a name or office "حضرات السيدات والسادة المحترمين،".
"""

from __future__ import annotations

import re

from . import _Parts

_COMMA = "،"
# Heads of government whose style is a royal one, whatever the office is called.
# Checked in this order and as whole words: "Crown Prince and Prime Minister of the Kingdom of
# Saudi Arabia" is a crown prince, not a king.
_ROYAL = (("crown prince", "صاحب السمو الملكي"), ("sultan", "صاحب الجلالة"),
          ("king", "صاحب الجلالة"), ("emir", "صاحب السمو"), ("amir", "صاحب السمو"))


def _respectful(p: _Parts, text: str) -> str:
    """`text` with the agreeing "المحترم/المحترمة" when the gender is known, else alone."""
    if not p.gender:
        return text + _COMMA
    return f"{text} {p.pick('المحترمة', 'المحترم')}{_COMMA}"


def _head_of_government(p: _Parts) -> str:
    for word, style in _ROYAL:
        if re.search(rf"\b{word}\b", p.role):
            return style + _COMMA
    if "prime minister" in p.role:
        if p.country == "AE":  # the Emirates' prime minister is the ruler of Dubai
            return "صاحب السمو" + _COMMA
        return _respectful(p, p.pick("دولة رئيسة الوزراء", "دولة رئيس الوزراء") if p.gender
                           else "دولة رئيس الوزراء")
    if p.role.startswith("president"):
        return _respectful(p, p.pick("فخامة الرئيسة", "فخامة الرئيس") if p.gender
                           else "فخامة الرئيس")
    return "صاحب الفخامة" + _COMMA


def salutation(p: _Parts) -> str:
    if p.office == "head_of_government":
        return _head_of_government(p)
    if p.office == "minister":
        return _respectful(p, p.pick("معالي الوزيرة", "معالي الوزير") if p.gender
                           else "معالي الوزير")
    if p.full and p.gender:
        if p.office in ("mp", "mep", "senator"):
            title = p.pick("النائبة", "النائب") if p.office != "senator" else p.pick(
                "عضوة مجلس الشيوخ", "عضو مجلس الشيوخ")
        elif p.title == "prof":
            title = p.pick("الأستاذة الدكتورة", "الأستاذ الدكتور")
        elif p.title == "dr":
            title = p.pick("الدكتورة", "الدكتور")
        else:
            title = p.pick("السيدة", "السيد")
        return _respectful(p, f"سعادة {title} {p.full}")
    if p.full:
        # "سعادة" itself has no gender; the abbreviated academic titles have none either.
        title = {"prof": "أ.د. ", "dr": "د. "}.get(p.title, "") if not p.office else ""
        return f"سعادة {title}{p.full}{_COMMA}"
    offices = {"mp": "سعادة عضو البرلمان", "senator": "سعادة عضو مجلس الشيوخ",
               "mep": "سعادة عضو البرلمان الأوروبي"}
    if p.office in offices:
        return offices[p.office] + _COMMA
    return "حضرات السيدات والسادة المحترمين" + _COMMA
