"""A German supporter and their 96 members of the European Parliament, from the real MEP file:
three ticked in turn, the others one click away, filtered by group, committee and name, ticked
all or none, and the letter going to exactly the members chosen (issue 23)."""

from __future__ import annotations

import csv
import re

import pytest
from playwright.sync_api import expect

from representatives.importers import IMPORTERS
from tests.webapp.flow import SLUG
from webapp.app_state import app_state


@pytest.fixture
def german_meps(live_app, shared_data) -> dict[str, dict[str, str]]:
    """The real file imported into the live app; Germany's members by target id."""
    path = shared_data / "eu-parliament-meps" / "meps.csv"
    with live_app.session() as session:
        report = IMPORTERS["ep-meps-csv"](session, path)
        assert report.ok, report.rejected[:3]
        session.commit()
    app_state(live_app.app).directory.refresh()
    with open(path, encoding="utf-8") as handle:
        return {f"mep:{row['epid']}": row for row in csv.DictReader(handle)
                if row["country"] == "de"}


def start_as_german_supporter(page):
    page.goto(f"/c/{SLUG}?lang=en")
    form = page.locator("form.supporter")
    form.locator("[name=name]").fill("Jane Doe")
    form.locator("[name=email]").fill("jane@example.org")
    form.locator("select[name=country]").select_option("DE")
    form.get_by_role("button", name="Show my representatives and letters").click()
    expect(page.locator("form.letters")).to_be_visible()


def ids(locator) -> set[str]:
    return {element.get_attribute("data-target") for element in locator.all()}


@pytest.mark.browser
def test_german_supporter_chooses_meps_by_group_committee_and_name(page, german_meps):
    assert len(german_meps) == 96
    start_as_german_supporter(page)
    letter = page.locator(".shared-letter").filter(
        has=page.locator('article.target[data-target^="mep:"]'))
    ticked = letter.locator("article.target")
    expect(ticked).to_have_count(3)
    expect(ticked.locator("input.target-toggle:checked")).to_have_count(3)
    others = letter.locator("details.others")
    rows = others.locator("li.target")
    expect(others.locator("summary")).to_have_text("Choose others (93 more)")
    expect(rows).to_have_count(93)
    assert ids(ticked) | ids(rows) == set(german_meps)
    # Folded away until asked for.
    expect(rows.first).to_be_hidden()
    others.locator("summary").click()
    expect(rows.first).to_be_visible()
    expect(others.locator(".filter")).to_be_visible()

    # By group: only the Greens/EFA members, each row saying so.
    greens = {i for i, row in german_meps.items() if row["eugroup"] == "Greens/EFA"}
    others.locator("select.filter-group").select_option("Greens/EFA")
    shown = others.locator("li.target:visible")
    expect(shown).to_have_count(len(greens - ids(ticked)))
    assert ids(shown) == greens - ids(ticked)
    for row in shown.all():
        expect(row).to_contain_text("Greens/EFA")

    # And by committee: the Greens on the Industry, Research and Energy committee.
    committee = others.locator("select.filter-committee")
    expect(committee.locator('option[value="ITRE"]')).to_have_text(
        "ITRE: Industry, Research and Energy")
    committee.select_option("ITRE")
    on_itre = {i for i in greens if german_meps[i]["ITRE"]} - ids(ticked)
    assert on_itre, "the file has German Greens on ITRE"
    expect(shown).to_have_count(len(on_itre))
    assert ids(shown) == on_itre
    expect(shown.first).to_contain_text("ITRE")

    # "Select all shown" ticks those and no one else; "Select none" unticks everyone.
    others.get_by_role("button", name="Select all shown").click()
    checked = letter.locator("input.target-toggle:checked")
    expect(checked).to_have_count(3 + len(on_itre))
    others.get_by_role("button", name="Select none").click()
    expect(checked).to_have_count(0)
    expect(letter).to_have_class(re.compile(r"\bunselected\b"))

    # By name: one member, found by part of their family name, ignoring case.
    committee.select_option("")
    others.locator("select.filter-group").select_option("")
    expect(others.locator("li.target:visible")).to_have_count(93)
    chosen = sorted(ids(rows))[0]
    family = german_meps[chosen]["last_name"]
    same_name = {i for i in ids(rows) if family.lower() in german_meps[i]["first_name"].lower()
                 + " " + german_meps[i]["last_name"].lower()}
    others.locator("input.filter-name").fill(family.lower())
    expect(shown).to_have_count(len(same_name))
    others.locator(f'li.target[data-target="{chosen}"] input.target-toggle').check()
    # And one of the three the page ticked, ticked again.
    first_ticked = sorted(ids(ticked))[0]
    letter.locator(f'article.target[data-target="{first_ticked}"] input.target-toggle').check()
    expect(checked).to_have_count(2)
    expect(letter).not_to_have_class(re.compile(r"\bunselected\b"))

    page.locator("#draft").click()
    drafts = page.locator('article.draft[data-target^="mep:"]')
    expect(drafts).to_have_count(2)
    assert ids(drafts) == {chosen, first_ticked}
    for target in (chosen, first_ticked):
        expect(page.locator(f'article.draft[data-target="{target}"]')).to_contain_text(
            german_meps[target]["email"])
