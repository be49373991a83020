"""A legislature's term CSV from EveryPolitician (everypolitician/everypolitician-data).

Columns: id, name, sort_name, email, twitter, facebook, group, group_id, area_id, area, chamber,
term, start_date, end_date, image, gender (some files add given_name, family_name,
honorific_prefix, phone, wikidata...). One row per person per stint in the term: someone who
changed party or seat mid-term has a row that ended and a row that did not.

The file has no country column, so the importer is told the country. Only rows current on
`as_of` (the date of the file; today by default) become targets: a row with an end date before
it is a stint that is over. A row without an end date counts as current: the file does not
say when the term itself ends, so import the current term's file. People the file no longer
lists as current are retired by the next import, as with every importer. Twitter, Facebook
and image columns are not channels a letter can use and are left out. An optional `language`
column (ISO 639-1, "fr") says which language letters to that member are written in; without
it, the country's (`representatives.countries.main_language`).
"""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from ..countries import main_language
from ..model import ChannelKind, TargetKind
from .base import (
    ContactSource,
    Dataset,
    FileProblem,
    ImportReport,
    apply,
    email_problem,
    fit_id,
    language_code,
    language_problem,
    parse_partial_date,
    read_csv,
    read_text,
    rejected_file,
)
from .naming import (
    ID_LENGTH,
    area_id,
    area_labels,
    body_id,
    country_name,
    country_option,
    gender,
    member_role,
    source_name,
    split_emails,
    split_sort_name,
)

SOURCE = "everypolitician-csv"
PERSON_PREFIX = "everypolitician:"
REQUIRED_COLUMNS = ("id", "name")
_UNKNOWN_PARTY = {"", "unknown", "none"}


# A term file with no date (start or end of anyone's seat) this recent is a past term: a term
# lasts at most five years nearly everywhere, and members leaving or joining date the rows.
STALE_AFTER_DAYS = 5 * 365


def parse_everypolitician_csv(
    text: str,
    *,
    country: str,
    source_url: str | None = None,
    as_of: date | None = None,
    role: str | None = None,
) -> tuple[Dataset, str]:
    """Validate a term CSV into a Dataset; also return the source name it defaults to.

    `role` is every member's role ("Teachta Dála"); by default "Member of the <chamber>".
    """
    country = country_option(country)
    on = as_of or date.today()
    data = Dataset()
    current: dict[str, tuple[int, dict[str, str], date | None]] = {}  # person id -> its row
    # Every chamber in the file, current members or not, names the source: the next file of
    # the same chamber must have the same source even if everyone in it has left.
    chambers = set()
    latest: date | None = None  # the file's latest start or end date
    for line, row in read_csv(text, REQUIRED_COLUMNS, data):
        chambers.add(row.get("chamber") or f"Parliament of {country_name(country)}")
        problems = []
        raw_id, name = row["id"], row["name"]
        if not raw_id:
            problems.append("id is required")
        if not name:
            problems.append("name is required")
        person_id = PERSON_PREFIX + raw_id
        if len(person_id) > ID_LENGTH:
            problems.append(f"id {raw_id!r} is longer than {ID_LENGTH - len(PERSON_PREFIX)}")
        try:
            start = parse_partial_date(row.get("start_date"))
            end = parse_partial_date(row.get("end_date"), end=True)
        except ValueError:
            problems.append(
                f"bad date in start_date {row.get('start_date')!r} or end_date "
                f"{row.get('end_date')!r}: expected YYYY-MM-DD"
            )
            start = end = None
        if (given_language := row.get("language", "").strip()) and (
                problem := language_problem(given_language)):
            problems.append(problem)
        if problems:
            data.reject(line, "; ".join(problems))
            continue
        latest = max((d for d in (latest, start, end) if d is not None), default=None)
        if (end is not None and end < on) or (start is not None and start > on):
            continue  # a stint that is over, or not begun on the file's date: not a target
        if person_id in current:
            first_line, _, first_start = current[person_id]
            if (start or date.min) <= (first_start or date.min):
                data.warn(line, f"{person_id} is also current on line {first_line}; kept that row")
                continue
            data.warn(first_line, f"{person_id} is also current on line {line}; kept that row")
        current[person_id] = (line, row, start)

    national = country_name(country).casefold()

    def area_key(row: dict[str, str]) -> str | None:
        # A national list (or an "area" that is the whole country) is no constituency.
        if row.get("area", "").casefold() == national:
            return None
        return row.get("area_id") or row.get("area") or None

    labels = area_labels(
        ((key, row.get("area")) for _, row, _ in current.values() if (key := area_key(row))),
        country,
    )
    for person_id, (line, row, start) in current.items():
        chamber = row.get("chamber") or f"Parliament of {country_name(country)}"
        key = area_key(row)
        label = labels[key] if key else None
        _add_member(data, line, row, country, person_id, chamber, label, start, source_url, as_of,
                    role or member_role(chamber))  # fmt: skip

    if latest is not None and (on - latest).days > STALE_AFTER_DAYS and data.people:
        data.warn(0, f"the latest date in this file is {latest.isoformat()}, "
                     f"{(on - latest).days // 365} year(s) before {on.isoformat()}: its term may "
                     "have ended (EveryPolitician stopped updating in 2019); check that it is "
                     "the current term before relying on it")  # fmt: skip
    if not data.rejected and not data.people:
        # A file where nobody is current is more likely the wrong file (an old term) than a
        # parliament that emptied: retiring everyone would need allow_mass_retirement anyway.
        data.warn(0, f"nobody in this file is in office on {on.isoformat()}")
    parts = ["everypolitician", country]
    if len(chambers) == 1:
        parts.append(next(iter(chambers)))
    return data, source_name(*parts)


def _add_member(
    data: Dataset,
    line: int,
    row: dict[str, str],
    country: str,
    person_id: str,
    chamber: str,
    label: str | None,
    start: date | None,
    source_url: str | None,
    as_of: date | None,
    role: str,
) -> None:
    given, family = row.get("given_name") or None, row.get("family_name") or None
    sort_name = row.get("sort_name") or ""
    if not (given or family) and "," in sort_name:
        # EveryPolitician's sort_name is "Family, Given" where it knows the split, with any
        # name particle after the given names ("Vries, A. de").
        family, given = split_sort_name(sort_name)
    data.people[person_id] = {
        "name": row["name"],
        "given_name": given,
        "family_name": family,
        "honorific_prefix": row.get("honorific_prefix") or None,
        "gender": gender(row.get("gender")),
    }
    organization = body_id(country, chamber)
    data.organizations[organization] = {
        "name": chamber,
        "classification": "parliament",
        "country": country,
    }
    area = None
    if label is not None:
        raw_area = row.get("area_id") or ""
        area = area_id(country, label)
        data.areas[area] = {
            "name": row.get("area") or label,
            "country": country,
            "classification": "district",
            "parent_id": None,
            "ocd_id": raw_area if raw_area.startswith("ocd-division/") else None,
        }
    party = row.get("group", "")
    data.memberships[fit_id(f"{person_id}@{organization}", 160)] = {
        "person_id": person_id,
        "organization_id": organization,
        "kind": TargetKind.MP.value,
        "role": role,
        "country": country,
        "area_id": area,
        "language": language_code(row.get("language") or "") or main_language(country),
        "party": None if party.casefold() in _UNKNOWN_PARTY else party,
        "start_date": start,
        "source_url": source_url,
        "verified_on": as_of,
    }
    channel: ContactSource = {
        "person_id": person_id, "source_url": source_url, "verified_on": as_of,
    }
    for email in split_emails(row.get("email")):
        if problem := email_problem(email):
            # The member is still a member; the address is left out and `flask reps validate`
            # lists them if that leaves no way to write to them.
            data.warn(line, f"{person_id}: email left out: {problem}")
        else:
            data.add_contact(ChannelKind.EMAIL.value, email, **channel)
    if phone := row.get("phone"):
        data.add_contact(ChannelKind.PHONE.value, phone, **channel)


def import_everypolitician_csv(
    session: Session,
    path: str | Path,
    *,
    country: str,
    dry_run: bool = False,
    partial: bool = False,
    allow_mass_retirement: bool = False,
    source: str | None = None,
    source_url: str | None = None,
    as_of: date | None = None,
    role: str | None = None,
) -> ImportReport:
    """Import an EveryPolitician term CSV of `country`'s legislature.

    The source defaults to 'everypolitician-<country>-<chamber>', so that two chambers of one
    country, or two countries, never retire each other's members.
    """
    started = time.perf_counter()
    try:
        data, default_source = parse_everypolitician_csv(
            read_text(path), country=country, source_url=source_url, as_of=as_of, role=role
        )
    except FileProblem as problem:
        return rejected_file(source or SOURCE, path, problem, dry_run=dry_run, started=started)
    return apply(session, source or default_source, path, data, dry_run=dry_run,
                 partial=partial, allow_mass_retirement=allow_mass_retirement, started=started)
