"""Export: a body or a source written out, and read back in by the importers unchanged."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rep_support import make_database
from sqlalchemy import select, update

from database import make_session_factory
from representatives.export import ExportError, select_rows, to_popolo, write_csv, write_popolo
from representatives.importers import IMPORTERS
from representatives.importers.generic_csv import FIELDS
from representatives.store import load_targets
from representatives.tables import ContactDetail

FIXTURES = Path(__file__).parent / "fixtures"


def snapshot(session) -> set:
    """Every target as visitors would find it, channels included."""
    return {
        (t.id, t.name, t.kind, t.role, t.body, t.country, t.language, t.area, t.party,
         t.given_name, t.family_name, t.honorific, t.gender,
         tuple((c.kind, c.value, c.source_url, c.verified_on) for c in t.channels))
        for t in load_targets(session)
    }  # fmt: skip


@pytest.fixture
def other_session(tmp_path):
    engine = make_database(tmp_path / "other.db")
    with make_session_factory(engine)() as session:
        yield session
    engine.dispose()


def load_samples(session):
    IMPORTERS["default"](session)
    IMPORTERS["everypolitician-csv"](session, FIXTURES / "everypolitician-ie-dail.csv",
                                     country="IE", source_url="https://example.org/ie.csv")
    IMPORTERS["popolo-json"](session, FIXTURES / "popolo-nz.json")  # fmt: skip


def export_json(session, key, tmp_path) -> Path:
    out = io.StringIO()
    write_popolo(select_rows(session, key), out)
    path = tmp_path / f"{key.replace(':', '_')}.json"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def test_a_source_reimported_from_its_export_changes_nothing(session, tmp_path):
    load_samples(session)
    before = snapshot(session)
    # (Not "default": it also holds the summits, which are no Popolo.)
    for source in ("everypolitician-ie-dail-eireann", "popolo-nz-house-of-representatives"):
        path = export_json(session, source, tmp_path)
        report = IMPORTERS["popolo-json"](session, path, source=source)
        assert report.ok, report.rejected
        assert (report.added, report.updated, report.retired) == (0, 0, 0), (source, report.counts)
        assert all(not any(n.values()) for n in report.counts.values()), report.counts
    assert snapshot(session) == before


def test_popolo_export_into_another_database(session, other_session, tmp_path):
    load_samples(session)
    path = export_json(session, "default", tmp_path)
    assert IMPORTERS["popolo-json"](other_session, path, source="copy").ok
    # Same people, roles, bodies and channels; organization inboxes too.
    assert snapshot(other_session) == {
        t for t in snapshot(session) if t[0].startswith("gov:")
    }
    inbox = other_session.scalars(
        select(ContactDetail).where(ContactDetail.organization_id == "gb:dsit")
    ).one()
    assert (inbox.value, inbox.label) == ("enquiries@dsit.gov.uk", "General enquiries")


def test_us_congress_round_trip_keeps_areas(session, other_session, tmp_path, shared_data):
    IMPORTERS["us-legislators"](
        session, shared_data / "us-congress-legislators" / "legislators-current.yaml"
    )
    path = export_json(session, "us-legislators", tmp_path)
    document = json.loads(path.read_text(encoding="utf-8"))
    assert len(document["persons"]) == 537
    assert {"id": "US-CA-12", "name": "California, district 12", "classification": "district",
            "parent_id": "US-CA", "identifier": "ocd-division/country:us/state:ca/cd:12"} in (
        document["areas"])  # fmt: skip
    report = IMPORTERS["popolo-json"](other_session, path, source="us-legislators")
    assert report.ok and report.added == 537, (report.rejected[:3], report.warnings[:3])
    assert snapshot(other_session) == snapshot(session)


def test_body_export_and_parties(session):
    load_samples(session)
    document = to_popolo(select_rows(session, "ie:dail-eireann"))
    assert document["meta"]["selection"] == {"kind": "organization", "key": "ie:dail-eireann"}
    assert len(document["memberships"]) == 5
    parties = {o["name"] for o in document["organizations"] if o["classification"] == "party"}
    assert parties == {"Fianna Fáil", "Fine Gael", "Sinn Féin", "Independent"}
    aoife = next(m for m in document["memberships"] if "0001" in m["person_id"])
    assert aoife["area_id"] == "IE-Dublin Bay North"
    assert aoife["sources"] == [{"url": "https://example.org/ie.csv"}]


def test_bounced_and_retired_contacts_are_not_exported(session):
    IMPORTERS["default"](session)
    session.execute(
        update(ContactDetail)
        .where(ContactDetail.value == "enquiries@dsit.gov.uk")
        .values(bounced_at=datetime.now(UTC))
    )
    text = json.dumps(to_popolo(select_rows(session, "gb:dsit")))
    assert "enquiries@dsit.gov.uk" not in text


def test_csv_export_reads_back_through_generic_csv(session, other_session, tmp_path):
    load_samples(session)
    out = io.StringIO()
    assert write_csv(select_rows(session, "default"), out) == 10
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert list(rows[0]) == list(FIELDS)
    path = tmp_path / "default.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    report = IMPORTERS["generic-csv"](other_session, path, source="copy")
    assert report.ok, report.rejected
    # The CSV keeps who, what, where and each channel's value; per-channel sources and dates
    # become the role's.
    def lean(snap):
        return {t[:9] + (tuple(c[:2] for c in t[13]),) for t in snap}

    assert lean(snapshot(other_session)) == lean(
        {t for t in snapshot(session) if t[0].startswith("gov:")}
    )


def test_unknown_key(session):
    IMPORTERS["default"](session)
    with pytest.raises(ExportError, match="no body or source named 'nope'; bodies: au:dfat"):
        select_rows(session, "nope")
