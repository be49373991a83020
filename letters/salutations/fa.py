"""Persian: formal salutations ending with the Persian comma.

Office holders are greeted by office: "جناب آقای وزیر" / "سرکار خانم وزیر" when the data states
the gender, otherwise the office with the genderless "محترم" ("وزیر محترم،", "نماینده محترم،");
a president as "ریاست محترم جمهوری،" (or "جناب آقای / سرکار خانم رئیس‌جمهور"), a prime minister
"نخست‌وزیر محترم،", a king or sultan "اعلیحضرت،", a crown prince, emir or the Emirates'
ruler-prime minister "والاحضرت،". Others by name: "جناب آقای" / "سرکار خانم" (with "دکتر" or
"پروفسور" where the data gives the title) and the full name when the gender is known, otherwise
the name with the genderless "گرامی" ("Alex Morgan گرامی،"); with neither, the office or
"مسئول محترم،". The letter itself then opens with "با سلام و احترام،".
"""

from __future__ import annotations

import re

from . import _Parts

_COMMA = "،"
_ROYAL = (("crown prince", "والاحضرت"), ("sultan", "اعلیحضرت"), ("king", "اعلیحضرت"),
          ("emir", "والاحضرت"), ("amir", "والاحضرت"))


def _head_of_government(p: _Parts) -> str:
    for word, style in _ROYAL:  # whole words: "Kingdom" is not a king
        if re.search(rf"\b{word}\b", p.role):
            return style + _COMMA
    if "prime minister" in p.role and p.country == "AE":
        return "والاحضرت" + _COMMA  # the Emirates' prime minister is the ruler of Dubai
    if "prime minister" in p.role:
        office, neutral = "نخست‌وزیر", "نخست‌وزیر محترم"
    elif p.role.startswith("president"):
        office, neutral = "رئیس‌جمهور", "ریاست محترم جمهوری"
    else:
        return "عالیجناب" + _COMMA
    if p.gender:
        return f"{p.pick('سرکار خانم', 'جناب آقای')} {office}{_COMMA}"
    return neutral + _COMMA


def salutation(p: _Parts) -> str:
    if p.office == "head_of_government":
        return _head_of_government(p)
    if p.office == "minister":
        return (f"{p.pick('سرکار خانم', 'جناب آقای')} وزیر{_COMMA}" if p.gender
                else "وزیر محترم" + _COMMA)
    title = {"dr": "دکتر ", "prof": "پروفسور "}.get(p.title, "")
    if p.full and p.gender:
        return f"{p.pick('سرکار خانم', 'جناب آقای')} {title}{p.full}{_COMMA}"
    if p.full:
        return f"{title}{p.full} گرامی{_COMMA}"
    offices = {"mp": "نماینده محترم", "senator": "سناتور محترم",
               "mep": "نماینده محترم پارلمان اروپا"}
    return offices.get(p.office, "مسئول محترم") + _COMMA
