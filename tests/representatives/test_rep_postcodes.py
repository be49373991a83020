"""Postcode tables: the postcode-csv importer, and matching that reads postcodes from the
database, on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import event, func, insert, select

from database import make_session_factory
from representatives.directory import Directory, MemoryPostcodes
from representatives.importers import (
    MAPPINGS,
    OptionError,
    PostcodeMapping,
    build_options,
    import_postcode_csv,
    run_import,
)
from representatives.importers.postcodes import MASS_REMOVAL_MIN_ROWS
from representatives.model import Target, TargetKind, UnknownPostcode
from representatives.store import DatabasePostcodes, directory_version, load_directory
from representatives.tables import (
    Area,
    ContactDetail,
    ImportRun,
    Membership,
    Organization,
    Person,
    PostcodeArea,
)

# A constituency table as the ONS publishes one: a postcode per row, with a space; one
# postcode on a boundary in two constituencies; a whole district given by its prefix.
UK = """\
pcds,pcon,pcon_name,region
SW1A 1AA,westminster,Cities of London and Westminster,LONDON
SW1A 2AA,westminster,Cities of London and Westminster,LONDON
N1 9GU,islington-s,Islington South and Finsbury,LONDON
N1 9GU,holborn,Holborn and St Pancras,LONDON
EC1*,islington-s,Islington South and Finsbury,LONDON
EC1V 9*,holborn,Holborn and St Pancras,LONDON
M1 1AE,manchester-c,Manchester Central,NW
"""
UK_MAPPING = PostcodeMapping(
    {"postcode": "pcds", "area": "pcon", "area_name": "pcon_name", "parent": "region"},
    {"country": "GB"},
)
MPS = {
    "westminster": "Nickie Aiken",
    "islington-s": "Emily Thornberry",
    "holborn": "Keir Starmer",
    "manchester-c": "Lucy Powell",
}


def write(tmp_path, text: str, name: str = "postcodes.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def add_mps(session) -> None:
    """A member of parliament for each constituency of UK (the areas the import adds), each
    with a postal address (people with no channel at all are no targets)."""
    session.add(Organization(id="gb:commons", name="House of Commons",
                             classification="parliament", country="GB", source="test"))
    for area, name in MPS.items():
        person = f"gb:{area}"
        session.add(Person(id=person, name=name, family_name=name.split()[-1], source="test"))
        session.add(Membership(id=f"{person}@gb:commons", person_id=person,
                               organization_id="gb:commons", kind="mp",
                               role="Member of Parliament", country="GB", area_id=f"GB-{area}",
                               language="en", source="test"))
        session.add(ContactDetail(person_id=person, kind="post", source="test",
                                  value=f"{name}, House of Commons, London SW1A 0AA"))
    session.flush()


def rows(session) -> set[tuple[str, str, str, str]]:
    return {tuple(row) for row in session.execute(
        select(PostcodeArea.country, PostcodeArea.postcode, PostcodeArea.area_id,
               PostcodeArea.source))}  # fmt: skip


# --- matching through the database ---------------------------------------------------------


def test_postcodes_are_found_in_the_database(any_engine, tmp_path):
    session_factory = make_session_factory(any_engine)
    with session_factory() as session:
        report = import_postcode_csv(session, write(tmp_path, UK), mapping=UK_MAPPING,
                                     source="uk-postcodes")  # fmt: skip
        assert report.ok and report.written, report.rejected
        assert (report.added, report.retired) == (7, 0)
        assert report.counts["area"]["added"] == 6  # four constituencies and two regions
        add_mps(session)
        session.commit()

    with session_factory() as session:
        directory = load_directory(session, DatabasePostcodes.each_in_own_session(
            session_factory))  # fmt: skip
    assert directory.needs_postcode("GB")

    def names(postcode):
        return [m.target.name for m in directory.match("GB", postcode).targets]

    # Several postcodes share an area; the table holds them as the visitor's input normalised.
    assert names("SW1A 1AA") == names("sw1a2aa") == ["Nickie Aiken"]
    # A postcode in two areas: every candidate, and a note for the supporter to choose.
    both = directory.match("GB", "N1 9GU")
    assert both.candidate_areas == ("holborn", "islington-s")
    assert "postcode_spans_areas" in both.notes
    assert [m.target.name for m in both.targets] == ["Keir Starmer", "Emily Thornberry"]
    # A prefix stands for every postcode it starts; the longest one that matches wins.
    assert names("EC1A 7BE") == ["Emily Thornberry"]
    assert names("EC1V 9HX") == ["Keir Starmer"]
    for unknown in ("E1 6AN", "EC", "EC1*", "M1 1AF"):
        with pytest.raises(UnknownPostcode):
            directory.match("GB", unknown)
    # The region a file names contains its constituencies: it can stand in for a postcode.
    region = directory.match("GB", region="NW")
    assert [m.target.name for m in region.targets] == ["Lucy Powell"]


def test_lookups_from_many_threads_at_once(any_engine, tmp_path):
    session_factory = make_session_factory(any_engine)
    with session_factory() as session:
        assert import_postcode_csv(session, write(tmp_path, UK), mapping=UK_MAPPING).written
        session.commit()
    postcodes = DatabasePostcodes.each_in_own_session(session_factory)
    expected = {"SW1A1AA": ("westminster",), "N19GU": ("holborn", "islington-s"),
                "EC1A7BE": ("islington-s",), "E16AN": ()}  # fmt: skip
    start, failures = threading.Barrier(4), []

    def look_up():
        start.wait(10)
        for _ in range(25):
            for code, areas in expected.items():
                if postcodes.areas("GB", code) != areas:
                    failures.append(code)

    threads = [threading.Thread(target=look_up) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert failures == []


def test_a_lookup_is_one_statement_whatever_the_postcode_length(any_engine, tmp_path):
    # Keys as long as the column holds: a full postcode, and a prefix one shorter with its mark.
    longest = "ABCDEFGHIJKLMNOP"
    table = ("postcode,area\n"
             f"{longest},full\n{longest[:-1]}*,prefix\nEC1*,short\nN1 9GU,one\n")
    session_factory = make_session_factory(any_engine)
    with session_factory() as session:
        report = import_postcode_csv(session, write(tmp_path, table), source="long",
                                     mapping=PostcodeMapping({"postcode": "postcode",
                                                              "area": "area"}, {"country": "GB"}))
        assert report.written, report.rejected
        session.commit()
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(any_engine, "before_cursor_execute", record)
    try:
        with session_factory() as session:
            postcodes = DatabasePostcodes.within(session)
            assert postcodes.areas("GB", longest) == ("full",)
            # Longer than any key: its prefixes that fit the column are looked up still.
            assert postcodes.areas("GB", longest + "QRSTUVWXYZ") == ("prefix",)
            assert postcodes.areas("GB", longest[:-1] + "Z") == ("prefix",)
            assert postcodes.areas("GB", "EC1A7BE" + "X" * 40) == ("short",)
            assert postcodes.areas("GB", "N19GU") == ("one",)
            assert postcodes.areas("GB", "N") == ()
            assert postcodes.areas("GB", "E1*") == ()  # the mark is no visitor's postcode
    finally:
        event.remove(any_engine, "before_cursor_execute", record)
    # One query per lookup that asks, the same SQL text for every length of postcode.
    assert len(statements) == 6
    assert len(set(statements)) == 1


def test_the_memory_table_reads_prefixes_like_the_database():
    postcodes = MemoryPostcodes({"NL": {"1012*": ["amsterdam"], "1012AB": ["noord"],
                                        "3511*": ["utrecht", "stichtse-vecht"]}})  # fmt: skip
    assert postcodes.areas("NL", "1012AB") == ("noord",)
    assert postcodes.areas("NL", "1012CD") == ("amsterdam",)
    assert postcodes.areas("NL", "3511XY") == ("stichtse-vecht", "utrecht")
    assert postcodes.areas("NL", "101") == ()
    directory = Directory(
        [Target(id="nl:a", name="A", kind=TargetKind.MP, role="r", body="b", country="NL",
                language="nl", area="amsterdam")],
        postcodes=postcodes,
    )  # fmt: skip
    assert [m.target.id for m in directory.match("NL", "1012 CD").targets] == ["nl:a"]


# --- the importer ----------------------------------------------------------------------------


def test_bad_rows_are_reported_with_their_reasons(any_engine, tmp_path):
    path = write(tmp_path, UK + "\n".join([
        "SW1A 0AA,,,LONDON",  # line 9
        ",westminster,,LONDON",
        "SW1A 0A!,westminster,,LONDON",
        "SW1A 0AA,westminster,Westminster Abbey,LONDON",  # another name for the same area
        "SW1A 0AA,westminster,,WALES",  # another region for it
        "ABCDEFGHIJKLMNOPQ,westminster,,LONDON",
        "SW1A 0AA,westminster",  # a short row
        "SW1A 0AA,westminster;,,LONDON",
    ]) + "\n")  # fmt: skip
    with make_session_factory(any_engine)() as session:
        report = import_postcode_csv(session, path, mapping=UK_MAPPING)
        assert not report.written and rows(session) == set()
        assert report.rejected == [
            (9, "area is required"),
            (10, "postcode is required"),
            (11, "bad postcode 'SW1A 0A!': letters, digits and '-' only"),
            (12, "area 'westminster': area_name 'Westminster Abbey' where line 2 has "
                 "'Cities of London and Westminster'"),
            (13, "area 'westminster': parent 'WALES' where line 2 has 'LONDON'"),
            (14, "postcode 'ABCDEFGHIJKLMNOPQ' is longer than 16 characters"),
            (15, "2 fields where the header has 4 (a truncated or misquoted row)"),
            (16, "empty area in 'westminster;'"),
        ]  # fmt: skip

        partial = import_postcode_csv(session, path, mapping=UK_MAPPING, partial=True)
        assert partial.written and partial.added == 7 and len(partial.rejected) == 8
        assert len(rows(session)) == 7


def test_a_bad_country_and_prefix_value_are_row_problems(any_engine, tmp_path):
    path = write(tmp_path, "postcode,area,country,prefix\n1012,amsterdam,NL,yes\n"
                           "1012,amsterdam,XX,\n3511,utrecht,NL,perhaps\n")  # fmt: skip
    with make_session_factory(any_engine)() as session:
        report = import_postcode_csv(session, path)
        assert [line for line, _ in report.rejected] == [3, 4]
        assert "'XX' is not an ISO 3166-1 country code" in report.rejected[0][1]
        assert report.rejected[1][1] == "prefix 'perhaps': expected yes or no"


def test_the_file_and_the_mapping_must_fit(any_engine, tmp_path):
    with make_session_factory(any_engine)() as session:
        missing = import_postcode_csv(session, write(tmp_path, UK),
                                      mapping=PostcodeMapping({"postcode": "postcode"}))
        assert missing.rejected == [(0, "mapped column(s) not in the file: 'postcode' (for "
                                        "postcode); the file's columns are: pcds, pcon, "
                                        "pcon_name, region")]  # fmt: skip
        unset = import_postcode_csv(session, write(tmp_path, UK),
                                    mapping=PostcodeMapping({"postcode": "pcds"}))
        assert "no column (and no default) for the required field(s): country, area" in (
            unset.rejected[0][1])  # fmt: skip
        latin = tmp_path / "latin.csv"
        latin.write_bytes("postcode,area,country\n1012,Île,FR\n".encode("latin-1"))
        assert "not UTF-8 text" in import_postcode_csv(session, latin).rejected[0][1]
        empty = import_postcode_csv(session, write(tmp_path, "", "empty.csv"))
        assert empty.rejected == [(0, "the file is empty")]
    with pytest.raises(OptionError, match="unknown field"):
        build_options("postcode-csv", columns=["constituency=pcon"])
    assert MAPPINGS["postcode-csv"] is PostcodeMapping


def test_reimport_changes_only_the_difference_and_only_its_own_rows(any_engine, tmp_path):
    session_factory = make_session_factory(any_engine)
    with session_factory() as session:
        other = write(tmp_path, "postcode,area,country\n99501,AK-AL,US\n", "us.csv")
        assert import_postcode_csv(session, other, source="us-table").written
        assert import_postcode_csv(session, write(tmp_path, UK), mapping=UK_MAPPING,
                                   source="uk").written  # fmt: skip
        session.commit()
        version = directory_version(session)

        again = import_postcode_csv(session, write(tmp_path, UK), mapping=UK_MAPPING,
                                    source="uk")  # fmt: skip
        assert (again.added, again.retired) == (0, 0)
        session.commit()
        assert directory_version(session) == version  # nothing for web processes to reload

        # One row less (a postcode no longer on the boundary), one new, one given twice.
        changed = UK.replace("N1 9GU,holborn,Holborn and St Pancras,LONDON\n", "")
        changed += "M1 1AF,manchester-c,,NW\nM1 1AF,manchester-c,,NW\n"
        report = import_postcode_csv(session, write(tmp_path, changed), mapping=UK_MAPPING,
                                     source="uk")  # fmt: skip
        assert (report.added, report.retired) == (1, 1)
        assert report.warnings == [(9, "M11AF in GB-manchester-c again (first on line 8): "
                                        "stored once")]  # fmt: skip
        session.commit()
        assert directory_version(session) != version
        assert ("US", "99501", "US-AK-AL", "us-table") in rows(session)
        assert ("GB", "N19GU", "GB-holborn", "uk") not in rows(session)
        assert ("GB", "M11AF", "GB-manchester-c", "uk") in rows(session)
        assert session.scalar(select(func.count()).select_from(ImportRun)) == 4


def test_dry_run_counts_and_writes_nothing(any_engine, tmp_path):
    with make_session_factory(any_engine)() as session:
        report = import_postcode_csv(session, write(tmp_path, UK), mapping=UK_MAPPING,
                                     dry_run=True)  # fmt: skip
        assert (report.added, report.retired, report.written) == (7, 0, False)
        assert rows(session) == set()
        assert session.scalar(select(func.count()).select_from(Area)) == 0


def test_a_file_cut_short_does_not_remove_most_of_the_table(any_engine, tmp_path):
    full = "postcode,area,country\n" + "".join(
        f"{10000 + n},district-{n % 7},DE\n" for n in range(MASS_REMOVAL_MIN_ROWS * 2)
    )
    cut = full[: full.index(f"{10000 + MASS_REMOVAL_MIN_ROWS // 2},")]
    with make_session_factory(any_engine)() as session:
        assert import_postcode_csv(session, write(tmp_path, full), source="de").written
        refused = import_postcode_csv(session, write(tmp_path, cut, "cut.csv"), source="de")
        assert not refused.written
        assert refused.rejected[0][1].startswith(
            f"this import would remove {MASS_REMOVAL_MIN_ROWS * 2 - MASS_REMOVAL_MIN_ROWS // 2}"
        )
        assert len(rows(session)) == MASS_REMOVAL_MIN_ROWS * 2
        allowed = import_postcode_csv(session, write(tmp_path, cut, "cut.csv"), source="de",
                                      allow_mass_retirement=True)  # fmt: skip
        assert allowed.written and len(rows(session)) == MASS_REMOVAL_MIN_ROWS // 2


def test_existing_areas_keep_their_names_and_parents(any_engine, tmp_path):
    with make_session_factory(any_engine)() as session:
        session.execute(insert(Area), [
            {"id": "US-CA", "name": "California", "country": "US",
             "classification": "subdivision", "source": "us-legislators"},
            {"id": "US-CA-12", "name": "California 12", "country": "US",
             "classification": "district", "parent_id": "US-CA", "source": "us-legislators"},
        ])  # fmt: skip
        path = write(tmp_path, "zip,district,name\n94612,CA-12,Oakland\n94613-1234,CA-13,\n")
        report = import_postcode_csv(session, path, country="US", mapping=PostcodeMapping(
            {"postcode": "zip", "area": "district", "area_name": "name"}))  # fmt: skip
        assert report.written and report.counts["area"]["added"] == 1
        areas = {a.id: (a.name, a.parent_id) for a in session.scalars(select(Area))}
        assert areas["US-CA-12"] == ("California 12", "US-CA")
        assert areas["US-CA-13"] == ("CA-13", None)
        # ZIP+4 is stored as the ZIP the matching looks up.
        assert ("US", "94613", "US-CA-13", "postcode-csv") in rows(session)


def test_run_import_commits_a_large_file_in_batches(any_engine, tmp_path):
    # More rows than one batch, so that several statements fill the temporary table.
    from representatives.importers import postcodes

    count = postcodes.BATCH * 2 + 17
    text = "postcode,area,country\n" + "".join(
        f"{n:06d},area-{n % 650},GB\n" for n in range(count)
    )
    session_factory = make_session_factory(any_engine)
    report = run_import(session_factory, "postcode-csv", write(tmp_path, text))
    assert report.written and report.added == count
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(PostcodeArea)) == count
        assert session.scalar(select(func.count()).select_from(Area)) == 650
        assert DatabasePostcodes.within(session).areas("GB", f"{count - 1:06d}") == (
            f"area-{(count - 1) % 650}",)  # fmt: skip


def test_an_area_takes_its_name_and_region_from_the_first_row_that_gives_them(any_engine,
                                                                             tmp_path):
    path = write(tmp_path, "postcode,area,area_name,parent\n1011 AB,centrum,,\n"
                           "1012 AB,centrum,Amsterdam-Centrum,NH\n1013 AB,centrum,,\n")
    with make_session_factory(any_engine)() as session:
        report = import_postcode_csv(session, path, country="NL")
        assert report.written and report.added == 3, report.rejected
        areas = {a.id: (a.name, a.classification, a.parent_id)
                 for a in session.scalars(select(Area))}  # fmt: skip
        assert areas == {"NL-centrum": ("Amsterdam-Centrum", "district", "NL-NH"),
                         "NL-NH": ("NH", "subdivision", None)}  # fmt: skip
