"""Committees of the European Parliament: their codes, English names, and how seats are read.

The names are the Parliament's own, as its committees page lists them:
https://www.europarl.europa.eu/committees/en/parliamentary-committees.html
(the same names as `data/committees.json` of TechToThePeople/mep, whose `meps.csv` the MEP
importer reads). Committees of the 2019-2024 term that the file still has columns for (AIDA,
BECA, COVI, INGE, ING2, ANIT, PEGA) are named too, so that an older file reads the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .model import COMMITTEE_ROLES, CommitteeSeat, Target

EP_COMMITTEES: dict[str, str] = {
    "AFET": "Foreign Affairs",
    "DROI": "Human Rights",
    "SEDE": "Security and Defence",
    "DEVE": "Development",
    "INTA": "International Trade",
    "BUDG": "Budgets",
    "CONT": "Budgetary Control",
    "ECON": "Economic and Monetary Affairs",
    "FISC": "Tax Matters",
    "EMPL": "Employment and Social Affairs",
    "ENVI": "Environment, Public Health and Food Safety",
    "SANT": "Public Health",
    "ITRE": "Industry, Research and Energy",
    "IMCO": "Internal Market and Consumer Protection",
    "TRAN": "Transport and Tourism",
    "REGI": "Regional Development",
    "AGRI": "Agriculture and Rural Development",
    "PECH": "Fisheries",
    "CULT": "Culture and Education",
    "JURI": "Legal Affairs",
    "LIBE": "Civil Liberties, Justice and Home Affairs",
    "AFCO": "Constitutional Affairs",
    "FEMM": "Women's Rights and Gender Equality",
    "PETI": "Petitions",
    # Special and inquiry committees of the 2019-2024 term.
    "AIDA": "Artificial Intelligence in a Digital Age",
    "BECA": "Beating Cancer",
    "COVI": "COVID-19 pandemic: lessons learned and recommendations for the future",
    "INGE": "Foreign Interference in all Democratic Processes in the European Union",
    "ING2": "Foreign Interference in all Democratic Processes in the European Union (second)",
    "ANIT": "Protection of Animals during Transport",
    "PEGA": "Use of Pegasus and equivalent surveillance spyware",
}

# The most characters a committee's code or name may have where a file gives it.
COMMITTEE_LENGTH = 100

# "ITRE", "LIBE (substitute)", "Digital Affairs (chair)": a seat as a spreadsheet writes it.
# No bar in a code: the page joins a member's codes with bars for its filter.
_SEAT = re.compile(r"(?P<code>[^;()|]+?)\s*(?:\((?P<role>[^()]*)\))?")


def committee_name(code: str) -> str:
    """The committee's English name where it is one of the European Parliament's, else `code`
    (a sheet may name the committees of another parliament in full)."""
    return EP_COMMITTEES.get(code, code)


def seats_as_rows(seats: list[CommitteeSeat] | tuple[CommitteeSeat, ...]) -> list[dict] | None:
    """Seats as the `committees` column holds them: sorted by code, None for no seat."""
    if not seats:
        return None
    return [{"code": s.code, "role": s.role} for s in sorted(seats, key=lambda s: s.code)]


def seats_from_rows(rows: object) -> tuple[CommitteeSeat, ...]:
    """The column's value back as seats; anything malformed in it is left out."""
    if not isinstance(rows, list):
        return ()
    return tuple(
        CommitteeSeat(str(row["code"]), str(row.get("role") or "member"))
        for row in rows
        if isinstance(row, dict) and row.get("code")
    )


def parse_seats(text: str) -> tuple[list[CommitteeSeat], list[str]]:
    """'ITRE; LIBE (substitute)' -> the seats, and the problems found (empty when none)."""
    seats: dict[str, CommitteeSeat] = {}
    problems: list[str] = []
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        found = _SEAT.fullmatch(part)
        if found is None:
            problems.append(f"bad committee {part!r}: expected a code or name, then "
                            f"optionally a role in brackets, as in 'LIBE (substitute)'")
            continue
        code = found["code"].strip()
        role = (found["role"] or "member").strip().lower()
        if role not in COMMITTEE_ROLES:
            problems.append(f"bad committee role {role!r} for {code}: expected one of "
                            f"{', '.join(COMMITTEE_ROLES)}")
        elif len(code) > COMMITTEE_LENGTH:
            problems.append(f"committee {code[:40]!r}... is longer than {COMMITTEE_LENGTH} "
                            "characters")
        elif code in seats:
            problems.append(f"committee {code} is listed twice")
        else:
            seats[code] = CommitteeSeat(code, role)
    return list(seats.values()), problems


def format_seats(seats: tuple[CommitteeSeat, ...] | list[CommitteeSeat]) -> str:
    """Seats as `parse_seats` reads them: 'ITRE; LIBE (substitute)'."""
    return "; ".join(s.code if s.role == "member" else f"{s.code} ({s.role})" for s in seats)


def committee_choices(targets: Iterable[Target]) -> list[tuple[str, str]]:
    """(code, name) of every committee one of `targets` sits on, by code: a filter's options."""
    codes = {seat.code for target in targets for seat in target.committees}
    return [(code, committee_name(code)) for code in sorted(codes)]
