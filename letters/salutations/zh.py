"""Chinese (simplified) salutations: "尊敬的…：", the form of a formal letter.

Office holders are addressed by family name and office ("尊敬的王部长：", "尊敬的 Smith 议员：",
deputies to China's National People's Congress "代表"), and an office with no named holder by
the office alone ("尊敬的总理："); heads of government by the title Chinese uses for their
country (首相 for Japan and the United Kingdom, 总理 elsewhere, 总统 for presidents). Others by
academic title ("教授", "博士"), or by 女士 / 先生 only where the data gives the gender; otherwise
by the full name with the neutral, respectful 阁下, and without a name "尊敬的先生/女士：".
Chinese (and Japanese and Korean) names are written family name first, without a space; a name
in Latin script is set off from the Chinese by a space on each side ("尊敬的 Smith 议员：").
"""

from __future__ import annotations

from . import _Parts, family_name_first, is_cjk


def _spaced(name: str) -> str:
    """A name in Latin (or another alphabetic) script set off from the Chinese by spaces."""
    return name if not name or is_cjk(name) else f" {name} "


def _head_of_government(p: _Parts) -> str:
    if p.role.startswith("president"):
        return "总统"
    if p.country in ("JP", "GB") or "japan" in p.role:
        return "首相"
    return "总理"


def salutation(p: _Parts) -> str:
    office = {
        "head_of_government": _head_of_government(p),
        "minister": "部长",
        "mp": "代表" if p.country == "CN" else "议员",
        "senator": "参议员",
        "mep": "议员",
    }.get(p.office) or {"prof": "教授", "dr": "博士"}.get(p.title, "")
    name = _spaced(p.family or family_name_first(p))
    if office:
        return f"尊敬的{name}{office}：" if name else f"尊敬的{office}："
    if p.gender and p.family:
        return f"尊敬的{_spaced(p.family)}{p.pick('女士', '先生')}："
    full = _spaced(family_name_first(p))
    return f"尊敬的{full}阁下：" if full else "尊敬的先生/女士："
