"""What a letter template sees of the summit series: the next summit and the supporter's
country's record, named and dated in the letter's language.

Template variables (documented for staff in the letter editor):

- `summit`: the next summit, or none when the data marks none. `summit.name`, `summit.city`,
  `summit.host` (the host country's name), `summit.year` ("2027"), `summit.date` (the dates in
  the letter's language, "" while only announced), `summit.when` (the dates, else the year) and
  `summit.announced` (true while its dates are unknown).
- `record`: what the supporter's country did at each summit. `record.country` (its name),
  `record.signed`, `record.endorsed`, `record.declined`, `record.attended` (lists of summit ids,
  "bletchley-2023", "seoul-2024", "paris-2025", "delhi-2026") and `record.known` (true when the
  data has anything for the country).
- The filter `and_list(names)` joins such a list in the letter's language: with
  `{% set names = {"bletchley-2023": "the Bletchley Declaration"} %}`,
  `{{ record.signed|and_list(names) }}` prints "the Bletchley Declaration and ...".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_interval
from babel.lists import format_list

from representatives.summits import SummitFacts, SummitSeries


@dataclass(frozen=True, slots=True)
class SummitView:
    id: str
    name: str
    city: str
    host: str
    host_code: str
    year: str
    date: str
    when: str
    announced: bool
    upcoming: bool = True  # always: templates written before the series was data test it


@dataclass(frozen=True, slots=True)
class RecordView:
    country: str
    code: str
    signed: tuple[str, ...]
    endorsed: tuple[str, ...]
    declined: tuple[str, ...]
    attended: tuple[str, ...]
    known: bool


@lru_cache(maxsize=64)
def babel_locale(language: str) -> Locale:
    """The Babel locale for a letter language ("pt-br" -> pt_BR), English if Babel has none."""
    # "pt" is European Portuguese in our letters (Brazil's are "pt-br"); Babel's "pt" is
    # Brazilian.
    code = "pt_PT" if language == "pt" else language.replace("-", "_")
    try:
        return Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


def warm_locale(language: str) -> None:
    """Load the locale data a render reads (country names, list patterns, dates) now, not
    inside a render's time limit: the first read of a locale takes longer than a letter may."""
    locale = babel_locale(language)
    _ = locale.territories, locale.list_patterns, locale.date_formats, locale.interval_formats


def country_name(code: str, language: str) -> str:
    """A country's name in the letter's `language` ("DE", "de" -> "Deutschland"); "EU" by its
    CLDR name. Pages use webapp.i18n.country_name, in the interface language (whose "pt" is
    Brazilian; a letter's "pt" is European, see babel_locale)."""
    names = babel_locale(language).territories
    return names.get(code.upper()) or babel_locale("en").territories.get(code.upper()) or code


def summit_view(summit: SummitFacts, language: str) -> SummitView:
    locale = babel_locale(language)
    year = str(summit.year or (summit.start_date.year if summit.start_date else ""))
    if summit.start_date and summit.end_date and summit.end_date != summit.start_date:
        dates = format_interval(summit.start_date, summit.end_date, "yMMMMd", locale=locale)
    elif summit.start_date:
        dates = format_date(summit.start_date, "long", locale=locale)
    else:
        dates = ""
    return SummitView(
        id=summit.id, name=summit.name, city=summit.city,
        host=country_name(summit.host_country, language), host_code=summit.host_country,
        year=year, date=dates, when=dates or year, announced=summit.start_date is None,
    )


def next_summit_view(series: SummitSeries | None, language: str) -> SummitView | None:
    if series is None or series.next is None:
        return None
    return _cached_summit_view(series.next, language)


@lru_cache(maxsize=512)
def _cached_summit_view(summit: SummitFacts, language: str) -> SummitView:
    return summit_view(summit, language)


# Every letter of a submission (96 to MEPs) shows the same country's record: worked out once
# per series, country and language.
@lru_cache(maxsize=1024)
def record_view(series: SummitSeries | None, country: str, language: str) -> RecordView:
    code = (country or "").upper()
    record = series.record(code) if series is not None and code else None
    if record is None:
        return RecordView(country_name(code, language) if code else "", code,
                          (), (), (), (), False)
    return RecordView(
        country=country_name(code, language), code=code, signed=record.signed,
        endorsed=record.endorsed, declined=record.declined, attended=record.attended,
        known=bool(record.rows),
    )


def and_list(language: str, items: Sequence[str],
             names: Mapping[str, str] | None = None) -> str:
    """`items` (mapped through `names`) joined as `language` joins a list: "A, B and C"."""
    words = [str(names.get(item, item)) if names else str(item) for item in items]
    if not words:
        return ""
    return format_list(words, locale=babel_locale(language))
