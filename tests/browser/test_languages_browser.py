"""Supporters from Japan, Korea, Brazil and the United Arab Emirates each get their government's
letter in its language, in Chromium; the Arabic one right to left, on step two and the draft."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from letters.templates import DEFAULT_ROOT, load_campaign_dir
from representatives.tables import ContactDetail, Membership, Organization, Person
from tests.apps import migrate_database
from tests.webapp.data import SOURCE, load_test_directory
from tests.webapp.flow import SLUG
from webapp.app_state import app_state

from .test_supporter_browser import send_step_one

TEMPLATES = load_campaign_dir(DEFAULT_ROOT / SLUG).templates
# (country, target id, language of its government's letters)
GOVERNMENTS = [
    ("JP", "t:jp-delegate", "ja"),  # in the shared test data
    ("KR", "t:kr-minister", "ko"),
    ("BR", "t:br-minister", "pt-br"),
    ("AE", "t:ae-minister", "ar"),
]


def _governments(app) -> None:
    """The web tests' directory, and a made-up minister for Korea, Brazil and the UAE."""
    load_test_directory(app)
    with app_state(app).database.session_factory() as session:
        for country, target, language in GOVERNMENTS[1:]:
            org = f"t:{country.lower()}-ministry"
            session.add(Organization(id=org, name=f"Ministry ({country})",
                                     classification="ministry", country=country,
                                     source=SOURCE))
            session.add(Person(id=target, name=f"Minister of {country}", by_title=True,
                               source=SOURCE))
            session.flush()
            session.add(Membership(
                id=f"{target}@{org}", person_id=target, organization_id=org, kind="minister",
                role="Minister", country=country, language=language.replace("-br", "-BR"),
                source=SOURCE, source_url="https://gov.example.org/", verified_on=date(2026, 12, 3),
            ))
            session.add(ContactDetail(
                person_id=target, kind="email", value=f"minister@{country.lower()}.example.org",
                source=SOURCE, source_url="https://gov.example.org/contact",
                verified_on=date(2026, 12, 3), stored_copy=True,
            ))
        session.commit()


@pytest.fixture(scope="module")
def governments_template(tmp_path_factory):
    base = tmp_path_factory.mktemp("governments")
    path = base / "governments.sqlite3"
    migrate_database(base, f"sqlite:///{path}", _governments)
    return path


@pytest.fixture
def sqlite_template(governments_template):
    """The live app (tests/browser/conftest.py) on this module's directory."""
    return governments_template


@pytest.mark.browser
@pytest.mark.parametrize(("country", "target", "language"), GOVERNMENTS)
def test_a_supporter_gets_their_governments_letter_in_its_language(page, country, target,
                                                                   language):
    assert TEMPLATES[language].needs_review  # a translation, marked for a native reader
    send_step_one(page, country=country, town="Somewhere")

    letter = page.locator(".shared-letter").filter(
        has=page.locator(f'article.target[data-target="{target}"]'))
    expect(letter).to_have_count(1)
    subject = letter.locator("input[name$=subject]")
    # The subject is one of the template's wordings ("[[one|other|third]]").
    wordings = TEMPLATES[language].subject.removeprefix("[[").removesuffix("]]").split("|")
    chosen = subject.input_value()
    assert chosen in wordings
    body = letter.locator("textarea[name$=body]")
    expect(body).to_have_attribute("dir", "auto")
    direction = "rtl" if language == "ar" else "ltr"
    # The browser takes the direction from the text itself: Arabic runs right to left.
    assert body.evaluate("element => getComputedStyle(element).direction") == direction

    page.get_by_role("button", name="Open in my mail app").click()
    draft = page.locator("article.draft").filter(
        has=page.locator(f'[href*="{country.lower()}.example.org"], [href*="mofa.example.org"]'))
    expect(draft).to_have_count(1)
    expect(draft.locator("textarea")).to_have_attribute("dir", direction)
    expect(draft.locator(".subject")).to_have_text(chosen)
