"""What staff met importing real files: placeholders in contact cells, a party column, dates
for every row, Dutch name particles in sort names, and old term files."""

from __future__ import annotations

from datetime import date

import pytest

from representatives.importers import IMPORTERS, build_options
from representatives.importers.naming import is_placeholder, split_emails, split_sort_name
from representatives.tables import ContactDetail, Membership, Person


@pytest.mark.parametrize("cell", ["No email found", "n/a", "N/A", "-", "—", "none", "Unknown",
                                  "not available", "No contact form", "  ", "tbc"])
def test_placeholders_are_empty(cell):
    assert is_placeholder(cell)
    assert split_emails(cell) == []


@pytest.mark.parametrize("cell", ["jane@example.org", "Nadia", "Office of the Minister",
                                  "https://example.org/contact", "-Jane"])
def test_values_are_not_placeholders(cell):
    assert not is_placeholder(cell)


def test_a_sheet_with_placeholders_party_and_as_of(session, tmp_path):
    path = tmp_path / "mps.csv"
    path.write_text(
        "name,kind,role,body,country,email,contact_form,party\n"
        "Ann Lee,mp,MP,House of Commons,GB,No email found,n/a,Labour\n"
        "Bob Roe,mp,MP,House of Commons,GB,bob.roe@parliament.example,-,Conservative\n",
        encoding="utf-8")
    options = build_options("generic-csv", as_of="2026-11-30",
                            source_url="https://example.org/mps")
    report = IMPORTERS["generic-csv"](session, path, **options)
    assert report.ok and report.written, report.rejected
    session.commit()
    contacts = session.query(ContactDetail).all()
    assert [(c.kind, c.value) for c in contacts] == [("email", "bob.roe@parliament.example")]
    assert contacts[0].verified_on == date(2026, 11, 30)
    assert contacts[0].source_url == "https://example.org/mps"
    parties = {m.person_id.rsplit(":", 1)[-1]: m.party for m in session.query(Membership)}
    assert parties == {"ann-lee": "Labour", "bob-roe": "Conservative"}


@pytest.mark.parametrize(("sort_name", "expected"), [
    ("Vries, A. de", ("de Vries", "A.")),
    ("Berg, J.H. van der", ("van der Berg", "J.H.")),
    ("Hoop, J. in 't", ("in 't Hoop", "J.")),
    ("Leyen, Ursula von der", ("von der Leyen", "Ursula")),
    ("Rutte, Mark", ("Rutte", "Mark")),
    ("Smith, Van", ("Smith", "Van")),  # a given name written with a capital stays one
])
def test_particles_in_sort_names_belong_to_the_family_name(sort_name, expected):
    assert split_sort_name(sort_name) == expected


def test_a_dutch_term_file_keeps_the_prefix_and_greets_by_it(session, tmp_path):
    from letters.salutations import salutation
    from representatives.store import load_targets

    path = tmp_path / "term.csv"
    path.write_text(
        "id,name,sort_name,email,group,area,chamber,start_date,end_date,gender\n"
        "p1,Aukje de Vries,\"Vries, A. de\",a.devries@example.org,VVD,,Tweede Kamer,"
        "2023-12-06,,female\n", encoding="utf-8")
    report = IMPORTERS["everypolitician-csv"](session, path, country="NL",
                                              as_of=date(2026, 1, 1))
    assert report.ok and report.written, report.rejected
    session.commit()
    person = session.get(Person, "everypolitician:p1")
    assert (person.family_name, person.given_name) == ("de Vries", "A.")
    (target,) = load_targets(session)
    assert salutation(target, "nl") == "Geachte mevrouw De Vries,"


def test_an_old_term_file_imports_with_a_warning(session, tmp_path):
    path = tmp_path / "term.csv"
    path.write_text(
        "id,name,sort_name,email,group,area,chamber,start_date,end_date,gender\n"
        "p1,Aukje de Vries,\"Vries, A. de\",a.devries@example.org,VVD,,Tweede Kamer,"
        "2017-03-23,,female\n", encoding="utf-8")
    report = IMPORTERS["everypolitician-csv"](session, path, country="NL",
                                              as_of=date(2026, 1, 1))
    assert report.ok and report.written
    assert any("2017-03-23" in why and "current term" in why for _, why in report.warnings)
    recent = IMPORTERS["everypolitician-csv"](session, path, country="NL",
                                              as_of=date(2019, 1, 1))
    assert not any("current term" in why for _, why in recent.warnings)


def test_text_longer_than_its_column_is_refused_not_left_to_the_database(session, tmp_path):
    """PostgreSQL stops a whole import at a value longer than its column (SQLite stores it):
    the importer names the row instead, and writes nothing."""
    path = tmp_path / "mps.csv"
    path.write_text("name,kind,role,body,country\n"
                    f"Ann Lee,mp,{'Member ' * 50},House of Commons,GB\n", encoding="utf-8")
    report = IMPORTERS["generic-csv"](session, path)
    assert not report.written
    assert any("role is 349 characters long; at most 300 fit" in why
               for _, why in report.rejected), report.rejected
