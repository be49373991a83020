"""`representatives.coverage` and `flask reps coverage`: how far the data reaches the summit
countries, on a small hand-made file and on the shipped data."""

from __future__ import annotations

import csv
import json
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from rep_support import shared_file
from sqlalchemy import update

from database import make_session_factory
from representatives.coverage import summarize, summit_coverage
from representatives.importers.project import import_project
from representatives.model import TargetKind
from representatives.tables import ContactDetail
from tests.apps import make_config, migrate_database
from webapp import create_app
from webapp.app_state import app_state

KINDS = TargetKind


def _office(office_id, kind, country, contacts, *, holder=None, stored_copy=False):
    return {
        "id": office_id, "kind": kind, "title": f"Office {office_id}",
        "organization": {"id": f"org:{office_id}", "name": f"Body of {office_id}"},
        "country": country, "language": "en", "source_url": f"https://gov.example/{office_id}",
        "verified_on": "2026-01-02", "stored_copy": stored_copy,
        "holder": holder, "contacts": contacts,
    }  # fmt: skip


def _contact(kind, value, *, source=True, verified_on="2026-01-05", stored_copy=False):
    contact = {"kind": kind, "value": value, "verified_on": verified_on,
               "stored_copy": stored_copy}  # fmt: skip
    if source:
        contact["source_url"] = "https://gov.example/contact"
    return contact


SMALL = {
    "format": "treaty-letters/representatives",
    "version": 1,
    "summits": [
        {"id": "tokyo-2030", "name": "Summit", "host_country": "JP", "city": "Tokyo",
         "start_date": "2030-02-01", "end_date": "2030-02-02"},
        {"id": "bern-2031", "name": "Next summit", "host_country": "CH", "city": "Bern",
         "status": "next", "year": 2031},
    ],  # fmt: skip
    "participation": [
        {"summit": "tokyo-2030", "status": "signed", "countries": ["FR", "DE", "EU"]},
        {"summit": "tokyo-2030", "status": "declined", "countries": ["US"]},
    ],
    "organizations": [
        {"id": "ep", "name": "European Parliament", "classification": "european_parliament",
         "country": "EU"},
        {"id": "fr:an", "name": "Assemblée nationale", "classification": "parliament",
         "country": "FR"},
    ],  # fmt: skip
    "people": [
        {"id": "mep:1", "name": "Anna Berg", "memberships": [
            {"organization": "ep", "kind": "mep", "role": "MEP", "country": "DE",
             "language": "de"}],
         "contacts": [_contact("email", "anna.berg@ep.example", verified_on="2025-03-01")]},
        {"id": "fr:mp:1", "name": "Jean Martin", "memberships": [
            {"organization": "fr:an", "kind": "mp", "role": "Député", "country": "FR",
             "language": "fr"}],
         "contacts": [_contact("post", "1 rue de l'Université, Paris")]},
    ],  # fmt: skip
    "offices": [
        # France: reachable through its minister's sourced e-mail address.
        _office("fr:digital", "minister", "FR", [
            _contact("email", "minister@fr.example", verified_on="2025-11-30"),
            _contact("post", "20 avenue de Ségur, Paris", source=False, verified_on=None),
        ], holder={"name": "Claire Dupont", "source_url": "https://gov.example/cd"}),
        _office("fr:pm", "head_of_government", "FR", [
            _contact("contact_form", "https://gov.example/fr/form", stored_copy=True),
        ], stored_copy=True),
        # A usable channel without a source does not make a country reachable.
        _office("fr:delegate", "summit_delegate", "FR", [
            _contact("email", "delegate@fr.example", source=False),
        ]),
        # Germany: the minister's address bounced (below), the chancellor's form has no source.
        _office("de:digital", "minister", "DE", [
            _contact("email", "minister@de.example", verified_on="2024-07-01"),
        ]),
        _office("de:chancellor", "head_of_government", "DE", [
            _contact("contact_form", "https://gov.example/de/form", source=False),
        ]),
        # The United States: an office, but no way to write to it.
        _office("us:ostp", "minister", "US", []),
        # Not a summit country: never reported.
        _office("gb:dsit", "minister", "GB", [_contact("email", "dsit@gb.example")]),
    ],
}


def write_small(tmp_path: Path) -> Path:
    path = tmp_path / "small.json"
    path.write_text(json.dumps(SMALL), encoding="utf-8")
    return path


def bounce(session, value: str) -> None:
    session.execute(update(ContactDetail).where(ContactDetail.value == value)
                    .values(bounced_at=datetime(2026, 2, 1, tzinfo=UTC)))  # fmt: skip
    session.commit()


def test_counts_on_a_small_dataset(any_engine, tmp_path):
    with make_session_factory(any_engine)() as session:
        report = import_project(session, write_small(tmp_path), source="small")
        assert report.ok and report.written, report.rejected
        bounce(session, "minister@de.example")
        coverage = {c.country: c for c in summit_coverage(session)}
    assert list(coverage) == ["CH", "DE", "FR", "JP", "US"]  # "EU" and GB left out

    fr = coverage["FR"]
    assert fr.name == "France"
    assert fr.targets == {KINDS.MINISTER: 1, KINDS.HEAD_OF_GOVERNMENT: 1,
                          KINDS.SUMMIT_DELEGATE: 1, KINDS.MP: 1, KINDS.MEP: 0}  # fmt: skip
    assert fr.usable == 3  # the MP has a postal address only
    assert fr.reachable
    assert fr.oldest_check == date(2025, 11, 30)
    assert (fr.unchecked, fr.missing_sources, fr.stored_copy) == (1, 2, 1)
    by_id = {t.id: t for t in fr.government_targets}
    minister = by_id["fr:digital:claire-dupont@org:fr:digital"]
    assert (minister.name, minister.kind, minister.usable, minister.sourced) == (
        "Claire Dupont", KINDS.MINISTER, True, True)
    assert not minister.by_title
    pm = by_id["fr:pm@org:fr:pm"]
    assert (pm.by_title, pm.usable, pm.sourced, pm.stored_copy) == (True, True, True, True)
    delegate = by_id["fr:delegate@org:fr:delegate"]
    assert (delegate.usable, delegate.sourced) == (True, False)

    de = coverage["DE"]
    assert de.targets[KINDS.MINISTER] == de.targets[KINDS.HEAD_OF_GOVERNMENT] == 1
    assert de.targets[KINDS.MEP] == 1  # an MEP answers to their member state
    assert de.usable == 2  # the chancellor's form and the MEP; the bounced address is not
    assert not de.reachable  # the MEP is no government target; the form has no source
    assert de.oldest_check == date(2024, 7, 1)  # a bounced contact is still one to check
    assert (de.unchecked, de.missing_sources, de.stored_copy) == (0, 1, 0)

    us = coverage["US"]
    assert (us.targets[KINDS.MINISTER], us.usable, us.reachable, us.oldest_check) == (
        1, 0, False, None)
    assert [t.usable for t in us.government_targets] == [False]
    for code in ("CH", "JP"):
        assert coverage[code].total == 0 and coverage[code].government_targets == []

    summary = summarize(list(coverage.values()))
    assert (summary.countries, summary.reachable, summary.usable, summary.stored_copy) == (
        5, 1, 5, 1)
    assert summary.targets == {KINDS.MINISTER: 3, KINDS.HEAD_OF_GOVERNMENT: 2,
                               KINDS.SUMMIT_DELEGATE: 1, KINDS.MP: 1, KINDS.MEP: 1}  # fmt: skip
    assert summary.unreachable == ("CH", "DE", "JP", "US")


def test_retired_people_and_contacts_do_not_count(session, tmp_path):
    report = import_project(session, write_small(tmp_path), source="small")
    assert report.ok, report.rejected
    session.execute(update(ContactDetail).where(ContactDetail.value == "minister@fr.example")
                    .values(retired_at=datetime(2026, 2, 1, tzinfo=UTC)))  # fmt: skip
    session.commit()
    fr = next(c for c in summit_coverage(session) if c.country == "FR")
    assert fr.usable == 2 and fr.reachable  # still the head of government's sourced form
    assert fr.oldest_check == date(2026, 1, 5)
    # Without the office files' people, the next import retires them: nothing is counted.
    empty = {**SMALL, "people": [], "offices": []}
    (tmp_path / "empty.json").write_text(json.dumps(empty), encoding="utf-8")
    report = import_project(session, tmp_path / "empty.json", source="small",
                            allow_mass_retirement=True)  # fmt: skip
    assert report.ok, report.rejected
    coverage = summit_coverage(session)
    assert len(coverage) == 5
    assert all(c.total == 0 and not c.reachable and c.oldest_check is None for c in coverage)


# Through the command line, on a migrated SQLite database as the app makes it.


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("reps-coverage")
    path = base / "template.sqlite3"
    migrate_database(base, f"sqlite:///{path}")
    return path


@pytest.fixture
def flask(tmp_path, migrated):
    path = tmp_path / "app.sqlite3"
    shutil.copy(migrated, path)
    app = create_app(make_config(tmp_path / "app", f"sqlite:///{path}"))
    runner = app.test_cli_runner()

    def invoke(*args):
        result = runner.invoke(args=["reps", *args])
        assert result.exit_code == 0, result.output
        return result.output

    yield invoke
    app_state(app).database.dispose()


def test_command_on_a_small_dataset(flask, tmp_path):
    flask("import", "default", str(write_small(tmp_path)))
    lines = flask("coverage").splitlines()
    assert lines[0].split()[:4] == ["code", "name", "reachable", "ministers"]
    rows = [line.split() for line in lines[1:6]]
    # Nothing bounced here: the German minister's sourced address makes Germany reachable.
    assert [row[0] for row in rows] == ["DE", "FR", "CH", "JP", "US"]  # reachable first
    assert rows[0] == ["DE", "Germany", "yes", "1", "1", "0", "0", "1", "3", "2024-07-01", "0",
                       "1"]  # fmt: skip
    assert rows[1] == ["FR", "France", "yes", "1", "1", "1", "1", "0", "3", "2025-11-30", "1",
                       "2"]  # fmt: skip
    assert rows[4] == ["US", "United", "States", "no", "1", "0", "0", "0", "0", "0", "-", "0",
                       "0"]  # fmt: skip
    assert lines[6].startswith("Summit countries: 5; reachable")
    assert lines[6].endswith(": 2.")
    assert lines[-1] == "No reachable government target: CH, JP, US"
    data = json.loads(flask("coverage", "--format", "json"))
    assert data["summary"]["reachable"] == 2
    fr = next(c for c in data["countries"] if c["country"] == "FR")
    assert fr["oldest_check"] == "2025-11-30"
    assert fr["targets"] == {"minister": 1, "head_of_government": 1, "summit_delegate": 1,
                             "mp": 1, "mep": 0}  # fmt: skip


def test_command_on_the_shipped_data(flask):
    with shared_file("ai-summits", "signatories.csv").open(encoding="utf-8", newline="") as f:
        listed = {row["iso3166_alpha2_or_EU"] for row in csv.DictReader(f)}
    flask("import", "default")
    data = json.loads(flask("coverage", "--format", "json"))
    countries = {c["country"] for c in data["countries"]}
    # The signatory list's 88 countries, and those the Paris 2025 reports name besides
    # (Djibouti, South Africa, the Holy See).
    total = len(countries)
    assert total == data["summary"]["countries"] == 91
    assert "EU" not in countries and "IN" in countries  # India hosted a summit
    assert 0 < data["summary"]["reachable"] < total
    unreachable = data["summary"]["unreachable"]
    assert unreachable == sorted(c["country"] for c in data["countries"] if not c["reachable"])
    for country in data["countries"]:
        assert country["reachable"] == any(t["sourced"] for t in country["government_targets"])
        assert country["oldest_check"] is None or date.fromisoformat(country["oldest_check"])
    text = flask("coverage").splitlines()
    assert text[-1] == "No reachable government target: " + ", ".join(unreachable)
    assert len(text) == 1 + total + 3 + 1
    assert listed - {"EU", ""} <= countries
