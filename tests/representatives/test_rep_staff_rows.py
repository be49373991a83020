"""Importing the shipped data again leaves what staff changed in the browser (source "staff")."""

from __future__ import annotations

from sqlalchemy import select

from representatives.importers import IMPORTERS
from representatives.store import load_summits
from representatives.tables import STAFF_SOURCE, Summit, SummitParticipation


def test_a_re_import_of_the_default_data_keeps_staff_rows(session):
    assert IMPORTERS["default"](session).written
    session.commit()
    geneva = session.get(Summit, "geneva-2027")
    assert geneva is not None and geneva.status == "next"
    # What the staff pages write: a summit of their own marked next, the one before un-marked,
    # and a participation row corrected.
    geneva.status, geneva.city, geneva.source = "announced", "Genève", STAFF_SOURCE
    session.add(Summit(id="lyon-2027", name="A summit in Lyon", host_country="FR", city="Lyon",
                       status="next", year=2027, documents=[], source=STAFF_SOURCE))
    china = session.scalars(select(SummitParticipation).where(
        SummitParticipation.summit_id == "bletchley-2023",
        SummitParticipation.country == "CN")).one()
    china.status, china.source = "attended", STAFF_SOURCE
    session.commit()

    report = IMPORTERS["default"](session)
    assert report.ok and report.written
    session.commit()
    session.expire_all()
    assert (geneva.status, geneva.city) == ("announced", "Genève")
    assert china.status == "attended"
    series = load_summits(session)
    assert [s.id for s in series.summits if s.is_next] == ["lyon-2027"]
    assert (report.added, report.updated, report.retired) == (0, 0, 0)
    kept = {where for where, _why in report.kept}
    assert "summit geneva-2027" in kept
    assert any(where.startswith("summit_participation bletchley-2023/CN/") for where in kept)
