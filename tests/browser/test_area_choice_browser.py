"""Finding one's own representative in a real browser: by postcode where a postcode table is
loaded, and by choosing one's constituency from the list where none is."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from representatives.importers import IMPORTERS
from tests.webapp.flow import SLUG
from webapp.app_state import app_state

# Members of the House of Commons as a campaign's own sheet gives them: a constituency each,
# and no UK postcode table in the data.
CONSTITUENCIES = [  # (member, constituency)
    ("Wera Hobhouse", "Bath"), ("Llinos Medi", "Ynys Môn"), ("Stephen Kinnock", "Aberavon"),
    ("Jeremy Hunt", "Godalming and Ash"), ("Alistair Carmichael", "Orkney and Shetland"),
    ("Daisy Cooper", "St Albans"), ("Rachel Reeves", "Leeds West and Pudsey"),
    ("Keir Starmer", "Holborn and St Pancras"), ("Ed Davey", "Kingston and Surbiton"),
    ("Caroline Voaden", "South Devon"), ("Ian Murray", "Edinburgh South"),
    ("Liz Saville Roberts", "Dwyfor Meirionnydd"),
]
COMMONS_CSV = "name,kind,role,body,country,area,email\n" + "".join(
    f"{name},mp,Member of Parliament,House of Commons,GB,{area},"
    f"{name.split()[0].lower()}@commons.example.org\n"
    for name, area in CONSTITUENCIES
)


def start(page, country: str, postcode: str = ""):
    page.goto(f"/c/{SLUG}?lang=en")
    form = page.locator("form.supporter")
    form.locator("[name=name]").fill("Jane Doe")
    form.locator("[name=email]").fill("jane@example.org")
    form.locator("select[name=country]").select_option(country)
    if postcode:
        form.locator("[name=postcode]").fill(postcode)
    form.get_by_role("button", name="Show my representatives and letters").click()


def house_members(page):
    return page.locator('article.target[data-target^="t:us-rep"]')


@pytest.mark.browser
def test_postcode_finds_the_one_representative(page):
    start(page, "US", "94110")
    expect(page.locator("form.letters")).to_be_visible()
    expect(house_members(page)).to_have_count(1)
    member = page.locator('article.target[data-target="t:us-rep-12"]')
    expect(member).to_contain_text("Robin Diaz")
    expect(member).to_contain_text("Chosen because your postcode is in CA-12.")
    expect(member.locator("input.target-toggle")).to_be_checked()
    expect(page.locator("#field-area")).to_have_count(0)


@pytest.mark.browser
def test_postcode_across_districts_chooses_one(page):
    start(page, "US", "94999")
    chooser = page.locator("#field-area select")
    expect(chooser.locator("option")).to_have_text(["Choose from 2", "California 11",
                                                    "California 12"])
    chooser.select_option(label="California 11")
    page.get_by_role("button", name="Show my representatives and letters").click()
    expect(house_members(page)).to_have_count(1)
    expect(page.locator('article.target[data-target="t:us-rep-11"]')).to_contain_text(
        "Casey Kim")


@pytest.mark.browser
def test_constituency_chosen_from_the_list_gets_its_mps_letter(page, live_app, tmp_path):
    sheet = tmp_path / "commons.csv"
    sheet.write_text(COMMONS_CSV, encoding="utf-8")
    with live_app.session() as session:
        assert IMPORTERS["generic-csv"](session, sheet, source="commons-sheet").ok
        session.commit()
    app_state(live_app.app).directory.refresh()

    start(page, "GB")
    field = page.locator("#field-area")
    expect(field).to_contain_text("Please choose it from the list")
    options = field.locator("select option")
    expect(options).to_have_count(13)  # "Choose from 12" and the constituencies, by name
    expect(options.nth(1)).to_have_text("Aberavon")
    expect(options.nth(12)).to_have_text("Ynys Môn")
    expect(page.locator("[name=name]")).to_have_value("Jane Doe")  # kept

    # The search box (JavaScript) narrows the list; one left is chosen.
    search = field.locator("input.area-filter")
    expect(search).to_be_visible()
    search.fill("ynys mon")
    expect(field.locator("select option:not([hidden])")).to_have_count(2)
    expect(field.locator("select")).to_have_value("Ynys Môn")
    page.get_by_role("button", name="Show my representatives and letters").click()

    expect(page.locator("form.letters")).to_be_visible()
    members = page.locator("article.target").filter(has_text="Member of Parliament")
    expect(members).to_have_count(1)
    expect(members).to_contain_text("Llinos Medi")
    expect(members).to_contain_text("Chosen for your constituency or district, Ynys Môn.")
    expect(page.get_by_text("Stephen Kinnock")).to_have_count(0)

    # MPs read letters only from their constituents: the address goes below the name.
    page.locator("[name=street_address]").fill("1 Stryd Fawr\nLlangefni")
    page.locator("#draft").click()
    letter = page.locator(".draft").filter(has_text="llinos@commons.example.org")
    expect(letter).to_have_count(1)
    expect(letter).to_contain_text("Jane Doe")
