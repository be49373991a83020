"""Uzbek (Latin script): "Hurmatli" ("respected") with the office or the name, ending with "!".

Uzbek has no grammatical gender and "Hurmatli" serves everyone, so gender plays no part; the
salutation traditionally ends with an exclamation mark and the letter goes on with a capital.
Ministers are addressed by office ("Hurmatli vazir!"), a president "Muhtaram Prezident!", a prime
minister "Hurmatli Bosh vazir!", a monarch or other head "Janobi Oliylari!". Members of
parliament and everyone else by full name, with "doktor" or "professor" where the data gives the
title ("Hurmatli doktor Alex Morgan!"); without a name by office ("Hurmatli deputat!"), and with
neither "Hurmatli xonimlar va janoblar!". Letters are written with the modifier letters of the
official alphabet: oʻ, gʻ (U+02BB) and the tutuq belgisi ʼ (U+02BC).
"""

from __future__ import annotations

from . import _Parts


def _head_of_government(p: _Parts) -> str:
    if "prime minister" in p.role and "crown prince" not in p.role and p.country != "AE":
        return "Hurmatli Bosh vazir!"
    if p.role.startswith("president"):
        return "Muhtaram Prezident!"
    return "Janobi Oliylari!"


def salutation(p: _Parts) -> str:
    if p.office == "head_of_government":
        return _head_of_government(p)
    if p.office == "minister":
        return "Hurmatli vazir!"
    if p.full:
        title = {"dr": "doktor ", "prof": "professor "}.get(p.title, "")
        return f"Hurmatli {title}{p.full}!"
    offices = {"mp": "deputat", "senator": "senator", "mep": "Yevropa Parlamenti aʼzosi"}
    return f"Hurmatli {offices.get(p.office, 'xonimlar va janoblar')}!"
