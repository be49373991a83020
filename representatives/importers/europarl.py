"""Members of the European Parliament from the mepwatch `meps.csv` (TechToThePeople/mep).

Beside each member's contacts, the file gives their political group (`eugroup`) and, in one
column per committee code (ITRE, LIBE...), their seat on it: M(ember), S(ubstitute), C(hair)
or V(ice-chair), as the Parliament's own pages list them.

Letters to an MEP are written in the file's optional `language` column where it has one; else,
for Belgium, in the language of the electoral college that elected them
(`representatives.belgium`); else in their country's main language.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from ..belgium import COLLEGE_NAMES, college_language
from ..committees import seats_as_rows
from ..countries import EU_MEMBER_STATES, MAIN_LANGUAGE
from ..model import ChannelKind, CommitteeSeat, TargetKind
from .base import (
    ContactSource,
    Dataset,
    ImportReport,
    email_problem,
    import_file,
    language_code,
    language_problem,
    parse_date,
    read_csv,
)

SOURCE = "ep-meps-csv"
ORGANIZATION_ID = "ep"
REQUIRED_COLUMNS = ("epid", "country", "first_name", "last_name", "email")
_GENDERS = {"M": "male", "F": "female"}
_SEATS = {"C": "chair", "V": "vice-chair", "M": "member", "S": "substitute"}
# A committee's column: its code, in capitals (the file's other columns are in lower case).
_COMMITTEE_COLUMN = re.compile(r"[A-Z][A-Z0-9]{3}")
GROUP_LENGTH = 100
# The file's "NA" is the members who sit with no group (its eugroups.json: "Non-attached
# Members"); a supporter would read "NA" as "not available", and so does a spreadsheet.
_GROUP_NAMES = {"NA": "Non-attached"}


def _phone(value: str) -> str:
    """The CSV writes international numbers with a 00 prefix; tel: links want +."""
    return "+" + value[2:] if value.startswith("00") else value


def _language(data: Dataset, line: int, person_id: str, country: str, party: str) -> str:
    """The language of an MEP's letters when the file gives none; a note when a table the
    project ships decided it, a warning when it could not."""
    if country != "BE":
        return MAIN_LANGUAGE[country]
    language = college_language(person_id.removeprefix("mep:"), party)
    if language is None:
        data.warn(line, f"{person_id}: the party {party!r} does not tell which Belgian "
                        "electoral college elected this MEP, and the table in "
                        "representatives/belgium.py does not list them: letters in "
                        f"{MAIN_LANGUAGE[country]!r}; give a 'language' column to correct it")
        return MAIN_LANGUAGE[country]
    data.note(line, f"language {language!r}: elected in Belgium's {COLLEGE_NAMES[language]} "
                    "(the file has no language; from representatives/belgium.py)")
    return language


def parse_meps(text: str, *, source_url: str | None = None, as_of: date | None = None) -> Dataset:
    """Validate the CSV text into a Dataset; FileProblem if the file as a whole is unusable."""
    data = Dataset()
    data.organizations[ORGANIZATION_ID] = {
        "name": "European Parliament",
        "classification": "european_parliament",
        "country": "EU",
    }
    first_seen: dict[str, int] = {}
    for line, row in read_csv(text, REQUIRED_COLUMNS, data):
        epid = row["epid"]
        if not epid.isdigit():
            data.reject(line, f"bad epid {epid!r}: expected digits")
            continue
        person_id = f"mep:{epid}"
        if epid in first_seen:
            data.reject(line, f"duplicate id {person_id} (first on line {first_seen[epid]})")
            continue
        first_seen[epid] = line
        problems = []
        country = row["country"].upper()
        if country not in EU_MEMBER_STATES:
            problems.append(f"unknown country {row['country']!r}: not an EU member state code")
        given, family = row["first_name"], row["last_name"]
        if not given or not family:
            problems.append("first_name and last_name are required")
        email = row["email"]
        if email and (problem := email_problem(email)):
            problems.append(problem)
        try:
            since = parse_date(row.get("since"))
        except ValueError:
            problems.append(f"bad date in 'since': {row.get('since')!r}")
        seats = []
        for column, value in row.items():
            if not value or not _COMMITTEE_COLUMN.fullmatch(column):
                continue
            if value.upper() not in _SEATS:
                problems.append(f"bad seat {value!r} in committee {column}: expected one of "
                                f"{', '.join(_SEATS)}")
            else:
                seats.append(CommitteeSeat(column, _SEATS[value.upper()]))
        group = _GROUP_NAMES.get(row.get("eugroup", ""), row.get("eugroup")) or None
        if group and len(group) > GROUP_LENGTH:
            problems.append(f"eugroup is longer than {GROUP_LENGTH} characters")
        given_language = row.get("language", "").strip()
        if given_language and (problem := language_problem(given_language)):
            problems.append(problem)
        if problems:
            data.reject(line, "; ".join(problems))
            continue
        language = (language_code(given_language) if given_language
                    else _language(data, line, person_id, country, row.get("party", "")))
        # The data writes family names in capitals, as the Parliament does; keep them as given
        # so that the letters package decides how to print them.
        data.people[person_id] = {
            "name": f"{given} {family}",
            "given_name": given,
            "family_name": family,
            "honorific_prefix": None,
            "gender": _GENDERS.get(row.get("gender", "").upper()),
        }
        data.memberships[f"{person_id}@{ORGANIZATION_ID}"] = {
            "person_id": person_id,
            "organization_id": ORGANIZATION_ID,
            "kind": TargetKind.MEP.value,
            "role": "Member of the European Parliament",
            "country": country,
            "area_id": None,
            "language": language,
            "party": row.get("party") or None,
            "political_group": group,
            "committees": seats_as_rows(seats),
            "start_date": since,
            "source_url": source_url,
            "verified_on": as_of,
        }
        channel: ContactSource = {
            "person_id": person_id, "source_url": source_url, "verified_on": as_of,
        }
        if email:
            data.add_contact(ChannelKind.EMAIL.value, email, **channel)
        if phone := row.get("phone"):
            data.add_contact(ChannelKind.PHONE.value, _phone(phone), **channel)
    return data


def import_meps(
    session: Session,
    path: str | Path,
    *,
    dry_run: bool = False,
    partial: bool = False,
    allow_mass_retirement: bool = False,
    source_url: str | None = None,
    as_of: date | None = None,
) -> ImportReport:
    """Import `meps.csv`; `source_url`/`as_of` record where and when the file was taken."""
    def parse(text: str) -> Dataset:
        return parse_meps(text, source_url=source_url, as_of=as_of)

    return import_file(session, SOURCE, path, parse, dry_run=dry_run, partial=partial,
                       allow_mass_retirement=allow_mass_retirement)
