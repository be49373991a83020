"""Hindi salutations: "माननीय" for office holders, "आदरणीय" for others, ending with a comma.

Office holders are addressed by office, as Indian official correspondence does: "माननीय मंत्री
महोदया," / "माननीय मंत्री महोदय," where the data gives the gender, and the gender-neutral "जी"
otherwise ("माननीय मंत्री जी,", "माननीय सांसद जी,", "माननीय प्रधानमंत्री जी,"). Others by name
with "जी": "आदरणीय सुश्री Morgan जी," / "आदरणीय श्री Morgan जी," with a stated gender, the
abbreviated academic title ("डॉ.", "प्रो.") where there is one, otherwise the full name
("आदरणीय Alex Morgan जी,"); without a name "आदरणीय महोदय/महोदया,". Names stay as the data
writes them.
"""

from __future__ import annotations

from . import _Parts


def _head_of_government(p: _Parts) -> str:
    if p.role.startswith("president"):
        return "राष्ट्रपति"
    if p.role.startswith("chancellor"):
        return "चांसलर"
    return "प्रधानमंत्री"


def salutation(p: _Parts) -> str:
    office = {
        "head_of_government": _head_of_government(p),
        "minister": "मंत्री",
        "mp": "सांसद",
        "senator": "सीनेटर",
        "mep": "यूरोपीय संसद सदस्य",
    }.get(p.office)
    if office:
        return f"माननीय {office} {p.pick('महोदया', 'महोदय') if p.gender else 'जी'},"
    title = {"dr": "डॉ.", "prof": "प्रो."}.get(p.title)
    if title and p.family:
        return f"आदरणीय {title} {p.family} जी,"
    if p.gender and p.family:
        return f"आदरणीय {p.pick('सुश्री', 'श्री')} {p.family} जी,"
    if p.full:
        return f"आदरणीय {p.full} जी,"
    return "आदरणीय महोदय/महोदया,"
