"""Brazilian Portuguese: office holders are "Excelentíssimo Senhor Ministro," / "Excelentíssima
Senhora Ministra," (also "Deputado", "Senador", "Presidente"), written out in full as Brazilian
letters to authorities do rather than the European "Exmo./Exma."; without a stated gender the
neutral "Excelentíssimo(a) Senhor(a) Ministro(a),". Others are "Prezado Senhor" / "Prezada
Senhora" with the full name (Brazilians are rarely called by the family name alone), "Dr." /
"Dra." or "Professor(a)" where the data gives the title, and "Prezado(a)" with the name when the
gender is not known. The European Portuguese forms stay in the `pt` function of the package.
"""

from __future__ import annotations

from . import _Parts

# (female, male, neutral) for each office addressed by its title.
_OFFICES = {
    "minister": ("Ministra", "Ministro", "Ministro(a)"),
    "mp": ("Deputada", "Deputado", "Deputado(a)"),
    "mep": ("Deputada", "Deputado", "Deputado(a)"),
    "senator": ("Senadora", "Senador", "Senador(a)"),
}


def _head_of_government(role: str) -> tuple[str, str, str]:
    """The title of a head of government from the role ("President of the Republic", ...)."""
    if role.startswith(("president", "presidente")):
        return ("Presidente", "Presidente", "Presidente")  # the same word for women and men
    if role.startswith(("chancellor", "chanceler")):
        return ("Chanceler", "Chanceler", "Chanceler")
    if role.startswith(("prime minister", "primeiro-ministro", "primeira-ministra")):
        return ("Primeira-Ministra", "Primeiro-Ministro", "Primeiro(a)-Ministro(a)")
    return ("Chefe de Governo", "Chefe de Governo", "Chefe de Governo")


def salutation(p: _Parts) -> str:
    if p.office == "head_of_government":
        office: tuple[str, str, str] | None = _head_of_government(p.role)
    else:
        office = _OFFICES.get(p.office)
    if office:
        female, male, neutral = office
        if p.gender:
            return p.pick(f"Excelentíssima Senhora {female},", f"Excelentíssimo Senhor {male},")
        return f"Excelentíssimo(a) Senhor(a) {neutral},"
    if p.full and p.gender:
        title = {"dr": p.pick("Dra.", "Dr."), "prof": p.pick("Professora", "Professor")}.get(
            p.title, p.pick("Senhora", "Senhor"))
        return f"{p.pick('Prezada', 'Prezado')} {title} {p.full},"
    if p.full:
        title = {"dr": "Dr(a). ", "prof": "Professor(a) "}.get(p.title, "")
        return f"Prezado(a) {title}{p.full},"
    if p.gender:
        return p.pick("Prezada Senhora,", "Prezado Senhor,")
    return "Prezado(a) Senhor(a),"
