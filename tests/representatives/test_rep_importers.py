"""Importers on the real public files in ../shared/data, and on broken copies of them."""

from __future__ import annotations

import csv
import functools
import json
from collections import defaultdict
from datetime import UTC, datetime

import pytest
import yaml
from rep_support import make_database, shared_file
from sqlalchemy import func, select, update

from database import make_session_factory
from representatives.importers import IMPORTERS, run_import
from representatives.importers.base import MASS_RETIREMENT_MIN_PEOPLE
from representatives.model import ChannelKind, GroupKind, TargetKind
from representatives.store import load_directory
from representatives.tables import (
    Area,
    ContactDetail,
    Membership,
    Organization,
    Person,
    PostcodeArea,
)


def row_count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def nothing_written(session) -> bool:
    return all(
        row_count(session, m) == 0
        for m in (Person, Membership, ContactDetail, Organization, Area, PostcodeArea)
    )


def assert_no_change(report):
    assert report.ok, report.rejected
    assert (report.added, report.updated, report.retired) == (0, 0, 0)
    assert all(not any(numbers.values()) for numbers in report.counts.values()), report.counts


# --- the real data, imported once for the matching tests -------------------------------------


@functools.cache
def read_zccd() -> dict[str, set[tuple[str, int]]]:
    districts = defaultdict(set)
    with shared_file("us-zip-to-district", "zccd.csv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            districts[row["zcta"]].add((row["state_abbr"], int(row["cd"])))
    return districts


def read_house_entries(path):
    return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)


@functools.cache
def read_house() -> dict[tuple[str, int | None], set[str]]:
    """(state, district) -> ids of House members; (state, None) -> ids of its senators."""
    entries = read_house_entries(shared_file("us-congress-legislators", "legislators-current.yaml"))
    members = defaultdict(set)
    for entry in entries:
        term = entry["terms"][-1]
        key = (term["state"], term["district"] if term["type"] == "rep" else None)
        members[key].add(f"us:{entry['id']['bioguide']}")
    return members


@pytest.fixture(scope="module")
def real_directory(tmp_path_factory):
    files = {
        "ep-meps-csv": shared_file("eu-parliament-meps", "meps.csv"),
        "us-legislators": shared_file("us-congress-legislators", "legislators-current.yaml"),
        "us-zccd": shared_file("us-zip-to-district", "zccd.csv"),
    }
    engine = make_database(tmp_path_factory.mktemp("real") / "real.db")
    factory = make_session_factory(engine)
    for key, path in files.items():
        report = run_import(factory, key, path)
        assert report.written and report.ok, (key, report.rejected)
    run_import(factory, "default")
    with factory() as session:
        directory = load_directory(session)
    engine.dispose()
    return directory


def _congress(match):
    """The members of Congress a match found (the US government's offices come beside them)."""
    return [m for m in match.targets if m.target.kind is TargetKind.MP]


def test_zip_inside_one_district(real_directory):
    zips, house = read_zccd(), read_house()
    code = "94110"  # San Francisco, in one district only
    assert len(zips[code]) == 1
    ((state, district),) = zips[code]
    match = real_directory.match("US", code)
    assert match.candidate_areas == ()
    assert "postcode_spans_areas" not in match.notes
    found = [m.target for m in _congress(match)]
    assert {t.id for t in found} == house[(state, district)] | house[(state, None)]
    assert len(house[(state, None)]) == 2
    assert found[0].area == f"{state}-{district}"  # the district's member first
    assert {t.role for t in found[1:]} == {"United States Senator"}
    assert all(t.contact_form or t.channel(ChannelKind.POST) for t in found)


def test_zip_across_two_districts(real_directory):
    zips, house = read_zccd(), read_house()
    code = next(
        z
        for z, areas in sorted(zips.items())
        if len(areas) == 2 and len({s for s, _ in areas}) == 1
    )
    match = real_directory.match("US", code)
    assert "postcode_spans_areas" in match.notes
    labels = sorted(f"{s}-{'AL' if d == 0 else d}" for s, d in zips[code])
    assert list(match.candidate_areas) == labels
    state = next(iter(zips[code]))[0]
    expected = set().union(*(house[a] for a in zips[code])) | house[(state, None)]
    assert {m.target.id for m in _congress(match)} == expected


def test_known_zip_across_two_new_york_districts(real_directory):
    match = real_directory.match("US", "10001-2345")
    assert match.candidate_areas == ("NY-10", "NY-12")


def test_state_senators_by_region(real_directory):
    house = read_house()
    for region in ("US-CA", "CA"):
        match = real_directory.match("US", region=region)
        assert {m.target.id for m in _congress(match)} == house[("CA", None)]
        assert len(_congress(match)) == 2
        assert "postcode_for_district" in match.notes


def test_at_large_state_by_region_includes_its_representative(real_directory):
    house = read_house()
    match = real_directory.match("US", region="US-AK")
    assert {m.target.id for m in _congress(match)} == house[("AK", None)] | house[("AK", 0)]
    assert _congress(match)[0].target.area == "AK-AL"


@pytest.mark.parametrize(
    ("territory", "role"),
    [
        ("PR", "Resident Commissioner"),
        ("GU", "Delegate to the House of Representatives"),
        ("VI", "Delegate to the House of Representatives"),
        ("AS", "Delegate to the House of Representatives"),
        ("MP", "Delegate to the House of Representatives"),
    ],
)
def test_us_territory_as_a_country_gives_its_delegate(real_directory, shared_data, territory,
                                                      role):  # fmt: skip
    house = read_house()
    assert len(house[(territory, 0)]) == 1
    assert not real_directory.needs_postcode(territory)
    match = real_directory.match(territory)
    assert match.country == territory
    assert {m.target.id for m in _congress(match)} == house[(territory, 0)]
    (matched,) = _congress(match)
    assert matched.target.role == role and matched.target.country == "US"
    assert (matched.reason, matched.matched_on) == ("region", f"{territory}-AL")
    # The territory's foreign policy, summits included, is the United States': its government.
    assert {m.target.country for m in match.targets} == {"US"}
    assert match.notes == ()
    # A Puerto Rican ZIP typed with the US chosen finds the same person.
    if territory == "PR":
        assert [m.target.id for m in _congress(real_directory.match("US", "00901"))] == [
            matched.target.id
        ]


def test_notes_on_the_real_data(real_directory, shared_data):
    assert real_directory.match("SN").notes == ("no_data",)  # a summit country with no one yet
    assert real_directory.match("BR").notes == ("no_parliament_data",)
    assert real_directory.match("GB").notes == ("no_parliament_data",)
    # Germany: its digital ministry and MEPs, no national parliament.
    assert real_directory.match("DE").notes == ("no_parliament_data",)
    # Réunion is France: France's MEPs, chosen as an EU member state's.
    reunion = real_directory.match("RE")
    meps = [m for m in reunion.targets if m.target.kind is TargetKind.MEP]
    assert meps and {m.reason for m in meps} == {"eu_member_state"}
    assert {m.target.country for m in reunion.targets} == {"FR"}
    assert real_directory.match("US", "94110").notes == ()


def test_all_meps_of_the_netherlands(real_directory, meps_csv):
    with meps_csv.open(encoding="utf-8", newline="") as f:
        dutch = {f"mep:{r['epid']}" for r in csv.DictReader(f) if r["country"] == "nl"}
    match = real_directory.match("NL")
    meps = next(g for g in match.groups if g.kind is GroupKind.EUROPEAN_PARLIAMENT).targets
    assert {m.target.id for m in meps} == dutch
    assert all(m.reason == "eu_member_state" and m.target.language == "nl" for m in meps)
    assert all(m.target.email.endswith("@europarl.europa.eu") for m in meps)
    assert all(m.target.honorific is None for m in meps)


def test_uk_government_from_the_shipped_data(real_directory):
    match = real_directory.match("GB")
    government = match.groups[0]
    assert government.kind is GroupKind.GOVERNMENT
    # The Secretary of State's office by its title, through the department's public inbox;
    # the Prime Minister's office has no channel a letter can take, so it is not offered.
    (office,) = (m.target for m in government.targets)
    assert (office.name, office.kind, office.by_title) == (
        "Secretary of State for Science, Innovation and Technology", TargetKind.MINISTER, True)
    assert office.email == "enquiries@dsit.gov.uk"


# --- each importer on its real file --------------------------------------------------------


REAL_FILES = {
    "ep-meps-csv": ("eu-parliament-meps", "meps.csv"),
    "us-legislators": ("us-congress-legislators", "legislators-current.yaml"),
    "us-zccd": ("us-zip-to-district", "zccd.csv"),
    "pauseai-contacts": ("pauseai-summits-contacts", "contacts.json"),
}


@pytest.mark.parametrize("key", sorted(REAL_FILES))
def test_reimport_is_idempotent(session, key):
    path = shared_file(*REAL_FILES[key])
    first = IMPORTERS[key](session, path)
    assert first.ok and first.written, first.rejected
    assert first.added > 0
    assert first.seconds < 30
    second = IMPORTERS[key](session, path)
    assert_no_change(second)


def test_default_reimport_is_idempotent(session):
    first = IMPORTERS["default"](session)
    assert first.ok and first.added > 0
    assert_no_change(IMPORTERS["default"](session))


def test_counts_of_real_files(session, meps_csv, legislators_yaml, zccd_csv):
    meps = IMPORTERS["ep-meps-csv"](session, meps_csv)
    with meps_csv.open(encoding="utf-8", newline="") as f:
        assert meps.added == sum(1 for _ in csv.DictReader(f))
    congress = IMPORTERS["us-legislators"](session, legislators_yaml)
    assert congress.added == len(read_house_entries(legislators_yaml))
    zips = IMPORTERS["us-zccd"](session, zccd_csv)
    with zccd_csv.open(encoding="utf-8", newline="") as f:
        assert zips.added == sum(1 for _ in csv.DictReader(f))
    assert row_count(session, PostcodeArea) == zips.added


def test_dry_run_reports_but_writes_nothing(session, meps_csv):
    report = IMPORTERS["ep-meps-csv"](session, meps_csv, dry_run=True)
    assert report.ok and report.dry_run and not report.written
    assert report.added > 700
    assert nothing_written(session)


def test_legislator_with_a_broken_contact_form_is_kept_without_it(session, tmp_path):
    path = tmp_path / "legislators.yaml"
    path.write_text(
        """
- id: {bioguide: F000001}
  name: {first: Fay, last: Example, official_full: Fay Example}
  bio: {gender: F}
  terms:
  - {type: rep, start: '2025-01-03', end: '2027-01-03', state: FL, district: 6, party: Independent,
     contact_form: 'hhttps://example.house.gov/contact', phone: 202-225-0000,
     address: 1 Cannon House Office Building Washington DC 20515}
""",
        encoding="utf-8",
    )
    report = IMPORTERS["us-legislators"](session, path)
    assert report.ok and report.added == 1
    assert report.warnings and "contact form left out" in report.warnings[0][1]
    kinds = set(session.scalars(select(ContactDetail.kind)))
    assert kinds == {ChannelKind.PHONE.value, ChannelKind.POST.value}
    person = session.get(Person, "us:F000001")
    assert (person.gender, person.honorific_prefix) == ("female", "Rep.")


# --- history: people who leave are retired, not deleted -------------------------------------


def test_person_removed_from_the_file_is_retired(session, meps_csv, tmp_path):
    lines = meps_csv.read_text(encoding="utf-8").splitlines(keepends=True)
    gone = next(csv.DictReader(lines[:2]))
    smaller = tmp_path / "meps.csv"
    smaller.write_text("".join(lines[:1] + lines[2:]), encoding="utf-8")

    IMPORTERS["ep-meps-csv"](session, meps_csv)
    report = IMPORTERS["ep-meps-csv"](session, smaller)
    assert report.ok and (report.added, report.updated, report.retired) == (0, 0, 1)
    person = session.get(Person, f"mep:{gone['epid']}")
    assert person is not None and person.retired_at is not None
    (membership,) = person.memberships
    assert membership.end_date is not None
    assert load_directory(session).get(person.id) is None

    # Back in the next file: back in office, with the same id and history kept.
    again = IMPORTERS["ep-meps-csv"](session, meps_csv)
    assert (again.added, again.updated, again.retired) == (0, 1, 0)
    session.refresh(person)
    assert person.retired_at is None
    assert load_directory(session).get(person.id) is not None


def test_mass_retirement_needs_confirmation(session, meps_csv, tmp_path):
    lines = meps_csv.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = lines[:MASS_RETIREMENT_MIN_PEOPLE]  # the header and a few people
    cut = tmp_path / "meps.csv"
    cut.write_text("".join(kept), encoding="utf-8")
    IMPORTERS["ep-meps-csv"](session, meps_csv)
    refused = IMPORTERS["ep-meps-csv"](session, cut)
    assert not refused.ok and not refused.written
    assert "would retire" in refused.rejected[0][1]
    assert session.scalar(select(func.count()).where(Person.retired_at.is_not(None))) == 0
    confirmed = IMPORTERS["ep-meps-csv"](session, cut, allow_mass_retirement=True)
    assert confirmed.written and confirmed.retired == (len(lines) - 1) - (len(kept) - 1)


def test_bounce_survives_reimport(session, meps_csv):
    IMPORTERS["ep-meps-csv"](session, meps_csv)
    contact = session.scalars(
        select(ContactDetail).where(ContactDetail.kind == "email").limit(1)
    ).one()
    session.execute(
        update(ContactDetail)
        .where(ContactDetail.id == contact.id)
        .values(bounced_at=datetime.now(UTC))
    )
    assert_no_change(IMPORTERS["ep-meps-csv"](session, meps_csv))
    session.refresh(contact)
    assert contact.bounced_at is not None
    target = load_directory(session).get(contact.person_id)
    # A bounced address is not offered; someone left with no channel at all is not offered.
    assert target is None or target.email is None


# --- broken copies: rejected with reasons, nothing written -----------------------------------


def broken_meps(meps_csv, tmp_path, how: str):
    text = meps_csv.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    header = lines[0].rstrip("\r\n").split(",")
    path = tmp_path / f"meps-{how}.csv"
    if how == "missing column":
        drop = header.index("email")
        rows = list(csv.reader(lines))
        out = [",".join(f'"{v}"' for i, v in enumerate(r) if i != drop) + "\n" for r in rows]
        path.write_text("".join(out), encoding="utf-8")
    elif how == "bad email":
        rows = list(csv.reader(lines))
        rows[5][header.index("email")] = "not-an-email"
        write_rows(path, rows)
    elif how == "unknown country":
        rows = list(csv.reader(lines))
        rows[7][header.index("country")] = "xx"
        write_rows(path, rows)
    elif how == "duplicate id":
        path.write_text(text.rstrip("\r\n") + "\n" + lines[3], encoding="utf-8")
    elif how == "truncated":
        path.write_text(text[: len(text) // 2], encoding="utf-8")
    elif how == "latin-1":
        path.write_bytes(text.encode("latin-1", errors="replace"))
    return path


def write_rows(path, rows):
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)


@pytest.mark.parametrize(
    ("how", "where", "reason"),
    [
        ("missing column", 0, "missing column(s): email"),
        ("bad email", 6, "bad email 'not-an-email'"),
        ("unknown country", 8, "unknown country 'xx'"),
        ("duplicate id", None, "duplicate id mep:"),
        ("truncated", None, "truncated"),
        ("latin-1", 0, "not UTF-8"),
    ],
)
def test_broken_mep_file_is_rejected_and_nothing_written(
    session, meps_csv, tmp_path, how, where, reason
):
    report = IMPORTERS["ep-meps-csv"](session, broken_meps(meps_csv, tmp_path, how))
    assert not report.ok and not report.written
    assert len(report.rejected) == 1, report.rejected
    line, why = report.rejected[0]
    assert reason in why
    if where is not None:
        assert line == where
    assert nothing_written(session)


def test_truncated_file_after_a_good_import_changes_nothing(session, meps_csv, tmp_path):
    IMPORTERS["ep-meps-csv"](session, meps_csv)
    before = row_count(session, Person)
    report = IMPORTERS["ep-meps-csv"](session, broken_meps(meps_csv, tmp_path, "truncated"))
    assert not report.ok and not report.written
    assert row_count(session, Person) == before
    assert session.scalar(select(func.count()).where(Person.retired_at.is_not(None))) == 0


def test_partial_import_keeps_the_good_rows(session, meps_csv, tmp_path):
    report = IMPORTERS["ep-meps-csv"](
        session, broken_meps(meps_csv, tmp_path, "bad email"), partial=True
    )
    assert report.written and len(report.rejected) == 1
    with meps_csv.open(encoding="utf-8", newline="") as f:
        assert row_count(session, Person) == sum(1 for _ in csv.DictReader(f)) - 1


def test_broken_zccd_rows(session, zccd_csv, tmp_path):
    lines = zccd_csv.read_text(encoding="utf-8").splitlines(keepends=True)
    path = tmp_path / "zccd.csv"
    path.write_text(
        "".join(lines[:3])
        + "99,AL,35004,3\n"
        + "01,AK,35005,6\n"
        + "01,AL,3500,6\n"
        + "01,AL,35006,x\n"
        + lines[1],
        encoding="utf-8",
    )
    report = IMPORTERS["us-zccd"](session, path)
    reasons = [why for _, why in report.rejected]
    assert [line for line, _ in report.rejected] == [4, 5, 6, 7, 8]
    assert "unknown state FIPS code '99'" in reasons[0]
    assert "does not match FIPS" in reasons[1]
    assert "bad ZIP code '3500'" in reasons[2]
    assert "bad district 'x'" in reasons[3]
    assert "duplicate row" in reasons[4]
    assert nothing_written(session)


def test_truncated_yaml_is_rejected(session, legislators_yaml, tmp_path):
    text = legislators_yaml.read_text(encoding="utf-8")
    path = tmp_path / "legislators.yaml"
    path.write_text(text[: len(text) // 3] + "\n  - [unclosed", encoding="utf-8")
    report = IMPORTERS["us-legislators"](session, path)
    assert not report.ok and report.rejected[0][0] == 0
    assert "not valid YAML" in report.rejected[0][1]
    assert nothing_written(session)


def test_legislator_without_a_district_is_rejected(session, legislators_yaml, tmp_path):
    entries = read_house_entries(legislators_yaml)
    rep = next(i for i, e in enumerate(entries) if e["terms"][-1]["type"] == "rep")
    del entries[rep]["terms"][-1]["district"]
    entries.append(entries[0])  # and a duplicate
    path = tmp_path / "legislators.yaml"
    path.write_text(yaml.dump(entries, Dumper=yaml.CSafeDumper), encoding="utf-8")
    report = IMPORTERS["us-legislators"](session, path)
    assert [line for line, _ in report.rejected] == [rep + 1, len(entries)]
    assert "without a district" in report.rejected[0][1]
    assert "duplicate id" in report.rejected[1][1]
    assert nothing_written(session)


def test_pauseai_unknown_country_and_bad_email(session, pauseai_json, tmp_path):
    document = json.loads(pauseai_json.read_text(encoding="utf-8"))
    first, second = list(document["countries"])[:2]
    document["countries"][first]["iso_code"] = "XXX"
    document["countries"][second]["contacts"][0]["email"] = "nobody@"
    path = tmp_path / "contacts.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    report = IMPORTERS["pauseai-contacts"](session, path)
    assert [line for line, _ in report.rejected] == [
        f"countries.{first}",
        f"countries.{second}.contacts[0]",
    ]
    assert "unknown country" in report.rejected[0][1]
    assert "bad email" in report.rejected[1][1]
    assert nothing_written(session)


def test_pauseai_maps_role_types_and_keeps_sources(session, pauseai_json):
    assert IMPORTERS["pauseai-contacts"](session, pauseai_json).ok
    document = json.loads(pauseai_json.read_text(encoding="utf-8"))
    contacts = [c for country in document["countries"].values() for c in country["contacts"]]
    directory = load_directory(session)
    by_name = {
        m.target.name: m.target
        for country in directory.countries()
        for m in directory.match(country).targets
    }
    # Only people with a channel are offered: the rest cannot be written to at all.
    assert set(by_name) == {c["name"] for c in contacts if c["email"]}
    for contact in (c for c in contacts if c["email"]):
        found = by_name[contact["name"]]
        expected = (
            TargetKind.MINISTER
            if contact["role_type"] == "minister"
            else TargetKind.SUMMIT_DELEGATE
        )
        assert found.kind is expected
        assert found.role == contact["title"]
        if contact["email"]:
            assert found.email == contact["email"]
            assert found.channels[0].source_url == contact["source_url"]
            assert found.channels[0].verified_on.isoformat() == contact["verified_date"]
        else:
            assert found.email is None
