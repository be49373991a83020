"""The project's own data format, and the data the project ships in it (`data/default.json`).

The shipped file holds the AI summit series with who signed each outcome document, and the
government contacts the campaign has a public source for. A campaign can keep its own contacts
in a file of the same shape and import it the same way.

Shape: {"format": "treaty-letters/representatives", "version": 1, "provenance": [text],
"summits": [...], "participation": [{summit, document, status, source_url, note, countries}],
"organizations": [{id, name, local_name?, classification, country, contacts}],
"people": [{id, name, given_name?, family_name?, honorific_prefix?, gender?,
            memberships: [{organization, kind, role, country, language, party?,
                           source_url, verified_on, stored_copy?}],
            contacts: [{kind, value, label?, source_url, verified_on, stored_copy?}]}],
"offices": [{id, kind, title, local_title?, organization: {id, name, local_name?}, country,
             language, source_url, verified_on, stored_copy?, holder: null | {name,
             given_name?, family_name?, source_url, as_of}, contacts: [...]}]}

An office is a post in a government (a minister, a head of government, a summit delegation's
head) with the channels that reach it. Where a current source names its holder, the letter
goes to them by name; otherwise to the office by its title ("Dear Minister,"), which survives a
reshuffle. Its `title` and its organization's `name` are in English; `local_title` and
`local_name`, where known, are the same in the country's own language (Target.role_in in
representatives.model says when they are shown and written). `stored_copy` marks a record
checked against a stored copy of its source page rather than the live site: staff re-check
those first.

A summit is "held" (dates required), "next" (the one the campaign works towards; dates may be
unknown, then its `year`) or "announced" (later than the next).

The shipped data is `data/default.json` (summits, participation) and one file per summit country
in `data/governments/` ({"country", "searched", "offices"}: what was searched, and the offices
found), imported together as the source "default".
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from ..countries import iso_countries
from ..model import ChannelKind, TargetKind
from ..summits import OutcomeDocument, Participation, SummitFacts
from ..tables import ORGANIZATION_CLASSIFICATIONS
from .base import (
    Dataset,
    FileProblem,
    ImportReport,
    apply,
    email_problem,
    fit_id,
    import_file,
    language_code,
    parse_date,
    rejected_file,
    slugify,
    url_problem,
)
from .summit_rules import participation_problems, summit_problems

SOURCE = "default"
FORMAT = "treaty-letters/representatives"
DEFAULT_DATA = Path(__file__).resolve().parent.parent / "data" / "default.json"
GOVERNMENTS = DEFAULT_DATA.parent / "governments"
_OFFICE_CLASSIFICATION = {
    TargetKind.MINISTER: "ministry",
    TargetKind.HEAD_OF_GOVERNMENT: "government",
    TargetKind.SUMMIT_DELEGATE: "summit_delegation",
}
_ID = re.compile(r"[a-z0-9][a-z0-9:._-]{0,63}")
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

    def optional(self, record: dict, field: str, *, where: str = "") -> str | None:
        """An optional text field: its text (None when absent, null or blank)."""
        value = record.get(field)
        if value is None:
            return None
        if not isinstance(value, str):
            self.append(f"{where}{field} is text or absent, not {value!r}")
            return None
        return value.strip() or None

    def country(self, value: Any, *, allow_eu: bool = False) -> None:
        if not (
            isinstance(value, str) and (value in iso_countries() or (allow_eu and value == "EU"))
        ):
            self.append(f"unknown country {value!r}")

    def url(self, value: Any) -> None:
        if value is not None and (problem := url_problem(str(value))):
            self.append(problem)

    def flag(self, record: dict, field: str) -> bool:
        value = record.get(field, False)
        if not isinstance(value, bool):
            self.append(f"{field} is true or false, not {value!r}")
        return value is True

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
    label = contact.get("label")
    if label is not None and not isinstance(label, str):
        problems.append("a contact's label is text")
    return {
        "kind": kind,
        "value": value,
        "label": label,
        "source_url": contact.get("source_url"),
        "verified_on": problems.date(contact, "verified_on"),
        "stored_copy": problems.flag(contact, "stored_copy"),
    }


def parse_project(text: str) -> Dataset:
    """Validate a file in the project's format into a Dataset."""
    return parse_document(_json(text))


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise FileProblem(f"not valid JSON: {exc.msg} on line {exc.lineno} (truncated?)") from exc


def default_document() -> dict[str, Any]:
    """The shipped data as one document: `default.json` with every government file's offices."""
    document = _json(DEFAULT_DATA.read_text(encoding="utf-8"))
    offices = document.setdefault("offices", [])
    for path in sorted(GOVERNMENTS.glob("*.json")):
        government = _json(path.read_text(encoding="utf-8"))
        for office in government.get("offices", []):
            offices.append({"country": government.get("country"), **office})
    return document


def parse_document(document: Any) -> Dataset:
    """Validate a document in the project's format (parsed JSON) into a Dataset."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise FileProblem(f"not a {FORMAT} file (the 'format' field is missing or different)")
    if document.get("version") != 1:
        raise FileProblem(f"unsupported version {document.get('version')!r}; this code reads 1")
    data = Dataset()
    _summits(data, document)
    _organizations(data, document)
    _people(data, document)
    _offices(data, document)
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
        start, end = problems.date(record, "start_date"), problems.date(record, "end_date")
        year = record.get("year") or (start.year if start else None)
        if year is not None and (not isinstance(year, int) or isinstance(year, bool)):
            problems.append(f"year is a number, not {year!r}")
            year = None
        source_url = record.get("source_url")
        summit = SummitFacts(
            id=_text(record.get("id")), name=_text(record.get("name")),
            city=_text(record.get("city")), host_country=_text(record.get("host_country")),
            start_date=start, end_date=end, status=_text(record.get("status", "held")),
            year=year, source_url=None if source_url is None else str(source_url),
            documents=_documents(record.get("documents"), problems) or (),
        )
        problems.extend(str(problem) for problem in summit_problems(summit))
        if summit.is_next and any(s["status"] == "next" for s in data.summits.values()):
            problems.append("only one summit can be the next")
        if summit.id in data.summits:
            problems.append(f"duplicate id {summit.id}")
        if problems:
            data.reject(where, "; ".join(problems))
            continue
        data.summits[summit.id] = {
            "documents": None if record.get("documents") is None else [
                {"title": d.title, "date": d.date, "url": d.url} for d in summit.documents],
            "name": summit.name,
            "host_country": summit.host_country,
            "city": summit.city,
            "start_date": start,
            "end_date": end,
            "status": summit.status,
            "year": year,
            "source_url": summit.source_url,
        }
    for where, record in _records(data, document, "participation"):
        problems = _Problems()
        summit_id = problems.need(record, "summit")
        if summit_id and summit_id not in data.summits:
            problems.append(f"unknown summit {summit_id!r}")
        countries = record.get("countries")
        if not isinstance(countries, list) or not countries:
            problems.append("countries must be a non-empty list")
            countries = []
        document_title = record.get("document") or ""
        titles = {d["title"] for d in data.summits.get(summit_id or "", {}).get("documents") or ()}
        source_url = record.get("source_url")
        for country in countries:
            row = Participation(summit_id or "", _text(country), str(document_title),
                                _text(record.get("status")),
                                None if source_url is None else str(source_url))
            for problem in map(str, participation_problems(row, titles)):
                if problem not in problems:  # a wrong status once, not once per country
                    problems.append(problem)
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


def _text(value: object) -> str:
    """A field that should hold text, as text ("" when it holds something else)."""
    return value if isinstance(value, str) else ""


def _documents(value: object, problems: _Problems) -> tuple[OutcomeDocument, ...] | None:
    """A summit's outcome documents as the file lists them ({"title", "date" (ISO), "url"});
    summit_rules checks what they hold."""
    if value is None:
        return None
    if not isinstance(value, list):
        problems.append("documents must be a list")
        return None
    documents: list[OutcomeDocument] = []
    for number, item in enumerate(value):
        if not isinstance(item, dict):
            problems.append(f"documents[{number}] is not an object")
            continue
        documents.append(OutcomeDocument(_text(item.get("title")).strip(),
                                         str(item.get("date") or ""),
                                         str(item.get("url") or "")))
    return tuple(documents)


def _organizations(data: Dataset, document: dict) -> None:
    for where, record in _records(data, document, "organizations"):
        problems = _Problems()
        org_id = problems.need(record, "id")
        if org_id and not _ID.fullmatch(org_id):
            problems.append(f"bad id {org_id!r}")
        problems.need(record, "name")
        local_name = problems.optional(record, "local_name")
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
            "local_name": local_name,
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
            if not isinstance(membership.get("kind"), str) or membership["kind"] not in _KINDS:
                problems.append(f"unknown kind {membership.get('kind')!r}")
            problems.need(membership, "role")
            problems.country(membership.get("country"))
            if language_code(str(membership.get("language") or "")) != membership.get("language"):
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
                "stored_copy": problems.flag(membership, "stored_copy"),
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


def _offices(data: Dataset, document: dict) -> None:
    for where, record in _records(data, document, "offices"):
        problems = _Problems()
        office_id = problems.need(record, "id")
        if office_id and not _ID.fullmatch(office_id):
            problems.append(f"bad id {office_id!r}")
        title = problems.need(record, "title")
        local_title = problems.optional(record, "local_title")
        kind = record.get("kind")
        if not isinstance(kind, str) or kind not in _OFFICE_CLASSIFICATION:
            problems.append(f"unknown kind {kind!r}")
        country = record.get("country")
        problems.country(country)
        if language_code(str(record.get("language") or "")) != record.get("language"):
            problems.append(f"bad language {record.get('language')!r}")
        problems.url(record.get("source_url"))
        organization = record.get("organization")
        if not isinstance(organization, dict):
            problems.append("organization is required ({id, name})")
            organization = {}
        org_id = problems.need(organization, "id")
        if org_id and not _ID.fullmatch(org_id):
            problems.append(f"bad organization id {org_id!r}")
        problems.need(organization, "name")
        local_name = problems.optional(organization, "local_name", where="organization.")
        holder = record.get("holder")
        if holder is not None and not isinstance(holder, dict):
            problems.append("holder is an object or null")
            holder = None
        if holder is not None:
            problems.need(holder, "name")
            problems.url(holder.get("source_url"))
            problems.date(holder, "as_of")
        verified_on = problems.date(record, "verified_on")
        stored_copy = problems.flag(record, "stored_copy")
        contacts = [_contact(problems, c) for c in record.get("contacts") or []]
        # The person a letter is addressed to: the named holder, or the office itself.
        person_id = office_id
        if holder is not None and office_id and holder.get("name"):
            # A name in a script slugify drops ("李强") still needs an id of its own, so that
            # a new holder retires the old one rather than taking over their row.
            name_key = slugify(holder["name"]) or hashlib.sha1(
                holder["name"].encode()).hexdigest()[:10]
            person_id = fit_id(f"{office_id}:{name_key}", 64)
        if person_id in data.people:
            problems.append(f"duplicate id {person_id}")
        if problems:
            data.reject(where, f"{title or 'office'}: " + "; ".join(problems))
            continue
        body = data.organizations.setdefault(org_id, {
            "name": organization["name"],
            "local_name": local_name,
            "classification": _OFFICE_CLASSIFICATION[kind],
            "country": country,
        })  # fmt: skip
        # Offices sharing a body may not all give its local name: the one that does counts.
        body["local_name"] = body.get("local_name") or local_name
        if kind == TargetKind.HEAD_OF_GOVERNMENT:
            # A chancellery that also hosts a minister (Austria's) is the government's office.
            body["classification"] = _OFFICE_CLASSIFICATION[TargetKind.HEAD_OF_GOVERNMENT]
        if holder is None:
            data.people[person_id] = {"name": title, "given_name": None, "family_name": None,
                                      "honorific_prefix": None, "gender": None,
                                      "by_title": True}  # fmt: skip
        else:
            data.people[person_id] = {"name": holder["name"],
                                      "given_name": holder.get("given_name"),
                                      "family_name": holder.get("family_name"),
                                      "honorific_prefix": None, "gender": None,
                                      "by_title": False}  # fmt: skip
        data.memberships[f"{person_id}@{org_id}"] = {
            "person_id": person_id,
            "organization_id": org_id,
            "kind": kind,
            "role": title,
            "local_role": local_title,
            "country": country,
            "area_id": None,
            "language": record["language"],
            "party": None,
            "start_date": None,
            # A named holder's role is documented by the page that names them.
            "source_url": (holder or {}).get("source_url") or record.get("source_url"),
            "verified_on": verified_on,
            "stored_copy": stored_copy,
        }
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
    if path is not None:
        return import_file(session, source, path, parse_project, dry_run=dry_run,
                           partial=partial, allow_mass_retirement=allow_mass_retirement)
    started = time.perf_counter()
    try:
        data = parse_document(default_document())
    except FileProblem as problem:
        return rejected_file(source, DEFAULT_DATA.parent, problem, dry_run=dry_run,
                             started=started)
    return apply(session, source, DEFAULT_DATA.parent, data, dry_run=dry_run, partial=partial,
                 allow_mass_retirement=allow_mass_retirement, started=started)
