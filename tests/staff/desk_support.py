"""Fixtures of the data desk's tests: the staff app whose directory each test puts back as it
was (the PostgreSQL database is shared), a session on it, and the editor's identity."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select

from representatives.tables import (
    Area,
    ContactDetail,
    Membership,
    Organization,
    Person,
    PostcodeArea,
)
from tests.webapp.data import load_test_directory
from webapp.app_state import app_state
from webapp.models import DataReport
from webapp.staff.auth import StaffIdentity
from webapp.staff.models import DataDeskSettings, StaffUser

from .conftest import USERS


def reset_directory(app) -> None:
    with app_state(app).database.session_factory() as session:
        session.execute(delete(DataDeskSettings))
        session.execute(delete(DataReport))
        session.execute(delete(ContactDetail))
        session.execute(delete(Membership))
        session.execute(delete(PostcodeArea))
        session.execute(delete(Area).where(Area.parent_id.is_not(None)))
        session.execute(delete(Area))
        session.execute(delete(Person))
        session.execute(delete(Organization))
        session.commit()
    load_test_directory(app)
    app_state(app).directory.refresh()


@pytest.fixture
def desk_app(staff_app):
    yield staff_app
    reset_directory(staff_app)


@pytest.fixture
def db(desk_app):
    with app_state(desk_app).database.session_factory() as session:
        yield session


@pytest.fixture
def editor_identity(db) -> StaffIdentity:
    user = db.scalars(select(StaffUser).where(StaffUser.email == USERS["editor"])).one()
    return StaffIdentity(user, "test-session")
