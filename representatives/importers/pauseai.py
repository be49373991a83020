"""Government AI-policy contacts from PauseAI's research file (PauseAI/summits `contacts.json`).

The file gives, per country (ISO alpha-3), the lead ministry with its general inbox, the AI
safety institute, and named contacts with `role_type`, `email` (often null), `source_url` and
`verified_date`. Only what the file states is imported: a contact without an email gets no email
channel, and nothing is inferred from the ministry's inbox. A contact's optional `language`
(ISO 639-1, "fr"), or else its country's, says which language letters to them are written in;
without either, the language the government corresponds in
(`representatives.countries.main_language`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from ..countries import alpha2_from_alpha3, main_language
from ..model import ChannelKind, TargetKind
from .base import (
    Dataset,
    FileProblem,
    ImportReport,
    email_problem,
    import_file,
    language_code,
    language_problem,
    parse_date,
    slugify,
    url_problem,
)

SOURCE = "pauseai-contacts"

# Ministers are written to as ministers; everyone else the campaign lists (civil servants,
# ambassadors, institute heads, regulators) is part of the government's summit delegation.
ROLE_KINDS = {
    "minister": TargetKind.MINISTER,
    "official": TargetKind.SUMMIT_DELEGATE,
    "delegate": TargetKind.SUMMIT_DELEGATE,
    "institute_head": TargetKind.SUMMIT_DELEGATE,
    "regulator": TargetKind.SUMMIT_DELEGATE,
}


def government_person_id(country: str, name: str) -> str:
    """'gov:gb:peter-kyle': the same id whichever file names this person."""
    return f"gov:{country.lower()}:{slugify(name)}"


def government_organization_id(country: str, name: str) -> str:
    """'gb:dsit'."""
    return f"{country.lower()}:{slugify(name)}"


def parse_pauseai(text: str) -> Dataset:
    """Validate contacts.json into a Dataset."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FileProblem(f"not valid JSON: {exc.msg} on line {exc.lineno} (truncated?)") from exc
    countries = document.get("countries") if isinstance(document, dict) else None
    if not isinstance(countries, dict):
        raise FileProblem("expected an object with a 'countries' object")

    data = Dataset()
    for key, entry in countries.items():
        where = f"countries.{key}"
        if not isinstance(entry, dict):
            data.reject(where, "not an object")
            continue
        country = alpha2_from_alpha3(str(entry.get("iso_code") or ""))
        if country is None:
            data.reject(
                where, f"unknown country: iso_code {entry.get('iso_code')!r} is not ISO alpha-3"
            )
            continue
        country_language = entry.get("language")
        if country_language and (
                problem := language_problem(str(country_language))):
            data.reject(where, problem)
            continue
        _add_country(data, where, country, entry)
    return data


def _add_country(data: Dataset, where: str, country: str, entry: dict[str, Any]) -> None:
    # Which organization a contact's "organization" text refers to.
    named: dict[str, str] = {}
    ministry = entry.get("lead_ministry") or {}
    if ministry.get("name"):
        org_id = government_organization_id(country, ministry.get("acronym") or ministry["name"])
        data.organizations[org_id] = {
            "name": ministry["name"],
            "classification": "ministry",
            "country": country,
        }
        named.update(
            {ministry["name"]: org_id, ministry.get("acronym") or ministry["name"]: org_id}
        )
        if inbox := ministry.get("general_email"):
            if problem := email_problem(inbox):
                data.reject(f"{where}.lead_ministry", problem)
            else:
                # The file gives no source for the inbox itself, so none is recorded.
                data.add_contact(
                    ChannelKind.EMAIL.value,
                    inbox,
                    organization_id=org_id,
                    label="General enquiries",
                )
    institute = entry.get("ai_safety_institute") or {}
    if institute.get("exists") and institute.get("name"):
        org_id = government_organization_id(country, institute.get("acronym") or institute["name"])
        data.organizations[org_id] = {
            "name": institute["name"],
            "classification": "government",
            "country": country,
        }
        named.update(
            {institute["name"]: org_id, institute.get("acronym") or institute["name"]: org_id}
        )

    contacts = entry.get("contacts") or []
    if not isinstance(contacts, list):
        data.reject(f"{where}.contacts", "not a list")
        return
    for number, contact in enumerate(contacts):
        at = f"{where}.contacts[{number}]"
        problems = []
        if not isinstance(contact, dict):
            data.reject(at, "not an object")
            continue
        name, title = contact.get("name"), contact.get("title")
        organization = contact.get("organization")
        if not name or not title or not organization:
            problems.append("name, title and organization are required")
        role_type = contact.get("role_type")
        kind = ROLE_KINDS.get(role_type) if isinstance(role_type, str) else None
        if kind is None:
            problems.append(f"unknown role_type {contact.get('role_type')!r}")
        email, source_url = contact.get("email"), contact.get("source_url")
        if email and (problem := email_problem(email)):
            problems.append(problem)
        if source_url and (problem := url_problem(source_url)):
            problems.append(problem)
        try:
            verified_on = parse_date(contact.get("verified_date"))
        except ValueError:
            problems.append(f"bad verified_date {contact.get('verified_date')!r}")
        language = contact.get("language") or entry.get("language")
        if contact.get("language") and (
                problem := language_problem(str(contact.get("language")))):
            problems.append(problem)
        if problems:
            data.reject(at, f"{name or 'contact'}: " + "; ".join(problems))
            continue
        # Each is missing only with a problem, and the contact was rejected above.
        assert name and organization and kind is not None
        person_id = government_person_id(country, name)
        if person_id in data.people:
            data.reject(at, f"duplicate id {person_id}")
            continue
        if organization in named:
            org_id = named[organization]
        else:
            org_id = government_organization_id(country, organization)
            data.organizations.setdefault(
                org_id, {"name": organization, "classification": "government", "country": country}
            )
        data.people[person_id] = {
            "name": name,
            "given_name": None,  # the file does not split names, and guessing gets it wrong
            "family_name": None,
            "honorific_prefix": None,
            "gender": None,
        }
        data.memberships[f"{person_id}@{org_id}"] = {
            "person_id": person_id,
            "organization_id": org_id,
            "kind": kind.value,
            "role": title,
            "country": country,
            "area_id": None,
            "language": language_code(str(language)) if language else main_language(country),
            "party": None,
            "start_date": None,
            "source_url": source_url,
            "verified_on": verified_on,
        }
        if email:
            data.add_contact(
                ChannelKind.EMAIL.value,
                email,
                person_id=person_id,
                source_url=source_url,
                verified_on=verified_on,
            )


def import_pauseai(
    session: Session,
    path: str | Path,
    *,
    dry_run: bool = False,
    partial: bool = False,
    allow_mass_retirement: bool = False,
) -> ImportReport:
    """Import PauseAI's contacts.json (ministers and summit delegates per country)."""
    return import_file(session, SOURCE, path, parse_pauseai, dry_run=dry_run,
                       partial=partial, allow_mass_retirement=allow_mass_retirement)
