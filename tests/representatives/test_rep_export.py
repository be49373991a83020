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
from representatives.model import ChannelKind, TargetKind
from representatives.store import load_targets
from representatives.tables import ContactDetail, Membership

FIXTURES = Path(__file__).parent / "fixtures"


def snapshot(session) -> set:
    """Every target as visitors would find it, channels included."""
    return {
        (t.id, t.name, t.kind, t.role, t.body, t.country, t.language, t.area, t.party,
         t.given_name, t.family_name, t.honorific, t.gender,
         tuple((c.kind, c.value, c.source_url, c.verified_on, c.stored_copy)
               for c in t.channels),
         t.by_title)
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


GOVERNMENT_KINDS = {TargetKind.SUMMIT_DELEGATE, TargetKind.MINISTER,
                    TargetKind.HEAD_OF_GOVERNMENT}


def memberships(session, source) -> set:
    return set(session.execute(
        select(Membership.person_id, Membership.organization_id, Membership.stored_copy)
        .where(Membership.source == source)
    ).all())  # fmt: skip


def test_popolo_export_into_another_database(session, other_session, tmp_path):
    load_samples(session)
    # The shipped offices carry their own channels: give the department an inbox of its own.
    session.add(ContactDetail(organization_id="gb:dsit", kind="email", value="inbox@example.org",
                              label="General enquiries", stored_copy=True, source="default"))
    # Every shipped office was checked on a stored copy: say one was checked live.
    session.execute(update(Membership).where(Membership.person_id == "gb:secretary-of-state-dsit")
                    .values(stored_copy=False))  # fmt: skip
    session.flush()
    path = export_json(session, "default", tmp_path)
    document = json.loads(path.read_text(encoding="utf-8"))
    office = next(p for p in document["persons"] if p["id"] == "gb:secretary-of-state-dsit")
    assert office["by_title"] is True
    assert office["contact_details"][0]["value"] == "enquiries@dsit.gov.uk"
    assert "stored_copy" not in office["contact_details"][0]  # false: left out
    assert all(p.get("by_title", True) is True for p in document["persons"])
    assert IMPORTERS["popolo-json"](other_session, path, source="copy").ok
    # Same people, roles, bodies and channels (the sample parliaments are other sources),
    # offices addressed by title and what was checked on a stored copy only.
    copied = snapshot(other_session)
    assert copied == {t for t in snapshot(session) if t[2] in GOVERNMENT_KINDS}
    assert {t[-1] for t in copied} == {True, False}  # by title, and named holders
    assert {c[-1] for t in copied for c in t[13]} == {True, False}
    # Contact forms whose label does not say so come back as contact forms too.
    forms = [c for p in document["persons"] for c in p.get("contact_details", ())
             if c.get("note") == "contact form"]  # fmt: skip
    assert any("contact" not in c["label"].lower() for c in forms)
    assert len(forms) == sum(c[0] is ChannelKind.CONTACT_FORM for t in copied for c in t[13])
    assert memberships(other_session, "copy") == memberships(session, "default")
    assert {m[2] for m in memberships(session, "default")} == {True, False}
    # Organization inboxes too.
    inbox = other_session.scalars(
        select(ContactDetail).where(ContactDetail.organization_id == "gb:dsit")
    ).one()
    assert (inbox.value, inbox.label, inbox.stored_copy) == (
        "inbox@example.org", "General enquiries", True)


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
    selection = select_rows(session, "default")
    assert write_csv(selection, out) == len(selection.memberships) > 50  # a row per role
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert len(rows) == len(selection.memberships)
    assert list(rows[0]) == list(FIELDS)
    path = tmp_path / "default.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    report = IMPORTERS["generic-csv"](other_session, path, source="copy")
    assert report.ok, report.rejected
    # The CSV keeps who, what, where, every email and the first value of each other channel;
    # per-channel sources and dates become the role's (by_title and stored_copy have no
    # column: generic-csv cannot read them).
    def lean(snap):
        def kept(channels):
            seen: set = set()
            for kind, value, *_ in channels:
                if kind is ChannelKind.EMAIL or kind not in seen:
                    seen.add(kind)
                    yield kind, value

        return {t[:9] + (tuple(kept(t[13])),) for t in snap}

    assert lean(snapshot(other_session)) == lean(
        {t for t in snapshot(session) if t[2] in GOVERNMENT_KINDS}
    )


def test_unknown_key(session):
    IMPORTERS["default"](session)
    with pytest.raises(ExportError, match=r"^no body or source named 'nope'; bodies: ae:ai-office, "
                                          r".*\bgb:dsit\b.*; sources: default$"):
        select_rows(session, "nope")
