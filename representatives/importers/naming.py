"""Ids and labels the generic importers (EveryPolitician, Popolo, a campaign's CSV) share.

The formats with a fixed source (the European Parliament, the US Congress) name their rows
themselves; these helpers give rows from any country's files ids that stay the same from one
import to the next and that fit the tables' columns.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

import pycountry

from ..countries import alpha2_from_alpha3, iso_countries
from .base import FileProblem, fit_id, slugify

ID_LENGTH = 64  # Person.id, Organization.id, Area.id
SOURCE_LENGTH = 40  # the `source` column
_EMAIL_SEPARATORS = re.compile(r"[;,\s]+")
_GENDERS = {"female": "female", "f": "female", "male": "male", "m": "male"}


def country_option(value: str | None, *, what: str = "--country") -> str:
    """An ISO 3166-1 alpha-2 code from "gb", "GB" or "GBR"; FileProblem otherwise."""
    code = (value or "").strip().upper()
    if len(code) == 3:
        code = alpha2_from_alpha3(code) or code
    if code not in iso_countries():
        raise FileProblem(f"{what}: {value!r} is not an ISO 3166-1 country code")
    return code


def country_name(country: str) -> str:
    found = pycountry.countries.get(alpha_2=country)
    return getattr(found, "common_name", None) or (found.name if found else country)


def source_name(*parts: str) -> str:
    """'everypolitician-gb-house-of-commons', cut to fit the `source` column."""
    return "-".join(p for p in (slugify(part) for part in parts) if p)[:SOURCE_LENGTH].strip("-")


def body_id(country: str, name: str) -> str:
    """'gb:house-of-commons': a body named the same in two files is one row."""
    return fit_id(f"{country.lower()}:{slugify(name) or 'body'}", ID_LENGTH)


def member_role(body: str) -> str:
    """'Member of the House of Commons'."""
    return f"Member of {body}" if body.lower().startswith("the ") else f"Member of the {body}"


def area_id(country: str, label: str) -> str:
    """'GB-aberavon': areas are named within their country (see representatives.directory)."""
    return fit_id(f"{country}-{label}", ID_LENGTH)


def area_label(raw_id: str, country: str) -> str:
    """A short label from a file's own area id: 'area/aberavon' -> 'aberavon'.

    Open Civic Data ids lose their country part ('ocd-division/country:au/state:nsw' ->
    'state-nsw'); an id that already starts with the country ('US-CA-12') loses that prefix.
    """
    text = raw_id.strip()
    for prefix in ("area/", f"ocd-division/country:{country.lower()}/", f"{country}-"):
        if text.lower().startswith(prefix.lower()):
            text = text[len(prefix):]
            break
    label = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")
    return label or slugify(raw_id) or "area"


def area_labels(areas: Iterable[tuple[str, str | None]], country: str) -> dict[str, str]:
    """Labels for a file's areas, keyed by the file's area id.

    The label is what a visitor sees ("Chosen because your postcode is in Aberavon"), so it is
    the area's name where that name is unique in the file; two areas of the same name (two
    Richmonds) are told apart by a label made from their ids.
    """
    names = dict(areas)
    clean = {raw: " ".join((name or "").split())[:50] for raw, name in names.items()}
    counts = Counter(label.casefold() for label in clean.values() if label)
    labels = {}
    for raw, label in clean.items():
        if raw.startswith(f"{country}-"):
            labels[raw] = raw[len(country) + 1 :]  # already named as this project names areas
        elif label and counts[label.casefold()] == 1:
            labels[raw] = label
        else:
            labels[raw] = area_label(raw, country)
    return labels


def gender(value: str | None) -> str | None:
    """'female' or 'male' where the data says so ('F', 'Male', ...), else None."""
    return _GENDERS.get((value or "").strip().lower())


# Name particles ("tussenvoegsels" and their kin) that a "Family, Given particle" sort name
# puts after the given names: "Vries, A. de" is A. de Vries. Only lower-case words count, so a
# given name such as "Van" or "De" stays a given name.
_SORT_NAME_PARTICLES = frozenset(
    "van von der den de het 't ten ter te in op aan uit bij voor onder la le les du des d' del "
    "della da das dos do di zu zum zur vom".split()
)


def split_sort_name(sort_name: str) -> tuple[str | None, str | None]:
    """(family, given) from a sort name "Family, Given": "Vries, A. de" -> ("de Vries", "A.")."""
    family, _, given = (part.strip() for part in sort_name.partition(","))
    words = given.split()
    moved: list[str] = []
    while words and words[-1] in _SORT_NAME_PARTICLES:
        moved.insert(0, words.pop())
    if moved and family:
        family = " ".join([*moved, family])
    return family or None, " ".join(words) or None


# What spreadsheets put in a cell that has no value: "n/a", "-", "No email found", "unknown".
_PLACEHOLDER = re.compile(
    r"[-–—?.\s]*|(?:n\.?\s?/?\s?a\.?|none|nil|null|unknown|tbc|tbd|not (?:known|available)"
    r"|no(?:t)?\s+(?:e-?mail|address|contact(?:\s+form)?|phone|website|url)(?:\s+(?:found|"
    r"known|available|listed|given))?)\.?",
    re.IGNORECASE,
)


def is_placeholder(value: str | None) -> bool:
    """Whether a cell says there is no value rather than giving one ("n/a", "No email found")."""
    return _PLACEHOLDER.fullmatch((value or "").strip()) is not None


def split_emails(value: str | None) -> list[str]:
    """Cells and fields holding several addresses separate them with ';' or ','."""
    if is_placeholder(value):
        return []
    return [part for part in _EMAIL_SEPARATORS.split(value or "") if part]
