"""DriverInsert stores what a Core INSERT stores, and DriverSelect reads what a Core SELECT
reads, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import bindparam, insert, select
from sqlalchemy.exc import IntegrityError

from database import DriverInsert, DriverSelect, make_engine
from webapp.models import Campaign, Submission

COLUMNS = ("public_id", "form_key", "campaign_id", "supporter_name", "supporter_email",
           "supporter_town", "country", "postcode", "language", "wants_updates", "created_at",
           "partner_code")


def _values(n: int, campaign_id: int) -> dict:
    return {"public_id": f"p{n}", "form_key": f"k{n}", "campaign_id": campaign_id,
            "supporter_name": "Zoë O'Brien", "supporter_email": "zoe@example.org",
            "supporter_town": "Zürich", "country": "CH", "postcode": "8001", "language": "de",
            "wants_updates": True, "created_at": datetime(2026, 12, 1, 9, 30, 15, 123456, UTC),
            "partner_code": None}


def test_rows_read_back_as_a_core_insert_writes_them(database_url):
    engine = make_engine(database_url)
    table = Submission.__table__
    with engine.begin() as connection:
        campaign_id = connection.execute(select(Campaign.id)).scalars().first()
        new_id = DriverInsert(table, returning="id").one(connection, _values(1, campaign_id))
        core_id = connection.execute(insert(table).returning(table.c.id),
                                     _values(2, campaign_id)).scalar_one()
        rows = {row.public_id: row for row in connection.execute(
            select(table).where(table.c.public_id.in_(["p1", "p2"])))}
        connection.rollback()
    engine.dispose()
    assert new_id != core_id and len(rows) == 2
    compared = [c for c in COLUMNS if c not in ("public_id", "form_key")]
    assert [getattr(rows["p1"], c) for c in compared] == [getattr(rows["p2"], c) for c in compared]
    assert rows["p1"].wants_updates is True and rows["p1"].supporter_town == "Zürich"


def test_a_column_left_to_its_default_is_refused(database_url):
    engine = make_engine(database_url)
    values = _values(5, 1)
    del values["supporter_town"]
    with engine.begin() as connection:
        with pytest.raises(ValueError, match="supporter_town"):
            DriverInsert(Submission.__table__).one(connection, values)
    engine.dispose()


def test_a_driver_error_comes_out_as_sqlalchemys(database_url):
    """The view tells a double submit by sqlalchemy.exc.IntegrityError (a form key taken)."""
    engine = make_engine(database_url)
    with engine.connect() as connection:
        campaign_id = connection.execute(select(Campaign.id)).scalars().first()
        insert_submission = DriverInsert(Submission.__table__, returning="id")
        insert_submission.one(connection, _values(6, campaign_id))
        again = dict(_values(7, campaign_id), form_key="k6")
        with pytest.raises(IntegrityError) as raised:
            insert_submission.one(connection, again)
        assert raised.value.orig is not None
        connection.rollback()
        assert connection.execute(select(Submission.id).where(
            Submission.public_id.in_(["p6", "p7"]))).all() == []
    engine.dispose()


def test_a_row_reads_back_as_a_core_select_reads_it(database_url):
    engine = make_engine(database_url)
    table = Campaign.__table__
    statement = select(table).where(table.c.slug == bindparam("slug"))
    by_slug = DriverSelect(statement)
    with engine.connect() as connection:
        slug = connection.execute(select(table.c.slug)).scalars().first()
        core = connection.execute(statement, {"slug": slug}).first()
        row = by_slug.first(connection, {"slug": slug})
        missing = by_slug.first(connection, {"slug": "no-such-campaign"})
    engine.dispose()
    assert row._asdict() == core._asdict()
    assert row.allow_send is True and isinstance(row.created_at, datetime)
    assert missing is None
