"""From the tables to the Directory, on small files written here (no shared data needed)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select, update

from representatives.importers import DEFAULT_DATA, IMPORTERS, run_import
from representatives.importers.project import GOVERNMENTS
from representatives.model import ChannelKind, GroupKind, TargetKind
from representatives.store import directory_version, load_directory, load_targets
from representatives.tables import ContactDetail, ImportRun, Membership, Person

LEGISLATORS = """
- id: {bioguide: S000001}
  name: {first: Sara, last: Senator, official_full: Sara Senator}
  bio: {gender: F}
  terms:
  - {type: rep, start: '2015-01-03', end: '2017-01-03', state: CA, district: 3, party: Democrat}
  - {type: sen, start: '2025-01-03', end: '2031-01-03', state: CA, party: Democrat,
     contact_form: 'https://senator.example.gov/contact', phone: 202-224-0001,
     address: 1 Hart Senate Office Building Washington DC 20510}
- id: {bioguide: S000002}
  name: {first: Sid, last: Second}
  bio: {gender: M}
  terms:
  - {type: sen, start: '2023-01-03', end: '2029-01-03', state: CA, party: Republican,
     phone: 202-224-0002}
- id: {bioguide: H000012}
  name: {first: Hana, last: Twelve}
  bio: {gender: F}
  terms:
  - {type: rep, start: '2025-01-03', end: '2027-01-03', state: CA, district: 12, party: Democrat,
     phone: 202-225-0012}
- id: {bioguide: H000099}
  name: {first: Ari, last: Large}
  bio: {}
  terms:
  - {type: rep, start: '2025-01-03', end: '2027-01-03', state: AK, district: 0, party: Republican,
     phone: 202-225-0099}
- id: {bioguide: D000001}
  name: {first: Dee, last: Delegate}
  terms:
  - {type: rep, start: '2025-01-03', end: '2027-01-03', state: DC, district: 0, party: Democrat,
     address: 2 Rayburn House Office Building Washington DC 20515}
"""
ZCCD = (
    "state_fips,state_abbr,zcta,cd\n06,CA,94612,12\n06,CA,94613,12\n06,CA,94613,3\n02,AK,99501,0\n"
)


@pytest.fixture
def us_files(tmp_path):
    legislators = tmp_path / "legislators.yaml"
    legislators.write_text(LEGISLATORS, encoding="utf-8")
    zccd = tmp_path / "zccd.csv"
    zccd.write_text(ZCCD, encoding="utf-8")
    return legislators, zccd


def test_us_members_by_zip_and_region(session, us_files):
    legislators, zccd = us_files
    assert IMPORTERS["us-legislators"](session, legislators).added == 5
    assert IMPORTERS["us-zccd"](session, zccd).added == 4
    directory = load_directory(session)
    assert directory.needs_postcode("US")

    match = directory.match("US", "94612")
    assert [(m.target.id, m.matched_on) for m in match.targets] == [
        ("us:H000012", "CA-12"),
        ("us:S000002", "CA"),
        ("us:S000001", "CA"),
    ]
    senator = directory.get("us:S000001")
    assert senator.kind is TargetKind.MP and senator.role == "United States Senator"
    assert senator.body == "United States Senate" and senator.area == "CA"
    assert (
        senator.honorific == "Sen." and senator.gender == "female" and senator.party == "Democrat"
    )
    assert [c.kind for c in senator.channels] == [
        ChannelKind.CONTACT_FORM,
        ChannelKind.POST,
        ChannelKind.PHONE,
    ]
    assert senator.email is None  # Congress takes messages through web forms

    # CA-3 has no member in this file: its candidate area is still listed.
    spans = directory.match("US", "94613")
    assert spans.candidate_areas == ("CA-12", "CA-3")
    assert "postcode_spans_areas" in spans.notes

    alaska = directory.match("US", region="AK")
    assert [m.target.id for m in alaska.targets] == ["us:H000099"]
    assert alaska.targets[0].target.area == "AK-AL"
    delegate = directory.match("US", region="US-DC").targets[0].target
    assert delegate.role == "Delegate to the House of Representatives"
    assert delegate.honorific is None


def test_a_reload_keeps_the_targets_that_did_not_change(session, us_files):
    legislators, zccd = us_files
    IMPORTERS["us-legislators"](session, legislators)
    IMPORTERS["us-zccd"](session, zccd)
    before = load_directory(session)
    session.execute(update(Membership).where(Membership.person_id == "us:S000002")
                    .values(party="Independent"))  # fmt: skip
    session.execute(update(ContactDetail).where(ContactDetail.person_id == "us:H000099")
                    .values(value="202-225-9999"))  # fmt: skip
    after = load_directory(session, previous=before)

    # What did not change is the object the directory in use holds, not a copy of it.
    for unchanged in ("us:S000001", "us:H000012", "us:D000001"):
        assert after.packed(unchanged) is before.packed(unchanged)
        assert after.get(unchanged) == before.get(unchanged)
    assert after.get("us:S000002").party == "Independent"
    assert after.get("us:H000099").channels[0].value == "202-225-9999"
    assert before.get("us:S000002").party == "Republican"  # the one in use is left as it was
    # Otherwise the same as a directory loaded afresh.
    fresh = load_directory(session)
    assert sorted(after.targets(), key=lambda t: t.id) == sorted(fresh.targets(),
                                                                 key=lambda t: t.id)
    for postcode in ("94612", "94613", "99501"):
        assert after.match("US", postcode) == fresh.match("US", postcode)
    assert after.match("US", region="CA") == fresh.match("US", region="CA")


def test_members_by_district_without_zip_data(session, us_files):
    legislators, _ = us_files
    IMPORTERS["us-legislators"](session, legislators)
    directory = load_directory(session)
    # Without the ZIP table no visitor could give a postcode that works: none is asked for.
    assert not directory.needs_postcode("US")
    match = directory.match("US", "94612")
    assert match.targets == ()
    assert match.notes == ("no_government_data", "no_parliament_data", "no_postcode_data")


def test_government_from_the_shipped_data(session):
    report = IMPORTERS["default"](session)
    assert report.ok, report.rejected
    directory = load_directory(session)
    # Every country with an office that has some channel; an office with none is no target.
    reachable = {
        government["country"]
        for government in (json.loads(path.read_text(encoding="utf-8"))
                           for path in GOVERNMENTS.glob("*.json"))
        if any(office["contacts"] for office in government["offices"])
    }  # fmt: skip
    assert {"GB", "AU", "CH"} <= reachable
    assert directory.countries() == frozenset(reachable)
    assert all(t.channels for t in load_targets(session))
    assert not directory.needs_postcode("GB")
    match = directory.match("GB")
    assert [g.kind for g in match.groups] == [GroupKind.GOVERNMENT]
    # The Prime Minister's office has no channel in the data: only the department's is left.
    assert [m.target.id for m in match.targets] == ["gb:secretary-of-state-dsit"]
    assert directory.get("gb:prime-minister") is None
    office = directory.get("gb:secretary-of-state-dsit")
    assert office.kind is TargetKind.MINISTER and office.by_title
    assert office.name == office.role == "Secretary of State for Science, Innovation and Technology"
    assert office.body == "Department for Science, Innovation and Technology"
    (email,) = office.channels
    assert (email.value, email.verified_on) == ("enquiries@dsit.gov.uk", date(2026, 1, 11))
    assert email.source_url.startswith("https://www.gov.uk/")
    assert email.stored_copy is False  # checked on the live page
    # A named holder is a person, greeted by name.
    (holder,) = [m.target for m in directory.match("KG").targets]
    assert (holder.name, holder.kind, holder.by_title) == (
        "Adylbek Kasymaliev", TargetKind.HEAD_OF_GOVERNMENT, False)
    # The next summit's host, offered beside the visitor's own government.
    assert directory.next_summit_host == "CH"
    both = directory.match("GB", with_next_host=True)
    assert [g.kind for g in both.groups] == [GroupKind.GOVERNMENT, GroupKind.NEXT_SUMMIT_HOST]
    assert {m.target.country for m in both.groups[1].targets} == {"CH"}
    assert [g.kind for g in directory.match("CH", with_next_host=True).groups] == [
        GroupKind.GOVERNMENT]


def test_person_with_two_roles_is_two_targets(session):
    IMPORTERS["default"](session)
    session.add(
        Membership(
            id="gb:secretary-of-state-dsit@gb:pmo",
            person_id="gb:secretary-of-state-dsit",
            organization_id="gb:pmo",
            kind="summit_delegate",
            role="Head of delegation",
            country="GB",
            language="en",
            source="test",
        )
    )
    session.flush()
    directory = load_directory(session)
    assert directory.get("gb:secretary-of-state-dsit") is None
    assert directory.get("gb:secretary-of-state-dsit@gb:dsit").kind is TargetKind.MINISTER
    assert directory.get("gb:secretary-of-state-dsit@gb:pmo").role == "Head of delegation"


def test_retired_people_ended_roles_and_bounced_addresses_are_left_out(session):
    IMPORTERS["default"](session)
    now = datetime.now(UTC)
    session.execute(update(Person).where(Person.id == "de:minister-digital").values(retired_at=now))
    session.execute(
        update(Membership)
        .where(Membership.person_id == "ca:minister-ai")
        .values(end_date=date(2026, 1, 31))
    )
    session.execute(
        update(ContactDetail)
        .where(ContactDetail.person_id.in_(("pl:minister-digital-affairs",
                                            "gb:secretary-of-state-dsit")),
               ContactDetail.kind == "email")
        .values(bounced_at=now)
    )  # fmt: skip
    directory = load_directory(session)
    assert directory.get("de:minister-digital") is None
    assert directory.get("ca:minister-ai") is None
    # A bounced address is left out; whoever has no other channel cannot be written to at all.
    assert [c.kind for c in directory.get("pl:minister-digital-affairs").channels] == [
        ChannelKind.POST]
    assert directory.get("gb:secretary-of-state-dsit") is None
    assert directory.get("pl:head-of-government").email is not None


def test_directory_version_follows_changes(session_factory):
    with session_factory() as session:
        empty = directory_version(session)
    run_import(session_factory, "default")
    with session_factory() as session:
        loaded = directory_version(session)
    assert loaded != empty

    unchanged = run_import(session_factory, "default")
    assert unchanged.written and unchanged.updated == 0
    with session_factory() as session:
        assert directory_version(session) == loaded
        assert len(session.scalars(select(ImportRun)).all()) == 2  # both runs are on record

        contact = session.scalars(select(ContactDetail).limit(1)).one()
        contact.bounced_at = datetime.now(UTC)
        session.commit()
        assert directory_version(session) != loaded


def test_run_import_commits_only_what_was_accepted(session_factory, tmp_path):
    broken = tmp_path / "default.json"
    broken.write_text('{"format": "treaty-letters/representatives", "version": 1, "people": [{}]}')
    report = run_import(session_factory, "default", broken)
    assert not report.ok and not report.written
    assert "people[0]" in report.rejected[0][0]
    with session_factory() as session:
        assert session.scalars(select(Person)).first() is None


def test_command_line(engine, capsys):
    from representatives.importers.__main__ import main

    url = engine.url.render_as_string(hide_password=False)
    assert main(["default", "--database-url", url, "--dry-run"]) == 0
    assert "dry run" in capsys.readouterr().out
    assert main(["default", "--database-url", url]) == 0
    assert main(["us-zccd", str(DEFAULT_DATA), "--database-url", url]) == 1
    assert "missing column" in capsys.readouterr().err
