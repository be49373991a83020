"""Choosing one's constituency: where no postcode table finds it (members of parliament
imported with an area only), and where a postcode lies in several districts."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from webapp.app_state import app_state
from webapp.models import Submission

from .area_data import gb_members  # noqa: F401 (a fixture)
from .flow import STREET_ADDRESS, letters_form, step_one, step_two
from .pages import text


def options(page: str) -> list[tuple[str, str]]:
    chooser = re.search(r'<select id="area" name="area".*?</select>', page, re.S).group(0)
    return re.findall(r'<option value="([^"]+)"[^>]*>([^<]+)</option>', chooser)


@pytest.mark.usefixtures("gb_members")
def test_supporter_without_postcode_table_chooses_their_constituency(app, client):
    response = step_one(client, country="GB", town="Bath")
    page = text(response)
    assert response.status_code == 200, page
    # Step one again, as they filled it in, with the list sorted by name.
    assert 'value="Jane Doe"' in page and 'value="Bath"' in page
    assert options(page) == [("Aberavon", "Aberavon"), ("Bath", "Bath"),
                             ("Ynys Môn", "Ynys Môn")]
    assert "Please choose it from the list" in page
    assert "cannot yet tell which one is yours" not in page

    response = step_one(client, country="GB", area="Ynys Môn")
    page = text(response)
    assert response.status_code == 200, page
    assert "Llinos Medi" in page and "Sam Taylor" in page
    assert "Wera Hobhouse" not in page and "Stephen Kinnock" not in page
    assert "Chosen for your constituency or district, Ynys Môn." in page
    fields = letters_form(response)
    assert ("area", "Ynys Môn") in fields  # carried to step two under the seal
    assert "t:gb-mp-ynys" in {v for k, v in fields if k.endswith("-targets")}

    assert step_two(client, fields, action="send",
                    changes=STREET_ADDRESS).status_code == 200
    with app_state(app).database.session_factory() as session:
        [submission] = session.scalars(select(Submission)).all()
        assert {letter.to_address for letter in submission.pending()} == {
            "llinos@commons.example.org", "minister@dsit.example.org"}


@pytest.mark.usefixtures("gb_members")
def test_unknown_constituency_is_refused_with_the_list_again(client):
    response = step_one(client, country="GB", area="Atlantis", name="Kept Name")
    page = text(response)
    assert response.status_code == 422
    assert "Please choose your constituency or district from the list." in page
    assert 'value="Kept Name"' in page
    assert [label for label, _ in options(page)] == ["Aberavon", "Bath", "Ynys Môn"]


@pytest.mark.usefixtures("gb_members")
def test_area_changed_on_step_two_is_checked_again(client):
    fields = letters_form(step_one(client, country="GB", area="Bath"))
    response = step_two(client, fields, action="draft", changes={"area": "Atlantis"})
    page = text(response)
    assert response.status_code == 422
    assert "Please choose your constituency or district from the list." in page
    assert options(page)
    # Emptied: the list again, not letters without a member of parliament.
    response = step_two(client, fields, action="draft", changes={"area": ""})
    assert response.status_code == 422
    assert "Please choose your constituency or district." in text(response)


def test_postcode_across_districts_chooses_among_its_candidates(app, client):
    response = step_one(client, country="US", postcode="94999")
    page = text(response)
    assert response.status_code == 200, page
    assert options(page) == [("CA-11", "California 11"), ("CA-12", "California 12")]
    assert "Your postcode lies in more than one constituency or district" in page

    response = step_one(client, country="US", postcode="94999", area="CA-12")
    page = text(response)
    assert response.status_code == 200, page
    assert "Robin Diaz" in page and "Jordan Lee" in page and "Casey Kim" not in page
    ticked = {v for k, v in letters_form(response) if k.endswith("-targets")}
    assert {"t:us-rep-12", "t:us-senator"} <= ticked

    # A district the postcode is not in.
    response = step_one(client, country="US", postcode="94110", area="CA-11")
    assert response.status_code == 200  # one district: nothing to choose, the area unused
    assert "Robin Diaz" in text(response)
    response = step_one(client, country="US", postcode="94999", area="NV-1")
    assert response.status_code == 422
    assert options(text(response)) == [("CA-11", "California 11"), ("CA-12", "California 12")]
