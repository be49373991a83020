"""Offices in the project's format: named holders or the office by its title, records checked on
a stored copy, summits announced after the last one held, and the next host offered to all."""

from __future__ import annotations

import json

from sqlalchemy import select

from letters.salutations import salutation
from representatives.directory import Directory
from representatives.importers import IMPORTERS
from representatives.model import Channel, ChannelKind, GroupKind, Target, TargetKind
from representatives.store import load_directory
from representatives.tables import ContactDetail, Membership, Person, Summit

CHECKED = "2026-12-03"


def _office(office_id: str, kind: str, title: str, country: str, language: str, *,
            holder: dict | None = None, contacts: list | None = None) -> dict:
    return {
        "id": office_id, "kind": kind, "title": title, "country": country,
        "language": language, "local_title": None,
        "organization": {"id": f"{office_id}-office", "name": f"Office of the {title}"},
        "source_url": f"https://gov.example/{office_id}", "verified_on": CHECKED,
        "stored_copy": True, "holder": holder,
        "contacts": contacts if contacts is not None else [{
            "kind": "email", "value": f"{office_id.replace(':', '-')}@gov.example",
            "source_url": f"https://gov.example/{office_id}/contact", "verified_on": CHECKED,
            "stored_copy": True,
        }],
    }


def _document(*offices: dict, summits: list | None = None) -> dict:
    return {
        "format": "treaty-letters/representatives", "version": 1,
        "summits": summits if summits is not None else [
            {"id": "delhi-2026", "name": "India AI Impact Summit", "host_country": "IN",
             "city": "New Delhi", "start_date": "2026-02-16", "end_date": "2026-02-20"},
            {"id": "geneva-2027", "name": "AI Summit Geneva", "host_country": "CH",
             "city": "Geneva", "status": "next", "year": 2027},
            {"id": "uae-2028", "name": "AI Summit 2028", "host_country": "AE", "city": "",
             "status": "announced", "year": 2028},
        ],
        "participation": [], "organizations": [], "people": [],
        "offices": list(offices),
    }


def _import(session, tmp_path, document: dict):
    path = tmp_path / "offices.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    report = IMPORTERS["default"](session, path)
    session.commit()
    return report


OFFICES = (
    _office("pl:minister-digital", "minister", "Minister of Digital Affairs", "PL", "pl"),
    _office("pl:prime-minister", "head_of_government", "Prime Minister", "PL", "pl"),
    _office("ch:federal-council", "head_of_government", "Federal Council", "CH", "de"),
    _office("ch:detec", "minister", "Head of DETEC", "CH", "de",
            holder={"name": "Anna Example", "given_name": "Anna", "family_name": "Example",
                    "source_url": "https://gov.example/ch", "as_of": "2026-10-01"}),
    # An office nobody can be reached at: kept in the data, never offered.
    _office("jp:minister-digital", "minister", "Minister for Digital Transformation", "JP",
            "ja", contacts=[]),
)


def test_an_office_without_a_named_holder_is_a_target_addressed_by_title(session, tmp_path):
    report = _import(session, tmp_path, _document(*OFFICES))
    assert report.ok, report.rejected
    office = session.get(Person, "pl:minister-digital")
    assert (office.name, office.by_title) == ("Minister of Digital Affairs", True)
    named = session.get(Person, "ch:detec:anna-example")
    assert (named.name, named.family_name, named.by_title) == ("Anna Example", "Example", False)
    membership = session.scalars(
        select(Membership).where(Membership.person_id == "pl:minister-digital")).one()
    assert (membership.kind, membership.role, membership.stored_copy) == (
        "minister", "Minister of Digital Affairs", True)
    contact = session.scalars(
        select(ContactDetail).where(ContactDetail.person_id == "pl:minister-digital")).one()
    assert (contact.stored_copy, str(contact.verified_on)) == (True, CHECKED)
    target = load_directory(session).get("pl:minister-digital")
    assert target.by_title and target.channels[0].stored_copy
    assert salutation(target, "en") == "Dear Minister,"
    assert salutation(target, "pl").startswith("Szanown")
    assert "Digital" not in salutation(target, "de")  # never the title as if it were a name


def test_a_named_holder_replaces_the_office_and_a_reshuffle_retires_them(session, tmp_path):
    _import(session, tmp_path, _document(*OFFICES))
    moved = _office("ch:detec", "minister", "Head of DETEC", "CH", "de",
                    holder={"name": "Bea Other", "source_url": "https://gov.example/ch",
                            "as_of": "2026-11-20"})
    report = _import(session, tmp_path, _document(*OFFICES[:3], moved, OFFICES[4]))
    assert report.ok, report.rejected
    assert session.get(Person, "ch:detec:anna-example").retired_at is not None
    directory = load_directory(session)
    assert directory.get("ch:detec:anna-example") is None
    assert directory.get("ch:detec:bea-other").name == "Bea Other"


def test_summits_after_the_last_held_one_have_no_dates(session, tmp_path):
    assert _import(session, tmp_path, _document(*OFFICES)).ok
    summits = {s.id: s for s in session.scalars(select(Summit))}
    assert (summits["geneva-2027"].status, summits["geneva-2027"].year,
            summits["geneva-2027"].start_date) == ("next", 2027, None)
    assert summits["delhi-2026"].status == "held" and summits["delhi-2026"].year == 2026
    assert load_directory(session).next_summit_host == "CH"


def test_invalid_offices_and_summits_are_refused_with_their_reasons(session, tmp_path):
    bad_kind = _office("xx:one", "king", "King", "PL", "pl")
    bad_url = _office("pl:two", "minister", "Minister", "PL", "pl", contacts=[
        {"kind": "contact_form", "value": "www.no-scheme.example", "source_url": None}])
    summits = [
        {"id": "a", "name": "A", "host_country": "CH", "city": "X", "status": "next",
         "year": 2027},
        {"id": "b", "name": "B", "host_country": "AE", "city": "Y", "status": "next",
         "year": 2028},
        {"id": "c", "name": "C", "host_country": "FR", "city": "Paris"},  # held, no dates
    ]
    report = _import(session, tmp_path, _document(bad_kind, bad_url, summits=summits))
    reasons = " | ".join(why for _, why in report.rejected)
    assert "unknown kind 'king'" in reasons
    assert "www.no-scheme.example" in reasons
    assert "only one summit can be the next" in reasons
    assert "start_date and end_date are required" in reasons
    assert session.scalars(select(Person)).first() is None  # nothing written half-way


def test_an_office_with_a_bad_check_date_or_flag_is_refused(session, tmp_path):
    bad_date = {**_office("pl:one", "minister", "Minister", "PL", "pl"), "verified_on": "soon"}
    bad_flag = {**_office("pl:two", "minister", "Minister", "PL", "pl"), "stored_copy": "yes"}
    bad_kind = {**_office("pl:three", "minister", "Minister", "PL", "pl"), "kind": ["minister"]}
    report = _import(session, tmp_path, _document(bad_date, bad_flag, bad_kind))
    reasons = " | ".join(why for _, why in report.rejected)
    assert "bad date in verified_on: 'soon'" in reasons
    assert "stored_copy is true or false, not 'yes'" in reasons
    assert "unknown kind ['minister']" in reasons
    assert session.scalars(select(Person)).first() is None


def test_targets_that_cannot_be_reached_at_all_are_not_offered(session, tmp_path):
    _import(session, tmp_path, _document(*OFFICES))
    directory = load_directory(session)
    assert directory.get("jp:minister-digital") is None
    assert "JP" not in directory.countries()


def test_the_next_host_is_offered_after_the_supporters_own_government(session, tmp_path):
    _import(session, tmp_path, _document(*OFFICES))
    directory = load_directory(session)

    polish = directory.match("PL", with_next_host=True)
    assert [g.kind for g in polish.groups] == [GroupKind.GOVERNMENT, GroupKind.NEXT_SUMMIT_HOST]
    host = polish.groups[1].targets
    assert {m.target.id for m in host} == {"ch:federal-council", "ch:detec:anna-example"}
    assert {(m.reason, m.matched_on) for m in host} == {("next_summit_host", "CH")}
    assert [g.kind for g in directory.match("PL").groups] == [GroupKind.GOVERNMENT]

    # A country with nobody of its own still has someone to write to, and says so.
    japanese = directory.match("JP", with_next_host=True)
    assert [g.kind for g in japanese.groups] == [GroupKind.NEXT_SUMMIT_HOST]
    assert japanese.notes[0] == "no_data"

    # The host's own supporters write to their government once, not twice.
    swiss = directory.match("CH", with_next_host=True)
    assert [g.kind for g in swiss.groups] == [GroupKind.GOVERNMENT]


def test_groups_by_country_say_what_each_country_can_do(session, tmp_path):
    by_post = _office("fr:pm", "head_of_government", "Prime Minister", "FR", "fr", contacts=[
        {"kind": "post", "value": "57 rue de Varenne, Paris", "source_url": "https://gov.example/fr",
         "verified_on": CHECKED}])
    by_phone = _office("it:pm", "head_of_government", "Prime Minister", "IT", "it", contacts=[
        {"kind": "phone", "value": "+39 06 0000", "source_url": "https://gov.example/it",
         "verified_on": CHECKED}])
    _import(session, tmp_path, _document(*OFFICES, by_post, by_phone))
    directory = load_directory(session)
    reach = directory.groups_by_country({TargetKind.MINISTER, TargetKind.HEAD_OF_GOVERNMENT})
    assert reach["PL"] == {GroupKind.GOVERNMENT: True}
    assert "JP" not in reach
    assert reach["FR"] == {GroupKind.GOVERNMENT: False}  # a letter on paper still reaches it
    assert "IT" not in reach  # a phone number takes no letter
    assert directory.groups_by_country({TargetKind.MEP}) == {}


def test_heads_of_government_are_greeted_by_office_in_english():
    def head(role: str, **names) -> Target:
        return Target(id="x", name=names.get("name", role), kind=TargetKind.HEAD_OF_GOVERNMENT,
                      role=role, body="Office", country="NG", language="en",
                      channels=(Channel(ChannelKind.EMAIL, "x@gov.example"),),
                      by_title="name" not in names,
                      given_name=names.get("given"), family_name=names.get("family"))

    assert salutation(head("Prime Minister"), "en") == "Dear Prime Minister,"
    assert salutation(head("Taoiseach"), "en") == "Dear Taoiseach,"
    assert salutation(head("President of the Republic"), "en") == "Your Excellency,"
    named = head("President of the Federal Republic", name="Bola Tinubu", given="Bola",
                 family="Tinubu")
    assert salutation(named, "en") == "Dear President Tinubu,"


def test_a_directory_without_a_next_summit_offers_no_host():
    target = Target(id="a", name="A", kind=TargetKind.MINISTER, role="Minister", body="M",
                    country="PL", language="pl",
                    channels=(Channel(ChannelKind.EMAIL, "a@gov.example"),))
    directory = Directory([target])
    assert directory.next_summit_host is None
    assert [g.kind for g in directory.match("PL", with_next_host=True).groups] == [
        GroupKind.GOVERNMENT]


def test_a_holder_named_in_another_script_gets_an_id_of_their_own(session, tmp_path):
    office = _office("cn:premier", "head_of_government", "Premier", "CN", "zh",
                     holder={"name": "李强", "source_url": "https://gov.example/cn",
                             "as_of": "2026-10-01"})
    assert _import(session, tmp_path, _document(office)).ok
    (person,) = session.scalars(select(Person)).all()
    assert person.id.startswith("cn:premier:") and person.id != "cn:premier:"
    assert person.name == "李强"
