"""The supporter's way on the real public data sets in ../shared/data."""

from __future__ import annotations

import csv
import re

import pytest
from click.testing import Result

from tests.apps import make_config, migrate
from webapp import create_app
from webapp.app_state import app_state

from .flow import STREET_ADDRESS, letters_form, step_one, step_two
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


def test_dutch_supporter_gets_three_dutch_meps_ticked_of_all_listed(real_app, shared_data):
    with open(shared_data / "eu-parliament-meps/meps.csv", encoding="utf-8") as handle:
        dutch = [row for row in csv.DictReader(handle) if row["country"] == "nl"]
    client = real_app.test_client()
    response = step_one(client)
    assert response.status_code == 200, text(response)
    page = text(response)
    fields = letters_form(response)
    # Three ticked, in turn; every Dutch MEP listed, the rest one click away.
    meps = [v for k, v in fields if k.endswith("-targets") and v.startswith("mep:")]
    assert len(meps) == 3
    assert len(set(re.findall(r'data-target="(mep:[^"]+)"', page))) == len(dutch)
    assert f"Choose others ({len(dutch) - 3} more)" in page
    # One text for all of them, each opening with their own salutation.
    mep_group = next(k.split("-")[1] for k, v in fields if v == meps[0])
    [body] = [v for k, v in fields if k == f"groups-{mep_group}-body"]
    assert "Jane Doe" in body and "Europese" in body
    assert page.count("Opens with: Geachte") >= 3
    draft = text(step_two(client, fields, action="draft"))
    assert draft.count("@europarl.europa.eu") >= 3


def test_british_supporter_sees_ministers_with_cited_inbox(real_app):
    page = text(step_one(real_app.test_client(), country="GB"))
    assert "Government and summit delegation" in page
    assert "enquiries@dsit.gov.uk" in page


def test_us_zip_gives_house_member_and_senators_by_contact_form(real_app, shared_data):
    client = real_app.test_client()
    response = step_one(client, country="US", postcode="94110")
    page = text(response)
    assert response.status_code == 200, page
    fields = letters_form(response)
    # One representative and two senators (bioguide ids), beside the government's offices.
    bioguide = re.compile(r"us:[A-Z]\d{6}")
    congress = {v for k, v in fields if k.endswith("-targets") and bioguide.fullmatch(v)}
    assert len(congress) == 3
    assert "cannot send this letter for you" in page
    only_congress = [(k, v) for k, v in fields if not k.endswith("-targets") or v in congress]
    draft = text(step_two(client, only_congress, action="draft", changes=STREET_ADDRESS))
    # Members of Congress take no e-mail: each gets a contact form link or a postal address,
    # and each letter carries the supporter's street address below their name.
    assert not re.search(r'mailto:[^?"]', draft)  # the share step's mailto: has no recipient
    letters = draft.split('<article class="draft"')[1:]
    assert len(letters) == 3
    assert all("Open the contact form" in letter or 'class="printable"' in letter
               for letter in letters)
    assert all("Jane Doe\n12 Example Street\nSan Francisco, CA 94110" in letter
               for letter in letters)


def test_an_office_with_no_channel_at_all_is_not_offered(real_app):
    response = step_one(real_app.test_client(), country="GB")
    page = text(response)
    # The Prime Minister's office is in the data, but no source gave a channel a letter can
    # take: offering it would be a dead end.
    assert 'data-target="gb:secretary-of-state-dsit"' in page
    assert 'data-target="gb:prime-minister"' not in page
    assert "We have no way to reach this person yet." not in page
