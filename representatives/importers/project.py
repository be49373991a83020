"""The project's own data format, and the data the project ships in it (`data/default.json`).

The shipped file holds the AI summit series with who signed each outcome document, and the
government contacts the campaign has a public source for. A campaign can keep its own contacts
in a file of the same shape and import it the same way.

Shape: {"format": "treaty-letters/representatives", "version": 1, "provenance": [text],
"summits": [...], "participation": [{summit, document, status, source_url, note, countries}],
"organizations": [{id, name, classification, country, contacts}],
"people": [{id, name, given_name?, family_name?, honorific_prefix?, gender?,
            memberships: [{organization, kind, role, country, language, party?,
                           source_url, verified_on}],
            contacts: [{kind, value, label?, source_url, verified_on}]}]}
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from ..countries import iso_countries
from ..model import ChannelKind, TargetKind
from ..tables import ORGANIZATION_CLASSIFICATIONS, PARTICIPATION_STATUSES
from .base import (
    Dataset,
    FileProblem,
    ImportReport,
    email_problem,
    import_file,
    parse_date,
    url_problem,
)

SOURCE = "default"
FORMAT = "treaty-letters/representatives"
DEFAULT_DATA = Path(__file__).resolve().parent.parent / "data" / "default.json"
_ID = re.compile(r"[a-z0-9][a-z0-9:._-]{0,63}")
_LANGUAGE = re.compile(r"[a-z]{2}")
_KINDS = {k.value for k in TargetKind}
_CHANNELS = {k.value for k in ChannelKind}


class _Problems(list):
    """Reasons collected while checking one record."""

    def need(self, record: dict, field: str) -> Any:
        value = record.get(field)
        if not isinstance(value, str) or not value.strip():
            self.append(f"{field} is required (text)")
            return None
        return value

    def country(self, value: Any, *, allow_eu: bool = False) -> None:
        if not (
            isinstance(value, str) and (value in iso_countries() or (allow_eu and value == "EU"))
        ):
            self.append(f"unknown country {value!r}")

    def url(self, value: Any) -> None:
        if value is not None and (problem := url_problem(str(value))):
            self.append(problem)

    def date(self, record: dict, field: str):
        try:
            return parse_date(record.get(field))
        except ValueError:
            self.append(f"bad date in {field}: {record.get(field)!r}")
            return None


def _contact(problems: _Problems, contact: Any) -> dict[str, Any] | None:
    if not isinstance(contact, dict):
        problems.append("a contact is not an object")
        return None
    kind, value = problems.need(contact, "kind"), problems.need(contact, "value")
    if kind not in _CHANNELS:
        problems.append(f"unknown contact kind {kind!r}")
    elif kind == ChannelKind.EMAIL and value and (problem := email_problem(value)):
        problems.append(problem)
    elif kind == ChannelKind.CONTACT_FORM and value:
        problems.url(value)
    problems.url(contact.get("source_url"))
    return {
        "kind": kind,
        "value": value,
        "label": contact.get("label"),
        "source_url": contact.get("source_url"),
        "verified_on": problems.date(contact, "verified_on"),
    }


def parse_project(text: str) -> Dataset:
    """Validate a file in the project's format into a Dataset."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FileProblem(f"not valid JSON: {exc.msg} on line {exc.lineno} (truncated?)") from exc
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise FileProblem(f"not a {FORMAT} file (the 'format' field is missing or different)")
    if document.get("version") != 1:
        raise FileProblem(f"unsupported version {document.get('version')!r}; this code reads 1")
    data = Dataset()
    _summits(data, document)
    _organizations(data, document)
    _people(data, document)
    return data


def _records(data: Dataset, document: dict, key: str):
    records = document.get(key, [])
    if not isinstance(records, list):
        data.reject(key, "not a list")
        return
    for number, record in enumerate(records):
        if isinstance(record, dict):
            yield f"{key}[{number}]", record
        else:
            data.reject(f"{key}[{number}]", "not an object")


def _summits(data: Dataset, document: dict) -> None:
    for where, record in _records(data, document, "summits"):
        problems = _Problems()
        summit_id = problems.need(record, "id")
        if summit_id and not _ID.fullmatch(summit_id):
            problems.append(f"bad id {summit_id!r}")
        for field in ("name", "city"):
            problems.need(record, field)
        problems.country(record.get("host_country"))
        start, end = problems.date(record, "start_date"), problems.date(record, "end_date")
        if not start or not end or end < start:
            problems.append("start_date and end_date are required, start first")
        problems.url(record.get("source_url"))
        if summit_id in data.summits:
            problems.append(f"duplicate id {summit_id}")
        if problems:
            data.reject(where, "; ".join(problems))
            continue
        data.summits[summit_id] = {
            "name": record["name"],
            "host_country": record["host_country"],
            "city": record["city"],
            "start_date": start,
            "end_date": end,
            "source_url": record.get("source_url"),
        }
    for where, record in _records(data, document, "participation"):
        problems = _Problems()
        summit_id = problems.need(record, "summit")
        if summit_id and summit_id not in data.summits:
            problems.append(f"unknown summit {summit_id!r}")
        if record.get("status") not in PARTICIPATION_STATUSES:
            problems.append(f"unknown status {record.get('status')!r}")
        problems.url(record.get("source_url"))
        countries = record.get("countries")
        if not isinstance(countries, list) or not countries:
            problems.append("countries must be a non-empty list")
            countries = []
        for country in countries:
            problems.country(country, allow_eu=True)
        document_title = record.get("document") or ""
        for country in countries:
            if (summit_id, country, document_title) in data.participations:
                problems.append(f"duplicate row for {country}")
        if problems:
            data.reject(where, "; ".join(problems))
            continue
        for country in countries:
            data.participations[(summit_id, country, document_title)] = {
                "status": record["status"],
                "source_url": record.get("source_url"),
                "note": record.get("note"),
            }


def _organizations(data: Dataset, document: dict) -> None:
    for where, record in _records(data, document, "organizations"):
        problems = _Problems()
        org_id = problems.need(record, "id")
        if org_id and not _ID.fullmatch(org_id):
            problems.append(f"bad id {org_id!r}")
        problems.need(record, "name")
        if record.get("classification") not in ORGANIZATION_CLASSIFICATIONS:
            problems.append(f"unknown classification {record.get('classification')!r}")
        problems.country(record.get("country"), allow_eu=True)
        contacts = [_contact(problems, c) for c in record.get("contacts") or []]
        if org_id in data.organizations:
            problems.append(f"duplicate id {org_id}")
        if problems:
            data.reject(where, "; ".join(problems))
            continue
        data.organizations[org_id] = {
            "name": record["name"],
            "classification": record["classification"],
            "country": record["country"],
        }
        for contact in contacts:
            assert contact is not None  # None only with a problem, and the record was rejected
            data.add_contact(organization_id=org_id, **contact)


def _people(data: Dataset, document: dict) -> None:
    for where, record in _records(data, document, "people"):
        problems = _Problems()
        person_id = problems.need(record, "id")
        if person_id and not _ID.fullmatch(person_id):
            problems.append(f"bad id {person_id!r}")
        problems.need(record, "name")
        if person_id in data.people:
            problems.append(f"duplicate id {person_id}")
        if record.get("gender") not in (None, "female", "male"):
            problems.append(f"gender is 'female', 'male' or absent, not {record.get('gender')!r}")
        memberships = {}
        for membership in record.get("memberships") or []:
            if not isinstance(membership, dict):
                problems.append("a membership is not an object")
                continue
            org_id = problems.need(membership, "organization")
            if org_id and org_id not in data.organizations:
                problems.append(f"unknown organization {org_id!r}")
            if membership.get("kind") not in _KINDS:
                problems.append(f"unknown kind {membership.get('kind')!r}")
            problems.need(membership, "role")
            problems.country(membership.get("country"))
            if not _LANGUAGE.fullmatch(str(membership.get("language") or "")):
                problems.append(f"bad language {membership.get('language')!r}")
            problems.url(membership.get("source_url"))
            memberships[f"{person_id}@{org_id}"] = {
                "person_id": person_id,
                "organization_id": org_id,
                "kind": membership.get("kind"),
                "role": membership.get("role"),
                "country": membership.get("country"),
                "area_id": None,
                "language": membership.get("language"),
                "party": membership.get("party"),
                "start_date": problems.date(membership, "start_date"),
                "source_url": membership.get("source_url"),
                "verified_on": problems.date(membership, "verified_on"),
            }
        if not memberships:
            problems.append("at least one membership is required")
        contacts = [_contact(problems, c) for c in record.get("contacts") or []]
        if problems:
            data.reject(where, f"{record.get('name') or 'person'}: " + "; ".join(problems))
            continue
        data.people[person_id] = {
            "name": record["name"],
            "given_name": record.get("given_name"),
            "family_name": record.get("family_name"),
            "honorific_prefix": record.get("honorific_prefix"),
            "gender": record.get("gender"),
        }
        data.memberships.update(memberships)
        for contact in contacts:
            assert contact is not None  # None only with a problem, and the record was rejected
            data.add_contact(person_id=person_id, **contact)


def import_project(
    session: Session,
    path: str | Path | None = None,
    *,
    dry_run: bool = False,
    partial: bool = False,
    allow_mass_retirement: bool = False,
    source: str = SOURCE,
) -> ImportReport:
    """Import a file in the project's format; by default the shipped `data/default.json`.

    A campaign importing its own file passes its own `source` name, so that the shipped data
    and its own never retire each other's people.
    """
    path = DEFAULT_DATA if path is None else path
    return import_file(session, source, path, parse_project, dry_run=dry_run,
                       partial=partial, allow_mass_retirement=allow_mass_retirement)
