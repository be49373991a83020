"""Russian: "Уважаемая госпожа" / "Уважаемый господин" and the office, title or family name.

Russian business letters open "Уважаемый(-ая) ...!" and end the line with "!". The customary
form with the first name and patronymic cannot be built from the data (no patronymics, and
foreign names have none), so the diplomatic one with "господин"/"госпожа" is used; a name after
them stays in the nominative, so nothing has to be declined. Office holders are addressed by
office ("Уважаемая госпожа министр!", "Уважаемый господин депутат!", also for members of the
European Parliament; office nouns have one form for both genders); a head of government by the
office the role names ("Уважаемый господин Президент!"), otherwise as "Ваше Превосходительство!",
which needs no gender. The adjective and "господин"/"госпожа" are gendered, so without a gender
both openings precede the office or name; a professor is named as such, while "доктор" is not
used in a Russian salutation for a degree.
"""

from __future__ import annotations

from . import _Parts, office_by_role

_OPENING = {"female": "Уважаемая госпожа", "male": "Уважаемый господин"}
_EITHER = "Уважаемая госпожа / Уважаемый господин"
_OFFICES = {"minister": "министр", "mp": "депутат", "senator": "сенатор", "mep": "депутат"}
# Heads of government by the office their role names, in English or Russian.
_HEADS = (
    (("prime minister", "премьер-министр"), "премьер-министр"),
    (("chairman of the government", "председатель правительства"), "Председатель Правительства"),
    (("president", "президент"), "Президент"),
    (("chancellor", "канцлер"), "федеральный канцлер"),
)


def salutation(p: _Parts) -> str:
    opening = _OPENING[p.gender] if p.gender else _EITHER
    if p.office == "head_of_government":
        office = office_by_role(p.role, _HEADS)
        return f"{opening} {office}!" if office else "Ваше Превосходительство!"
    office = _OFFICES.get(p.office, "")
    if office:
        return f"{opening} {office}!"
    name = p.family or p.full
    if p.title == "prof" and p.family:
        return f"{opening} профессор {p.family}!"
    if name:
        return f"{opening} {name}!"
    return "Уважаемые дамы и господа!"
