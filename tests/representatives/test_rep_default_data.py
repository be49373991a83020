"""The shipped data file: importable on its own, and every fact in it traceable to a source."""

from __future__ import annotations

import csv
import json
import re

import pytest
from rep_support import shared_file
from sqlalchemy import select

from representatives.importers import DEFAULT_DATA, IMPORTERS
from representatives.tables import Summit, SummitParticipation

SHIPPED = json.loads(DEFAULT_DATA.read_text(encoding="utf-8"))


def test_shipped_data_imports_cleanly(session):
    report = IMPORTERS["default"](session)
    assert report.ok and report.written, report.rejected
    summits = {s.id: s for s in session.scalars(select(Summit))}
    assert set(summits) == {"bletchley-2023", "seoul-2024", "paris-2025", "delhi-2026"}
    assert (summits["bletchley-2023"].host_country, str(summits["bletchley-2023"].start_date)) == (
        "GB",
        "2023-11-01",
    )
    assert summits["paris-2025"].host_country == "FR"
    signed = set(
        session.execute(
            select(SummitParticipation.summit_id, SummitParticipation.country).where(
                SummitParticipation.status == "signed"
            )
        ).all()
    )
    assert ("bletchley-2023", "CN") in signed
    assert ("seoul-2024", "EU") in signed
    assert ("delhi-2026", "US") in signed
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
    shipped = {
        (p["summit"], country)
        for p in SHIPPED["participation"]
        if p["status"] == "signed"
        for country in p["countries"]
    }
    assert shipped == listed


def test_summit_dates_match_the_research():
    research = json.loads(shared_file("ai-summits", "summits.json").read_text(encoding="utf-8"))
    for summit in research["summits"]:
        start, end = re.findall(r"\d{4}-\d{2}-\d{2}", summit["dates"])[:2]
        shipped = next(s for s in SHIPPED["summits"] if s["id"] == summit["id"])
        assert (shipped["start_date"], shipped["end_date"]) == (start, end)


def test_no_contact_or_url_is_invented():
    """Every email, URL and person in the shipped file appears in the research files."""
    sources = "".join(
        shared_file(*parts).read_text(encoding="utf-8")
        for parts in (
            ("pauseai-summits-contacts", "contacts.json"),
            ("ai-summits", "summits.json"),
            ("ai-summits", "signatories.csv"),
        )
    )
    shipped = DEFAULT_DATA.read_text(encoding="utf-8")
    urls = set(re.findall(r'https?://[^"\s]+', shipped))
    emails = set(re.findall(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", shipped))
    assert urls and emails
    for value in urls | emails | {p["name"] for p in SHIPPED["people"]}:
        assert value in sources, f"{value} is not in the research files"


def test_people_without_a_cited_email_have_no_email():
    contacts = json.loads(
        shared_file("pauseai-summits-contacts", "contacts.json").read_text(encoding="utf-8")
    )
    cited = {
        c["name"]: c["email"]
        for country in contacts["countries"].values()
        for c in country["contacts"]
    }
    for person in SHIPPED["people"]:
        emails = [c["value"] for c in person["contacts"] if c["kind"] == "email"]
        assert emails == ([cited[person["name"]]] if cited[person["name"]] else [])


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
    document["people"][0]["memberships"][0]["organization"] = "gb:nowhere"
    document["people"][1]["contacts"][0]["value"] = "not an email"
    path = tmp_path / "data.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    report = IMPORTERS["default"](session, path)
    assert [where for where, _ in report.rejected] == ["participation[0]", "people[0]", "people[1]"]
    reasons = " ".join(why for _, why in report.rejected)
    assert "unknown country 'XX'" in reasons
    assert "unknown organization 'gb:nowhere'" in reasons
    assert "bad email" in reasons
    assert session.scalars(select(Summit)).first() is None
