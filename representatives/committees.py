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
from dataclasses import dataclass
from enum import StrEnum

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


class SeatRule(StrEnum):
    """Why one entry of a committees text was refused; callers word it (the importers in
    English, the data desk in the staff member's language)."""

    FORM = "form"  # not a code or name with an optional role in brackets
    ROLE = "role"  # a role not among COMMITTEE_ROLES
    TOO_LONG = "too_long"  # a code longer than COMMITTEE_LENGTH
    TWICE = "twice"  # the same committee listed twice


@dataclass(frozen=True, slots=True)
class SeatProblem:
    rule: SeatRule
    entry: str  # the committee's code or name, or the whole entry where it could not be read
    role: str = ""  # the role as typed, for SeatRule.ROLE


def read_seats(text: str) -> tuple[list[CommitteeSeat], list[SeatProblem]]:
    """'ITRE; LIBE (substitute)' -> the seats, and what was wrong with the other entries."""
    seats: dict[str, CommitteeSeat] = {}
    problems: list[SeatProblem] = []
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        found = _SEAT.fullmatch(part)
        if found is None:
            problems.append(SeatProblem(SeatRule.FORM, part))
            continue
        code = found["code"].strip()
        role = (found["role"] or "member").strip().lower()
        if role not in COMMITTEE_ROLES:
            problems.append(SeatProblem(SeatRule.ROLE, code, role))
        elif len(code) > COMMITTEE_LENGTH:
            problems.append(SeatProblem(SeatRule.TOO_LONG, code))
        elif code in seats:
            problems.append(SeatProblem(SeatRule.TWICE, code))
        else:
            seats[code] = CommitteeSeat(code, role)
    return list(seats.values()), problems


def seat_problem_text(problem: SeatProblem) -> str:
    """The problem in English, as an import's report gives it."""
    code = problem.entry
    if problem.rule == SeatRule.FORM:
        return (f"bad committee {code!r}: expected a code or name, then optionally a role in "
                "brackets, as in 'LIBE (substitute)'")
    if problem.rule == SeatRule.ROLE:
        return (f"bad committee role {problem.role!r} for {code}: expected one of "
                f"{', '.join(COMMITTEE_ROLES)}")
    if problem.rule == SeatRule.TOO_LONG:
        return f"committee {code[:40]!r}... is longer than {COMMITTEE_LENGTH} characters"
    return f"committee {code} is listed twice"


def parse_seats(text: str) -> tuple[list[CommitteeSeat], list[str]]:
    """'ITRE; LIBE (substitute)' -> the seats, and the problems found in English (empty when
    none)."""
    seats, problems = read_seats(text)
    return seats, [seat_problem_text(p) for p in problems]


def format_seats(seats: tuple[CommitteeSeat, ...] | list[CommitteeSeat]) -> str:
    """Seats as `parse_seats` reads them: 'ITRE; LIBE (substitute)'."""
    return "; ".join(s.code if s.role == "member" else f"{s.code} ({s.role})" for s in seats)


def committee_choices(targets: Iterable[Target]) -> list[tuple[str, str]]:
    """(code, name) of every committee one of `targets` sits on, by code: a filter's options."""
    codes = {seat.code for target in targets for seat in target.committees}
    return [(code, committee_name(code)) for code in sorted(codes)]
