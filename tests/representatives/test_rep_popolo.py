"""Popolo JSON: an EveryPolitician-shaped hand-made file, and the Popolo spec's own examples."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from representatives.importers import IMPORTERS
from representatives.model import ChannelKind
from representatives.store import load_directory
from representatives.tables import Area, ContactDetail, Membership, Organization, Person

FIXTURE = Path(__file__).parent / "fixtures" / "popolo-nz.json"
NZ = "popolo:nz:7b9c7e3a-1111-4c3e-9d2a-00000000000"


def run(session, path=FIXTURE, **options):
    options.setdefault("as_of", date(2026, 1, 1))
    return IMPORTERS["popolo-json"](session, path, **options)


def write(tmp_path, document, name="popolo.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def contacts(session, person_id):
    return sorted(
        (c.kind, c.value, c.label)
        for c in session.scalars(
            select(ContactDetail).where(
                ContactDetail.person_id == person_id, ContactDetail.retired_at.is_(None)
            )
        )
    )


def test_everypolitician_shaped_file(session):
    report = run(session, source_url="https://example.org/nz/ep-popolo-v1.0.json")
    assert report.ok and report.written, report.rejected
    assert report.source == "popolo-nz-house-of-representatives"
    # Hemi, Grace and Liam; Mere died in 2025, Tom left in 2024.
    assert {p.id for p in session.scalars(select(Person))} == {f"{NZ}1", f"{NZ}2", f"{NZ}3"}
    assert report.warnings == [
        ("organizations[4]", "'Science and Innovation Committee' (classification 'committee') "
                             "is not a parliament, government or ministry: its 1 current "
                             "membership(s) left out"),
    ]  # fmt: skip

    house = session.get(Organization, "nz:house-of-representatives")
    assert (house.classification, house.country) == ("parliament", "NZ")
    hemi = session.get(Membership, f"{NZ}1@nz:house-of-representatives")
    assert hemi.role == "Member of the House of Representatives"  # "member" says no more
    assert (hemi.party, hemi.area_id, hemi.language) == ("Labour", "NZ-Te Tai Tokerau", "en")
    # The person's own source beats the file's.
    assert hemi.source_url == "https://example.org/nz-parliament/members/hemi-tawhiri"
    assert hemi.verified_on == date(2026, 1, 1)
    area = session.get(Area, "NZ-Te Tai Tokerau")
    assert area.ocd_id == "ocd-division/country:nz/electorate:te_tai_tokerau"
    # Twitter and fax are no way to send a letter.
    assert contacts(session, f"{NZ}1") == [
        ("email", "hemi.tawhiri@example.org", None),
        ("phone", "+64 4 555 0101", "Wellington office"),
    ]

    grace = session.get(Person, f"{NZ}2")
    assert (grace.honorific_prefix, grace.given_name, grace.gender) == ("Dr", "Grace", "female")
    # The address that stopped being valid in 2023 is left out.
    assert contacts(session, f"{NZ}2") == [
        ("email", "grace.whitcombe@example.org", None),
        ("post", "Parliament Buildings, Wellington 6160", None),
    ]
    grace_membership = grace.memberships[0]
    assert grace_membership.source_url == "https://example.org/nz/ep-popolo-v1.0.json"

    liam = session.get(Membership, f"{NZ}3@nz:house-of-representatives")
    assert (liam.party, liam.area_id) == ("Green", None)  # a list member: the whole country


def test_as_of_decides_who_is_current(session):
    report = run(session, as_of=date(2024, 6, 1))
    assert report.ok
    ids = {p.id for p in session.scalars(select(Person))}
    assert ids == {f"{NZ}{n}" for n in range(1, 6)}
    assert contacts(session, f"{NZ}5") == [
        ("contact_form", "https://example.org/ashby/contact", "Contact form"),
        ("email", "tom.ashby@example.org", None),
    ]
    # Tom's first membership was in the 53rd Parliament, which is over; the 54th counts.
    (tom,) = session.scalars(select(Membership).where(Membership.person_id == f"{NZ}5"))
    assert tom.start_date == date(2023, 12, 5)


def test_matching_constituency_and_list_members(session):
    run(session)
    directory = load_directory(session)
    match = directory.match("NZ")
    assert [m.target.name for m in match.targets] == ["Liam Fergusson"]
    assert match.notes == ("no_government_data", "no_postcode_data")
    assert directory.get(f"{NZ}1").area == "Te Tai Tokerau"


def test_reimport_changes_nothing_and_country_option_wins(session):
    assert run(session).ok
    again = run(session)
    assert (again.added, again.updated, again.retired) == (0, 0, 0)
    assert all(not any(n.values()) for n in again.counts.values())


# --- the Popolo spec's examples (synthetic people, from popolo-spec) --------------------------


def spec(shared_data, name):
    return json.loads((shared_data / "popolo-spec" / "examples" / name).read_text("utf-8"))


@pytest.fixture
def spec_collection(shared_data):
    """The flat examples as one collection: person, organization, membership, post, area."""
    return {
        "persons": [spec(shared_data, "person.json")],
        "organizations": [spec(shared_data, "organization.json")],
        "memberships": [spec(shared_data, "membership.json")],
        "posts": [spec(shared_data, "post.json")],
        "areas": [spec(shared_data, "area.json")],
    }


def test_spec_examples_parse_and_a_corporation_is_no_body(session, tmp_path, spec_collection):
    # The examples' dates are in the past; on a day inside the membership it is current.
    report = run(session, write(tmp_path, spec_collection), as_of=date(1971, 6, 1))
    assert report.ok, report.rejected
    assert report.added == 0
    assert report.warnings == [
        ("organizations[0]", "'ABC, Inc.' (classification 'Corporation') is not a parliament, "
                             "government or ministry: its 1 current membership(s) left out"),
        (0, "nobody in this file holds a current role on 1971-06-01"),
    ]  # fmt: skip
    # Today everything in the examples is over: nobody is current, and nothing is refused.
    today = run(session, write(tmp_path, spec_collection))
    assert today.ok and today.added == 0
    assert today.warnings[0][1].startswith("nobody in this file holds a current role")


def test_spec_examples_as_a_legislature(session, tmp_path, spec_collection):
    spec_collection["organizations"][0]["classification"] = "legislature"
    report = run(session, write(tmp_path, spec_collection), as_of=date(1971, 6, 1))
    assert report.ok and report.added == 1, (report.rejected, report.warnings)
    # The country comes from the area's Open Civic Data id.
    assert report.source == "popolo-us-abc-inc"
    person = session.get(Person, "popolo:us:john-q-public")
    assert (person.name, person.gender) == ("Mr. John Q. Public, Esq.", "male")
    (membership,) = person.memberships
    assert (membership.role, membership.organization_id) == ("Kitchen assistant", "us:abc-inc")
    assert membership.start_date == date(1970, 1, 1)  # "1970-01"
    assert membership.source_url is None
    # Person's email and mobile, and the membership's (and its post's) take-out line, once.
    assert contacts(session, person.id) == [
        ("email", "jqpublic@xyz.example.com", None),
        ("phone", "+1-555-555-0100", "Mobile number"),
        ("phone", "+1-800-555-0199", "Take-out and delivery"),
    ]
    (toll_free,) = session.scalars(
        select(ContactDetail).where(ContactDetail.organization_id == "us:abc-inc")
    )
    assert (toll_free.kind, toll_free.label) == ("phone", "Toll-free number")
    # On the person's death in 2010 the membership stops being current, whatever its dates.
    spec_collection["memberships"][0]["end_date"] = None
    late = run(session, write(tmp_path, spec_collection), as_of=date(2011, 1, 1))
    assert late.retired == 1


def test_spec_embedded_memberships_are_lifted_and_deduplicated(session, tmp_path, shared_data):
    person = spec(shared_data, "embedding-person.json")
    organization = spec(shared_data, "embedding-organization.json")
    organization["classification"] = "legislature"
    document = {"persons": [person], "organizations": [organization]}
    report = run(session, write(tmp_path, document), country="US", as_of=date(1975, 1, 1))
    assert report.ok and report.added == 1, (report.rejected, report.warnings)
    assert report.warnings == []  # 593 and 700 listed in both places, read once each
    (membership,) = session.scalars(select(Membership))
    assert membership.role == "Chef"
    assert membership.start_date == date(1972, 1, 1)


def test_spec_embedded_objects_in_a_membership(session, tmp_path, shared_data):
    document = {"memberships": [spec(shared_data, "embedding-membership.json")]}
    report = run(session, write(tmp_path, document), country="US", as_of=date(1975, 1, 1))
    # The embedded organization says nothing of what it is: it is not taken for a body.
    assert report.ok
    assert "classification None" in report.warnings[0][1]
    document["memberships"][0]["organization"]["classification"] = "legislature"
    report = run(session, write(tmp_path, document), country="US", as_of=date(1975, 1, 1))
    assert report.ok and report.added == 1
    assert session.get(Person, "popolo:us:john-q-public").name == "Mr. John Q. Public, Esq."


def test_spec_post_memberships_need_their_person(session, tmp_path, shared_data):
    document = {"posts": [spec(shared_data, "embedding-post.json")]}
    report = run(session, write(tmp_path, document), country="US", as_of=date(1975, 1, 1))
    assert report.rejected == [
        ("posts[0].memberships[0]", "unknown person 'john-q-public'"),
    ]
    document["persons"] = [spec(shared_data, "person.json")]
    document["posts"][0]["organization"]["classification"] = "legislature"
    report = run(session, write(tmp_path, document), country="US", as_of=date(1975, 1, 1))
    assert report.ok and report.added == 1
    (membership,) = session.scalars(select(Membership))
    assert (membership.role, membership.organization_id) == ("Chef", "us:abc-inc")


def test_spec_contact_detail_types(session, tmp_path, shared_data):
    detail = spec(shared_data, "contact_detail.json")  # "voice", valid 1970-01 to 1971-12-31
    document = {
        "persons": [{"id": "p1", "name": "Pat Example", "contact_details": [detail]}],
        "organizations": [{"id": "h", "name": "House", "classification": "lower house"}],
        "memberships": [{"person_id": "p1", "organization_id": "h"}],
    }
    run(session, write(tmp_path, document), country="US", as_of=date(1971, 1, 1))
    assert contacts(session, "popolo:us:p1") == [("phone", "+1-555-555-0199;ext=555",
                                                  "Phone number")]  # fmt: skip
    run(session, write(tmp_path, document), country="US", as_of=date(1972, 1, 1))
    assert contacts(session, "popolo:us:p1") == []  # no longer valid


# --- broken files ------------------------------------------------------------------------------


def nothing_written(session) -> bool:
    return session.scalar(select(func.count()).select_from(Person)) == 0


def test_truncated_and_wrong_files(session, tmp_path):
    text = FIXTURE.read_text(encoding="utf-8")
    cut = tmp_path / "cut.json"
    cut.write_text(text[: len(text) // 2], encoding="utf-8")
    assert "not valid JSON" in run(session, cut).rejected[0][1]
    assert "not a Popolo collection" in run(session, write(tmp_path, [1, 2])).rejected[0][1]
    assert "not a Popolo collection" in run(session, write(tmp_path, {"id": "x"})).rejected[0][1]
    assert nothing_written(session)


def test_broken_records_are_rejected_with_where(session, tmp_path):
    document = json.loads(FIXTURE.read_text(encoding="utf-8"))
    for name in ("name", "given_name", "family_name"):
        document["persons"][1][name] = ""
    document["memberships"][0]["person_id"] = "nobody"
    document["memberships"][2]["start_date"] = "05/12/2023"
    document["persons"].append(dict(document["persons"][0]))
    report = run(session, write(tmp_path, document))
    assert sorted(report.rejected) == [
        ("memberships[0]", "unknown person 'nobody'"),
        ("memberships[2]", "bad date (not a date: '05/12/2023'): expected YYYY, YYYY-MM or "
                           "YYYY-MM-DD"),
        ("persons[1]", f"person '{NZ[10:]}2': name is required"),
        ("persons[5]", f"duplicate id '{NZ[10:]}1' (first at persons[0])"),
    ]  # fmt: skip
    assert not report.written and nothing_written(session)
    partial = run(session, write(tmp_path, document), partial=True)
    assert partial.written and partial.added == 0  # every current member had a problem


def test_without_a_country_memberships_are_refused(session, tmp_path):
    document = json.loads(FIXTURE.read_text(encoding="utf-8"))
    for area in document["areas"]:
        area.pop("identifier", None)
    report = run(session, write(tmp_path, document))
    assert len(report.rejected) == 3
    assert all("pass the country" in why for _, why in report.rejected)
    fixed = run(session, write(tmp_path, document), country="NZ")
    assert fixed.ok and fixed.added == 3


def test_bad_email_and_contact_form_are_left_out(session, tmp_path):
    document = json.loads(FIXTURE.read_text(encoding="utf-8"))
    document["persons"][0]["email"] = "hemi@"
    document["persons"][4]["contact_details"][0]["value"] = "example.org/contact"
    report = run(session, write(tmp_path, document), as_of=date(2024, 6, 1))
    assert report.ok
    assert [w for _, w in report.warnings if "contact left out" in w] == [
        f"{NZ}1: contact left out: bad email 'hemi@': There must be something after the @-sign.",
        f"{NZ}5: contact left out: bad URL 'example.org/contact'",
    ]
    assert [c[0] for c in contacts(session, f"{NZ}5")] == [ChannelKind.EMAIL.value]
