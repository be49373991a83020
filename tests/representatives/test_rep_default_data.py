"""The shipped data file: importable on its own, and every fact in it traceable to a source."""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from urllib.parse import urlparse

import pytest
from rep_support import shared_file
from sqlalchemy import select

from database import make_session_factory
from representatives.importers import DEFAULT_DATA, IMPORTERS
from representatives.importers.project import GOVERNMENTS
from representatives.tables import Summit, SummitParticipation

SHIPPED = json.loads(DEFAULT_DATA.read_text(encoding="utf-8"))


def test_shipped_data_imports_on_both_databases(any_engine):
    """PostgreSQL refuses text longer than its column where SQLite takes it: `make run` uses
    SQLite, campaigns PostgreSQL."""
    with make_session_factory(any_engine)() as session:
        report = IMPORTERS["default"](session)
        assert report.ok and report.written, report.rejected
        session.commit()


def test_shipped_data_imports_cleanly(session):
    report = IMPORTERS["default"](session)
    assert report.ok and report.written, report.rejected
    summits = {s.id: s for s in session.scalars(select(Summit))}
    assert set(summits) == {"bletchley-2023", "seoul-2024", "paris-2025", "delhi-2026",
                            "geneva-2027", "uae-2028"}
    assert (summits["bletchley-2023"].host_country, str(summits["bletchley-2023"].start_date)) == (
        "GB",
        "2023-11-01",
    )
    assert summits["paris-2025"].host_country == "FR"
    assert (summits["geneva-2027"].status, summits["geneva-2027"].host_country,
            summits["geneva-2027"].city, summits["geneva-2027"].year) == ("next", "CH", "Geneva",
                                                                           2027)
    assert (summits["uae-2028"].status, summits["uae-2028"].host_country) == ("announced", "AE")
    signed = set(
        session.execute(
            select(SummitParticipation.summit_id, SummitParticipation.country).where(
                SummitParticipation.status == "signed"
            )
        ).all()
    )
    assert ("bletchley-2023", "CN") in signed
    assert ("seoul-2024", "EU") in signed
    # New Delhi's declaration lists its endorsers: endorsed, not signed.
    assert ("delhi-2026", "US") not in signed
    endorsed = session.scalars(select(SummitParticipation.country).where(
        SummitParticipation.summit_id == "delhi-2026", SummitParticipation.status == "endorsed"
    )).all()
    assert "US" in endorsed and "CN" in endorsed
    assert [d["title"] for d in summits["seoul-2024"].documents][0].startswith("Seoul Declaration")
    declined = session.scalars(
        select(SummitParticipation.country).where(SummitParticipation.status == "declined")
    ).all()
    assert sorted(declined) == ["GB", "US"]


def test_participation_matches_the_signatory_list():
    path = shared_file("ai-summits", "signatories.csv")
    with path.open(encoding="utf-8", newline="") as f:
        listed = {
            (r["summit"], r["iso3166_alpha2_or_EU"])
            for r in csv.DictReader(f)
            if r["iso3166_alpha2_or_EU"]
        }
    # Signed or, for New Delhi, endorsed; the list has no Paris signatories (found elsewhere).
    shipped = {
        (p["summit"], country)
        for p in SHIPPED["participation"]
        if p["status"] in ("signed", "endorsed") and p["summit"] in {s for s, _ in listed}
        for country in p["countries"]
    }
    assert shipped == listed


def test_summit_dates_match_the_research():
    research = json.loads(shared_file("ai-summits", "summits.json").read_text(encoding="utf-8"))
    for summit in research["summits"]:
        start, end = re.findall(r"\d{4}-\d{2}-\d{2}", summit["dates"])[:2]
        shipped = next(s for s in SHIPPED["summits"] if s["id"] == summit["id"])
        assert (shipped["start_date"], shipped["end_date"]) == (start, end)


def test_the_next_summits_are_the_ones_announced_at_new_delhi():
    announced = shared_file("ai-summits", "NEXT-SUMMITS.txt").read_text(encoding="utf-8")
    later = [s for s in SHIPPED["summits"] if s.get("status") in ("next", "announced")]
    assert [(s["host_country"], s["year"], s["status"]) for s in later] == [
        ("CH", 2027, "next"), ("AE", 2028, "announced")]
    for summit in later:
        # The reports the research cites, or the host government's own announcement.
        official = (urlparse(summit["source_url"]).hostname or "").endswith(".admin.ch")
        assert summit["source_url"] in announced or official


def _government_files() -> dict[str, dict]:
    return {path.stem: json.loads(path.read_text(encoding="utf-8"))
            for path in sorted(GOVERNMENTS.glob("*.json"))}


def _summit_countries() -> set[str]:
    path = shared_file("ai-summits", "signatories.csv")
    with path.open(encoding="utf-8", newline="") as f:
        return {r["iso3166_alpha2_or_EU"] for r in csv.DictReader(f)} - {"EU", ""}


def test_every_summit_country_has_a_government_file_saying_what_was_searched():
    files = _government_files()
    assert set(files) == {code.lower() for code in _summit_countries()}
    for code, government in files.items():
        assert government["country"] == code.upper()
        assert len(government["searched"]) > 40, code


def test_every_contact_has_its_source_its_check_date_and_the_words_that_show_it():
    for code, government in _government_files().items():
        for office in government["offices"]:
            for contact in office["contacts"]:
                where = f"{code}: {office['id']} {contact['value']}"
                assert contact["source_url"].startswith(("https://", "http://")), where
                assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", contact["verified_on"]), where
                assert isinstance(contact.get("stored_copy"), bool), where
                # The address as the source page shows it, or the research that cites it.
                evidence = contact.get("evidence") or ""
                assert evidence, where
                if contact["kind"] == "email" and contact["stored_copy"]:
                    # NFKC: a page may style an address in mathematical italics.
                    shown = unicodedata.normalize("NFKC", evidence).lower()
                    assert contact["value"].lower() in shown, where


def test_records_checked_only_on_a_stored_copy_are_marked_so():
    stored = [contact["stored_copy"] for government in _government_files().values()
              for office in government["offices"] for contact in office["contacts"]]
    assert stored and all(isinstance(flag, bool) for flag in stored)
    # The UK inbox comes from the campaign's own research, checked on the live page.
    uk = _government_files()["gb"]["offices"]
    inbox = next(c for o in uk for c in o["contacts"] if c["value"] == "enquiries@dsit.gov.uk")
    assert inbox["stored_copy"] is False and inbox["verified_on"] == "2026-01-11"


def test_people_who_left_office_are_gone():
    """The UK's data named two people who left the department in the September 2025
    reshuffle, and Australia's six officials had no channel and an unverified source."""
    shipped = (DEFAULT_DATA.read_text(encoding="utf-8")
               + "".join(p.read_text(encoding="utf-8") for p in GOVERNMENTS.glob("*.json")))
    for gone in ("Peter Kyle", "Feryal Clark", "AI Safety Institute", "Helen Wilson",
                 "Julie Inman Grant"):
        assert f'"{gone}"' not in shipped


def test_holders_are_named_only_from_recent_sources():
    for code, government in _government_files().items():
        for office in government["offices"]:
            holder = office.get("holder")
            if holder:
                assert holder["as_of"] >= "2025-10-01", f"{code}: {holder['name']}"
                assert holder["source_url"].startswith("http"), f"{code}: {holder['name']}"


@pytest.mark.parametrize(
    "broken",
    ["{", '{"format": "other"}', '{"format": "treaty-letters/representatives", "version": 2}'],
)
def test_broken_project_files(session, tmp_path, broken):
    path = tmp_path / "data.json"
    path.write_text(broken, encoding="utf-8")
    report = IMPORTERS["default"](session, path)
    assert not report.ok and report.rejected[0][0] == 0
    assert session.scalars(select(Summit)).first() is None


def test_invalid_records_are_named(session, tmp_path):
    document = json.loads(json.dumps(SHIPPED))
    document["participation"][0]["countries"].append("XX")
    person = {"id": "gov:gb:someone", "name": "Someone",
              "memberships": [{"organization": "gb:dsit", "kind": "minister", "role": "Minister",
                               "country": "GB", "language": "en"}], "contacts": []}
    document["organizations"] = [{"id": "gb:dsit", "name": "DSIT", "classification": "ministry",
                                  "country": "GB", "contacts": []}]
    document["people"] = [
        {**person, "memberships": [{**person["memberships"][0], "organization": "gb:nowhere"}]},
        {**person, "id": "gov:gb:other", "contacts": [{"kind": "email", "value": "not an email"}]},
    ]
    path = tmp_path / "data.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    report = IMPORTERS["default"](session, path)
    assert [where for where, _ in report.rejected] == ["participation[0]", "people[0]", "people[1]"]
    reasons = " ".join(why for _, why in report.rejected)
    assert "unknown country 'XX'" in reasons
    assert "unknown organization 'gb:nowhere'" in reasons
    assert "bad email" in reasons
    assert session.scalars(select(Summit)).first() is None
