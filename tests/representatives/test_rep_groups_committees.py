"""A membership's political group and committee seats (issue 23): read by the importers, kept
through re-imports and staff corrections, loaded into the targets, exported and read back."""

from __future__ import annotations

import io
import json
from collections import Counter

import pytest

from database import make_session_factory
from representatives.committees import (
    committee_choices,
    committee_name,
    format_seats,
    parse_seats,
)
from representatives.export import select_rows, write_csv, write_popolo
from representatives.importers import IMPORTERS
from representatives.importers.europarl import parse_meps
from representatives.importers.generic_csv import ColumnMapping, parse_generic_csv
from representatives.importers.popolo import parse_popolo
from representatives.model import CommitteeSeat
from representatives.store import load_targets
from representatives.tables import STAFF_SOURCE, Membership

HEADER = "epid,country,first_name,last_name,email,eugroup,party,AFET,ITRE,LIBE,SANT\n"
# Pasquale Tridico's seats as the real file has them: member, chair, substitute.
TRIDICO = "mep:257133"
TRIDICO_SEATS = (CommitteeSeat("CONT", "member"), CommitteeSeat("ECON", "member"),
                 CommitteeSeat("FISC", "chair"), CommitteeSeat("TRAN", "substitute"))


def test_the_mep_file_gives_each_member_their_group_and_seats_by_code():
    data = parse_meps(
        HEADER
        + "1,de,Anna,MÜLLER,anna.mueller@europarl.europa.eu,Greens/EFA,GRÜNE,S,M,V,\n"
        + "2,de,Ben,SCHMIDT,ben.schmidt@europarl.europa.eu,,,,,,\n"
    )
    assert not data.rejected
    anna, ben = data.memberships["mep:1@ep"], data.memberships["mep:2@ep"]
    assert anna["political_group"] == "Greens/EFA"
    assert anna["committees"] == [{"code": "AFET", "role": "substitute"},
                                  {"code": "ITRE", "role": "member"},
                                  {"code": "LIBE", "role": "vice-chair"}]
    assert (ben["political_group"], ben["committees"]) == (None, None)


def test_a_seat_the_file_does_not_know_rejects_the_row_and_says_which():
    data = parse_meps(HEADER + "1,de,Anna,MÜLLER,anna@europarl.europa.eu,EPP,CDU,,X,,\n")
    [(line, reason)] = data.rejected
    assert line == 2 and "bad seat 'X' in committee ITRE" in reason


@pytest.fixture
def session(any_engine):
    with make_session_factory(any_engine)() as session:
        yield session


def targets_by_id(session):
    return {t.id: t for t in load_targets(session)}


def test_the_real_file_loads_groups_and_committees_into_the_targets(session, meps_csv):
    report = IMPORTERS["ep-meps-csv"](session, meps_csv)
    assert report.ok and report.written, report.rejected[:3]
    session.commit()
    targets = targets_by_id(session)
    tridico = targets[TRIDICO]
    assert tridico.political_group == "GUE/NGL"
    assert tridico.committees == TRIDICO_SEATS
    assert tridico.committee_codes == ("CONT", "ECON", "FISC", "TRAN")
    german = [t for t in targets.values() if t.country == "DE"]
    assert len(german) == 96
    assert Counter(t.political_group for t in german)["Greens/EFA"] == 15
    assert all(t.political_group for t in german)
    assert Counter(t.political_group for t in german)["Non-attached"] == 10
    assert sum("ITRE" in t.committee_codes for t in german) == 23
    # The filter's options: the committees these members sit on, named.
    choices = dict(committee_choices(german))
    assert choices["ITRE"] == "Industry, Research and Energy"
    assert "AIDA" not in choices  # a committee of the last term nobody sits on now

    # Importing the same file again changes nothing.
    again = IMPORTERS["ep-meps-csv"](session, meps_csv)
    assert (again.added, again.updated, again.retired) == (0, 0, 0), again.counts


def test_a_group_staff_corrected_survives_a_re_import(session, meps_csv):
    assert IMPORTERS["ep-meps-csv"](session, meps_csv).ok
    office = session.get(Membership, f"{TRIDICO}@ep")
    office.political_group, office.source = "Renew", STAFF_SOURCE
    session.commit()
    report = IMPORTERS["ep-meps-csv"](session, meps_csv)
    assert report.ok and report.updated == 0
    assert (f"membership {TRIDICO}@ep", "kept as staff edited it; the file differs") in (
        report.kept)
    session.commit()
    assert targets_by_id(session)[TRIDICO].political_group == "Renew"


def sheet(tmp_path, text: str):
    path = tmp_path / "sheet.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_sheet_gives_group_and_committees_in_its_own_words(session, tmp_path):
    path = sheet(tmp_path, (
        "name,kind,role,body,country,email,group,committees\n"
        "Eva Berg,mp,Member of the Riksdag,Riksdag,SE,eva@riksdagen.example,S,"
        "Digital Affairs (chair); Finance\n"
    ))
    report = IMPORTERS["generic-csv"](session, path)
    assert report.ok, report.rejected
    session.commit()
    [eva] = load_targets(session)
    assert eva.political_group == "S"
    assert eva.committees == (CommitteeSeat("Digital Affairs", "chair"),
                              CommitteeSeat("Finance", "member"))
    # A name that is no code of the European Parliament's is its own name.
    assert committee_name("Digital Affairs") == "Digital Affairs"


@pytest.mark.parametrize(("cell", "problem"), [
    ("ITRE (rapporteur)", "bad committee role 'rapporteur' for ITRE"),
    ("ITRE; ITRE (substitute)", "committee ITRE is listed twice"),
    ("IT|RE", "bad committee 'IT|RE'"),
])
def test_a_committee_the_sheet_writes_wrongly_rejects_the_row(cell, problem):
    data = parse_generic_csv(
        "name,kind,role,body,country,committees\n"
        f"Eva Berg,mp,Member,Riksdag,SE,{cell}\n", ColumnMapping())
    [(line, reason)] = data.rejected
    assert line == 2 and problem in reason, reason


def test_a_sheet_without_those_columns_leaves_the_parliament_s_as_they_are(
        session, meps_csv, tmp_path):
    assert IMPORTERS["ep-meps-csv"](session, meps_csv).ok
    session.commit()
    # A campaign's own sheet listing the same member, to give them a priority.
    path = sheet(tmp_path, (
        "id,name,kind,role,body,country,email,priority\n"
        f"{TRIDICO},Pasquale TRIDICO,mep,Member of the European Parliament,"
        "European Parliament,IT,pasquale.tridico@europarl.europa.eu,3\n"
    ))
    report = IMPORTERS["generic-csv"](session, path, partial=True)
    assert report.ok, report.rejected
    session.commit()
    tridico = targets_by_id(session)[TRIDICO]
    assert tridico.priority == 3
    assert (tridico.political_group, tridico.committees) == ("GUE/NGL", TRIDICO_SEATS)


def test_exports_carry_group_and_committees_back_to_the_importers(session, meps_csv):
    assert IMPORTERS["ep-meps-csv"](session, meps_csv).ok
    session.commit()
    selection = select_rows(session, "ep")
    wanted = {m.id: (m.political_group, m.committees) for m in selection.memberships}

    out = io.StringIO()
    write_popolo(selection, out)
    document = json.loads(out.getvalue())
    record = next(m for m in document["memberships"] if m["person_id"] == TRIDICO)
    assert record["political_group"] == "GUE/NGL"
    assert {"code": "FISC", "role": "chair"} in record["committees"]
    data, _ = parse_popolo(out.getvalue())
    assert not data.rejected, data.rejected[:3]
    # A member of no committee has none in the export (empty fields are left out).
    assert {k: (m.get("political_group"), m.get("committees"))
            for k, m in data.memberships.items()} == wanted

    out = io.StringIO()
    write_csv(selection, out)
    assert "CONT; ECON; FISC (chair); TRAN (substitute)" in out.getvalue()
    data = parse_generic_csv(out.getvalue(), ColumnMapping())
    assert not data.rejected, data.rejected[:3]
    assert {k: (m["political_group"], m["committees"])
            for k, m in data.memberships.items()} == wanted


def test_popolo_committees_that_are_not_seats_reject_the_membership():
    document = {
        "persons": [{"id": "p1", "name": "Eva Berg"}],
        "organizations": [{"id": "riksdag", "name": "Riksdag", "classification": "legislature"}],
        "memberships": [{"person_id": "p1", "organization_id": "riksdag", "country": "SE",
                         "committees": [{"code": "FiU", "role": "boss"}]}],
    }
    data, _ = parse_popolo(json.dumps(document))
    [(where, reason)] = data.rejected
    assert where == "memberships[0]" and "bad committees entry" in reason
    assert not data.memberships


def test_seats_read_back_as_they_are_written():
    seats, problems = parse_seats(" ITRE ;LIBE (Substitute); AFET (vice-chair);; ")
    assert not problems
    assert seats == [CommitteeSeat("ITRE"), CommitteeSeat("LIBE", "substitute"),
                     CommitteeSeat("AFET", "vice-chair")]
    assert format_seats(seats) == "ITRE; LIBE (substitute); AFET (vice-chair)"
    assert parse_seats(format_seats(seats)) == (seats, [])
    assert parse_seats("") == ([], [])

