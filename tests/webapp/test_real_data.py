"""The supporter's way on the real public data sets in ../shared/data."""

from __future__ import annotations

import csv

import pytest
from click.testing import Result

from tests.apps import make_config, migrate
from webapp import create_app
from webapp.app_state import app_state

from .flow import letters_form, step_one, step_two
from .pages import text


@pytest.fixture(scope="module")
def real_app(tmp_path_factory, shared_data):
    base = tmp_path_factory.mktemp("real")
    app = create_app(make_config(base, f"sqlite:///{base / 'app.sqlite3'}"))
    migrate(app)
    runner = app.test_cli_runner()
    for args in (
        ["reps", "import", "default"],
        ["reps", "import", "ep-meps-csv", str(shared_data / "eu-parliament-meps/meps.csv")],
        ["reps", "import", "us-legislators",
         str(shared_data / "us-congress-legislators/legislators-current.yaml")],
        ["reps", "import", "us-zccd", str(shared_data / "us-zip-to-district/zccd.csv")],
    ):
        result: Result = runner.invoke(args=args)
        assert result.exit_code == 0, result.output
    yield app
    app_state(app).database.dispose()


def test_dutch_supporter_gets_every_dutch_mep_with_a_dutch_letter(real_app, shared_data):
    with open(shared_data / "eu-parliament-meps/meps.csv", encoding="utf-8") as handle:
        dutch = [row for row in csv.DictReader(handle) if row["country"] == "nl"]
    client = real_app.test_client()
    response = step_one(client)
    assert response.status_code == 200, text(response)
    fields = letters_form(response)
    assert len([k for k, _ in fields if k.endswith("-targets")]) == len(dutch)
    # One text for all of them, each opening with their own salutation.
    [body] = [v for k, v in fields if k.endswith("-body")]
    assert "Jane Doe" in body and "Europese" in body
    assert text(response).count("Opens with: Geachte") == len(dutch)
    draft = text(step_two(client, fields, action="draft"))
    assert draft.count("@europarl.europa.eu") >= len(dutch)


def test_british_supporter_sees_ministers_with_cited_inbox(real_app):
    page = text(step_one(real_app.test_client(), country="GB"))
    assert "Government and summit delegation" in page
    assert "enquiries@dsit.gov.uk" in page


def test_us_zip_gives_house_member_and_senators_by_contact_form(real_app, shared_data):
    client = real_app.test_client()
    response = step_one(client, country="US", postcode="94110")
    page = text(response)
    assert response.status_code == 200, page
    assert page.count('class="target"') == 3  # one representative, two senators
    assert "cannot send this letter for you" in page
    draft = text(step_two(client, letters_form(response), action="draft"))
    # Members of Congress take no e-mail: each gets a contact form link or a postal address.
    assert "mailto:" not in draft
    assert draft.count("Open the contact form") + draft.count("can be reached by post") == 3


def test_person_without_channel_is_shown_but_not_ticked(real_app):
    response = step_one(real_app.test_client(), country="GB")
    page = text(response)
    # The UK AI Security Institute's director is in the data without any cited contact.
    assert "Kier Beaumont" in page and "We have no way to reach this person yet." in page
    ticked = [v for k, v in letters_form(response) if k.endswith("-targets")]
    assert ticked and not any("kier-beaumont" in v for v in ticked)
