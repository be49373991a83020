"""`flask reps import | validate | stats | export` through the app's CLI runner, on SQLite."""

from __future__ import annotations

import json
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.apps import make_config, migrate_database
from webapp import create_app
from webapp.app_state import app_state

FIXTURES = Path(__file__).parent / "fixtures"
EP_CSV = str(FIXTURES / "everypolitician-ie-dail.csv")


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> Path:
    """One migrated, empty database file; each test gets a copy."""
    base = tmp_path_factory.mktemp("reps-cli")
    path = base / "template.sqlite3"
    migrate_database(base, f"sqlite:///{path}")
    return path


def new_app(tmp_path, migrated, name="app.sqlite3"):
    path = tmp_path / name
    shutil.copy(migrated, path)
    return create_app(make_config(tmp_path / name.split(".")[0], f"sqlite:///{path}"))


@pytest.fixture
def app(tmp_path, migrated):
    app = new_app(tmp_path, migrated)
    yield app
    app_state(app).database.dispose()


@pytest.fixture
def flask(app):
    runner = app.test_cli_runner()

    def invoke(*args):
        return runner.invoke(args=["reps", *args])

    return invoke


def test_import_everypolitician_needs_a_country(flask):
    result = flask("import", "everypolitician-csv", EP_CSV)
    assert result.exit_code == 2
    assert "everypolitician-csv needs --country" in result.output


def test_import_prints_the_summary_without_a_bar_when_not_on_a_terminal(flask):
    result = flask("import", "everypolitician-csv", EP_CSV, "--country", "IE", "--as-of",
                   "2026-01-01", "--source-url", "https://example.org/ie.csv")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        "everypolitician-ie-dail-eireann: 5 added, 0 updated, 0 retired, 0 rejected, 0 warnings "
        "(written, "
    )
    assert "%" not in result.output and "#" not in result.output  # no progress bar
    again = flask("import", "everypolitician-csv", EP_CSV, "--country", "IE", "--as-of",
                  "2026-01-01", "--source-url", "https://example.org/ie.csv")  # fmt: skip
    assert "0 added, 0 updated, 0 retired" in again.output


def test_options_that_do_not_apply_are_refused(flask):
    result = flask("import", "us-zccd", EP_CSV, "--country", "US")
    assert result.exit_code == 2 and "--country does not apply to us-zccd" in result.output
    result = flask("import", "ep-meps-csv", EP_CSV, "--map", "email=E-mail")
    assert result.exit_code == 2
    assert "--mapping/--map/--default does not apply to ep-meps-csv" in result.output
    result = flask("import", "popolo-json", str(FIXTURES / "popolo-nz.json"), "--as-of", "1/1/26")
    assert result.exit_code == 2 and "--as-of '1/1/26': expected YYYY-MM-DD" in result.output
    assert "needs a FILE" in flask("import", "generic-csv").output
    assert "unknown format 'nope'" in flask("import", "nope", EP_CSV).output


def test_rejections_are_listed_up_to_fifty(flask, tmp_path):
    rows = "".join(f"p{n},Person {n},senator{n},MP,Parliament,GB\n" for n in range(60))
    path = tmp_path / "sheet.csv"
    path.write_text("id,name,kind,role,body,country\n" + rows, encoding="utf-8")
    result = flask("import", "generic-csv", str(path))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[1] == "Rejected (60):"
    assert lines[2] == ("  line 2: Person 0: kind 'senator0' is not one of: summit_delegate, "
                        "minister, head_of_government, mp, mep")  # fmt: skip
    assert lines[51].startswith("  line 51: Person 49: kind 'senator49'")
    assert lines[52] == "  ... and 10 more"
    assert lines[53] == (
        "Nothing was written: fix the file, or import the valid rows with --partial."
    )
    dry = flask("import", "generic-csv", str(path), "--dry-run")
    assert dry.exit_code == 0 and "dry run" in dry.output


def test_a_problem_on_every_row_is_reported_once_with_its_count(flask, tmp_path):
    rows = "".join(f"p{n},Person {n},mp,MP,Parliament,GB,xx-yy-zz\n" for n in range(40))
    rows += "q1,Other,king,MP,Parliament,GB,en\n"
    path = tmp_path / "sheet.csv"
    path.write_text("id,name,kind,role,body,country,language\n" + rows, encoding="utf-8")
    result = flask("import", "generic-csv", str(path))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[1] == "Rejected (41):"
    assert lines[2].startswith("  40 rows (line 2, line 3, line 4, ...): bad language 'xx-yy-zz'")
    assert lines[3].startswith("  line 42: Other: kind 'king'")
    assert len(lines) == 5  # and the "nothing was written" line


def test_partial_after_a_file_level_error_writes_nothing_and_fails(flask, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("", encoding="utf-8")
    result = flask("import", "generic-csv", str(path), "--partial")
    assert result.exit_code == 1, result.output
    assert "nothing written" in result.output
    # With --partial, valid rows next to rejected ones are written and the command succeeds.
    path.write_text("id,name,kind,role,body,country\np1,Ann,mp,MP,Parliament,GB\n"
                    "p2,Bob,king,MP,Parliament,GB\n", encoding="utf-8")
    result = flask("import", "generic-csv", str(path), "--partial")
    assert result.exit_code == 0, result.output


def test_import_help_lists_each_formats_fields(flask):
    result = flask("import", "--help")
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    assert "Formats and their fields:" in text
    for fragment in ("generic-csv fields id, name", "party", "postcode-csv fields country,",
                     "everypolitician-csv columns id, name, sort_name", "ep-meps-csv columns"):
        assert fragment in text


def test_refusing_to_retire_most_of_a_source_points_to_source(flask, tmp_path):
    rows = "".join(f"p{n},Person {n},mp,MP,Parliament,GB\n" for n in range(24))
    path = tmp_path / "sheet.csv"
    path.write_text("id,name,kind,role,body,country\n" + rows, encoding="utf-8")
    assert flask("import", "generic-csv", str(path)).exit_code == 0
    other = tmp_path / "other.csv"
    other.write_text("id,name,kind,role,body,country\nx1,Xavier,mp,MP,Senate,GB\n",
                     encoding="utf-8")
    result = flask("import", "generic-csv", str(other))
    assert result.exit_code == 1
    text = " ".join(result.output.split())
    assert "give it a source of its own (--source NAME)" in text
    assert "--allow-mass-retirement" in text
    assert flask("import", "generic-csv", str(other), "--source", "senate").exit_code == 0


def test_validate_reports_shared_inboxes(flask, tmp_path):
    path = tmp_path / "sheet.csv"
    path.write_text(
        "id,name,kind,role,body,country,email,source_url,verified_on\n"
        "a,Ann Lee,minister,Minister,Ministry,GB,office@ministry.example,https://example.org/a,"
        f"{date.today().isoformat()}\n"
        "b,Bob Roe,minister,Minister of State,Ministry,GB,Office@Ministry.example,"
        f"https://example.org/b,{date.today().isoformat()}\n", encoding="utf-8")
    assert flask("import", "generic-csv", str(path)).exit_code == 0
    result = flask("validate")
    assert result.exit_code == 1
    assert "Email addresses shared by several people in office" in result.output
    assert "'office@ministry.example' is the address of 2 people: Ann Lee" in result.output


def test_file_level_problem_and_warnings(flask, tmp_path):
    result = flask("import", "popolo-json", str(FIXTURES / "campaign-contacts.csv"))
    assert result.exit_code == 1
    assert "  file: not valid JSON" in result.output
    result = flask("import", "popolo-json", str(FIXTURES / "popolo-nz.json"), "--as-of",
                   "2026-01-01")  # fmt: skip
    assert result.exit_code == 0
    assert "Warnings (1):\n  organizations[4]: 'Science and Innovation Committee'" in result.output


def test_generic_csv_mapping_options(flask):
    sheet = str(FIXTURES / "campaign-contacts.csv")
    mapping = str(FIXTURES / "campaign-mapping.json")
    result = flask("import", "generic-csv", sheet, "--mapping", mapping, "--map",
                   "phone=Phone", "--default", "language=nl", "--source", "nl-sheet")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("nl-sheet: 4 added")
    unknown = flask("import", "generic-csv", sheet, "--map", "mail=E-mail")
    assert unknown.exit_code == 2 and "unknown field(s) in the column mapping: mail" in (
        unknown.output)  # fmt: skip
    missing = flask("import", "generic-csv", sheet, "--map", "name=Naam")
    assert missing.exit_code == 1
    assert "mapped column(s) not in the file: 'Naam' (for name)" in missing.output


def test_postcode_csv_through_a_mapping(flask, app, tmp_path):
    table = tmp_path / "onspd.csv"
    table.write_text("pcds,pcon\nSW1A 1AA,westminster\nN1 9GU,islington-s\nN1 9GU,holborn\n"
                     "??,holborn\n", encoding="utf-8")  # fmt: skip
    args = ("import", "postcode-csv", str(table), "--map", "postcode=pcds", "--map",
            "area=pcon", "--country", "GB", "--source", "uk-postcodes")  # fmt: skip
    refused = flask(*args)
    assert refused.exit_code == 1
    assert "line 5: bad postcode '??': letters, digits and '-' only" in refused.output
    result = flask(*args, "--partial")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("uk-postcodes: 3 added, 0 updated, 0 retired, 1 rejected")
    from representatives.store import DatabasePostcodes

    with app_state(app).database.session_factory() as session:
        assert DatabasePostcodes.within(session).areas("GB", "N19GU") == ("holborn",
                                                                          "islington-s")
    wrong = flask("import", "postcode-csv", str(table), "--map", "constituency=pcon")
    assert wrong.exit_code == 2 and "unknown field(s) in the column mapping: constituency" in (
        wrong.output)  # fmt: skip


def test_validate_reports_problems_and_exits_1(flask, app):
    flask("import", "everypolitician-csv", EP_CSV, "--country", "IE", "--as-of", "2024-12-20")
    result = flask("validate", "--limit", "2")
    assert result.exit_code == 1
    out = result.output
    assert "People in office with no way to send them a letter (1):\n  [everypolitician-ie-" \
           "dail-eireann] Siobhán Kelly" in out
    assert "Contact details last verified more than 12 months ago (" in out
    assert "Current roles without a source (5):" in out
    assert "  ... and 3 more (by source: everypolitician-ie-dail-eireann 5)" in out
    assert out.rstrip().endswith("problem(s) found.")
    months = flask("validate", "--months", "600")
    assert "last verified more than" not in months.output
    assert "--months" in flask("validate", "--help").output
    assert "Exit status 1 when any problem is found" in flask("validate", "--help").output


def test_validate_clean_data_exits_0(flask, tmp_path):
    recent = (date.today() - timedelta(days=10)).isoformat()
    path = tmp_path / "clean.csv"
    path.write_text(
        "id,name,kind,role,body,country,email,source_url,verified_on\n"
        f"gov:fr:a,Anne A,minister,Ministre,Ministère,FR,a@example.org,https://example.org/a,"
        f"{recent}\n",
        encoding="utf-8",
    )
    assert flask("import", "generic-csv", str(path)).exit_code == 0
    result = flask("validate")
    assert (result.exit_code, result.output) == (0, "No problems found.\n")


def test_stats_table(flask):
    flask("import", "default")
    flask("import", "everypolitician-csv", EP_CSV, "--country", "IE", "--as-of", "2026-01-01")
    result = flask("stats")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["country", "kind", "targets", "email", "form", "post", "none"]
    assert "PL       head_of_government        1        1        0        1        0" in lines
    # Siobhán Kelly has no channel at all: no target, so only those who have one are counted.
    assert ["IE", "mp", "4", "4", "0", "0", "0"] in [line.split() for line in lines]
    # 57 offices with a channel in the shipped data, 4 members of the Dáil with one.
    assert lines[-3].split()[:2] == ["total", "61"]
    assert lines[-2] == "Countries with targets: 50."
    assert lines[-1].startswith("Countries in the summit data without any target: AE, AL, BO,")
    only = flask("stats", "--country", "ie")
    assert [line.split()[:2] for line in only.output.splitlines()[1:-2]] == [
        ["IE", "minister"], ["IE", "head_of_government"], ["IE", "mp"]]
    assert only.output.splitlines()[-2].split()[:2] == ["total", "6"]
    assert only.output.splitlines()[-1] == "Countries with targets: 1."


def test_export_to_stdout_and_file_then_import_elsewhere(flask, tmp_path, migrated):
    flask("import", "everypolitician-csv", EP_CSV, "--country", "IE", "--as-of", "2026-01-01")
    as_json = flask("export", "ie:dail-eireann")
    assert as_json.exit_code == 0, as_json.output
    document = json.loads(as_json.output)
    assert len(document["persons"]) == 5
    as_csv = flask("export", "everypolitician-ie-dail-eireann", "--format", "csv")
    assert as_csv.output.splitlines()[0].startswith("id,name,given_name,family_name,honorific")
    assert len(as_csv.output.splitlines()) == 6

    out = tmp_path / "ie.json"
    written = flask("export", "ie:dail-eireann", "-o", str(out))
    assert written.exit_code == 0
    assert "5 role(s) of organization 'ie:dail-eireann' written to" in written.output
    other = new_app(tmp_path, migrated, "other.sqlite3")
    try:
        result = other.test_cli_runner().invoke(
            args=["reps", "import", "popolo-json", str(out), "--source", "ie-copy"]
        )
        assert result.exit_code == 0, result.output
        assert result.output.startswith("ie-copy: 5 added")
        again = other.test_cli_runner().invoke(args=["reps", "export", "ie-copy"])
        assert json.loads(again.output)["persons"] == document["persons"]
    finally:
        app_state(other).database.dispose()


def test_export_of_an_unknown_key(flask):
    result = flask("export", "nowhere")
    assert result.exit_code == 2
    assert "no body or source named 'nowhere'" in result.output
