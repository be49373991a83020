"""A campaign's own spreadsheet through a column mapping (hand-made, example.org addresses)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from representatives.importers import IMPORTERS, OptionError, build_options
from representatives.importers.generic_csv import (
    ColumnMapping,
    MappingError,
    load_mapping,
    parse_pairs,
)
from representatives.model import ChannelKind, GroupKind, TargetKind
from representatives.store import load_directory
from representatives.tables import ContactDetail, Membership, Organization, Person

FIXTURES = Path(__file__).parent / "fixtures"
SHEET = FIXTURES / "campaign-contacts.csv"
TOML = FIXTURES / "campaign-mapping.toml"


def run(session, path=SHEET, **options):
    return IMPORTERS["generic-csv"](session, path, **options)


def write(tmp_path, text: str, name="sheet.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_sheet_through_a_toml_mapping(session):
    report = run(session, mapping=load_mapping(TOML))
    assert report.ok and report.written, report.rejected
    assert report.added == 4 and report.warnings == []

    # A minister without an id gets the id every government source gives them.
    maria = session.get(Person, "gov:nl:maria-jansen")
    assert (maria.given_name, maria.family_name, maria.gender) == ("Maria", "Jansen", "female")
    (membership,) = maria.memberships
    assert (membership.kind, membership.role, membership.language) == (
        "minister", "Minister of Economic Affairs", "nl",
    )  # fmt: skip
    assert membership.source_url == "https://example.org/nl/ministers"
    assert membership.verified_on == date(2026, 1, 15)
    ministry = session.get(Organization, "nl:ministerie-van-economische-zaken")
    assert (ministry.classification, ministry.country) == ("ministry", "NL")

    pieter = session.get(Person, "gov:nl:pieter-de-boer")
    assert (pieter.honorific_prefix, pieter.gender) == ("Dr", "male")
    assert pieter.memberships[0].kind == TargetKind.SUMMIT_DELEGATE.value
    # A spreadsheet's "2026-01-15 00:00:00" is a date.
    assert {(c.kind, c.verified_on) for c in pieter.contact_details} == {
        ("email", date(2026, 1, 15)),
        ("post", date(2026, 1, 15)),
        ("phone", date(2026, 1, 15)),
    }

    vogel = session.get(Person, "generic-csv:de:lena-vogel")  # "DEU" is Germany
    assert {c.kind for c in vogel.contact_details} == {"contact_form", "post"}
    novak = session.get(Membership, "generic-csv:cz:jan-novak@ep")
    assert (novak.kind, novak.country, novak.language) == ("mep", "CZ", "cs")
    assert session.get(Organization, "ep").country == "EU"


def test_sheet_targets_are_matched(session):
    run(session, mapping=load_mapping(TOML))
    directory = load_directory(session)
    nl = directory.match("NL")
    assert [m.target.name for m in nl.targets] == ["Maria Jansen", "Pieter de Boer"]
    assert nl.notes == ("no_parliament_data", "no_european_parliament_data")
    cz = directory.match("CZ")
    assert [g.kind for g in cz.groups] == [GroupKind.EUROPEAN_PARLIAMENT]
    vogel = directory.get("generic-csv:de:lena-vogel")
    assert vogel.contact_form == "https://example.org/vogel/kontakt"


def test_json_mapping_with_defaults(session):
    mapping = load_mapping(FIXTURES / "campaign-mapping.json")
    assert mapping.defaults == {"language": "en"}
    report = run(session, mapping=mapping)
    assert report.ok and report.added == 4
    assert set(session.scalars(select(Membership.language))) == {"en"}
    # Only the mapped columns are read: no post, phone or gender.
    assert set(session.scalars(select(ContactDetail.kind))) == {"email"}


def test_map_pairs_are_the_same_as_the_file():
    toml = load_mapping(TOML)
    pairs = [f"{field}={column}" for field, column in toml.columns.items()]
    assert ColumnMapping(parse_pairs(pairs)) == toml
    options = build_options("generic-csv", mapping=TOML, columns=["email=Phone"],
                            defaults=["language=fr"])  # fmt: skip
    assert options["mapping"].columns["email"] == "Phone"  # the command line wins
    assert options["mapping"].defaults == {"language": "fr"}


def test_columns_named_like_fields_need_no_mapping(session, tmp_path):
    sheet = write(tmp_path, (
        "name,kind,role,body,email,verified_on\n"
        "Ana Souza,minister,Minister of Science,Ministério da Ciência,ana@example.org,2025-12-01\n"
    ))  # fmt: skip
    report = run(session, sheet, country="BR")
    assert report.ok and report.added == 1
    (membership,) = session.scalars(select(Membership))
    assert (membership.country, membership.language) == ("BR", "pt")


def test_own_ids_are_kept_apart_per_source(session, tmp_path):
    sheet = write(tmp_path, (
        "id,name,kind,role,body,country\n"
        "17,Ana Souza,mp,Deputada,Câmara dos Deputados,BR\n"
        "gov:br:ana-souza,Ana Souza,minister,Minister of Science,Ministério da Ciência,BR\n"
    ))  # fmt: skip
    report = run(session, sheet, source="brazil-sheet")
    assert report.ok, report.rejected
    assert set(session.scalars(select(Person.id))) == {"brazil-sheet:17", "gov:br:ana-souza"}


def test_existing_bodies_keep_their_name_and_classification(session, tmp_path):
    IMPORTERS["default"](session)
    sheet = write(tmp_path, (
        "name,kind,role,body,body_id,country,email\n"
        "Sam Example,summit_delegate,Delegate,DSIT,gb:dsit,GB,sam@example.org\n"
    ))  # fmt: skip
    report = run(session, sheet)
    assert report.ok and report.added == 1
    dsit = session.get(Organization, "gb:dsit")
    assert (dsit.name, dsit.classification) == (
        "Department for Science, Innovation and Technology", "ministry",
    )  # fmt: skip
    assert load_directory(session).get("gov:gb:sam-example").body == dsit.name


def test_a_person_in_two_bodies_is_one_person(session, tmp_path):
    sheet = write(tmp_path, (
        "id,name,kind,role,body,country,email\n"
        "gov:fr:claire,Claire Martin,minister,Ministre,Ministère du Numérique,FR,c@example.org\n"
        "gov:fr:claire,Claire Martin,summit_delegate,Cheffe de délégation,Délégation,FR,\n"
    ))  # fmt: skip
    report = run(session, sheet)
    assert report.ok and report.added == 1
    directory = load_directory(session)
    roles = sorted(m.target.role for m in directory.match("FR").targets)
    assert roles == ["Cheffe de délégation", "Ministre"]


# --- mapping problems: nothing is read -------------------------------------------------------


def test_unknown_field_in_a_mapping():
    with pytest.raises(MappingError, match="unknown field.*: mail; fields are: id, name"):
        ColumnMapping({"mail": "E-mail"})
    with pytest.raises(MappingError, match="expected field=value"):
        parse_pairs(["email"])
    with pytest.raises(OptionError, match="unknown field"):
        build_options("generic-csv", columns=["mail=E-mail"])


def test_unreadable_mapping_files(tmp_path):
    broken = write(tmp_path, "[columns\nname =", "mapping.toml")
    with pytest.raises(MappingError, match="not valid toml"):
        load_mapping(broken)
    with pytest.raises(MappingError, match="cannot read"):
        load_mapping(tmp_path / "missing.json")
    with pytest.raises(MappingError, match="unknown section"):
        load_mapping(write(tmp_path, '{"columns": {}, "colums": {}}', "m.json"))


def test_mapped_column_missing_from_the_file(session):
    report = run(session, mapping=ColumnMapping({"name": "Name", "email": "Email address"}))
    assert report.rejected[0][0] == 0
    why = report.rejected[0][1]
    assert "mapped column(s) not in the file: 'Name' (for name), 'Email address' (for email)" in why
    assert "the file's columns are: Full name, First name" in why


def test_required_field_without_column_or_default(session):
    report = run(session, mapping=ColumnMapping({"name": "Full name", "role": "Position"}))
    assert report.rejected == [
        (0, "no column (and no default) for the required field(s): kind, body, country; map "
            "them to the file's columns or give defaults"),
    ]  # fmt: skip


# --- row problems: rejected with the line, nothing written -----------------------------------

HEADER = "name,kind,role,body,country,email,contact_form,source_url,verified_on,gender,language\n"
ROWS = [
    ("Ok Person,mp,MP,Parliament,GB,ok@example.org,,,,,", None),
    ("Bad Mail,mp,MP,Parliament,GB,bad@,,,,,", "bad email 'bad@'"),
    ("Odd Kind,senator,MP,Parliament,GB,,,,,,",
     "kind 'senator' is not one of: summit_delegate, minister, head_of_government, mp, mep"),
    ("No Land,mp,MP,Parliament,XX,,,,,,", "country: 'XX' is not an ISO 3166-1 country code"),
    ("Swiss Mep,mep,MEP,European Parliament,CH,,,,,,",
     "an MEP's country must be an EU member state, not CH"),
    ("Bad Date,mp,MP,Parliament,GB,,,,15/01/2026,,", "bad verified_on '15/01/2026'"),
    ("Bad Form,mp,MP,Parliament,GB,,www.example.org/form,,,,", "contact_form: bad URL"),
    ("Bad Source,mp,MP,Parliament,GB,,,ftp://example.org,,,", "source_url: bad URL"),
    ("No Role,mp,,Parliament,GB,,,,,,", "role is required"),
    (",mp,MP,Parliament,GB,,,,,,", "name (or given_name and family_name) is required"),
    ("Bad Lang,mp,MP,Parliament,GB,,,,,,english", "bad language 'english'"),
    ("Ok Person,mp,MP,Parliament,GB,,,,,,", "listed in Parliament already on line 2"),
]


def test_each_bad_row_is_rejected_with_its_line(session, tmp_path):
    sheet = write(tmp_path, HEADER + "".join(row + "\n" for row, _ in ROWS))
    report = run(session, sheet)
    expected = [(line, why) for line, (_, why) in enumerate(ROWS, start=2) if why]
    assert [line for line, _ in report.rejected] == [line for line, _ in expected]
    for (_, got), (_, want) in zip(report.rejected, expected, strict=True):
        assert want in got, (got, want)
    assert report.rejected[0][1].startswith("Bad Mail: ")
    assert not report.written
    assert session.scalar(select(func.count()).select_from(Person)) == 0
    partial = run(session, sheet, partial=True)
    assert partial.written and partial.added == 1


def test_same_id_with_different_details_is_rejected(session, tmp_path):
    sheet = write(tmp_path, (
        "id,name,kind,role,body,country\n"
        "gov:fr:x,Claire Martin,minister,Ministre,A,FR\n"
        "gov:fr:x,Claire Dupont,summit_delegate,Déléguée,B,FR\n"
    ))  # fmt: skip
    report = run(session, sheet)
    assert report.rejected == [
        (3, "Claire Dupont: same id gov:fr:x as line 2 but a different name"),
    ]


def test_unknown_gender_is_left_out_with_a_warning(session, tmp_path):
    sheet = write(tmp_path, HEADER + "Kim Park,mp,MP,Parliament,GB,,,,,x,\n")
    report = run(session, sheet)
    assert report.ok
    assert report.warnings == [(2, "Kim Park: gender 'x' is neither female nor male: left out")]


def test_empty_and_non_utf8_files(session, tmp_path):
    assert run(session, write(tmp_path, "")).rejected == [(0, "the file is empty")]
    latin = tmp_path / "latin.csv"
    latin.write_bytes((HEADER + "José Pérez,mp,MP,Cortes,ES,,,,,,\n").encode("latin-1"))
    assert "not UTF-8" in run(session, latin).rejected[0][1]


def test_source_name_must_fit(session):
    report = run(session, source="x" * 41)
    assert "must be 1 to 40 characters" in report.rejected[0][1]


def test_channels_order_for_a_sheet_row(session, tmp_path):
    sheet = write(tmp_path, (
        "name,kind,role,body,country,phone,postal_address,contact_form,email\n"
        'Ana Souza,mp,Deputada,Câmara,BR,+55 61 5550 0100,"Praça dos Três Poderes, Brasília",'
        "https://example.org/form,ana@example.org; ana.souza@example.org\n"
    ))  # fmt: skip
    assert run(session, sheet).ok
    target = load_directory(session).get("generic-csv:br:ana-souza")
    assert [c.kind for c in target.channels] == [
        ChannelKind.EMAIL, ChannelKind.EMAIL, ChannelKind.CONTACT_FORM, ChannelKind.POST,
        ChannelKind.PHONE,
    ]  # fmt: skip


def test_a_language_with_its_region_is_kept_in_its_usual_spelling(session, tmp_path):
    sheet = write(tmp_path, HEADER
                  + "Ana Lima,minister,Ministra,Governo,BR,a@example.org,,,,,pt-br\n"
                  + "Rui Sá,minister,Ministro,Governo PT,PT,r@example.org,,,,,PT\n"
                  + "Bad Region,minister,Ministro,Governo,BR,b@example.org,,,,,pt-brazil\n")
    report = run(session, sheet)
    assert [why for _, why in report.rejected] == [
        "Bad Region: bad language 'pt-brazil': expected a 2-letter code, or one with its "
        "region (pt-BR)"]
    report = run(session, sheet, partial=True)
    languages = dict(session.execute(select(Membership.country, Membership.language)).all())
    assert languages == {"BR": "pt-BR", "PT": "pt"}
