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


def test_german_supporter_can_read_and_choose_meps_by_group_without_javascript(
        real_app, shared_data):
    with open(shared_data / "eu-parliament-meps/meps.csv", encoding="utf-8") as handle:
        german = {f"mep:{row['epid']}": row for row in csv.DictReader(handle)
                  if row["country"] == "de"}
    client = real_app.test_client()
    response = step_one(client, country="DE")
    page = text(response)
    assert response.status_code == 200, page
    fields = letters_form(response)
    ticked = [v for k, v in fields if k.endswith("-targets") and v.startswith("mep:")]
    assert len(ticked) == 3
    assert "Choose others (93 more)" in page
    # The filters (shown by the script) offer the groups and committees of those listed.
    assert '<option>Greens/EFA</option>' in page and '<option>Non-attached</option>' in page
    assert '<option value="ITRE">ITRE: Industry, Research and Energy</option>' in page
    assert '<abbr title="Industry, Research and Energy">ITRE</abbr>' in page
    # Every row says the member's group, and their committees, for a reader without script.
    other = next(i for i in sorted(german) if i not in ticked)
    row = page[page.index(f'data-target="{other}"'):]
    row = row[:row.index("</li>")]
    group = {"NA": "Non-attached", "S&D": "S&amp;D"}.get(german[other]["eugroup"],
                                                         german[other]["eugroup"])
    assert f'data-group="{group}"' in row
    assert f'<span class="political-group">{group}</span>' in row
    # Ticking one of the others without the script: the letter goes to them alone.
    [targets_name] = {k for k, v in fields if v == ticked[0]}
    chosen = [(k, v) for k, v in fields if not (k == targets_name and v.startswith("mep:"))]
    draft = text(step_two(client, chosen + [(targets_name, other)], action="draft"))
    assert german[other]["email"] in draft
    assert not any(german[i]["email"] in draft for i in ticked)


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


def _shared_letters(page: str) -> list[tuple[str, str]]:
    """(language, form group) of each shared letter on step two, in the page's order."""
    return re.findall(r'class="shared-letter"[^>]*data-language="([\w-]+)">.*?'
                      r'name="(groups-\d+)-recipients"', page, flags=re.DOTALL)


def test_belgian_supporter_reading_french_writes_french_to_the_french_speaking_meps(
        real_app, shared_data):
    from representatives.belgium import college_language

    with open(shared_data / "eu-parliament-meps/meps.csv", encoding="utf-8") as handle:
        belgian = [row for row in csv.DictReader(handle) if row["country"] == "be"]
    college = {f"mep:{row['epid']}": college_language(row["epid"], row["party"])
               for row in belgian}
    gender = {f"mep:{row['epid']}": row["gender"] for row in belgian}
    client = real_app.test_client()
    response = step_one(client, lang="fr", country="BE", town="Liège")
    page = text(response)
    assert response.status_code == 200, page
    fields = letters_form(response)
    meps = [(language, group) for language, group in _shared_letters(page)
            if any(k == f"{group}-targets" and v.startswith("mep:") for k, v in fields)
            or any(k == f"{group}-recipients" and "mep:" in v for k, v in fields)]
    # One letter per college's language, the supporter's own first, each under its language.
    assert [language for language, _ in meps] == ["fr", "nl", "de"]
    # The language in the page's words (the heading's own words come with the catalogues).
    headings = re.findall(r'<h3 class="letter-language">([^<]*)</h3>', page)
    assert [h.split()[-1] for h in headings[:3]] == ["français", "néerlandais", "allemand"]
    groups = dict(meps)
    ticked = {v for k, v in fields if k == f"{groups['fr']}-targets"}
    assert len(ticked) == 3 and {college[t] for t in ticked} == {"fr"}
    assert not [v for k, v in fields if k.endswith("-targets") and v.startswith("mep:")
                and v not in ticked]
    [body] = [v for k, v in fields if k == f"{groups['fr']}-body"]
    assert "la Commission européenne et le Conseil" in body and "Jane Doe" in body
    [dutch] = [v for k, v in fields if k == f"{groups['nl']}-body"]
    assert "de Europese Commissie en de Raad" in dutch
    # Each ticked MEP is greeted as French protocol has it, by office and gender.
    opens = dict(re.findall(r'<article class="target" data-target="(mep:\d+)">.*?'
                            r'class="salutation">[^<]*?(M\w+ l\w Député\w?,)', page,
                            flags=re.DOTALL))
    assert opens == {t: "Madame la Députée," if gender[t] == "F" else "Monsieur le Député,"
                     for t in ticked}
