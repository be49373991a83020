"""Staff-area fixtures: the shared app (tests/conftest.py) with three accounts, and signing in."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from sqlalchemy import delete, update

from tests.apps import CAMPAIGN_DEFAULTS
from tests.webapp.pages import csrf_token
from webapp.app_state import app_state
from webapp.campaigns import file_campaigns
from webapp.models import Campaign
from webapp.staff import auth
from webapp.staff.auth import new_session_token
from webapp.staff.models import (
    AuditEntry,
    CampaignSettings,
    CampaignText,
    ContentRevision,
    LetterReview,
    PublishedTemplate,
    Role,
    StaffUser,
    TemplateVersion,
)

PASSWORD = "correct horse battery staple"
USERS = {"admin": "admin@campaign.example", "editor": "editor@campaign.example",
         "viewer": "viewer@campaign.example"}


# Argon2id with the least work it allows, for the staff tests: the app's parameters make each
# sign-in slow on purpose, and nearly every test here signs in. Hashing, checking and rehashing
# still run through webapp.staff.auth.
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture(autouse=True)
def _fast_password_hashes(monkeypatch):
    monkeypatch.setattr(auth, "hasher", FAST_HASHER)


@pytest.fixture(scope="session")
def password_hash() -> str:
    return FAST_HASHER.hash(PASSWORD)  # what hash_password gives under _fast_password_hashes


def reset_staff_tables(flask_app, password_hash: str) -> None:
    with app_state(flask_app).database.session_factory() as session:
        for table in (PublishedTemplate, TemplateVersion, CampaignText, CampaignSettings,
                      AuditEntry, ContentRevision, LetterReview, StaffUser):
            session.execute(delete(table))
        for role, email in USERS.items():
            session.add(StaffUser(email=email, password_hash=password_hash, role=Role(role),
                                  active=True, session_token=new_session_token()))
        session.commit()


def restore_campaigns(flask_app) -> None:
    """Undo what staff tests change in shared tables (the PostgreSQL database is shared)."""
    files = set(file_campaigns()[0])  # as loaded once per process: the files do not change
    with app_state(flask_app).database.session_factory() as session:
        session.execute(delete(Campaign).where(Campaign.slug.not_in(files)))
        session.execute(update(Campaign).values(CAMPAIGN_DEFAULTS))
        session.commit()


@pytest.fixture
def staff_app(app, password_hash):
    reset_staff_tables(app, password_hash)
    yield app
    reset_staff_tables(app, password_hash)
    restore_campaigns(app)


def login(browser, role: str = "editor", password: str = PASSWORD):
    page = browser.get("/staff/login").get_data(as_text=True)
    return browser.post("/staff/login", data={
        "email": USERS[role], "password": password, "csrf_token": csrf_token(page)})


def token(browser, path: str = "/staff/") -> str:
    return csrf_token(browser.get(path).get_data(as_text=True))


@pytest.fixture
def editor(staff_app):
    signed_in = staff_app.test_client()
    assert login(signed_in, "editor").status_code == 303
    return signed_in


@pytest.fixture
def admin(staff_app):
    signed_in = staff_app.test_client()
    assert login(signed_in, "admin").status_code == 303
    return signed_in


@pytest.fixture
def viewer(staff_app):
    signed_in = staff_app.test_client()
    assert login(signed_in, "viewer").status_code == 303
    return signed_in


# The data desk's fixtures (desk_app, db, editor_identity), for every test module here; at the
# end, since they read USERS above.
from .desk_support import db, desk_app, editor_identity  # noqa: E402, F401
