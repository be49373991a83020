"""Icelandic: Icelanders are addressed by their given name, never by the patronymic (which is not
a family name), foreigners by their full name; "Ágæta" / "Ágæti" ("dear", formal) agrees with the
addressee's gender, so it is used with a name only when the data states the gender. Offices are
masculine nouns used for women and men alike, so "Ágæti ráðherra,", "Ágæti forsætisráðherra,",
"Ágæti alþingismaður," (a member of the Althing; "þingmaður" for other parliaments) need no
gender; without one, a member of parliament gets the office and anyone else "Góðan dag," with
the name. Academic titles are not used in Icelandic salutations.
"""

from __future__ import annotations

from . import _Parts

# Endings of Icelandic patronymics and matronymics ("Jakobsdóttir", "Benediktsson").
_PATRONYMIC_ENDINGS = ("son", "dóttir", "bur")


def _name(p: _Parts) -> str:
    """The given name(s) of an Icelander; the full name of anyone else."""
    if p.country != "IS":
        return p.full
    if p.given:
        return p.given
    words = p.full.split()
    if len(words) > 1 and words[-1].endswith(_PATRONYMIC_ENDINGS):
        return " ".join(words[:-1])  # "Katrín Jakobsdóttir" -> "Katrín"
    return p.full


def salutation(p: _Parts) -> str:
    if p.office == "minister":
        return "Ágæti ráðherra,"
    if p.office == "head_of_government":
        if p.role.startswith(("president", "forseti")):
            return "Ágæti forseti,"
        if p.role.startswith(("chancellor", "kanslari")):
            return "Ágæti kanslari,"
        return "Ágæti forsætisráðherra,"
    name = _name(p)
    if name and p.gender:
        return f"{p.pick('Ágæta', 'Ágæti')} {name},"
    if p.office in ("mp", "senator"):
        return "Ágæti alþingismaður," if p.country == "IS" else "Ágæti þingmaður,"
    if p.office == "mep":
        return "Ágæti Evrópuþingmaður,"
    if name:
        return f"Góðan dag, {name},"
    return "Ágæti viðtakandi,"
