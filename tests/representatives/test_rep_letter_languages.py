"""The language letters to each target are written in: the file's `language` column where it has
one, Belgian MEPs by the electoral college that elected them, else the country's language."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from representatives.belgium import MEP_LANGUAGE, SOURCES, college_language
from representatives.importers import IMPORTERS
from representatives.importers.base import language_code
from representatives.tables import Membership, Person

EVERYPOLITICIAN_CSV = Path(__file__).parent / "fixtures" / "everypolitician-ie-dail.csv"
BOTENGA, KENNES, ARIMONT = "187917", "256890", "24922"


def languages(session, **where) -> dict[str, str]:
    query = select(Membership.person_id, Membership.language).filter_by(**where)
    return dict(session.execute(query).all())


def nothing_written(session) -> bool:
    return session.scalar(select(func.count()).select_from(Person)) == 0


def meps_with(tmp_path: Path, meps_csv: Path, edit) -> Path:
    """A copy of meps.csv with a `language` column, `edit(row)` changing rows in place."""
    with meps_csv.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        rows = list(reader)
        fields = [*(reader.fieldnames or []), "language"]
    for row in rows:
        row["language"] = ""
        edit(row)
    out = io.StringIO()
    writer = csv.DictWriter(out, fields)
    writer.writeheader()
    writer.writerows(rows)
    path = tmp_path / "meps.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


# --- language codes ----------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "code"), [
    ("fr", "fr"), (" NL ", "nl"), ("pt-br", "pt-BR"), ("PT-BR", "pt-BR"), ("nb", "nb"),
    ("xx", None), ("french", None), ("fr-XX", None), ("f", None), ("", None), ("fr_BE", None),
])
def test_a_language_code_is_a_real_iso_639_1_language(value, code):
    assert language_code(value) == code


# --- European Parliament: Belgium by electoral college -------------------------------------------


def test_belgian_meps_get_their_colleges_language_from_the_real_file(session, meps_csv):
    report = IMPORTERS["ep-meps-csv"](session, meps_csv, dry_run=True)
    assert report.ok and not report.warnings
    # A dry run says where the language came from, once per Belgian MEP, grouped by college.
    assert Counter(why for _, why in report.notes) == {
        "language 'nl': elected in Belgium's Dutch-speaking electoral college (the file has no "
        "language; from representatives/belgium.py)": 13,
        "language 'fr': elected in Belgium's French-speaking electoral college (the file has no "
        "language; from representatives/belgium.py)": 8,
        "language 'de': elected in Belgium's German-speaking electoral college (the file has no "
        "language; from representatives/belgium.py)": 1,
    }
    assert nothing_written(session)

    assert IMPORTERS["ep-meps-csv"](session, meps_csv).written
    belgian = languages(session, country="BE")
    assert Counter(belgian.values()) == {"nl": 13, "fr": 8, "de": 1}
    # One party, two colleges: the file names both "Parti du Travail de Belgique".
    assert belgian[f"mep:{BOTENGA}"] == "fr" and belgian[f"mep:{KENNES}"] == "nl"
    assert belgian[f"mep:{ARIMONT}"] == "de"
    # Other countries keep their language.
    assert set(languages(session, country="NL").values()) == {"nl"}
    assert set(languages(session, country="LU").values()) == {"fr"}


def test_the_college_table_cites_its_sources_and_lists_only_ambiguous_meps():
    assert SOURCES and all(url.startswith("https://") for url in SOURCES)
    assert college_language("999999", "Mouvement Réformateur") == "fr"
    assert college_language("999999", "  vlaams   BELANG ") == "nl"
    assert college_language("999999", "Christlich Soziale Partei") == "de"
    # Listed one by one only where the party does not tell.
    assert college_language("999999", "Parti du Travail de Belgique") is None
    assert college_language("999999", "A new party") is None
    assert college_language("999999", None) is None
    assert set(MEP_LANGUAGE) == {BOTENGA, KENNES}


def test_a_belgian_mep_the_table_cannot_place_gets_dutch_with_a_warning(session, meps_csv,
                                                                        tmp_path):
    def substitute(row):
        if row["epid"] == BOTENGA:
            row["epid"] = "300001"  # a PTB-PVDA substitute the table does not list

    report = IMPORTERS["ep-meps-csv"](session, meps_with(tmp_path, meps_csv, substitute))
    assert report.ok and report.written
    assert [why for _, why in report.warnings] == [
        "mep:300001: the party 'Parti du Travail de Belgique' does not tell which Belgian "
        "electoral college elected this MEP, and the table in representatives/belgium.py does "
        "not list them: letters in 'nl'; give a 'language' column to correct it"
    ]
    assert languages(session)["mep:300001"] == "nl"


def test_the_files_language_column_comes_first(session, meps_csv, tmp_path):
    def give(row):
        if row["epid"] == ARIMONT:
            row["language"] = "FR"  # the file knows better than the table
        elif row["country"].upper() == "LU":
            row["language"] = "lb"

    report = IMPORTERS["ep-meps-csv"](session, meps_with(tmp_path, meps_csv, give))
    assert report.ok and report.written
    found = languages(session)
    assert found[f"mep:{ARIMONT}"] == "fr"
    assert set(languages(session, country="LU").values()) == {"lb"}
    # Arimont's language came from the file: no note for him, the 21 others still noted.
    assert len(report.notes) == 21


@pytest.mark.parametrize("value", ["xx", "French", "fr-XX", "f"])
def test_a_bad_language_in_the_mep_file_rejects_the_row_and_says_why(session, meps_csv, tmp_path,
                                                                     value):
    def give(row):
        if row["epid"] == BOTENGA:
            row["language"] = value

    report = IMPORTERS["ep-meps-csv"](session, meps_with(tmp_path, meps_csv, give))
    assert not report.written and len(report.rejected) == 1
    assert report.rejected[0][1] == (f"bad language {value!r}: expected an ISO 639-1 code such "
                                     "as 'fr', or one with its region such as 'pt-BR'")
    assert nothing_written(session)


def test_the_command_line_dry_run_prints_the_notes(engine, meps_csv, capsys):
    from representatives.importers.__main__ import main

    url = engine.url.render_as_string(hide_password=False)
    assert main(["ep-meps-csv", str(meps_csv), "--database-url", url, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert out.count("elected in Belgium's French-speaking electoral college") == 8


# --- EveryPolitician ----------------------------------------------------------------------------


def _everypolitician_with(tmp_path, values: dict[int, str]) -> Path:
    """The fixture with a `language` column; `values` by data row (1 is the first)."""
    lines = EVERYPOLITICIAN_CSV.read_text(encoding="utf-8").splitlines()
    out = [lines[0] + ",language"]
    out += [f"{line},{values.get(number, '')}" for number, line in enumerate(lines[1:], start=1)]
    path = tmp_path / "term.csv"
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


def run_everypolitician(session, path: Path):
    return IMPORTERS["everypolitician-csv"](session, path, country="IE", as_of=date(2026, 1, 1))


def pid(n: int) -> str:
    return f"everypolitician:0a1b2c3d-000{n}-4000-8000-00000000000{n}"


def test_everypolitician_language_column_is_used_where_given(session, tmp_path):
    report = run_everypolitician(session, _everypolitician_with(tmp_path, {1: "ga"}))
    assert report.ok and report.written, report.rejected
    found = languages(session)
    assert found[pid(1)] == "ga"
    assert found[pid(2)] == "en"  # without it, Ireland's


def test_everypolitician_bad_language_rejects_the_row(session, tmp_path):
    report = run_everypolitician(session, _everypolitician_with(tmp_path, {2: "irish"}))
    assert report.rejected == [(3, "bad language 'irish': expected an ISO 639-1 code such as "
                                   "'fr', or one with its region such as 'pt-BR'")]
    assert nothing_written(session)


# --- PauseAI contacts -----------------------------------------------------------------------------


def _pauseai_with(tmp_path, pauseai_json, edit) -> Path:
    document = json.loads(pauseai_json.read_text(encoding="utf-8"))
    edit(document["countries"])
    path = tmp_path / "contacts.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_pauseai_language_per_contact_then_per_country(session, pauseai_json, tmp_path):
    def edit(countries):
        countries["australia"]["language"] = "en"
        countries["united_kingdom"]["language"] = "cy"
        countries["united_kingdom"]["contacts"][0]["language"] = "gd"

    report = IMPORTERS["pauseai-contacts"](session, _pauseai_with(tmp_path, pauseai_json, edit))
    assert report.ok and report.written, report.rejected
    uk = list(languages(session, country="GB").values())
    assert sorted(Counter(uk).items()) == [("cy", len(uk) - 1), ("gd", 1)]
    assert set(languages(session, country="AU").values()) == {"en"}


def test_pauseai_bad_language_rejects_the_contact_or_the_country(session, pauseai_json, tmp_path):
    def edit(countries):
        countries["australia"]["language"] = "english"
        countries["united_kingdom"]["contacts"][1]["language"] = "zz"

    report = IMPORTERS["pauseai-contacts"](session, _pauseai_with(tmp_path, pauseai_json, edit))
    assert [where for where, _ in report.rejected] == [
        "countries.united_kingdom.contacts[1]", "countries.australia",
    ]
    assert "bad language 'zz'" in report.rejected[0][1]
    assert "bad language 'english'" in report.rejected[1][1]
    assert nothing_written(session)


# --- US Congress ----------------------------------------------------------------------------------


LEGISLATOR = """
- id: {{bioguide: G000001}}
  name: {{first: Gabriela, last: Example}}
  terms:
  - {{type: rep, start: '2025-01-03', end: '2027-01-03', state: PR, district: 0,
     phone: 202-225-0001{language}}}
"""


@pytest.mark.parametrize(("given", "stored"), [("", "en"), (", language: es", "es")])
def test_us_congress_term_may_carry_a_language(session, tmp_path, given, stored):
    path = tmp_path / "legislators.yaml"
    path.write_text(LEGISLATOR.format(language=given), encoding="utf-8")
    report = IMPORTERS["us-legislators"](session, path)
    assert report.ok and report.written, report.rejected
    assert languages(session) == {"us:G000001": stored}


def test_us_congress_bad_language_rejects_the_member(session, tmp_path):
    path = tmp_path / "legislators.yaml"
    path.write_text(LEGISLATOR.format(language=", language: spanish"), encoding="utf-8")
    report = IMPORTERS["us-legislators"](session, path)
    assert report.rejected == [(1, "legislator G000001: bad language 'spanish': expected an ISO "
                                   "639-1 code such as 'fr', or one with its region such as "
                                   "'pt-BR'")]
    assert nothing_written(session)
