"""Members of parliament by constituency in a country without a postcode table, for the
tests of choosing one's constituency."""

from __future__ import annotations

import pytest

from representatives.tables import Area, ContactDetail, Membership, Organization, Person
from webapp.app_state import app_state

from .data import SOURCE, _contact, _membership, _person

GB_MPS = [  # (person id, name, constituency as the file names it, e-mail)
    ("t:gb-mp-bath", "Wera Hobhouse", "Bath", "wera@commons.example.org"),
    ("t:gb-mp-ynys", "Llinos Medi", "Ynys Môn", "llinos@commons.example.org"),
    ("t:gb-mp-aber", "Stephen Kinnock", "Aberavon", "stephen@commons.example.org"),
]


@pytest.fixture
def gb_members(app):
    """Three members of the House of Commons by constituency, and no UK postcode table."""
    with app_state(app).database.session_factory() as session:
        session.add(Organization(id="t:gb-commons", name="House of Commons",
                                 classification="parliament", country="GB", source=SOURCE))
        for person_id, name, area, _email in GB_MPS:
            session.add(Area(id=f"GB-{area}", name=area, country="GB",
                             classification="district", source=SOURCE))
            given, family = name.split(" ", 1)
            session.add(_person(person_id, name, given, family))
        session.flush()
        for person_id, _name, area, email in GB_MPS:
            session.add(_membership(person_id, "t:gb-commons", "mp", "Member of Parliament",
                                    "GB", "en", area=f"GB-{area}"))
            session.add(_contact(person_id, "email", email))
        session.commit()
    app_state(app).directory.refresh()
    yield
    # The PostgreSQL database is shared by the tests: leave it as it was.
    with app_state(app).database.session_factory() as session:
        ids = [person_id for person_id, *_ in GB_MPS]
        session.execute(ContactDetail.__table__.delete().where(ContactDetail.person_id.in_(ids)))
        session.execute(Membership.__table__.delete().where(Membership.person_id.in_(ids)))
        session.execute(Person.__table__.delete().where(Person.id.in_(ids)))
        session.execute(Area.__table__.delete().where(Area.id.like("GB-%")))
        session.execute(Organization.__table__.delete().where(Organization.id == "t:gb-commons"))
        session.commit()
    app_state(app).directory.refresh()
