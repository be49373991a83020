"""GET /campaigns/{slug}/targets gives an office's title and body in the office's own language
beside the English ones, for a partner's page in that language; on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from representatives.tables import Membership, Organization
from tests.webapp.flow import SLUG
from webapp.app_state import app_state

MINISTER_OFFICE, MINISTRY = "t:nl-minister@t:nl-ezk", "t:nl-ezk"
BRITISH_OFFICE = "t:gb-minister@t:gb-dsit"


def _set(app, local_role, local_name, british_local_role) -> None:
    with app_state(app).database.session_factory() as session:
        session.get(Membership, MINISTER_OFFICE).local_role = local_role
        session.get(Organization, MINISTRY).local_name = local_name
        session.get(Membership, BRITISH_OFFICE).local_role = british_local_role
        session.commit()
    app_state(app).directory.refresh()


@pytest.fixture
def local_titles(app):
    # Made up, as the test directory is. The British office writes in English: its local title
    # (as the data gives Canada's French one) is in another language, and not given out.
    _set(app, "Minister van Economische Zaken", "Ministerie van Economische Zaken",
         "Gweinidog dros AI")
    yield
    # The PostgreSQL database is shared between tests: the made-up directory as it was.
    _set(app, None, None, None)


def _targets(client, auth, country: str) -> dict:
    response = client.get(f"/api/v1/campaigns/{SLUG}/targets?country={country}", headers=auth)
    assert response.status_code == 200, response.get_json()
    return {t["id"]: t for t in response.get_json()["targets"]}


def test_targets_carry_their_local_title_and_body(client, auth, local_titles):
    targets = _targets(client, auth, "NL")
    minister = targets["t:nl-minister"]
    assert (minister["local_role"], minister["local_body"], minister["language"]) == (
        "Minister van Economische Zaken", "Ministerie van Economische Zaken", "nl")
    mep = targets["t:nl-mep"]
    assert (mep["local_role"], mep["local_body"]) == (None, None)
    british = _targets(client, auth, "GB")["t:gb-minister"]
    assert (british["role"], british["local_role"]) == ("Minister for AI", None)


def test_the_openapi_document_describes_them(client):
    document = client.get("/api/v1/openapi.json").get_json()
    properties = document["components"]["schemas"]["Target"]["properties"]
    assert properties["local_role"]["nullable"] and properties["local_body"]["nullable"]
