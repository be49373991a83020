"""Ukrainian: "Шановна пані" / "Шановний пане" and the office in the vocative.

Ukrainian addresses in the vocative, and a man's family name would have to be declined ("пане
Петренку", foreign ones too: "пане Джонсоне"), which by rule goes wrong; the established forms
use the office instead ("Шановний пане Міністре!", "Шановна пані Міністре!", members of the
Verkhovna Rada "пане народний депутате", other members of parliament, national or European,
"пане депутате"), the head of government by the office the role names ("Шановний пане
Прем’єр-міністре!") or "Ваша Високоповажносте!", which needs no gender, and for others a title
("пане професоре") or "Шановний пане!" alone. A woman's family name stays as it is after "пані"
("Шановна пані Морган!"), except a Ukrainian noun-like one in -а/-я, which would change. The
official title keeps its one form for women. Without a gender both openings are given; the
line ends with "!", as in Ukrainian official letters.
"""

from __future__ import annotations

from . import _Parts, office_by_role

_OPENING = {"female": "Шановна пані", "male": "Шановний пане"}
_EITHER = "Шановна пані / Шановний пане"
_OFFICES = {"minister": "Міністре", "mp": "депутате", "senator": "сенаторе", "mep": "депутате"}
_HEADS = (
    (("prime minister", "прем’єр-міністр", "прем'єр-міністр"), "Прем’єр-міністре"),
    (("president", "президент"), "Президенте"),
    (("chancellor", "канцлер"), "Федеральний канцлере"),
    (("chairman of the government", "голова уряду"), "Голово Уряду"),
)
_TITLES = {"prof": ("професорко", "професоре"), "dr": ("докторко", "докторе")}
# Women's family names in -а/-я that keep their form in the vocative (adjective-like ones).
_UNCHANGED_ENDINGS = ("ська", "цька", "зька", "ова", "ева", "єва", "іна", "їна", "ина")


def _unchanged(family: str) -> bool:
    """A woman's family name that reads the same in the vocative after "пані"."""
    cyrillic = any("\u0400" <= c <= "\u04ff" for c in family)
    return not cyrillic or not family.endswith(("а", "я")) or family.endswith(_UNCHANGED_ENDINGS)


def salutation(p: _Parts) -> str:
    opening = _OPENING[p.gender] if p.gender else _EITHER
    if p.office == "head_of_government":
        office = office_by_role(p.role, _HEADS)
        return f"{opening} {office}!" if office else "Ваша Високоповажносте!"
    office = _OFFICES.get(p.office, "")
    if p.office == "mp" and p.country == "UA":
        office = "народний депутате"
    if office:
        return f"{opening} {office}!"
    if p.title in _TITLES:
        female, male = _TITLES[p.title]
        if p.gender:
            return f"{opening} {p.pick(female, male)}!"
        return f"Шановна пані {female} / Шановний пане {male}!"
    if p.gender == "female" and p.family and _unchanged(p.family):
        return f"Шановна пані {p.family}!"
    if p.gender:
        return f"{opening}!"
    return f"{_EITHER}!"
