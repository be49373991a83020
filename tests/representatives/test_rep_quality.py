"""What `validate` finds wrong or stale, and what `stats` counts, on hand-made sheets."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, update

from representatives.importers import IMPORTERS, progress_to
from representatives.importers.base import fit_id, slugify
from representatives.importers.project import GOVERNMENTS
from representatives.model import TargetKind
from representatives.quality import months_before, stats, validate
from representatives.tables import ContactDetail, Membership, Person

TODAY = date(2026, 3, 31)
HEADER = "id,name,kind,role,body,country,email,postal_address,phone,source_url,verified_on\n"


def sheet(session, tmp_path, rows: str, source="sheet"):
    path = tmp_path / f"{source}.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    report = IMPORTERS["generic-csv"](session, path, source=source)
    assert report.ok, report.rejected
    return report


CLEAN = (
    "gov:fr:a,Anne A,minister,Ministre,Ministère,FR,a@example.org,,,https://example.org/a,"
    "2026-02-01\n"
    "gov:fr:b,Bruno B,summit_delegate,Délégué,Ministère,FR,,1 rue X Paris,,https://example.org/b,"
    "2025-06-01\n"
)


def test_clean_data_has_no_problems(session, tmp_path):
    sheet(session, tmp_path, CLEAN)
    result = validate(session, months=12, today=TODAY)
    assert result.problems == []


def test_each_kind_of_problem(session, tmp_path):
    sheet(session, tmp_path, CLEAN + (
        # A phone number is no way to send a letter; no source; no verification date.
        "gov:fr:c,Chloé C,minister,Ministre,Ministère,FR,,,+33 1 55 55 01 00,,\n"
        # Verified 13 months before TODAY.
        "gov:fr:d,David D,minister,Ministre,Ministère,FR,d@example.org,,,https://example.org/d,"
        "2025-02-28\n"
    ))  # fmt: skip
    session.execute(
        update(ContactDetail)
        .where(ContactDetail.value == "a@example.org")
        .values(bounced_at=datetime(2026, 3, 1, tzinfo=UTC))
    )
    result = validate(session, months=12, today=TODAY)
    assert [(p.code, p.subject) for p in result.problems] == [
        ("no_channel", "gov:fr:a"),  # their only address bounced
        ("no_channel", "gov:fr:c"),
        ("bounced", "gov:fr:a"),
        ("stale", "gov:fr:d"),
        ("never_verified", "gov:fr:c"),
        ("no_source", "gov:fr:c"),
    ]
    texts = {p.code + p.subject: p.text for p in result.problems}
    assert texts["no_channelgov:fr:c"].endswith("no email, contact form or postal address "
                                                "(a phone number only)")  # fmt: skip
    assert texts["bouncedgov:fr:a"] == (
        "email 'a@example.org' of Anne A (gov:fr:a): bounced 2026-03-01"
    )
    assert texts["stalegov:fr:d"].endswith("verified 2025-02-28")
    assert {p.source for p in result.problems} == {"sheet"}
    # Twelve months before 31 March is 31 March: on the cut-off is not stale.
    assert [p.code for p in validate(session, months=13, today=TODAY).of("stale")] == []


def test_people_out_of_office_are_not_problems(session, tmp_path):
    sheet(session, tmp_path, "gov:fr:c,Chloé C,minister,Ministre,Ministère,FR,,,,,\n")
    session.execute(update(Membership).values(end_date=date(2026, 1, 1)))
    assert validate(session, today=TODAY).problems == []


def test_source_filter(session, tmp_path):
    sheet(session, tmp_path, "gov:fr:c,Chloé C,minister,Ministre,Ministère,FR,,,,,\n", "one")
    sheet(session, tmp_path, "gov:de:d,Dora D,minister,Ministerin,BMDV,DE,,,,,\n", "two")
    assert {p.source for p in validate(session, today=TODAY).problems} == {"one", "two"}
    assert {p.source for p in validate(session, today=TODAY, source="two").problems} == {"two"}


def test_organization_contacts_are_checked_too(session):
    IMPORTERS["default"](session)
    # The shipped offices carry their own channels: give the department an inbox of its own.
    session.add(ContactDetail(organization_id="gb:dsit", kind="email", value="inbox@example.org",
                              source="test", verified_on=date(2026, 1, 1)))  # fmt: skip
    session.flush()
    session.execute(
        update(ContactDetail)
        .where(ContactDetail.organization_id == "gb:dsit")
        .values(bounced_at=datetime(2026, 1, 2, tzinfo=UTC))
    )
    bounced = validate(session, today=TODAY).of("bounced")
    assert [p.subject for p in bounced] == ["gb:dsit"]
    assert "Department for Science, Innovation and Technology" in bounced[0].text


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 3, 31), 1, date(2026, 2, 28)),
        (date(2024, 3, 31), 1, date(2024, 2, 29)),
        (date(2026, 1, 15), 12, date(2025, 1, 15)),
        (date(2026, 1, 15), 0, date(2026, 1, 15)),
        (date(2026, 1, 15), 25, date(2023, 12, 15)),
    ],
)
def test_months_before(day, months, expected):
    assert months_before(day, months) == expected


def test_stats_per_country_and_kind(session, tmp_path):
    IMPORTERS["default"](session)
    sheet(session, tmp_path, CLEAN + (
        "gov:fr:c,Chloé C,minister,Ministre,Ministère,FR,,,+33 1 55 55 01 00,,\n"
        "fr-mp,Marc M,mp,Député,Assemblée nationale,FR,m@example.org,1 rue Y Paris,,,\n"
    ))  # fmt: skip
    found = stats(session)
    rows = {(r.country, r.kind): r for r in found.rows}
    ministers = rows[("FR", TargetKind.MINISTER)]
    assert (ministers.targets, ministers.email, ministers.post, ministers.none) == (2, 1, 0, 1)
    mp = rows[("FR", TargetKind.MP)]
    assert (mp.targets, mp.email, mp.contact_form, mp.post, mp.none) == (1, 1, 0, 1, 0)
    # Sorted by country, then kind: the government before the parliament.
    assert [r.country for r in found.rows] == sorted(r.country for r in found.rows)
    assert [r.kind for r in found.rows if r.country == "FR"] == [
        TargetKind.SUMMIT_DELEGATE, TargetKind.MINISTER, TargetKind.HEAD_OF_GOVERNMENT,
        TargetKind.MP,
    ]
    # The shipped summit data names countries the directory has nobody for (the UAE's offices
    # are in the data, but with no channel they are nobody a letter can go to).
    assert "AE" in found.summit_countries_without_targets
    assert "GB" not in found.summit_countries_without_targets
    only = stats(session, country="FR")
    assert {r.country for r in only.rows} == {"FR"}
    assert only.summit_countries_without_targets == []  # FR has targets


def test_progress_is_reported_up_to_the_end(session, tmp_path):
    rows = "".join(
        f"{n},Person {n},mp,MP,Parliament,GB,p{n}@example.org,,,,\n" for n in range(5000)
    )
    path = tmp_path / "big.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    seen: list[float] = []
    with progress_to(seen.append):
        assert IMPORTERS["generic-csv"](session, path).ok
    assert len(seen) > 4 and seen == sorted(seen)
    assert 0 < seen[0] < 0.8 and seen[-1] == 1.0
    # Outside the block nobody listens.
    count = len(seen)
    IMPORTERS["generic-csv"](session, path, dry_run=True)
    assert len(seen) == count


def test_recent_verification_is_not_stale(session, tmp_path):
    recent = (date.today() - timedelta(days=30)).isoformat()
    sheet(session, tmp_path, f"gov:fr:a,Anne A,minister,Ministre,M,FR,a@example.org,,,"
                             f"https://example.org/a,{recent}\n")  # fmt: skip
    assert validate(session).problems == []
    assert [p.code for p in validate(session, months=0).problems] == ["stale"]
    assert session.scalars(select(ContactDetail.verified_on)).one().isoformat() == recent


def test_shipped_data_problems_are_known(session):
    IMPORTERS["default"](session)
    result = validate(session, today=TODAY)
    # The shipped data lists offices it found no public channel for, and says so: exactly
    # those are reported, whether addressed by title or to a named holder.
    unreachable = set()
    for path in GOVERNMENTS.glob("*.json"):
        for office in json.loads(path.read_text(encoding="utf-8"))["offices"]:
            if not {c["kind"] for c in office["contacts"]} & {"email", "contact_form", "post"}:
                holder = office["holder"]
                unreachable.add(fit_id(f"{office['id']}:{slugify(holder['name'])}", 64)
                                if holder else office["id"])  # fmt: skip
    assert "gb:prime-minister" in unreachable
    assert {p.subject for p in result.of("no_channel")} == unreachable
    # An office addressed by its title, with a channel and a source, is no problem.
    office = session.get(Person, "gb:secretary-of-state-dsit")
    assert office.by_title and office.family_name is None
    assert office.id not in {p.subject for p in result.problems}
    texts = {p.subject: p.text for p in result.of("no_channel")}
    # Its title is its name and its role: said once.
    assert texts["gb:prime-minister"] == (
        "Prime Minister (gb:prime-minister): no email, contact form or postal address"
    )


