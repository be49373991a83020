"""A campaign's own spreadsheet, saved as CSV, with a mapping from its columns to our fields.

Fields (FIELDS): id, name, given_name, family_name, honorific, gender, kind (summit_delegate,
minister, head_of_government, mp, mep), role, body (the organization's name), body_id,
country, language, area, party, group (the political group in the parliament, "Greens/EFA"),
committees ("ITRE; LIBE (substitute)": codes or names, each with its role in brackets when it
is not "member": chair, vice-chair, substitute), priority (a weight: 2 is offered twice as often
as 1, 0 is never ticked by default), email, contact_form, postal_address, phone, source_url,
verified_on. A sheet without a group or committees column leaves those of the people it lists
as they are. A row needs a name (or a given and a family name), kind, role, body and
country; the rest is optional. A cell that only says there is nothing ("n/a", "-", "No email found")
counts as empty.

The mapping says which column holds which field, as a small JSON or TOML file,

    {"columns": {"name": "Full name", "email": "E-mail"}, "defaults": {"country": "NL"}}

(or just the "columns" object), or as `field=column` pairs. A column named like a field is
used for it unless the mapping says otherwise, so `flask reps export --format csv` output
reads back without any mapping. Defaults fill fields that have no column or an empty cell.

Ids: an `id` with a colon ("gov:gb:peter-kyle", as the export writes) is the directory's own
id; another id is the sheet's own, kept apart from other sheets' as "<source>:<id>". Without
an id, a minister or delegate is "gov:<country>:<name>" (the same person as in the shipped
data and PauseAI's file, so they get one letter, not two) and anyone else
"<source>:<country>:<name>". Bodies the sheet names are added when new; an existing body keeps
its name and classification.
"""

from __future__ import annotations

import csv
import io
import json
import re
import time
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, ClassVar

from sqlalchemy.orm import Session

from ..committees import parse_seats, seats_as_rows
from ..countries import EU_MEMBER_STATES, main_language
from ..model import ChannelKind, TargetKind
from ..selection import MAX_PRIORITY
from .base import (
    ContactSource,
    Dataset,
    FileProblem,
    ImportReport,
    apply,
    email_problem,
    fit_id,
    language_code,
    read_csv,
    read_text,
    rejected_file,
    slugify,
    url_problem,
)
from .naming import (
    ID_LENGTH,
    SOURCE_LENGTH,
    area_id,
    body_id,
    country_option,
    gender,
    is_placeholder,
    split_emails,
)
from .pauseai import government_person_id

SOURCE = "generic-csv"
FIELDS = (
    "id",
    "name",
    "given_name",
    "family_name",
    "honorific",
    "gender",
    "kind",
    "role",
    "body",
    "body_id",
    "country",
    "language",
    "area",
    "party",
    "group",
    "committees",
    "priority",
    "email",
    "contact_form",
    "postal_address",
    "phone",
    "source_url",
    "verified_on",
)
REQUIRED_FIELDS = ("kind", "role", "body", "country")
CLASSIFICATION_OF_KIND = {
    TargetKind.MINISTER: "ministry",
    TargetKind.HEAD_OF_GOVERNMENT: "government",
    TargetKind.SUMMIT_DELEGATE: "government",
    TargetKind.MP: "parliament",
    TargetKind.MEP: "european_parliament",
}
_OWN_ID = re.compile(r"\S{1,64}")
# A spreadsheet's date cell often comes out as "2026-01-11 00:00:00".
_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[ T]00:00(?::00)?)?")


class MappingError(ValueError):
    """The mapping itself is wrong (unknown field, unreadable file): nothing was imported."""


@dataclass(frozen=True)
class ColumnMapping:
    """Which column holds which field, and values for fields the sheet does not have."""

    columns: dict[str, str] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)
    # The fields it may name: a sheet of people's (a postcode table's mapping has its own).
    fields: ClassVar[tuple[str, ...]] = FIELDS

    def __post_init__(self) -> None:
        for what, names in (("column", self.columns), ("default", self.defaults)):
            unknown = sorted(set(names) - set(self.fields))
            if unknown:
                raise MappingError(
                    f"unknown field(s) in the {what} mapping: {', '.join(unknown)}; "
                    f"fields are: {', '.join(self.fields)}"
                )
            for name, value in names.items():
                if not isinstance(value, str):
                    raise MappingError(f"{what} for {name!r} must be text, not {value!r}")

    def merged(self, other: ColumnMapping) -> ColumnMapping:
        """This mapping with `other`'s entries on top (command line over file)."""
        return type(self)({**self.columns, **other.columns},
                          {**self.defaults, **other.defaults})  # fmt: skip

    def resolve(self, header: list[str], required: tuple[str, ...]) -> dict[str, str]:
        """field -> column for a file with `header`; a column named like a field is used for it.

        FileProblem if a mapped column is missing, or a `required` field has neither a column
        nor a default.
        """
        missing = [f"{column!r} (for {name})" for name, column in self.columns.items()
                   if column not in header]  # fmt: skip
        if missing:
            raise FileProblem(
                f"mapped column(s) not in the file: {', '.join(missing)}; the file's columns "
                f"are: {', '.join(header)}"
            )
        columns = dict(self.columns)
        for name in self.fields:
            if name not in columns and name in header:
                columns[name] = name
        unset = [name for name in required
                 if name not in columns and not self.defaults.get(name)]  # fmt: skip
        if unset:
            raise FileProblem(
                f"no column (and no default) for the required field(s): {', '.join(unset)}; map "
                "them to the file's columns or give defaults"
            )
        return columns


def load_mapping(path: str | Path, kind: type[ColumnMapping] = ColumnMapping) -> ColumnMapping:
    """Read a mapping of `kind` from a .json or .toml file; MappingError if it is unusable."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise MappingError(f"cannot read the mapping {path}: {exc}") from exc
    try:
        if path.suffix.lower() == ".toml":
            document: Any = tomllib.loads(text)
        else:
            document = json.loads(text)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
        raise MappingError(f"the mapping {path} is not valid {path.suffix[1:] or 'JSON'}: "
                           f"{exc}") from exc  # fmt: skip
    if not isinstance(document, dict):
        raise MappingError(f"the mapping {path} must be an object of field: column")
    if "columns" in document or "defaults" in document:
        extra = sorted(set(document) - {"columns", "defaults"})
        if extra:
            raise MappingError(f"the mapping {path} has unknown section(s): {', '.join(extra)}")
        columns, defaults = document.get("columns", {}), document.get("defaults", {})
        if not isinstance(columns, dict) or not isinstance(defaults, dict):
            raise MappingError(f"'columns' and 'defaults' in {path} must be objects")
        return kind(dict(columns), dict(defaults))
    return kind(dict(document))


def parse_pairs(pairs: list[str] | tuple[str, ...], *, what: str = "--map") -> dict[str, str]:
    """["email=E-mail", ...] -> {"email": "E-mail"}; MappingError on a pair without '='."""
    found = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise MappingError(f"{what} {pair!r}: expected field=value")
        found[name.strip()] = value.strip()
    return found


def _resolve(mapping: ColumnMapping, header: list[str]) -> dict[str, str]:
    """field -> column for this file; a name, or a family name, is required too."""
    named = any(n in mapping.columns or n in header or mapping.defaults.get(n)
                for n in ("name", "family_name"))  # fmt: skip
    return mapping.resolve(header, REQUIRED_FIELDS if named else ("name", *REQUIRED_FIELDS))


def _header(text: str) -> list[str]:
    if not text.strip():
        raise FileProblem("the file is empty")
    try:
        return [h.strip() for h in next(csv.reader(io.StringIO(text, newline="")))]
    except csv.Error as exc:
        raise FileProblem(f"line 1: {exc}") from exc


# Fields a sheet may leave out, and with them what the directory holds (see the docstring).
_OPTIONAL = {"group": "political_group", "committees": "committees"}
GROUP_LENGTH = 100


class _Sheet:
    def __init__(self, data: Dataset, source: str, source_url: str | None,
                 as_of: date | None = None, given: frozenset[str] = frozenset()) -> None:
        self.data, self.source, self.source_url = data, source, source_url
        self.given = given  # which of the _OPTIONAL fields the sheet has
        self.as_of = as_of  # when rows without their own verified_on were checked
        self.first_line: dict[str, tuple[int, dict[str, Any]]] = {}  # person id -> first row
        self.membership_line: dict[str, int] = {}

    def row(self, line: int, value) -> None:
        problems: list[str] = []
        kind = self._kind(value("kind"), problems)
        country = self._country(value("country"), kind, problems)
        name = value("name") or " ".join(
            part for part in (value("given_name"), value("family_name")) if part
        )
        if not name:
            problems.append("name (or given_name and family_name) is required")
        role, body = value("role"), value("body")
        for label, text in (("role", role), ("body", body)):
            if not text:
                problems.append(f"{label} is required")
        language = (language_code(value("language")) if value("language") else
                    main_language(country) if country else "")
        if language is None:
            problems.append(f"bad language {value('language')!r}: expected a 2-letter code, "
                            "or one with its region (pt-BR)")
        emails = split_emails(value("email"))
        problems.extend(p for p in map(email_problem, emails) if p)
        form = value("contact_form")
        for label, url in (("contact_form", form), ("source_url", value("source_url"))):
            if url and (problem := url_problem(url)):
                problems.append(f"{label}: {problem}")
        verified_on = self._date(value("verified_on"), problems) or self.as_of
        priority = self._priority(value("priority"), problems)
        own_body_id = value("body_id")
        if own_body_id and not _OWN_ID.fullmatch(own_body_id):
            problems.append(f"bad body_id {own_body_id!r}")
        person_id = self._person_id(value("id"), kind, country, name, problems)
        sex = value("gender")
        group = value("group")
        if len(group) > GROUP_LENGTH:
            problems.append(f"group is longer than {GROUP_LENGTH} characters")
        seats, seat_problems = parse_seats(value("committees"))
        problems.extend(seat_problems)
        if problems:
            self.data.reject(line, f"{name or 'row'}: " + "; ".join(problems))
            return
        # Each is None only with a problem, and the row was rejected above.
        assert kind is not None and country is not None
        if sex and gender(sex) is None:
            self.data.warn(line, f"{name}: gender {sex!r} is neither female nor male: left out")

        person = {
            "name": name,
            "given_name": value("given_name") or None,
            "family_name": value("family_name") or None,
            "honorific_prefix": value("honorific") or None,
            "gender": gender(sex),
        }
        if person_id in self.first_line:
            first, known = self.first_line[person_id]
            if known != person:
                differ = ", ".join(k for k in person if person[k] != known[k])
                self.data.reject(line, f"{name}: same id {person_id} as line {first} but a "
                                       f"different {differ}")  # fmt: skip
                return
        else:
            self.first_line[person_id] = (line, person)

        organization_country = "EU" if kind is TargetKind.MEP else country
        if own_body_id:
            organization = own_body_id
        elif kind is TargetKind.MEP and slugify(body) == "european-parliament":
            organization = "ep"  # as the MEP importer names it
        else:
            organization = body_id(organization_country, body)
        membership_id = fit_id(f"{person_id}@{organization}", 160)
        if membership_id in self.membership_line:
            self.data.reject(line, f"{name}: listed in {body} already on line "
                                   f"{self.membership_line[membership_id]}")  # fmt: skip
            return
        self.membership_line[membership_id] = line

        self.data.organizations.setdefault(organization, {
            "name": body,
            "classification": CLASSIFICATION_OF_KIND[kind],
            "country": organization_country,
        })  # fmt: skip
        self.data.referenced_organizations.add(organization)
        area = None
        if label := value("area"):
            area = area_id(country, label)
            self.data.areas.setdefault(area, {
                "name": label, "country": country, "classification": "district",
                "parent_id": None, "ocd_id": None,
            })  # fmt: skip
            self.data.referenced_areas.add(area)
        source_url = value("source_url") or self.source_url
        read = {"political_group": group or None, "committees": seats_as_rows(seats)}
        self.data.people[person_id] = person
        self.data.memberships[membership_id] = {
            "person_id": person_id,
            "organization_id": organization,
            "kind": kind.value,
            "role": role,
            "country": country,
            "area_id": area,
            "language": language,
            "party": value("party") or None,
            "priority": priority,
            **{column: read[column] for name, column in _OPTIONAL.items() if name in self.given},
            "start_date": None,
            "source_url": source_url,
            "verified_on": verified_on,
        }
        channel: ContactSource = {
            "person_id": person_id, "source_url": source_url, "verified_on": verified_on,
        }
        for email in emails:
            self.data.add_contact(ChannelKind.EMAIL.value, email, **channel)
        if form:
            self.data.add_contact(ChannelKind.CONTACT_FORM.value, form, **channel)
        if address := value("postal_address"):
            self.data.add_contact(ChannelKind.POST.value, address, **channel)
        if phone := value("phone"):
            self.data.add_contact(ChannelKind.PHONE.value, phone, **channel)

    @staticmethod
    def _kind(text: str, problems: list[str]) -> TargetKind | None:
        normal = re.sub(r"[\s-]+", "_", text.strip().lower())
        try:
            return TargetKind(normal)
        except ValueError:
            problems.append(
                f"kind {text!r} is not one of: {', '.join(k.value for k in TargetKind)}"
            )
            return None

    @staticmethod
    def _country(text: str, kind: TargetKind | None, problems: list[str]) -> str | None:
        try:
            country = country_option(text, what="country")
        except FileProblem as exc:
            problems.append(str(exc))
            return None
        if kind is TargetKind.MEP and country not in EU_MEMBER_STATES:
            problems.append(f"an MEP's country must be an EU member state, not {country}")
        return country

    @staticmethod
    def _priority(text: str, problems: list[str]) -> int | None:
        if not text:
            return None
        if not re.fullmatch(r"[0-9]{1,3}", text.strip()) or int(text) > MAX_PRIORITY:
            problems.append(f"bad priority {text!r}: expected a whole number from 0 to "
                            f"{MAX_PRIORITY}")
            return None
        return int(text)

    @staticmethod
    def _date(text: str, problems: list[str]) -> date | None:
        if not text:
            return None
        found = _DATE.fullmatch(text)
        try:
            return date.fromisoformat(found.group(1)) if found else date.fromisoformat(text)
        except ValueError:
            problems.append(f"bad verified_on {text!r}: expected YYYY-MM-DD")
            return None

    def _person_id(self, own: str, kind, country, name: str, problems: list[str]) -> str:
        if own:
            if ":" in own:
                if not _OWN_ID.fullmatch(own):
                    problems.append(f"bad id {own!r}")
                return own
            return fit_id(f"{self.source}:{slugify(own) or own}", ID_LENGTH)
        if not (kind and country and name):
            return ""
        if kind in (TargetKind.MINISTER, TargetKind.HEAD_OF_GOVERNMENT,
                    TargetKind.SUMMIT_DELEGATE):
            return government_person_id(country, name)
        return fit_id(f"{self.source}:{country.lower()}:{slugify(name)}", ID_LENGTH)


def parse_generic_csv(
    text: str,
    mapping: ColumnMapping,
    *,
    source: str = SOURCE,
    source_url: str | None = None,
    as_of: date | None = None,
) -> Dataset:
    """Validate a campaign's CSV, read through `mapping`, into a Dataset."""
    data = Dataset()
    header = _header(text)
    columns = _resolve(mapping, header)
    defaults = mapping.defaults
    given = frozenset(name for name in _OPTIONAL if name in columns or defaults.get(name))
    sheet = _Sheet(data, source, source_url, as_of, given)
    for line, row in read_csv(text, (), data):

        def value(name: str, row=row) -> str:
            cell = row.get(columns[name], "") if name in columns else ""
            if is_placeholder(cell):
                cell = ""
            return cell or defaults.get(name, "")

        sheet.row(line, value)
    if not data.rejected and not data.people:
        data.warn(0, "the file has no rows")
    return data


def import_generic_csv(
    session: Session,
    path: str | Path,
    *,
    dry_run: bool = False,
    partial: bool = False,
    allow_mass_retirement: bool = False,
    mapping: ColumnMapping | None = None,
    country: str | None = None,
    source: str = SOURCE,
    source_url: str | None = None,
    as_of: date | None = None,
) -> ImportReport:
    """Import a campaign's CSV through `mapping` (by default: columns named like the fields).

    `country` is the default of the country field; `as_of` the date rows without their own
    verified_on were checked. Give each sheet its own `source`, so that
    one sheet's import never retires the people of another.
    """
    mapping = mapping or ColumnMapping()
    if country and "country" not in mapping.defaults:
        mapping = mapping.merged(ColumnMapping(defaults={"country": country}))
    started = time.perf_counter()
    try:
        if not 0 < len(source) <= SOURCE_LENGTH:
            raise FileProblem(f"the source name {source!r} must be 1 to {SOURCE_LENGTH} characters")
        data = parse_generic_csv(read_text(path), mapping, source=source, source_url=source_url,
                                 as_of=as_of)
    except FileProblem as problem:
        return rejected_file(source, path, problem, dry_run=dry_run, started=started)
    return apply(session, source, path, data, dry_run=dry_run, partial=partial,
                 allow_mass_retirement=allow_mass_retirement, started=started)
