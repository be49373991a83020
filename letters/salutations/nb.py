"""Norwegian Bokmål: letters open "Kjære" with the full name, to ministers and members of the
Storting too, with the office before the name where it is the usual form: "Kjære statsråd Kari
Nordmann," (Norway's ministers; "minister" for other countries'), "Kjære statsminister,",
"Kjære stortingsrepresentant Kari Nordmann,". "Herr"/"fru" and academic titles are no longer
used, and Norwegian salutations have no gendered form, so gender plays no part.
"""

from __future__ import annotations

from . import _Parts


def _with_name(office: str, p: _Parts) -> str:
    return f"Kjære {office} {p.full}," if p.full else f"Kjære {office},"


def salutation(p: _Parts) -> str:
    if p.office == "head_of_government":
        if p.role.startswith(("president", "presidente")):
            return _with_name("president", p)
        if p.role.startswith(("chancellor", "forbundskansler", "kansler")):
            return _with_name("forbundskansler", p)
        return _with_name("statsminister", p)
    if p.office == "minister":
        return _with_name("statsråd" if p.country == "NO" else "minister", p)
    if p.office in ("mp", "senator") and p.country == "NO":
        return _with_name("stortingsrepresentant", p)
    if p.full:
        return f"Kjære {p.full},"
    return "Hei,"
