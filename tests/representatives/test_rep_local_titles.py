"""An office's title and its organisation's name in the country's own language: kept by the
importers, written back by the export, and shown to readers (and used in letters) of that
language only."""

from __future__ import annotations

import io
import json

import pytest
from rep_support import make_database
from sqlalchemy import select

from database import make_session_factory
from representatives.export import select_rows, write_popolo
from representatives.importers import IMPORTERS
from representatives.model import Channel, ChannelKind, Target, TargetKind
from representatives.store import load_directory
from representatives.tables import STAFF_SOURCE, Membership, Organization

CHECKED = "2026-12-03"
ELYSEE = "fr:presidency"


def _office(office_id: str, title: str, country: str, language: str, *,
            local_title=None, organization: dict | None = None, holder=None) -> dict:
    return {
        "id": office_id, "kind": "head_of_government", "title": title,
        "local_title": local_title, "country": country, "language": language,
        "organization": organization or {"id": f"{office_id}-office",
                                         "name": f"Office of the {title}"},
        "source_url": f"https://gov.example/{office_id}", "verified_on": CHECKED,
        "stored_copy": False, "holder": holder,
        "contacts": [{"kind": "email", "value": f"{office_id.replace(':', '-')}@gov.example",
                      "source_url": f"https://gov.example/{office_id}/contact",
                      "verified_on": CHECKED}],
    }


# As representatives/data/governments/fr.json gives it, with a made-up address.
PRESIDENT = _office(
    "fr:president", "President of the Republic", "FR", "fr",
    local_title="Président de la République",
    organization={"id": ELYSEE, "name": "Presidency of the Republic",
                  "local_name": "Présidence de la République (Palais de l'Élysée)"})
# An office that writes in English, whose local title is in another of its country's
# languages (as ca.json gives Canada's).
CANADA = _office(
    "ca:prime-minister", "Prime Minister of Canada", "CA", "en",
    local_title="Premier ministre du Canada",
    organization={"id": "ca:pmo", "name": "Office of the Prime Minister",
                  "local_name": "Cabinet du Premier ministre"})
BRAZIL = _office(
    "br:president", "President of the Republic", "BR", "pt-BR",
    local_title="Presidente da República",
    organization={"id": "br:presidency", "name": "Presidency of the Republic",
                  "local_name": "Presidência da República"})
NAMED = _office(
    "pl:prime-minister", "Prime Minister", "PL", "pl", local_title="Prezes Rady Ministrów",
    holder={"name": "Anna Example", "source_url": "https://gov.example/pl",
            "as_of": "2026-10-01"})


def _document(*offices: dict) -> dict:
    return {"format": "treaty-letters/representatives", "version": 1, "summits": [],
            "participation": [], "organizations": [], "people": [], "offices": list(offices)}


def _import(session, tmp_path, document: dict, **options):
    path = tmp_path / "offices.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    report = IMPORTERS["default"](session, path, **options)
    session.commit()
    return report


def test_the_importer_keeps_the_local_title_and_organisation_name(session, tmp_path):
    report = _import(session, tmp_path, _document(PRESIDENT, NAMED))
    assert report.ok, report.rejected
    office = session.get(Membership, f"fr:president@{ELYSEE}")
    assert (office.role, office.local_role) == ("President of the Republic",
                                                "Président de la République")
    body = session.get(Organization, ELYSEE)
    assert (body.name, body.local_name) == (
        "Presidency of the Republic", "Présidence de la République (Palais de l'Élysée)")
    target = load_directory(session).get("fr:president")
    assert (target.local_role, target.local_body) == (
        "Président de la République", "Présidence de la République (Palais de l'Élysée)")
    # Imported again unchanged: nothing to write.
    again = _import(session, tmp_path, _document(PRESIDENT, NAMED))
    assert (again.added, again.updated) == (0, 0), again.counts


def test_a_local_title_the_file_drops_or_changes_is_written(session, tmp_path):
    _import(session, tmp_path, _document(PRESIDENT))
    without = {**PRESIDENT, "local_title": None,
               "organization": {"id": ELYSEE, "name": "Presidency of the Republic"}}
    report = _import(session, tmp_path, _document(without))
    assert report.ok and report.updated == 1, report.counts
    session.expire_all()
    assert session.get(Membership, f"fr:president@{ELYSEE}").local_role is None
    assert session.get(Organization, ELYSEE).local_name is None


@pytest.mark.parametrize(("change", "reason"), [
    ({"local_title": 42}, "local_title is text or absent, not 42"),
    ({"organization": {"id": ELYSEE, "name": "Presidency", "local_name": ["Présidence"]}},
     "organization.local_name is text or absent, not ['Présidence']"),
])
def test_a_local_title_or_name_that_is_not_text_is_refused(session, tmp_path, change, reason):
    report = _import(session, tmp_path, _document({**PRESIDENT, **change}))
    reasons = " | ".join(why for _, why in report.rejected)
    assert reason in reasons
    assert session.scalars(select(Membership)).first() is None  # nothing written half-way


def test_a_local_title_too_long_for_its_column_is_refused(session, tmp_path):
    report = _import(session, tmp_path, _document({**PRESIDENT, "local_title": "x" * 301}))
    assert "local_role is 301 characters long; at most 300 fit" in " | ".join(
        why for _, why in report.rejected)


def test_the_shipped_french_offices_keep_their_french_titles(session):
    assert IMPORTERS["default"](session).ok
    target = load_directory(session).get("fr:president")
    assert target.role_in("fr") == "Président de la République"
    assert target.name_in("fr") == "Président de la République"
    assert target.role_in("en") == target.name_in("de") == "President of the Republic"


def test_readers_of_the_offices_language_get_its_own_title_and_others_the_english(
        session, tmp_path):
    _import(session, tmp_path, _document(PRESIDENT, CANADA, BRAZIL, NAMED))
    directory = load_directory(session)
    president = directory.get("fr:president")
    assert (president.name_in("fr"), president.role_in("fr"), president.body_in("fr")) == (
        "Président de la République", "Président de la République",
        "Présidence de la République (Palais de l'Élysée)")
    for other in ("en", "de", "nl"):
        assert (president.name_in(other), president.role_in(other),
                president.body_in(other)) == ("President of the Republic",
                                              "President of the Republic",
                                              "Presidency of the Republic")
    # A region is part of the same language, either way round.
    brazil = directory.get("br:president")
    assert brazil.role_in("pt") == brazil.role_in("pt-br") == "Presidente da República"
    # The data's titles are English: an office writing in English keeps them, and its local
    # title (in another of its country's languages) is shown to nobody.
    canada = directory.get("ca:prime-minister")
    assert {canada.name_in(lang) for lang in ("en", "fr", "en-CA")} == {
        "Prime Minister of Canada"}
    # A named holder keeps their name; their role follows the reader.
    named = directory.get("pl:prime-minister:anna-example")
    assert named.name_in("pl") == named.name_in("en") == "Anna Example"
    assert (named.role_in("pl"), named.role_in("en")) == ("Prezes Rady Ministrów",
                                                          "Prime Minister")


def test_without_local_titles_every_reader_gets_the_english_ones():
    target = Target(id="a", name="Minister", kind=TargetKind.MINISTER, role="Minister",
                    body="Ministry", country="PL", language="pl", by_title=True,
                    channels=(Channel(ChannelKind.EMAIL, "a@gov.example"),))
    assert (target.name_in("pl"), target.role_in("pl"), target.body_in("pl")) == (
        "Minister", "Minister", "Ministry")


def test_the_popolo_export_writes_them_and_reads_back_to_the_same_rows(session, tmp_path):
    _import(session, tmp_path, _document(PRESIDENT, NAMED))
    out = io.StringIO()
    write_popolo(select_rows(session, "default"), out)
    document = json.loads(out.getvalue())
    [membership] = [m for m in document["memberships"] if m["person_id"] == "fr:president"]
    assert membership["local_role"] == "Président de la République"
    [body] = [o for o in document["organizations"] if o["id"] == ELYSEE]
    assert body["local_name"] == "Présidence de la République (Palais de l'Élysée)"
    path = tmp_path / "export.json"
    path.write_text(out.getvalue(), encoding="utf-8")

    engine = make_database(tmp_path / "other.db")
    with make_session_factory(engine)() as other:
        assert IMPORTERS["popolo-json"](other, path, source="copy").ok
        other.commit()
        copied = load_directory(other)
        for target_id in ("fr:president", "pl:prime-minister:anna-example"):
            before, after = load_directory(session).get(target_id), copied.get(target_id)
            assert (after.local_role, after.local_body) == (before.local_role,
                                                            before.local_body)
        assert copied.get("fr:president").role_in("fr") == "Président de la République"
        # Read back into the same database: nothing changes.
        report = IMPORTERS["popolo-json"](other, path, source="copy")
        assert (report.added, report.updated) == (0, 0), report.counts
    engine.dispose()


def test_a_file_that_gives_no_local_titles_leaves_the_known_ones(session, tmp_path):
    """A Popolo file of another source, without local titles, naming the same body."""
    _import(session, tmp_path, _document(PRESIDENT))
    out = io.StringIO()
    write_popolo(select_rows(session, "default"), out)
    document = json.loads(out.getvalue())
    for membership in document["memberships"]:
        membership.pop("local_role", None)
    for organization in document["organizations"]:
        organization.pop("local_name", None)
    path = tmp_path / "plain.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    assert IMPORTERS["popolo-json"](session, path, source="default").ok
    session.commit()
    session.expire_all()
    assert session.get(Membership, f"fr:president@{ELYSEE}").local_role == (
        "Président de la République")
    assert session.get(Organization, ELYSEE).local_name.startswith("Présidence")


def test_staff_corrections_of_local_titles_survive_a_re_import(session, tmp_path):
    _import(session, tmp_path, _document(PRESIDENT))
    office = session.get(Membership, f"fr:president@{ELYSEE}")
    office.local_role, office.source = "Présidente de la République", STAFF_SOURCE
    body = session.get(Organization, ELYSEE)
    body.local_name, body.source = "Présidence de la République", STAFF_SOURCE
    session.commit()

    report = _import(session, tmp_path, _document(PRESIDENT))
    assert report.ok, report.rejected
    session.expire_all()
    assert session.get(Membership, f"fr:president@{ELYSEE}").local_role == (
        "Présidente de la République")
    assert session.get(Organization, ELYSEE).local_name == "Présidence de la République"
    assert dict(report.kept) == {
        f"membership fr:president@{ELYSEE}": "kept as staff edited it; the file differs",
        f"organization {ELYSEE}": "kept as staff edited it; the file differs",
    }
