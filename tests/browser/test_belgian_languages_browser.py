"""A Belgian supporter reading French, with the real file of MEPs imported: French letters to the
MEPs the French-speaking electoral college elected, Dutch and German to the others, in Chromium."""

from __future__ import annotations

import csv
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from representatives.belgium import college_language
from representatives.importers import IMPORTERS
from tests.apps import migrate_database
from tests.conftest import SHARED_DATA, require_or_skip
from tests.webapp.flow import SLUG, supporter
from webapp.app_state import app_state
from webapp.models import Submission

MEPS_CSV = SHARED_DATA / "eu-parliament-meps" / "meps.csv"


def _belgian_meps() -> dict[str, tuple[str | None, str]]:
    """Belgian MEPs of the file: target id -> (their college's language, gender)."""
    with MEPS_CSV.open(encoding="utf-8", newline="") as handle:
        return {f"mep:{row['epid']}": (college_language(row["epid"], row["party"]), row["gender"])
                for row in csv.DictReader(handle) if row["country"] == "be"}


def _import_meps(app) -> None:
    with app_state(app).database.session_factory() as session:
        report = IMPORTERS["ep-meps-csv"](session, MEPS_CSV)
        assert report.ok and report.written, report.rejected
        session.commit()


@pytest.fixture(scope="module")
def meps_template(tmp_path_factory):
    require_or_skip(MEPS_CSV.is_file(), f"the public data file {MEPS_CSV} is absent")
    base = tmp_path_factory.mktemp("belgian-meps")
    path = base / "meps.sqlite3"
    migrate_database(base, f"sqlite:///{path}", _import_meps)
    return path


@pytest.fixture
def sqlite_template(meps_template):
    """The live app (tests/browser/conftest.py) on the real MEPs."""
    return meps_template


@pytest.mark.browser
def test_belgian_supporter_in_french_writes_french_to_french_speaking_meps(page, live_app):
    meps = _belgian_meps()
    data = supporter(country="BE", town="Liège")
    page.goto(f"/c/{SLUG}?lang=fr")
    form = page.locator("form.supporter")
    for name in ("name", "email", "town", "own_words"):
        form.locator(f"[name={name}]").fill(data[name])
    form.locator("select[name=country]").select_option("BE")
    form.locator("button[type=submit]").click()
    expect(page.locator("form.letters")).to_be_visible()

    # Belgium's MEPs: one letter per language, each under its language's name in French, the
    # supporter's own first and open.
    letters = page.locator(".shared-letter")
    expect(letters).to_have_count(3)
    assert [letters.nth(i).get_attribute("data-language") for i in range(3)] == ["fr", "nl", "de"]
    expect(letters.locator("h3.letter-language")).to_have_text(
        [re.compile(r"\bfrançais$"), re.compile(r"\bnéerlandais$"), re.compile(r"\ballemand$")])
    french, dutch, german = letters.nth(0), letters.nth(1), letters.nth(2)
    expect(french.locator("textarea[name$=body]")).to_be_visible()
    expect(french.locator("textarea[name$=body]")).to_have_attribute("lang", "fr")
    expect(french.locator("textarea[name$=body]")).to_contain_text(
        "la Commission européenne et le Conseil")
    expect(dutch.locator("textarea[name$=body]")).to_contain_text(
        "de Europese Commissie en de Raad")

    # Ticked in turn among the MEPs the French-speaking college elected, greeted as French
    # protocol has it; none of the others is ticked.
    ticked = french.locator("input.target-toggle:checked")
    expect(ticked).to_have_count(3)
    chosen = [ticked.nth(i).get_attribute("value") for i in range(3)]
    assert all(meps[target][0] == "fr" for target in chosen), chosen
    for target in chosen:
        greeting = "Madame la Députée," if meps[target][1] == "F" else "Monsieur le Député,"
        expect(french.locator(f'article.target[data-target="{target}"] .salutation')
               ).to_contain_text(greeting)
    expect(dutch.locator("input.target-toggle:checked")).to_have_count(0)
    # The German-speaking college's one MEP has a letter in German of his own, not ticked.
    arimont = german.locator('article.target[data-target="mep:24922"]')
    expect(arimont.locator(".salutation")).to_contain_text("Sehr geehrter Herr Arimont,")
    expect(arimont.locator("input.target-toggle")).not_to_be_checked()

    page.locator("input#send").click()
    expect(page.locator("h1[data-letters-done=sent]")).to_be_visible()
    with live_app.session() as session:
        letters_sent = session.scalars(select(Submission)).one().pending()
    assert sorted(letter.target_id for letter in letters_sent) == sorted(chosen)
    for letter in letters_sent:
        greeting = "Madame la Députée," if meps[letter.target_id][1] == "F" else \
            "Monsieur le Député,"
        assert letter.body.startswith(greeting + "\n")
        assert "la Commission européenne et le Conseil" in letter.body
        assert letter.to_address.endswith("@europarl.europa.eu")
