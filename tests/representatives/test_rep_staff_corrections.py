"""A re-import leaves the people, roles and contacts staff corrected on the data desk as staff
left them, and its report says which (issue 22). The staff edits are made here as the desk
writes them (source "staff", the imported address kept on a corrected contact); the desk's own
operations are tested in tests/staff/test_desk_corrections.py.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from database import make_session_factory
from representatives.importers import IMPORTERS
from representatives.importers.generic_csv import load_mapping
from representatives.tables import STAFF_SOURCE, ContactDetail, Membership, Person
from tests.apps import make_config, migrate_database
from webapp import create_app
from webapp.app_state import app_state

FIXTURES = Path(__file__).parent / "fixtures"
SHEET = FIXTURES / "campaign-contacts.csv"
MAPPING = load_mapping(FIXTURES / "campaign-mapping.toml")
MARIA, PIETER = "gov:nl:maria-jansen", "gov:nl:pieter-de-boer"
MINISTRY = "nl:ministerie-van-economische-zaken"
STAFF = "editor@campaign.example"
CORRECTED = "m.jansen@ezk.example.org"
STAFF_CHECK = date(2026, 3, 1)  # later than the sheet's checks


def run(session, path: Path = SHEET, **options):
    return IMPORTERS["generic-csv"](session, path, mapping=MAPPING, **options)


@pytest.fixture
def session(any_engine):
    with make_session_factory(any_engine)() as session:
        report = run(session)
        assert report.ok and report.written, report.rejected
        session.commit()
        yield session


def contacts(session, person_id: str) -> set[tuple[str, str, bool]]:
    """(kind, value, retired) of each of a person's contact rows."""
    return {(c.kind, c.value, c.retired_at is not None) for c in session.scalars(
        select(ContactDetail).where(ContactDetail.person_id == person_id))}


def contact(session, person_id: str, kind: str) -> ContactDetail:
    return session.scalars(select(ContactDetail).where(
        ContactDetail.person_id == person_id, ContactDetail.kind == kind)).one()


def correct_maria(session) -> None:
    """What the desk writes: Maria's address and name corrected, Pieter's role reworded and his
    postal address retired."""
    email = contact(session, MARIA, "email")
    email.imported_kind, email.imported_value = email.kind, email.value
    email.value, email.verified_on, email.checked_by = CORRECTED, STAFF_CHECK, STAFF
    email.source = STAFF_SOURCE
    maria = session.get(Person, MARIA)
    maria.name, maria.source = "Maria Jansen-Smit", STAFF_SOURCE
    office = session.get(Membership, f"{PIETER}@{MINISTRY}")
    office.role, office.source = "Head of the Dutch AI delegation", STAFF_SOURCE
    post = contact(session, PIETER, "post")
    post.retired_at, post.source = datetime.now(UTC), STAFF_SOURCE
    session.commit()


def kept(report) -> dict[str, str]:
    return dict(report.kept)


def test_a_re_import_after_staff_corrections_changes_nothing_staff_did(session):
    correct_maria(session)

    report = run(session)
    assert report.ok and report.written, report.rejected
    session.commit()
    session.expire_all()

    assert (report.added, report.updated, report.retired) == (0, 0, 0)
    assert {t: c for t, c in report.counts.items() if any(c.values())} == {}
    # The old address is not added back beside the corrected one.
    assert contacts(session, MARIA) == {("email", CORRECTED, False)}
    email = contact(session, MARIA, "email")
    assert (email.verified_on, email.checked_by, email.source) == (STAFF_CHECK, STAFF,
                                                                   STAFF_SOURCE)
    assert session.get(Person, MARIA).name == "Maria Jansen-Smit"
    assert session.get(Membership, f"{PIETER}@{MINISTRY}").role == (
        "Head of the Dutch AI delegation")
    # Retired by staff: not brought back by the file that still lists it.
    assert ("post", "Bezuidenhoutseweg 73, 2594 AC Den Haag", True) in contacts(session, PIETER)

    assert kept(report) == {
        f"contact_detail {MARIA} email maria.jansen@example.org":
            f"corrected by staff to email {CORRECTED}; not added back",
        f"person {MARIA}": "kept as staff edited it; the file differs",
        f"membership {PIETER}@{MINISTRY}": "kept as staff edited it; the file differs",
        f"contact_detail {PIETER} post Bezuidenhoutseweg 73, 2594 AC Den Haag":
            "retired by staff; kept retired",
    }
    assert "4 kept as staff left them" in report.summary()


def test_a_person_staff_retired_stays_retired_with_their_office_ended(session):
    maria = session.get(Person, MARIA)
    maria.retired_at, maria.source = datetime.now(UTC), STAFF_SOURCE
    office = session.get(Membership, f"{MARIA}@{MINISTRY}")
    office.end_date, office.source = date(2026, 2, 1), STAFF_SOURCE
    session.commit()

    report = run(session)
    assert report.ok and report.written
    session.commit()
    session.expire_all()
    assert session.get(Person, MARIA).retired_at is not None
    assert session.get(Membership, f"{MARIA}@{MINISTRY}").end_date == date(2026, 2, 1)
    assert (report.added, report.updated, report.retired) == (0, 0, 0)
    assert kept(report) == {f"person {MARIA}": "retired by staff; kept retired",
                            f"membership {MARIA}@{MINISTRY}": "ended by staff; kept ended"}


def test_what_is_new_in_the_file_is_still_written_beside_staff_corrections(session, tmp_path):
    correct_maria(session)
    # The source now gives Maria a phone number, Pieter a new e-mail address and Jan a newer
    # source page: all of it the file's own news, written as before.
    text = SHEET.read_text(encoding="utf-8")
    text = text.replace("maria.jansen@example.org,,,,", "maria.jansen@example.org,,,+31 70 1,")
    text = text.replace("p.deboer@example.org", "pieter.deboer@example.org")
    text = text.replace("https://example.org/ep/novak", "https://example.org/ep/jan-novak")
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(text, encoding="utf-8")

    report = run(session, sheet)
    assert report.ok and report.written, report.rejected
    session.commit()
    session.expire_all()
    assert contacts(session, MARIA) == {("email", CORRECTED, False), ("phone", "+31 70 1", False)}
    pieter = contacts(session, PIETER)
    assert ("email", "pieter.deboer@example.org", False) in pieter
    # The address the file no longer lists was the import's own: retired as ever.
    assert ("email", "p.deboer@example.org", True) in pieter
    jan = contact(session, "generic-csv:cz:jan-novak", "email")
    assert jan.source_url == "https://example.org/ep/jan-novak"
    assert report.counts["contact_detail"] == {"added": 2, "updated": 1, "retired": 1}
    assert f"contact_detail {MARIA} email maria.jansen@example.org" in kept(report)


def test_a_dry_run_lists_what_it_would_keep_and_writes_nothing(session):
    correct_maria(session)
    report = run(session, dry_run=True)
    assert report.ok and not report.written
    assert len(report.kept) == 4
    assert "4 kept as staff left them (dry run" in report.summary()
    session.rollback()
    assert contacts(session, MARIA) == {("email", CORRECTED, False)}


def test_a_staff_check_later_than_the_file_is_kept_and_an_older_one_is_replaced(session):
    # Re-checked on the desk (the row stays the import's): the check is newer than the file's.
    email = contact(session, PIETER, "email")
    email.verified_on, email.checked_by = STAFF_CHECK, STAFF
    office = session.get(Membership, f"{PIETER}@{MINISTRY}")
    office.verified_on, office.checked_by = STAFF_CHECK, STAFF
    # Jan was re-checked before the file's own check: the file's is the newer news.
    jan = contact(session, "generic-csv:cz:jan-novak", "email")
    jan.verified_on, jan.checked_by = date(2025, 9, 1), STAFF
    session.commit()

    report = run(session)
    assert report.ok and report.written
    session.commit()
    session.expire_all()
    email = contact(session, PIETER, "email")
    assert (email.verified_on, email.checked_by, email.source) == (STAFF_CHECK, STAFF,
                                                                   "generic-csv")
    office = session.get(Membership, f"{PIETER}@{MINISTRY}")
    assert (office.verified_on, office.checked_by) == (STAFF_CHECK, STAFF)
    jan = contact(session, "generic-csv:cz:jan-novak", "email")
    assert (jan.verified_on, jan.checked_by) == (date(2025, 10, 1), None)
    assert report.kept == []


def test_the_command_line_lists_the_kept_rows_with_their_count(tmp_path):
    migrate_database(tmp_path, f"sqlite:///{tmp_path / 'app.sqlite3'}")
    app = create_app(make_config(tmp_path / "app", f"sqlite:///{tmp_path / 'app.sqlite3'}"))
    try:
        sheet = str(FIXTURES / "campaign-contacts.csv")
        mapping = str(FIXTURES / "campaign-mapping.toml")
        runner = app.test_cli_runner()
        first = runner.invoke(args=["reps", "import", "generic-csv", sheet, "--mapping", mapping])
        assert first.exit_code == 0, first.output
        with app_state(app).database.session_factory() as session:
            correct_maria(session)

        result = runner.invoke(args=["reps", "import", "generic-csv", sheet, "--mapping",
                                     mapping, "--dry-run"])
        assert result.exit_code == 0, result.output
        lines = result.output.splitlines()
        assert "0 added, 0 updated, 0 retired" in lines[0]
        assert "4 kept as staff left them (dry run" in lines[0]
        assert lines[1] == "Kept as staff left them (4):"
        assert f"  membership {PIETER}@{MINISTRY}: kept as staff edited it; the file differs" in (
            lines)
        assert (f"  contact_detail {MARIA} email maria.jansen@example.org: corrected by staff "
                f"to email {CORRECTED}; not added back") in lines
    finally:
        app_state(app).database.dispose()
