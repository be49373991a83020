"""The API asks for the supporter's street address as step two does: required when a letter
goes to an office that reads only its constituents' letters (a UK MP), put into that letter
below the name and into no other."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.webapp.area_data import gb_members  # noqa: F401 (a fixture)
from webapp.app_state import app_state
from webapp.models import Submission

URL = "/api/v1/campaigns/treaty-at-next-summit/submissions"
BATH = {"name": "Jane Doe", "email": "jane@example.org", "town": "Bath", "country": "GB",
        "area": "Bath"}


def _submissions(app) -> list[Submission]:
    with app_state(app).database.session_factory() as session:
        return list(session.scalars(select(Submission)))


@pytest.mark.usefixtures("gb_members")
def test_a_letter_to_an_mp_needs_the_street_address(app, client, auth):
    response = client.post(URL, headers=auth, json={"supporter": BATH})
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "invalid_field"
    [message] = error["fields"]["supporter.street_address"]
    assert "Wera Hobhouse" in message
    assert _submissions(app) == []


@pytest.mark.usefixtures("gb_members")
@pytest.mark.parametrize("address", [12, "a\tb", "\n".join(["line"] * 7), "x" * 301])
def test_a_bad_street_address_is_refused(app, client, auth, address):
    response = client.post(URL, headers=auth,
                           json={"supporter": {**BATH, "street_address": address}})
    assert response.status_code == 422, response.get_json()
    assert "supporter.street_address" in response.get_json()["error"]["fields"]
    assert _submissions(app) == []


@pytest.mark.usefixtures("gb_members")
def test_the_address_goes_into_the_mps_letter_only(app, client, auth):
    address = "3 Pulteney Bridge\r\nBath BA2 4AT"
    response = client.post(URL, headers=auth,
                           json={"supporter": {**BATH, "street_address": address}})
    assert response.status_code == 202, response.get_json()
    [submission] = _submissions(app)
    letters = {letter.target_id: letter.body for letter in submission.pending()}
    assert "Jane Doe\n3 Pulteney Bridge\nBath BA2 4AT" in letters["t:gb-mp-bath"]
    others = [body for target, body in letters.items() if target != "t:gb-mp-bath"]
    assert others and not any("Pulteney" in body for body in others)
