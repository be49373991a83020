"""The US Congress: members from unitedstates/congress-legislators, ZIPs from zccd.csv.

Areas are named "US-CA" (a state, where senators sit), "US-CA-12" (a House district) and
"US-AK-AL" (the single at-large district of a state with one seat). Both importers write the
areas they need with the same names, so either can run first. Letters are in English unless a
member's current term carries a `language` (ISO 639-1, "es"): the upstream file has none, a
campaign's own copy may add it.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.orm import Session

from ..countries import subdivision_codes, subdivision_name
from ..model import ChannelKind, TargetKind
from .base import (
    PARSED,
    Dataset,
    FileProblem,
    ImportReport,
    import_file,
    language_code,
    language_problem,
    parse_date,
    read_csv,
    report_progress,
    url_problem,
)

LEGISLATORS_SOURCE = "us-legislators"
ZCCD_SOURCE = "us-zccd"
SENATE = "us:senate"
HOUSE = "us:house"

# Census state FIPS codes (ANSI INCITS 38) to USPS codes, for the states, DC and the
# territories that elect a member of the House.
STATE_BY_FIPS = {
    "01": "AL", "02": "AK", "04": "AZ", "05": "AR", "06": "CA", "08": "CO", "09": "CT",
    "10": "DE", "11": "DC", "12": "FL", "13": "GA", "15": "HI", "16": "ID", "17": "IL",
    "18": "IN", "19": "IA", "20": "KS", "21": "KY", "22": "LA", "23": "ME", "24": "MD",
    "25": "MA", "26": "MI", "27": "MN", "28": "MS", "29": "MO", "30": "MT", "31": "NE",
    "32": "NV", "33": "NH", "34": "NJ", "35": "NM", "36": "NY", "37": "NC", "38": "ND",
    "39": "OH", "40": "OK", "41": "OR", "42": "PA", "44": "RI", "45": "SC", "46": "SD",
    "47": "TN", "48": "TX", "49": "UT", "50": "VT", "51": "VA", "53": "WA", "54": "WV",
    "55": "WI", "56": "WY", "60": "AS", "66": "GU", "69": "MP", "72": "PR", "78": "VI",
}  # fmt: skip
# Places whose single House member is a non-voting delegate rather than a representative.
DELEGATE_ROLES = {
    "DC": "Delegate to the House of Representatives",
    "AS": "Delegate to the House of Representatives",
    "GU": "Delegate to the House of Representatives",
    "MP": "Delegate to the House of Representatives",
    "VI": "Delegate to the House of Representatives",
    "PR": "Resident Commissioner",
}
_ZIP = re.compile(r"\d{5}")
_GENDERS = {"M": "male", "F": "female"}
# The data has no honorifics; these are the conventional abbreviations of the two offices.
_HONORIFIC = {"sen": "Sen.", "rep": "Rep."}


def _states() -> frozenset[str]:
    return frozenset(code.removeprefix("US-") for code in subdivision_codes("US"))


def district_area_id(state: str, district: int) -> str:
    """'US-CA-12'; 'US-AK-AL' for a state's single at-large seat (district 0)."""
    return f"US-{state}-{'AL' if district == 0 else district}"


def add_state_area(data: Dataset, state: str) -> str:
    """Add the area of a state (or DC, or a territory) and return its id."""
    area_id = f"US-{state}"
    is_state = state not in DELEGATE_ROLES
    data.areas[area_id] = {
        "name": subdivision_name(area_id) or state,
        "country": "US",
        "classification": "subdivision",
        "parent_id": None,
        "ocd_id": f"ocd-division/country:us/state:{state.lower()}" if is_state else None,
    }
    return area_id


def add_district_area(data: Dataset, state: str, district: int) -> str:
    """Add the area of a House district, inside its state's area, and return its id."""
    parent = add_state_area(data, state)
    area_id = district_area_id(state, district)
    state_name = data.areas[parent]["name"]
    numbered = district != 0 and state not in DELEGATE_ROLES
    # Open Civic Data ids are certain for numbered districts of states only.
    ocd_id = f"ocd-division/country:us/state:{state.lower()}/cd:{district}" if numbered else None
    data.areas[area_id] = {
        "name": f"{state_name}, district {district}" if district else f"{state_name}, at-large",
        "country": "US",
        "classification": "district",
        "parent_id": parent,
        "ocd_id": ocd_id,
    }
    return area_id


# --- legislators-current.yaml ----------------------------------------------------------------


def parse_legislators(
    text: str, *, source_url: str | None = None, as_of: date | None = None
) -> Dataset:
    """Validate legislators-current.yaml into a Dataset (current term of each member).

    `as_of` is the date of the file (the repository's commit), recorded as when the roles and
    contacts were last checked.
    """
    # The C loader, when present, is much faster.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        entries = yaml.load(text, Loader=loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" on line {mark.line + 1}" if mark else ""
        raise FileProblem(f"not valid YAML{where} (is the file truncated?)") from exc
    if not isinstance(entries, list):
        raise FileProblem("expected a list of legislators at the top level")
    report_progress(PARSED / 2)  # loading the YAML is most of the parsing

    data = Dataset()
    data.organizations[SENATE] = {
        "name": "United States Senate",
        "classification": "parliament",
        "country": "US",
    }
    data.organizations[HOUSE] = {
        "name": "United States House of Representatives",
        "classification": "parliament",
        "country": "US",
    }
    states = _states()
    first_seen: dict[str, int] = {}
    for number, entry in enumerate(entries, start=1):
        if number % 100 == 0:
            report_progress(PARSED / 2 + PARSED / 2 * number / len(entries))
        problem, found = _legislator(entry, states)
        if problem:
            data.reject(number, problem)
            continue
        person_id = found["person_id"]
        if person_id in first_seen:
            data.reject(
                number, f"duplicate id {person_id} (first in entry {first_seen[person_id]})"
            )
            continue
        first_seen[person_id] = number
        form = found["term"].get("contact_form")
        if form and (problem := url_problem(str(form))):
            # The member is still reachable by post and phone; a typo in the form's URL (the
            # 2026 file has "hhttps://...") must not hold back the whole Congress.
            data.warn(number, f"{person_id}: contact form left out: {problem}")
            form = None
        _add_legislator(data, found, form, source_url, as_of)
    return data


def _legislator(entry: Any, states: frozenset[str]) -> tuple[str | None, dict[str, Any]]:
    """(why the entry is unusable, or None; the facts the importer needs)."""
    if not isinstance(entry, dict):
        return "not a mapping", {}
    bioguide = (entry.get("id") or {}).get("bioguide")
    label = f"legislator {bioguide}" if bioguide else "legislator without id.bioguide"
    if not isinstance(bioguide, str) or not re.fullmatch(r"[A-Z]\d{6}", bioguide):
        return f"{label}: missing or malformed id.bioguide", {}
    name = entry.get("name") or {}
    first, last = name.get("first"), name.get("last")
    if not first or not last:
        return f"{label}: name.first and name.last are required", {}
    terms = entry.get("terms")
    if not isinstance(terms, list) or not terms or not isinstance(terms[-1], dict):
        return f"{label}: no terms", {}
    term = terms[-1]  # the file lists terms in order; the last is the current one
    kind, state = term.get("type"), term.get("state")
    if kind not in ("sen", "rep"):
        return f"{label}: current term type {kind!r} is neither 'sen' nor 'rep'", {}
    if state not in states:
        return f"{label}: unknown state {state!r}", {}
    district = term.get("district")
    if kind == "rep" and (
        not isinstance(district, int) or isinstance(district, bool) or district < 0
    ):
        return f"{label}: House term without a district number", {}
    try:
        start = parse_date(term.get("start"))
    except ValueError:
        return f"{label}: bad term start {term.get('start')!r}", {}
    language = term.get("language")
    if language and (problem := language_problem(str(language))):
        return f"{label}: {problem}", {}
    return None, {
        "person_id": f"us:{bioguide}",
        "name": name,
        "gender": _GENDERS.get(str((entry.get("bio") or {}).get("gender", "")).upper()),
        "term": term,
        "kind": kind,
        "state": state,
        "district": district,
        "start": start,
        "language": language_code(str(language)) if language else "en",
    }


def _add_legislator(
    data: Dataset,
    found: dict[str, Any],
    form: str | None,
    source_url: str | None,
    as_of: date | None,
) -> None:
    person_id, name, term, state = found["person_id"], found["name"], found["term"], found["state"]
    full = name.get("official_full") or f"{name['first']} {name['last']}"
    delegate = found["kind"] == "rep" and state in DELEGATE_ROLES
    data.people[person_id] = {
        "name": full,
        "given_name": name["first"],
        "family_name": name["last"],
        # Delegates and the Resident Commissioner are not "Rep."; leave their title to the role.
        "honorific_prefix": None if delegate else _HONORIFIC[found["kind"]],
        "gender": found["gender"],
    }
    if found["kind"] == "sen":
        organization, area = SENATE, add_state_area(data, state)
        role = "United States Senator"
    else:
        organization, area = HOUSE, add_district_area(data, state, found["district"])
        role = DELEGATE_ROLES.get(state, "Member of the House of Representatives")
    data.memberships[f"{person_id}@{organization}"] = {
        "person_id": person_id,
        "organization_id": organization,
        "kind": TargetKind.MP.value,
        "role": role,
        "country": "US",
        "area_id": area,
        "language": found["language"],
        "party": term.get("party"),
        "start_date": found["start"],
        "source_url": source_url,
        "verified_on": as_of,
    }
    # No email: members of Congress take messages through their web forms.
    channel = {"person_id": person_id, "source_url": source_url, "verified_on": as_of}
    if form:
        data.add_contact(ChannelKind.CONTACT_FORM.value, str(form), **channel)
    if address := term.get("address"):
        data.add_contact(ChannelKind.POST.value, str(address), **channel)
    if phone := term.get("phone"):
        data.add_contact(ChannelKind.PHONE.value, str(phone), **channel)


def import_legislators(
    session: Session,
    path: str | Path,
    *,
    dry_run: bool = False,
    partial: bool = False,
    allow_mass_retirement: bool = False,
    source_url: str | None = None,
    as_of: date | None = None,
) -> ImportReport:
    """Import legislators-current.yaml: senators by state, representatives by district."""
    def parse(text: str) -> Dataset:
        return parse_legislators(text, source_url=source_url, as_of=as_of)

    return import_file(session, LEGISLATORS_SOURCE, path, parse, dry_run=dry_run,
                       partial=partial, allow_mass_retirement=allow_mass_retirement)


# --- zccd.csv ----------------------------------------------------------------------------------


def parse_zccd(text: str) -> Dataset:
    """Validate zccd.csv (state_fips, zcta, cd; state_abbr is cross-checked) into a Dataset."""
    data = Dataset()
    first_seen: dict[tuple[str, str], int] = {}
    for line, row in read_csv(text, ("state_fips", "zcta", "cd"), data):
        problems = []
        fips = row["state_fips"].zfill(2)
        state = STATE_BY_FIPS.get(fips)
        if state is None:
            problems.append(f"unknown state FIPS code {row['state_fips']!r}")
        elif row.get("state_abbr") and row["state_abbr"].upper() != state:
            problems.append(
                f"state_abbr {row['state_abbr']!r} does not match FIPS {fips} ({state})"
            )
        zcta = row["zcta"]
        if not _ZIP.fullmatch(zcta):
            problems.append(f"bad ZIP code {zcta!r}: expected 5 digits")
        district = int(row["cd"]) if row["cd"].isdigit() else -1
        if not 0 <= district <= 99:
            problems.append(f"bad district {row['cd']!r}")
        if problems:
            data.reject(line, "; ".join(problems))
            continue
        assert state is not None  # None only with a problem, and the row was rejected above
        area = add_district_area(data, state, district)
        if (zcta, area) in first_seen:
            data.reject(
                line,
                f"duplicate row for {zcta} in {area} (first on line {first_seen[(zcta, area)]})",
            )
            continue
        first_seen[(zcta, area)] = line
        data.postcodes.add(("US", zcta, area))
    return data


def import_zccd(
    session: Session,
    path: str | Path,
    *,
    dry_run: bool = False,
    partial: bool = False,
    allow_mass_retirement: bool = False,
) -> ImportReport:
    """Import zccd.csv as the ZIP -> congressional district table (one row per district)."""
    return import_file(session, ZCCD_SOURCE, path, parse_zccd, dry_run=dry_run,
                       partial=partial, allow_mass_retirement=allow_mass_retirement)
