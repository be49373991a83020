"""EveryPolitician's term CSV, on a hand-made file (invented people, example.org addresses)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from representatives.importers import IMPORTERS
from representatives.model import ChannelKind, TargetKind
from representatives.store import load_directory
from representatives.tables import ContactDetail, Membership, Organization, Person

FIXTURE = Path(__file__).parent / "fixtures" / "everypolitician-ie-dail.csv"
AS_OF = date(2026, 1, 1)
PREFIX = "everypolitician:0a1b2c3d-000"


def pid(n: int) -> str:
    return f"{PREFIX}{n}-4000-8000-00000000000{n}"


def run(session, path=FIXTURE, **options):
    options.setdefault("country", "IE")
    options.setdefault("as_of", AS_OF)
    return IMPORTERS["everypolitician-csv"](session, path, **options)


def copy_with(tmp_path, edit) -> Path:
    lines = FIXTURE.read_text(encoding="utf-8").splitlines(keepends=True)
    path = tmp_path / "term.csv"
    path.write_text("".join(edit(lines)), encoding="utf-8")
    return path


def test_current_members_of_the_term(session):
    report = run(session, source_url="https://example.org/ie/term-34.csv")
    assert report.ok and report.written, report.rejected
    # The one who left in June 2025 is no target; the one who changed party is one.
    assert report.added == 5
    assert report.source == "everypolitician-ie-dail-eireann"
    assert session.get(Person, pid(5)) is None

    aoife = session.get(Person, pid(1))
    assert (aoife.given_name, aoife.family_name, aoife.gender) == ("Aoife", "Ní Bhriain", "female")
    (membership,) = aoife.memberships
    assert membership.organization_id == "ie:dail-eireann"
    assert membership.role == "Member of the Dáil Éireann"
    assert (membership.kind, membership.country, membership.language) == ("mp", "IE", "en")
    assert membership.party == "Fianna Fáil"
    assert membership.area_id == "IE-Dublin Bay North"
    assert membership.start_date == date(2024, 12, 18)
    assert membership.source_url == "https://example.org/ie/term-34.csv"
    assert membership.verified_on == AS_OF
    body = session.get(Organization, "ie:dail-eireann")
    assert (body.name, body.classification, body.country) == ("Dáil Éireann", "parliament", "IE")

    ciaran = session.get(Person, pid(2))
    assert sorted(c.value for c in ciaran.contact_details) == [
        "c.murphy@example.org",
        "ciaran.murphy@example.org",
    ]
    assert session.get(Person, pid(3)).contact_details == []  # no email in the file

    # Two rows for one person: the stint that ended is not the one kept.
    (walsh,) = session.get(Person, pid(4)).memberships
    assert (walsh.party, walsh.start_date) == ("Independent", date(2025, 4, 1))
    eoin = session.get(Person, pid(6))
    assert eoin.gender is None and eoin.memberships[0].party is None  # "unknown" is no party


def test_twitter_facebook_and_images_are_not_channels(session):
    run(session)
    kinds = set(session.scalars(select(ContactDetail.kind)))
    assert kinds == {ChannelKind.EMAIL.value}


def test_constituency_members_need_postcode_data(session):
    run(session)
    directory = load_directory(session)
    assert not directory.needs_postcode("IE")
    match = directory.match("IE")
    assert match.targets == ()
    assert "no_postcode_data" in match.notes and "no_data" not in match.notes
    target = directory.get(pid(1))
    assert (target.kind, target.area, target.body) == (TargetKind.MP, "Dublin Bay North",
                                                       "Dáil Éireann")  # fmt: skip


def test_national_list_members_are_matched_by_country(session, tmp_path):
    def national(lines):
        return [lines[0]] + [
            line.replace("Dublin Bay North", "Ireland").replace(
                "ocd-division/country:ie/constituency:dublin_bay_north", ""
            )
            for line in lines[1:]
        ]

    run(session, copy_with(tmp_path, national))
    match = load_directory(session).match("IE")
    assert [m.target.id for m in match.targets] == [pid(1)]
    assert match.targets[0].target.area is None


def test_role_option_and_as_of(session):
    report = run(session, role="Teachta Dála", as_of=date(2025, 5, 1))
    assert report.ok
    # On 1 May 2025 the member who left in June was still in office, and the one who came in
    # July was not yet.
    assert report.added == 5
    assert session.get(Person, pid(5)) is not None and session.get(Person, pid(6)) is None
    assert {m.role for m in session.scalars(select(Membership))} == {"Teachta Dála"}


def test_reimport_is_idempotent_and_leavers_are_retired(session, tmp_path):
    assert run(session).added == 5
    second = run(session)
    assert (second.added, second.updated, second.retired) == (0, 0, 0)
    without_aoife = copy_with(tmp_path, lambda lines: [lines[0]] + lines[2:])
    third = run(session, without_aoife)
    assert (third.added, third.updated, third.retired) == (0, 0, 1)
    assert session.get(Person, pid(1)).retired_at is not None


def test_two_countries_do_not_retire_each_other(session, tmp_path):
    run(session)
    other = copy_with(tmp_path, lambda lines: [line.replace("0a1b2c3d", "9f9f9f9f") for line in
                                               lines])  # fmt: skip
    report = run(session, other, country="MT")
    assert report.source == "everypolitician-mt-dail-eireann"
    assert report.retired == 0
    assert session.scalar(select(func.count()).where(Person.retired_at.is_not(None))) == 0


def test_nobody_current_is_a_warning(session, tmp_path):
    before = run(session, as_of=date(2024, 1, 1))  # before the term began
    assert before.ok and before.added == 0
    assert before.warnings == [(0, "nobody in this file is in office on 2024-01-01")]

    path = tmp_path / "ended.csv"
    path.write_text(
        "id,name,area,chamber,start_date,end_date\n"
        "a1,Ann Old,Kerry,Dáil Éireann,2020-02-20,2024-11-08\n"
        "b2,Bob Old,Kerry,Dáil Éireann,2020-02-20,2024-11-08\n",
        encoding="utf-8",
    )
    ended = run(session, path)
    assert ended.ok and ended.added == 0
    assert ended.warnings == [(0, "nobody in this file is in office on 2026-01-01")]


# --- broken copies ---------------------------------------------------------------------------


def nothing_written(session) -> bool:
    return session.scalar(select(func.count()).select_from(Person)) == 0


@pytest.mark.parametrize(
    ("edit", "where", "reason"),
    [
        (lambda ls: [ls[0].replace("id,name", "ident,name")] + ls[1:], 0, "missing column(s): id"),
        (lambda ls: ls[:2] + [ls[2].replace("2024-12-18", "18/12/2024")] + ls[3:], 3,
         "bad date in start_date '18/12/2024'"),
        (lambda ls: ls[:3] + [ls[3].replace("Siobhán Kelly", "", 1)] + ls[4:], 4,
         "name is required"),
        (lambda ls: ls[:1] + [",".join(ls[1].split(",")[:5]) + "\n"] + ls[2:], 2,
         "fields where the header has"),
        (lambda ls: ls + ['x,"Unclosed quote,\n'], None, "is the file truncated?"),
    ],
    ids=["missing id column", "bad date", "no name", "short row", "truncated"],
)
def test_broken_copies_are_rejected(session, tmp_path, edit, where, reason):
    report = run(session, copy_with(tmp_path, edit))
    assert not report.ok and not report.written
    assert len(report.rejected) == 1, report.rejected
    assert reason in report.rejected[0][1]
    if where is not None:
        assert report.rejected[0][0] == where
    assert nothing_written(session)


def test_bad_email_is_left_out_with_a_warning(session, tmp_path):
    broken = copy_with(tmp_path, lambda ls: [ls[0], ls[1].replace("@example.org", "@")] + ls[2:])
    report = run(session, broken)
    assert report.ok and report.added == 5
    assert report.warnings == [(2, f"{pid(1)}: email left out: bad email 'aoife.nibhriain@': "
                                   "There must be something after the @-sign.")]  # fmt: skip
    assert session.get(Person, pid(1)).contact_details == []


@pytest.mark.parametrize("country", ["XX", "Ireland", ""])
def test_unknown_country_rejects_the_file(session, country):
    report = run(session, country=country)
    assert report.rejected == [(0, f"--country: {country!r} is not an ISO 3166-1 country code")]


def test_alpha3_country_is_accepted(session):
    assert run(session, country="IRL").source == "everypolitician-ie-dail-eireann"


def test_module_command_line_takes_the_same_options(engine, capsys):
    from representatives.importers.__main__ import main

    url = engine.url.render_as_string(hide_password=False)
    with pytest.raises(SystemExit) as info:
        main(["everypolitician-csv", str(FIXTURE), "--database-url", url])
    assert info.value.code == 2
    assert "everypolitician-csv needs --country" in capsys.readouterr().err
    assert main(["everypolitician-csv", str(FIXTURE), "--database-url", url, "--country", "IE",
                 "--as-of", "2026-01-01", "--role", "TD"]) == 0  # fmt: skip
    assert capsys.readouterr().out.startswith("everypolitician-ie-dail-eireann: 5 added")
