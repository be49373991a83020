"""Indonesian: "Yang terhormat" with "Bapak" / "Ibu" and the office or the full name.

Indonesian formal letters address the reader as "Bapak" (a man) or "Ibu" (a woman), and as
"Bapak/Ibu" when that is not known, which is the established neutral form. Office holders are
addressed by office ("Yang terhormat Ibu Menteri,", "Yang terhormat Bapak/Ibu Presiden,"); a
head of government whose office the role does not name as "Yang Mulia," (Your Excellency),
which has no gender. Members of parliament and others by their full name, since many
Indonesians have no family name ("Yang terhormat Bapak Joko Widodo,"), with "Dr." or "Prof."
before it as Indonesian usage does. Names are never declined. The letter itself then opens
with "Dengan hormat,".
"""

from __future__ import annotations

from . import _Parts, office_by_role

_HEADS = (
    (("prime minister", "perdana menteri", "chairman of the government"), "Perdana Menteri"),
    (("president", "presiden"), "Presiden"),
    (("chancellor", "kanselir"), "Kanselir"),
)


def salutation(p: _Parts) -> str:
    honorific = p.pick("Ibu", "Bapak") if p.gender else "Bapak/Ibu"
    if p.office == "head_of_government":
        office = office_by_role(p.role, _HEADS)
        return f"Yang terhormat {honorific} {office}," if office else "Yang Mulia,"
    if p.office == "minister":
        return f"Yang terhormat {honorific} Menteri,"
    title = {"dr": "Dr. ", "prof": "Prof. "}.get(p.title, "")
    if p.full:
        return f"Yang terhormat {honorific} {title}{p.full},"
    seat = {"mp": "Anggota Dewan", "senator": "Senator", "mep": "Anggota Parlemen Eropa"}
    if p.office in seat:
        return f"Yang terhormat {honorific} {seat[p.office]},"
    return f"Yang terhormat {honorific},"
